"""Fuzzing the reader, the loader, the checks and `jifen check` (issue 7.3).

Hypothesis feeds random bytes, mutated copies of a valid ledger and random YAML
structures to the real pipeline and asserts that only clean diagnostics come out: no
exception other than a :class:`JifenError` carrying Chinese diagnostics, every
diagnostic with a catalogued code, a Chinese message and a one-line, control-free
rendering; through the CLI, exit code 0 or 1 and never a traceback.

The number of examples is shared out between the tests below; the default (2,050) runs
in CI in a few seconds.  A longer run::

    JIFEN_FUZZ_RANDOM=1 JIFEN_FUZZ_EXAMPLES=100000 pytest tests/badinput/test_fuzz.py

(see docs/TESTING.md; a failure prints the smallest input found, and hypothesis keeps it
in .hypothesis/ so the next run tries it first).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledgerkit import FILES, make_branch

from jifen_cli.core.diagnostics import CODES, Diagnostic, JifenError

TOTAL = int(os.environ.get("JIFEN_FUZZ_EXAMPLES", "2050"))
#: CI runs the same examples every time (a red build is then a regression, reproducible
#: from a clean clone); JIFEN_FUZZ_RANDOM=1 explores new ones, as a long run should
RANDOM = os.environ.get("JIFEN_FUZZ_RANDOM", "") not in ("", "0")
#: share of the examples per test (sums to 1)
SHARES = {"bytes": 0.45, "mutated": 0.25, "structures": 0.12, "rules": 0.12, "cli": 0.06}


def fuzz_settings(kind: str):
    return settings(max_examples=max(10, int(TOTAL * SHARES[kind])), deadline=None, derandomize=not RANDOM,
                    suppress_health_check=list(HealthCheck), print_blob=True)


# ------------------------------------------------------------------ what "clean" means
CJK = re.compile(r"[\u4e00-\u9fff]")
RAW_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def assert_clean(diags):
    for d in diags:
        assert isinstance(d, Diagnostic)
        assert re.fullmatch(r"[EW]\d{3}", d.code), d
        assert d.code in CODES or d.code[:2] in ("E5", "E6", "E7", "W5", "W6", "W7"), d
        assert CJK.search(d.message), d
        assert d.line is None or d.line >= 1, d
        text = d.format()
        assert not RAW_CONTROL.search(text), repr(text)


def _fast_tmp() -> str | None:
    """A memory-backed temp directory where there is one: examples write files, and on a
    busy disk each open() costs a millisecond or more."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


class Branch:
    """One branch directory reused by every example of a test (only files change)."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="jifen-fuzz-", dir=_fast_tmp()))
        make_branch(self.root)
        self.pristine = {rel: (self.root / rel).read_bytes() for rel in list(FILES) + ["rules/xingshi.yaml"]}
        self.dirty: set[str] = set()

    def reset(self):
        """Undo the previous example's writes (only those: file writes are the slow part)."""
        for rel in self.dirty:
            path = self.root / rel
            if rel in self.pristine:
                path.write_bytes(self.pristine[rel])
            elif path.exists():
                path.unlink()
        self.dirty.clear()

    def write(self, rel: str, raw: bytes):
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
        self.dirty.add(rel)


_branches: dict[str, Branch] = {}


def branch(kind: str) -> Branch:
    if kind not in _branches:
        _branches[kind] = Branch()
    b = _branches[kind]
    b.reset()
    return b


@pytest.fixture(autouse=True, scope="module")
def _no_cache():
    old = os.environ.get("JIFEN_NO_CACHE")
    os.environ["JIFEN_NO_CACHE"] = "1"  # every example is a cold parse of the real reader
    yield
    if old is None:
        os.environ.pop("JIFEN_NO_CACHE", None)
    else:
        os.environ["JIFEN_NO_CACHE"] = old
    try:
        from jifen_cli.core import cache
        cache.flush()
    except ImportError:
        pass
    for b in _branches.values():
        shutil.rmtree(b.root, ignore_errors=True)
    _branches.clear()
    for d in _tmp_bytes:
        shutil.rmtree(d, ignore_errors=True)
    _tmp_bytes.clear()


def check_clean(root: Path):
    from jifen_cli.core.checks import all_checks, check_branch

    # every check but the audit trail's, which asks git (a process per run) about a
    # directory that is not a repository: the CLI test below runs it too
    only = [name for name in all_checks() if name != "published"]
    try:
        _, diags = check_branch(root, only)
    except JifenError as exc:  # branch.yaml unusable: a clean, explained refusal
        assert CJK.search(exc.message)
        assert exc.diagnostics, exc.message
        diags = exc.diagnostics
    assert_clean(diags)
    return diags


