"""Runs every case of corpus.py through the real `jifen check` (in-process CLI) and
asserts its exact errors (file, line, code), its warnings, its exit code, and that no
traceback or raw control character ever reaches the terminal."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from corpus import CASES, Case
from ledgerkit import make_branch

from jifen_cli.cli.app import _register_all, app

_register_all()

#: ``file:line:col: [警告 ]CODE message`` (line and column absent for file-level problems)
LINE = re.compile(r"^(?P<file>[^:\s]+?)(?::(?P<line>\d+)(?::(?P<col>\d+))?)?: (?:警告 )?(?P<code>[EW]\d{3}) ")


def run_check(root, only=()):
    args = ["-C", str(root), "check"]
    for name in only:
        args += ["--only", name]
    return CliRunner().invoke(app, args)


def parse(output: str) -> list[tuple]:
    out = []
    for text in output.splitlines():
        m = LINE.match(text)
        if m:
            out.append((m["file"], int(m["line"]) if m["line"] else None,
                        int(m["col"]) if m["col"] else None, m["code"]))
    return out


def parse_expect(spec: str) -> tuple:
    parts = spec.split(":")
    code = parts[-1]
    file = parts[0]
    line = col = "*"
    if len(parts) >= 3:
        line = None if parts[1] == "-" else int(parts[1])
    if len(parts) >= 4:
        col = None if parts[2] == "-" else int(parts[2])
    return file, line, col, code


def matches(found: tuple, want: tuple) -> bool:
    return all(w == "*" or w == f for f, w in zip(found, want))


def assert_clean_output(result):
    text = result.output
    assert "Traceback" not in text, text
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    # terminal control characters never reach the screen raw
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text), repr(text)


def check_case(case: Case, root) -> None:
    result = run_check(root, case.only)
    assert_clean_output(result)
    found = parse(result.stdout)
    errors = [f for f in found if f[3].startswith("E")]
    wanted = [parse_expect(s) for s in case.expect]
    unmatched = list(errors)
    for want in wanted:
        hit = next((f for f in unmatched if matches(f, want)), None)
        assert hit is not None, f"expected {want} in:\n{result.output}"
        unmatched.remove(hit)
    assert not unmatched, f"unexpected errors {unmatched} in:\n{result.output}"
    for spec in case.warn:
        want = parse_expect(spec)
        assert any(matches(f, want) for f in found), f"expected warning {want} in:\n{result.output}"
    for text in case.contains:
        assert text in result.output, f"expected “{text}” in:\n{result.output}"
    assert result.exit_code == case.exit_code, result.output


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case, tmp_path):
    check_case(case, make_branch(tmp_path, case.files))


def test_corpus_is_large_and_names_are_unique():
    assert len(CASES) >= 60
    assert len({c.name for c in CASES}) == len(CASES)


# ---------------------------------------------------------------- generated cases
def test_fifty_megabyte_file_is_refused_without_reading_it(tmp_path_factory):
    root = make_branch(tmp_path_factory.mktemp("big"))  # on disk: /dev/shm may be small
    big = root / "events" / "2019" / "2019-06.yaml"
    line = b"  - {id: X, date: 2019-06-01, member: M023, item: absent, note: " + b"x" * 200 + b"}\n"
    with open(big, "wb") as f:
        f.write(b"entries:\n")
        chunk = line * 4096
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            f.write(chunk)
    assert big.stat().st_size >= 50 * 1024 * 1024
    check_case(Case("fifty_mb", {}, expect=("events/2019/2019-06.yaml:-:E105",), contains=("20 MB",)), root)


@pytest.mark.parametrize("depth", [200, 20_000])
def test_deeply_nested_flow_collections(tmp_path, depth):
    text = "entries:\n  - " + "[" * depth + "]" * depth + "\n"
    root = make_branch(tmp_path, {"events/2019/2019-05.yaml": text})
    result = run_check(root)
    assert_clean_output(result)
    assert result.exit_code == 1
    assert "events/2019/2019-05.yaml:2:5: E201" in result.stdout if depth <= 100 else "E104" in result.stdout


def test_deeply_nested_block_mappings(tmp_path):
    text = "entries:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 3000))
    root = make_branch(tmp_path, {"events/2019/2019-05.yaml": text})
    result = run_check(root)
    assert_clean_output(result)
    assert result.exit_code == 1


def test_many_aliases_to_one_anchor(tmp_path):
    text = "x: &a 1\nentries:\n" + "".join("  - *a\n" for _ in range(10_000))
    root = make_branch(tmp_path, {"events/2019/2019-05.yaml": text})
    check_case(Case("aliases", {}, expect=("events/2019/2019-05.yaml:E104",)), root)


def test_a_thousand_bad_entries_are_all_reported(tmp_path):
    text = "entries:\n" + "".join(
        f"  - {{id: X{i}, date: 2019-05-{i % 28 + 1:02d}, member: M{i + 100}, item: absent}}\n"
        for i in range(1000))
    root = make_branch(tmp_path, {"events/2019/2019-05.yaml": text})
    result = run_check(root)
    assert_clean_output(result)
    assert result.exit_code == 1
    assert "共发现 1000 个错误" in result.stdout


def test_unreadable_file_is_e101(tmp_path):
    import os

    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    root = make_branch(tmp_path)
    path = root / "events" / "2019" / "2019-01.yaml"
    path.chmod(0)
    try:
        check_case(Case("unreadable", {}, expect=("events/2019/2019-01.yaml:-:E101",),
                        contains=("无法读取",)), root)
    finally:
        path.chmod(0o644)


# ---------------------------------------------------------------- through python -m jifen_cli
SUBPROCESS_CASES = ["billion_laughs", "escape_sequence_in_unknown_member", "duplicate_key_in_branch_yaml"]


def test_some_cases_through_a_real_process(tmp_path):
    import os
    import subprocess
    import sys
    import tempfile

    env = {k: v for k, v in os.environ.items() if k not in ("JIFEN_BRANCH", "JIFEN_DEBUG")}
    by_name = {c.name: c for c in CASES}
    for name in SUBPROCESS_CASES:
        case = by_name[name]
        root = make_branch(tmp_path / name, case.files)
        r = subprocess.run([sys.executable, "-m", "jifen_cli", "-C", str(root), "check"],
                           cwd=tempfile.gettempdir(), env=env, capture_output=True, text=True)
        assert r.returncode == case.exit_code, (name, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr and "\x1b" not in r.stdout + r.stderr, name
        found = parse(r.stdout)
        for spec in case.expect:
            assert any(matches(f, parse_expect(spec)) for f in found), (name, spec, r.stdout)
