"""The results memo (jifen_cli/core/memo.py): a command's answer is reused only when
nothing it depends on changed — every file's content, the branch's file list, the code,
the command line and today's date — and the answer is the one a fresh computation gives."""

import json
import os
import shutil
from pathlib import Path

import pytest

from perfkit import SAMPLE, jifen

from bench.generate import generate_branch, generate_tree
from jifen_cli.core import cache, memo
from jifen_cli.core import rollup as R
from jifen_cli.core.checks import check_branch, check_summary


@pytest.fixture(autouse=True)
def fresh_counters():
    for k in memo.STATS:
        memo.STATS[k] = 0
    yield


@pytest.fixture
def branch(tmp_path):
    root = tmp_path / "b"
    generate_branch(root, members=12, years=2, rate=10, seed=5)
    return root


def month(root, year=2024, m=3):
    return root / "events" / str(year) / f"{year}-{m:02d}.yaml"


def summary(root, only=None):
    """check_summary as a new process would run it (no pack in memory)."""
    cache._memo.clear()
    got = check_summary(root, only)
    cache.flush()
    return got.name, got.members, got.entries, got.evaluations, [d.format() for d in got.diagnostics]


def fresh(root, only=None):
    """The same, computed without any cache."""
    os.environ["JIFEN_NO_CACHE"] = "1"
    try:
        return summary(root, only)
    finally:
        os.environ.pop("JIFEN_NO_CACHE", None)


def hits():
    return memo.STATS["hits"]