# ------------------------------------------------------------------ strategies
TOKENS = [
    ":", "：", ": ", " ", "  ", "\t", "\n", "\r\n", "\r", "-", "- ", "[", "]", "{", "}", "'", '"', "#",
    ",", "&a ", "*a", "!!python/object/apply:os.system ", "!!int ", "!!str ", "!foo ", "<<: ", "---\n",
    "...\n", "|", ">", "%", "@", "`", "\\", "\\x", "\u3000", "２", "－", "．", "·", "・", "\x1b[31m", "\x00",
    "\x07", "\ufeff", "\u202e", "\u2028", "\x85", "~", "null", "true", "yes", "0x1F", "017", "1:30", "1e99",
    ".nan", "9" * 25, "-0", "M32", "M023", "张三", "阿卜杜拉·艾力", "2019-02-30", "2019/1/15", "两分",
    "2019-13-01", "0000-00-00", "? ", "&", "*", "!", "💥", "\U0010ffff", "\ud7ff",
]
FILE_NAMES = sorted(FILES) + ["rules/xingshi.yaml"]
ENCODINGS = ["utf-8", "utf-8", "utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le"]

mutation = st.one_of(
    st.tuples(st.just("insert"), st.floats(0, 1), st.sampled_from(TOKENS)),
    st.tuples(st.just("insert_text"), st.floats(0, 1), st.text(max_size=8)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 12)),
    st.tuples(st.just("dup_line"), st.floats(0, 1), st.none()),
    st.tuples(st.just("drop_line"), st.floats(0, 1), st.none()),
    st.tuples(st.just("swap_lines"), st.floats(0, 1), st.floats(0, 1)),
    st.tuples(st.just("indent"), st.floats(0, 1), st.sampled_from([" ", "  ", "\t", "\u3000", "    "])),
    st.tuples(st.just("truncate"), st.floats(0, 1), st.none()),
)


def mutate(text: str, ops) -> str:
    for op, where, arg in ops:
        if op in ("insert", "insert_text", "delete", "truncate"):
            pos = int(where * len(text))
            if op.startswith("insert"):
                text = text[:pos] + arg + text[pos:]
            elif op == "delete":
                text = text[:pos] + text[pos + arg:]
            else:
                text = text[:pos]
            continue
        lines = text.split("\n")
        i = min(int(where * len(lines)), len(lines) - 1)
        if op == "dup_line":
            lines.insert(i, lines[i])
        elif op == "drop_line":
            del lines[i]
        elif op == "swap_lines":
            j = min(int(arg * len(lines)), len(lines) - 1)
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            lines[i] = arg + lines[i]
        text = "\n".join(lines)
    return text


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "replace")


@st.composite
def mutated_files(draw):
    out = {}
    for _ in range(draw(st.integers(1, 2))):
        rel = draw(st.sampled_from(FILE_NAMES))
        source = source_text(rel)
        text = mutate(source, draw(st.lists(mutation, min_size=1, max_size=6)))
        out[rel] = encode(text, draw(st.sampled_from(ENCODINGS)))
    return out


_sources: dict[str, str] = {}


def source_text(rel: str) -> str:
    if rel not in _sources:
        from ledgerkit import PRESET

        _sources[rel] = PRESET.read_text("utf-8") if rel.startswith("rules/") else FILES[rel]
    return _sources[rel]


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-10**30, 10**30), st.floats(allow_nan=True),
    st.text(max_size=20), st.sampled_from(TOKENS), st.sampled_from(["2019-05-10", "M023", "absent", "张三",
                                                                     "confirmed", "正式", "ordinary"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.text(max_size=8), st.integers(), st.sampled_from(
        ["id", "date", "member", "item", "times", "points", "status", "corrects", "name", "category",
         "joined", "left", "exempt", "votes", "entries", "members", "results", "rules", "from", "file"])),
        inner, max_size=5)), max_leaves=12)

ENTRY = {"id": "2019-05-001", "date": "2019-05-10", "member": "M023", "item": "absent"}
MEMBER = {"id": "M099", "name": "新党员", "category": "ordinary"}


@st.composite
def structured_files(draw):
    """Random YAML structures where a file, a record or a field goes."""
    where = draw(st.sampled_from(["file", "entry_field", "member_field", "entry", "evaluation", "history"]))
    if where == "file":
        rel = draw(st.sampled_from(FILE_NAMES + ["events/2019/2019-05.yaml", "objections/2019.yaml"]))
        data = draw(values)
    elif where == "entry_field":
        rel, record = "events/2019/2019-05.yaml", dict(ENTRY)
        record[draw(st.sampled_from(sorted(ENTRY) + ["times", "points", "status", "corrects", "note"]))] = draw(values)
        data = {"entries": [record]}
    elif where == "member_field":
        rel, record = "members.yaml", dict(MEMBER)
        record[draw(st.sampled_from(sorted(MEMBER) + ["status", "posts", "joined", "left", "exempt",
                                                      "investigation", "private"]))] = draw(values)
        data = {"members": [record]}
    elif where == "entry":
        rel, data = "events/2019/2019-05.yaml", {"entries": [draw(values), ENTRY]}
    elif where == "evaluation":
        rel, data = "evaluations/2019.yaml", {"results": [{"member": "M001", "votes": draw(values)}]}
    else:
        rel, data = "history.yaml", {"grades": draw(values)}
    text = yaml.safe_dump(data, allow_unicode=draw(st.booleans()), default_flow_style=draw(st.sampled_from(
        [False, True, None])), sort_keys=False)
    return {rel: encode(text, draw(st.sampled_from(ENCODINGS)))}


PRESETS = Path(__import__("jifen_cli").__file__).parent / "core" / "presets"
PRESET_NAMES = sorted(p.stem for p in PRESETS.glob("*.yaml"))
_preset_data: dict[str, object] = {}


def preset_data(name: str):
    if name not in _preset_data:
        _preset_data[name] = yaml.safe_load((PRESETS / f"{name}.yaml").read_text("utf-8"))
    return _preset_data[name]


@st.composite
def rules_trees(draw):
    """One of the 20 presets with one node anywhere in its tree replaced, deleted or given
    an extra key: every construct of the rules language meets values of the wrong shape
    (a grade scale that is a string, a band list that is a number, ...)."""
    import copy

    data = copy.deepcopy(preset_data(draw(st.sampled_from(PRESET_NAMES))))
    for _ in range(draw(st.integers(1, 3))):
        parent, key, node = None, None, data
        while isinstance(node, (dict, list)) and node and draw(st.integers(0, 5)) > 0:
            parent = node
            key = draw(st.sampled_from(sorted(node, key=str) if isinstance(node, dict) else range(len(node))))
            node = node[key]
        if parent is None:
            data = draw(values)
            continue
        action = draw(st.sampled_from(["replace", "replace", "delete", "extra"]))
        if action == "replace":
            parent[key] = draw(values)
        elif action == "delete":
            parent.pop(key)
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["code", "min", "max", "points", "of", "if", "else", "require", "cap",
                                         "section", "items", "bands", "weights", "x"]))] = draw(values)
        else:
            parent.append(draw(values))
    return {"rules/xingshi.yaml": yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")}


# ------------------------------------------------------------------ the tests
@fuzz_settings("bytes")
@given(raw=st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(st.sampled_from(TOKENS), max_size=40).map(lambda ts: "".join(ts).encode("utf-8", "surrogatepass")),
))
def test_fuzz_reader_random_bytes(raw):
    """decode → parse → locate never raises; data is plain JSON-like."""
    from jifen_cli.core import yamlio

    path = Path(_bytes_dir()) / "x.yaml"
    path.write_bytes(raw)
    data, diags = yamlio.read_data(path, "x.yaml")
    assert_clean(diags)
    _assert_plain(data)
    text, _ = yamlio.read_text(path, "x.yaml")
    if text is not None:
        yamlio.locate_in_text(text, ("entries", 0, "member"))
        yamlio.resolve_locations(path.parent, [Diagnostic("E201", "测试", "x.yaml", ("a", 0, None))])


_tmp_bytes: list[str] = []


def _bytes_dir() -> str:
    if not _tmp_bytes:
        _tmp_bytes.append(tempfile.mkdtemp(prefix="jifen-fuzz-bytes-", dir=_fast_tmp()))
    return _tmp_bytes[0]


def _assert_plain(data, depth=0):
    assert depth < 200
    if isinstance(data, dict):
        for k, v in data.items():
            assert k is None or isinstance(k, (str, int, bool)), type(k)
            _assert_plain(v, depth + 1)
    elif isinstance(data, list):
        for v in data:
            _assert_plain(v, depth + 1)
    else:
        assert data is None or isinstance(data, (str, int, bool)), type(data)


@fuzz_settings("mutated")
@given(files=mutated_files())
def test_fuzz_loader_mutated_ledgers(files):
    b = branch("mutated")
    for rel, raw in files.items():
        b.write(rel, raw)
    check_clean(b.root)


@fuzz_settings("structures")
@given(files=structured_files())
def test_fuzz_loader_random_structures(files):
    b = branch("structures")
    for rel, raw in files.items():
        b.write(rel, raw)
    check_clean(b.root)


@fuzz_settings("rules")
@given(files=rules_trees())
def test_fuzz_rules_trees(files):
    """Any rules tree compiles to clean diagnostics; one that compiles without errors
    scores and grades the branch's year without raising anything but a JifenError."""
    b = branch("rules")
    for rel, raw in files.items():
        b.write(rel, raw)
    diags = check_clean(b.root)
    if not any(d.code.startswith("E") for d in diags):
        from jifen_cli.core.engine import year_result
        from jifen_cli.core.loader import load_branch

        try:
            year_result(load_branch(b.root)[0], 2019, grade=True)
        except JifenError as exc:
            assert CJK.search(exc.message)


@fuzz_settings("cli")
@given(files=st.one_of(mutated_files(), structured_files()))
def test_fuzz_jifen_check_in_process(files):
    from typer.testing import CliRunner

    from jifen_cli.cli.app import _register_all, app

    _register_all()
    b = branch("cli")
    for rel, raw in files.items():
        b.write(rel, raw)
    r = CliRunner().invoke(app, ["-C", str(b.root), "check"])
    assert r.exit_code in (0, 1), r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output and "内部错误" not in r.output, r.output
    assert not RAW_CONTROL.search(r.output.replace("\n", "")), repr(r.output)
    assert CJK.search(r.output)


def test_fuzz_budget_is_at_least_2000_examples():
    assert sum(max(10, int(TOTAL * share)) for share in SHARES.values()) >= min(TOTAL, 2000)