def age(path: Path, seconds=60):
    """Make a file look untouched for a while (so its stat signature is trusted)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns - seconds * 10**9, st.st_mtime_ns - seconds * 10**9))


def age_all(root: Path):
    for p in root.rglob("*"):
        if p.is_file() and ".jifen-cache" not in p.parts:
            age(p)


# ------------------------------------------------------------------ hit and identity
def test_second_check_is_a_hit_and_identical(branch):
    first = summary(branch)
    assert hits() == 0 and memo.STATS["stored"] == 1
    assert summary(branch) == first
    assert hits() == 1
    assert first == fresh(branch)


def test_answer_with_errors_and_warnings_is_reused_exactly(branch):
    f = month(branch)
    f.write_text(f.read_text(encoding="utf-8").replace("member: M", "member: X", 1), encoding="utf-8")
    first = summary(branch)
    assert any("E301" in d for d in first[4])
    assert summary(branch) == first == fresh(branch)
    assert hits() == 1


def test_only_selects_its_own_answer(branch):
    whole = summary(branch)
    part = summary(branch, ["members"])
    assert memo.STATS["stored"] == 2 and hits() == 0
    assert summary(branch, ["members"]) == part and summary(branch) == whole
    assert hits() == 2


# ------------------------------------------------------------------ invalidation
@pytest.mark.parametrize("change", ["content", "new_file", "new_unread_file", "delete",
                                    "rename", "rules", "members", "same_size_same_mtime"])
def test_any_change_is_seen(branch, change):
    summary(branch)
    f = month(branch)
    text = f.read_text(encoding="utf-8")
    if change == "content":
        f.write_text(text.replace("member: M", "member: X", 1), encoding="utf-8")
    elif change == "new_file":
        shutil.copy(f, branch / "events" / "2024" / "2024-12.yaml.bak")
        (branch / "events" / "2025").mkdir()
        nxt = branch / "events" / "2025" / "2025-01.yaml"
        nxt.write_text(text.replace("2024-03", "2025-01"), encoding="utf-8")
    elif change == "new_unread_file":
        # a file jifen does not read still changes the branch's file list: a miss
        (branch / "说明.txt").write_text("备注\n", encoding="utf-8")
    elif change == "delete":
        f.unlink()
    elif change == "rename":
        f.rename(branch / "events" / "2024" / "2024-13.yaml")  # E207, a bad file name
    elif change == "rules":
        rules = next((branch / "rules").glob("*.yaml"))
        rules.write_text(rules.read_text(encoding="utf-8") + "\n# 新增注释\n", encoding="utf-8")
    elif change == "members":
        m = branch / "members.yaml"
        m.write_text(m.read_text(encoding="utf-8").replace("name: ", "name: 改", 1), encoding="utf-8")
    elif change == "same_size_same_mtime":
        # the file was just written when the answer was stored, so its stat signature was
        # not trusted: an edit that keeps size and mtime is still seen (by its hash)
        st = f.stat()
        f.write_text(text.replace("member: M0", "member: M9", 1), encoding="utf-8")
        os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
        assert f.stat().st_size == st.st_size
    after = summary(branch)
    assert hits() == 0
    assert after == fresh(branch)


def test_trusted_files_are_not_re_read(branch):
    age_all(branch)
    summary(branch)
    hashed = cache.STATS["hashed"]
    assert summary(branch)[0] and hits() == 1
    assert cache.STATS["hashed"] == hashed  # a hit reads no ledger file at all


def test_code_change_is_a_miss(branch, monkeypatch):
    summary(branch)
    monkeypatch.setattr(memo, "_code_key", "another version of jifen")
    summary(branch)
    assert hits() == 0 and memo.STATS["stored"] == 2


def test_code_key_covers_package_sources_and_templates():
    import jifen_cli
    from jifen_cli.render.common import template_dir

    key = memo.code_key()
    assert len(key) == 32 and key == memo.code_key()
    files = set(memo._walk(Path(jifen_cli.__file__).parent)) | set(memo._walk(template_dir()))
    assert any(f.endswith("engine/scoring.py") for f in files)
    assert any(f.endswith(".yaml") for f in files)  # presets
    assert any(f.endswith(".j2") for f in files)  # templates


@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b"null", b'{"schema": "jifen-memo"}',
                                 "{\"schema\": \"jifen-memo\", \"answer\": 1}".encode()])
def test_corrupt_or_foreign_memo_is_a_miss(branch, raw):
    first = summary(branch)
    for f in (cache.cache_dir(branch) / memo.MEMO_DIR).glob("*.json"):
        f.write_bytes(raw)
    assert summary(branch) == first
    assert hits() == 0


def test_tampered_answer_with_other_inputs_is_a_miss(branch):
    summary(branch)
    f = next((cache.cache_dir(branch) / memo.MEMO_DIR).glob("*.json"))
    record = json.loads(f.read_bytes())
    record["inputs"]["members.yaml"][4] = "0" * 40  # claims another content
    f.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    summary(branch)
    assert hits() == 0


def test_disabled_with_the_cache(branch, monkeypatch):
    monkeypatch.setenv("JIFEN_NO_CACHE", "1")
    summary(branch)
    summary(branch)
    assert memo.STATS == {"hits": 0, "misses": 0, "stored": 0}
    assert not (branch / ".jifen-cache" / memo.MEMO_DIR).exists()


def test_missing_file_answer_ends_when_the_file_comes_back(branch):
    roster = (branch / "members.yaml").read_bytes()
    (branch / "members.yaml").unlink()
    missing = summary(branch)
    assert any("E106" in d for d in missing[4])
    assert summary(branch) == missing and hits() == 1  # the file list is part of the key
    (branch / "members.yaml").write_bytes(roster)
    assert summary(branch) == fresh(branch) != missing
    assert hits() == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_never_memoised(branch):
    f = month(branch)
    f.chmod(0)
    try:
        summary(branch)
        summary(branch)
    finally:
        f.chmod(0o644)
    assert hits() == 0 and memo.STATS["stored"] == 0


def test_file_too_big_to_read_is_never_memoised(branch, monkeypatch):
    from jifen_cli.core import yamlio

    f = month(branch)
    f.write_text(f.read_text(encoding="utf-8") + "#" * 100_000 + "\n", encoding="utf-8")
    monkeypatch.setattr(yamlio, "MAX_FILE_BYTES", 60_000)  # this month file is "too big" (E105)
    first = summary(branch)
    assert any("E105" in d for d in first[4])
    summary(branch)
    assert hits() == 0 and memo.STATS["stored"] == 0


def test_old_answers_are_pruned(branch, monkeypatch):
    monkeypatch.setattr(memo, "KEEP", 3)
    for only in (["members"], ["entries"], ["categories"], ["evaluations"], ["objections"]):
        summary(branch, only)
    assert len(list((cache.cache_dir(branch) / memo.MEMO_DIR).glob("*.json"))) == 3


def test_sample_branch_same_with_and_without_memo(tmp_path):
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".jifen-cache"))
    first = summary(root)
    assert summary(root) == first == fresh(root) and hits() == 1
    ledger, diags = check_branch(root)
    assert first[4] == [d.format() for d in diags]


def test_generated_township_same_with_and_without_memo(tmp_path):
    root = tmp_path / "t"
    generate_branch(root, members=300, years=1, rate=20, seed=3)
    first = summary(root)
    assert summary(root) == first == fresh(root) and hits() == 1


# ------------------------------------------------------------------ reports (whole CLI)
def _copy_sample(tmp_path) -> Path:
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".jifen-cache"))
    return root


@pytest.mark.parametrize("args", [["month", "2019-03"], ["year", "--grade"], ["year", "2019", "-f", "csv"],
                                  ["score", "2019-Q1"], ["rank", "2019", "--by-class"],
                                  ["explain", "M003"], ["quarter", "2019-Q2", "-f", "html"],
                                  ["card", "M003", "-f", "md"]])
def test_reports_from_the_memo_are_identical(tmp_path, args):
    root = _copy_sample(tmp_path)
    env = {"JIFEN_TODAY": "2020-02-01"}
    first = jifen("-C", root, *args, env=env)
    assert first.returncode == 0, first.stderr
    memo_files = list((root / ".jifen-cache" / memo.MEMO_DIR).glob("*.json"))
    assert len(memo_files) == 1
    again = jifen("-C", root, *args, env=env)
    assert (again.returncode, again.stdout, again.stderr) == (0, first.stdout, first.stderr)
    plain = jifen("-C", root, "--no-cache", *args, env=env)
    assert plain.stdout == first.stdout


def test_report_memo_reused_and_invalidated_in_process(tmp_path, monkeypatch):
    from jifen_cli.cli.app import main

    root = _copy_sample(tmp_path)
    monkeypatch.setenv("JIFEN_TODAY", "2020-02-01")

    def run(*args):
        with pytest.raises(SystemExit) as exc:
            main(["-C", str(root), *args])
        assert exc.value.code == 0

    run("month", "2019-03")
    run("month", "2019-03")
    assert hits() == 1
    run("month", "2019-04")  # another question
    assert hits() == 1
    monkeypatch.setenv("JIFEN_TODAY", "2020-02-02")  # the default notice date changes
    run("month", "2019-03")
    assert hits() == 1
    jan = root / "events" / "2019" / "2019-03.yaml"
    jan.write_text(jan.read_text(encoding="utf-8") + "# 补记\n", encoding="utf-8")
    run("month", "2019-03")
    assert hits() == 1 and memo.STATS["stored"] == 4


def test_edited_entry_shows_in_the_next_notice(tmp_path):
    root = _copy_sample(tmp_path)
    env = {"JIFEN_TODAY": "2020-02-01"}
    before = jifen("-C", root, "month", "2019-03", env=env).stdout
    f = root / "events" / "2019" / "2019-03.yaml"
    text = f.read_text(encoding="utf-8")
    note = next(line for line in text.splitlines() if "note:" in line)
    f.write_text(text.replace(note, note.rstrip() + "（已核实）", 1), encoding="utf-8")
    after = jifen("-C", root, "month", "2019-03", env=env).stdout
    assert "已核实" in after and "已核实" not in before


def test_as_of_reports_bypass_the_memo(tmp_path):
    from jifen_cli.cli.app import memoized_report

    calls = []
    assert memoized_report(tmp_path, lambda: calls.append(1) or "x") == "x"  # outside main()
    assert calls == [1] and memo.STATS == {"hits": 0, "misses": 0, "stored": 0}


# ------------------------------------------------------------------ org
def test_org_memo_per_branch(tmp_path):
    dirs, _ = generate_tree(tmp_path / "t", branches=3, members=6, rate=8, seed=4)
    first = R.rollup(dirs, 2024, jobs=1, today="2025-03-01")
    assert memo.STATS["stored"] == 3
    again = R.rollup(dirs, 2024, jobs=1, today="2025-03-01")
    assert hits() == 3 and [b.parsed for b in again.branches] == [0, 0, 0]
    assert R.member_table(again) == R.member_table(first)
    assert R.stats_table(again) == R.stats_table(first)
    assert [(b.name, b.ok, b.errors, b.warnings, b.entries) for b in again.branches] == \
        [(b.name, b.ok, b.errors, b.warnings, b.entries) for b in first.branches]
    f = dirs[1] / "events" / "2024" / "2024-06.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("member: M", "member: Q", 1), encoding="utf-8")
    edited = R.rollup(dirs, 2024, jobs=2, today="2025-03-01")
    assert [b.ok for b in edited.branches] == [True, False, True]
    assert "E301" in edited.branches[1].problem
    again = R.rollup(dirs, 2024, jobs=1, today="2025-03-01")
    assert again.branches[1].problem == edited.branches[1].problem
    assert again.branches[1].errors == edited.branches[1].errors


def test_org_cli_same_with_and_without_memo(tmp_path):
    dirs, _ = generate_tree(tmp_path / "t", branches=3, members=5, rate=8, seed=9)
    out = tmp_path / "a.csv"
    r1 = jifen("org", tmp_path / "t", "-f", "csv", "-o", out)
    assert r1.returncode == 0, r1.stderr
    first = out.read_bytes()
    r2 = jifen("org", tmp_path / "t", "-f", "csv", "-o", out, "--jobs", "2")
    assert r2.returncode == 0 and out.read_bytes() == first
    r3 = jifen("--no-cache", "org", tmp_path / "t", "-f", "csv", "-o", out)
    assert r3.returncode == 0 and out.read_bytes() == first


def test_branch_spelling_is_not_part_of_the_question(tmp_path, monkeypatch):
    from jifen_cli.cli.app import main

    root = _copy_sample(tmp_path)
    monkeypatch.setenv("JIFEN_TODAY", "2020-02-01")
    # `--no-cache` sets JIFEN_NO_CACHE in this process: setenv makes monkeypatch restore it
    monkeypatch.setenv("JIFEN_NO_CACHE", "0")
    monkeypatch.chdir(tmp_path)
    for args in (["-C", str(root), "month", "2019-03"], ["-C", "sample", "month", "2019-03"],
                 ["month", "2019-03", "--branch=sample"], ["--no-cache", "-C", "sample", "month", "2019-03"]):
        with pytest.raises(SystemExit) as exc:
            main(args)
        assert exc.value.code == 0
    assert memo.STATS["stored"] == 1 and hits() == 2  # --no-cache neither reads nor stores


def test_foreign_memo_cannot_point_outside_the_branch(branch, tmp_path):
    summary(branch)
    f = next((cache.cache_dir(branch) / memo.MEMO_DIR).glob("*.json"))
    record = json.loads(f.read_bytes())
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("x: 1\n", encoding="utf-8")
    record["inputs"]["../elsewhere.yaml"] = [-1, -1, -1, -1, cache.content_hash(outside.read_bytes())]
    f.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    summary(branch)
    assert hits() == 0
