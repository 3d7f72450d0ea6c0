"""The parse cache (jifen_cli/core/cache.py): exact invalidation, safety against a
corrupt or foreign pack, and identical results with and without it."""

import json
import os
import shutil
from pathlib import Path

import pytest

from perfkit import SAMPLE, jifen

from bench.generate import generate_branch, generate_tree
from jifen_cli.core import cache
from jifen_cli.core.checks import check_branch


def snapshot(root: Path, monkeypatch=None, use_cache=True):
    """Everything a command sees: the ledger's records and the formatted diagnostics."""
    if not use_cache:
        os.environ["JIFEN_NO_CACHE"] = "1"
    try:
        cache._memo.clear()  # as a new process would start
        ledger, diags = check_branch(root)
        cache.flush()
    finally:
        os.environ.pop("JIFEN_NO_CACHE", None)
    return (ledger.settings, ledger.members, ledger.rules, ledger.entries, ledger.evaluations,
            ledger.objections, ledger.history, [d.format() for d in diags])


def same_as_uncached(root: Path):
    cached = snapshot(root)
    plain = snapshot(root, use_cache=False)
    assert cached == plain
    return cached


@pytest.fixture
def branch(tmp_path):
    root = tmp_path / "b"
    generate_branch(root, members=15, years=2, rate=12, seed=7)
    return root


def month(root, year=2024, m=3):
    return root / "events" / str(year) / f"{year}-{m:02d}.yaml"


def parses_of(root):
    cache._memo.clear()
    before = cache.STATS["parsed"]
    check_branch(root)
    cache.flush()
    return cache.STATS["parsed"] - before


# ------------------------------------------------------------------ identical results
def test_sample_branch_same_with_and_without_cache(tmp_path):
    if not (SAMPLE / "branch.yaml").is_file():
        pytest.skip("sample_branch/ not present")
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".jifen-cache"))
    first = same_as_uncached(root)  # cold: fills the cache
    assert (root / ".jifen-cache" / "pack.json").is_file()
    assert snapshot(root) == first  # warm
    assert parses_of(root) == 0


def test_generated_township_same_with_and_without_cache(tmp_path):
    dirs, events = generate_tree(tmp_path / "town", branches=5, members=10, rate=12, seed=3)
    assert events > 300
    for d in dirs:
        cold = same_as_uncached(d)
        assert cold[3], "generated branch has entries"
        assert snapshot(d) == cold
        assert parses_of(d) == 0


def test_generated_branch_is_valid(branch):
    _, diags = check_branch(branch)
    assert not [d.format() for d in diags if d.is_error]


# ------------------------------------------------------------------ invalidation
def test_edit_one_month_reparses_only_that_file(branch):
    assert parses_of(branch) > 20  # cold: every file
    assert parses_of(branch) == 0  # warm
    f = month(branch)
    f.write_text(f.read_text(encoding="utf-8").replace("李记录", "王记录", 1), encoding="utf-8")
    assert parses_of(branch) == 1
    same_as_uncached(branch)


def test_edit_keeping_size_and_mtime_is_seen(branch):
    same_as_uncached(branch)
    f = month(branch)
    st = f.stat()
    text = f.read_text(encoding="utf-8")
    assert "leave" in text
    f.write_text(text.replace("leave", "absen", 1), encoding="utf-8")  # same size
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert f.stat().st_size == st.st_size and f.stat().st_mtime_ns == st.st_mtime_ns
    after = same_as_uncached(branch)
    assert any(e.item == "absen" for e in after[3])


def test_trusted_stat_index_still_sees_replaced_files(branch, monkeypatch):
    """Files older than RACY_SECONDS are not re-hashed while their stat is unchanged;
    a replaced file (new inode, mtime restored, same size) must still be re-read."""
    monkeypatch.setattr(cache, "RACY_SECONDS", -3600)  # treat every file as old
    same_as_uncached(branch)
    assert parses_of(branch) == 0 and cache.STATS["hashed"] > 0
    hashed = cache.STATS["hashed"]
    assert parses_of(branch) == 0
    assert cache.STATS["hashed"] == hashed  # stat shortcut: nothing read again
    f = month(branch)
    st = f.stat()
    tmp = f.with_suffix(".new")
    tmp.write_text(f.read_text(encoding="utf-8").replace("leave", "absen", 1), encoding="utf-8")
    os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(tmp, f)
    assert parses_of(branch) == 1
    same_as_uncached(branch)


def test_rename_delete_and_new_file(branch):
    base = same_as_uncached(branch)
    # rename: content unchanged, so no parse, but every location and the new E401s follow
    src, dst = month(branch, 2024, 3), month(branch, 2024, 4)
    dst.unlink()
    src.rename(dst)
    assert parses_of(branch) == 0
    renamed = same_as_uncached(branch)
    assert renamed != base
    assert any("E401" in d for d in renamed[-1])
    assert not any(e.loc.file.endswith("2024-03.yaml") for e in renamed[3])
    # deletion
    dst.unlink()
    deleted = same_as_uncached(branch)
    assert not any(e.loc.file.endswith("2024-04.yaml") for e in deleted[3])
    # a new file
    src.write_text("entries:\n  - id: X-1\n    date: 2024-03-05\n    member: M0001\n"
                   "    item: leave\n    note: 新增\n", encoding="utf-8")
    added = same_as_uncached(branch)
    assert [e.id for e in added[3] if e.loc.file.endswith("2024-03.yaml")] == ["X-1"]
    # the pack only keeps what the branch holds now
    cache.flush()
    header, frags = read_pack(branch / ".jifen-cache" / "pack.json")
    assert "events/2024/2024-04.yaml" not in header["index"]
    assert set(frags) == {e[4] for e in header["index"].values()}


def test_syntax_error_and_its_fix(branch):
    same_as_uncached(branch)
    f = month(branch)
    good = f.read_text(encoding="utf-8")
    f.write_text(good.replace("    member:", "\tmember:", 1), encoding="utf-8")
    broken = same_as_uncached(branch)
    assert any("E103" in d for d in broken[-1])
    assert parses_of(branch) == 0  # the diagnostic itself came from the cache...
    assert any("E103" in d for d in snapshot(branch)[-1])  # ...and is still reported
    f.write_text(good, encoding="utf-8")
    fixed = same_as_uncached(branch)
    assert not any("E103" in d for d in fixed[-1])


def test_rules_and_members_changes(branch):
    same_as_uncached(branch)
    rules = branch / "rules" / "xingshi.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("points: 5}", "points: 6}", 1),
                     encoding="utf-8")
    after = same_as_uncached(branch)
    assert "points: 6" in json.dumps(after[2], ensure_ascii=False).replace('"points": 6', "points: 6")
    members = branch / "members.yaml"
    members.write_text(members.read_text(encoding="utf-8").replace("category: ordinary", "category: leader", 1),
                       encoding="utf-8")
    same_as_uncached(branch)


# ------------------------------------------------------------------ corrupt / foreign packs
BAD_PACKS = [
    b"",
    b"{",
    b"\xff\xfe garbage \x00",
    b"[]",
    b'{"schema": "jifen-cache"}',
    b'{"schema": "jifen-cache"}\n[]',
    b'{"schema": "other", "version": "x", "index": {}, "data": {}}\n',
    b'{"schema": "jifen-cache", "version": "old", "index": {}, "data": {}}\n',
    b"\x80\x04\x95pickle-like",
]


@pytest.mark.parametrize("raw", BAD_PACKS)
def test_corrupt_or_foreign_pack_is_a_miss(branch, raw):
    good = same_as_uncached(branch)
    pack = branch / ".jifen-cache" / "pack.json"
    pack.write_bytes(raw)
    assert snapshot(branch) == good
    assert parses_of(branch) == 0  # rewritten after the miss


def read_pack(path):
    raw = path.read_bytes()
    end = raw.index(b"\n")
    header = json.loads(raw[:end])
    body = raw[end + 1:]
    frags = {h: body[off:off + n] for h, (off, n) in header["data"].items()}
    return header, frags


def write_pack(path, header, frags, offsets=None):
    body, data, pos = b"", {}, 0
    for h, frag in frags.items():
        data[h] = [pos, len(frag)]
        body += frag
        pos += len(frag)
    header = dict(header, data=offsets if offsets is not None else data)
    path.write_bytes(json.dumps(header, ensure_ascii=False).encode() + b"\n" + body)


def _mangle(header, frags, how):
    h = next(iter(frags))
    rel = next(iter(header["index"]))
    first = json.loads(frags[h])
    if how == "fragment-not-list":
        frags[h] = b'"x"'
    elif how == "fragment-not-json":
        frags[h] = b"[{]"
    elif how == "diag-malformed":
        frags[h] = json.dumps([first[0], [["E1", 2, "x"]], 0]).encode()
    elif how == "diag-bad-severity":
        frags[h] = json.dumps([first[0], [["E1", "m", [], None, None, None, "boom"]], 0]).encode()
    elif how == "bad-encoding-flag":
        frags[h] = json.dumps([first[0], [], 7]).encode()
    elif how == "index-garbage":
        header["index"][rel] = {"a": 1}
    elif how == "index-unhashable":
        header["index"][rel] = [1, 2, 3, 4, [5]]
    elif how == "index-wrong-hash":
        header["index"][rel] = header["index"][rel][:4] + ["0" * 40]
    elif how == "index-str-stat":
        header["index"][rel] = ["1", "2", "3", "4", h]
    elif how == "index-not-dict":
        header["index"] = []
    elif how == "data-not-dict":
        return []
    elif how == "offsets-out-of-range":
        return {k: [0, 10 ** 9] for k in frags}
    elif how == "offsets-garbage":
        return {k: ["a", None] for k in frags}
    return None


@pytest.mark.parametrize("how", [
    "fragment-not-list", "fragment-not-json", "diag-malformed", "diag-bad-severity",
    "bad-encoding-flag", "index-garbage", "index-unhashable", "index-wrong-hash",
    "index-str-stat", "index-not-dict", "data-not-dict", "offsets-out-of-range",
    "offsets-garbage"])
def test_malformed_pack_entries_are_ignored(branch, how):
    good = same_as_uncached(branch)
    path = branch / ".jifen-cache" / "pack.json"
    header, frags = read_pack(path)
    offsets = _mangle(header, frags, how)
    write_pack(path, header, frags, offsets)
    assert snapshot(branch) == good
    assert snapshot(branch) == good  # and again, after the pack was rewritten


def test_pack_of_another_branch_is_harmless(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    generate_branch(a, members=8, years=1, rate=10, seed=1)
    generate_branch(b, members=8, years=1, rate=10, seed=2)
    same_as_uncached(a)
    good_b = same_as_uncached(b)
    shutil.copyfile(a / ".jifen-cache" / "pack.json", b / ".jifen-cache" / "pack.json")
    assert snapshot(b) == good_b


def test_pack_is_json_and_ignored_by_git(branch):
    same_as_uncached(branch)
    d = branch / ".jifen-cache"
    header, frags = read_pack(d / "pack.json")  # a JSON header line, then JSON fragments
    assert header["schema"] == "jifen-cache" and frags
    for frag in frags.values():
        json.loads(frag)
    assert (d / ".gitignore").read_text(encoding="utf-8").strip() == "*"
    assert not [p for p in d.iterdir() if p.name.endswith(".tmp")]


# ------------------------------------------------------------------ switches and places
def test_disabled_by_environment(branch, monkeypatch):
    monkeypatch.setenv("JIFEN_NO_CACHE", "1")
    check_branch(branch)
    cache.flush()
    assert not (branch / ".jifen-cache").exists()
    assert parses_of(branch) > 0 and parses_of(branch) > 0


def test_disabled_by_flag(branch):
    r = jifen("--no-cache", "-C", branch, "check")
    assert r.returncode == 0, r.stderr
    assert not (branch / ".jifen-cache").exists()
    r = jifen("-C", branch, "check")
    assert r.returncode == 0, r.stderr
    assert (branch / ".jifen-cache" / "pack.json").is_file()


def test_read_only_branch_uses_user_cache_dir(branch, monkeypatch, tmp_path):
    real_access = os.access
    monkeypatch.setattr(cache.os, "access",
                        lambda p, mode: False if Path(p).resolve() == branch.resolve()
                        or ".jifen-cache" in str(p) else real_access(p, mode))
    where = cache.cache_dir(branch)
    assert str(where).startswith(os.environ["XDG_CACHE_HOME"])
    good = same_as_uncached(branch)
    assert not (branch / ".jifen-cache").exists()
    assert (where / "pack.json").is_file()
    assert snapshot(branch) == good and parses_of(branch) == 0


def test_parallel_parse_gives_the_same_result(branch, monkeypatch):
    serial = snapshot(branch, use_cache=False)
    monkeypatch.setattr(cache, "PARALLEL_MIN_FILES", 2)
    monkeypatch.setattr(cache, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setenv("JIFEN_JOBS", "2")
    assert snapshot(branch, use_cache=False) == serial
    assert snapshot(branch) == serial  # cold, parallel, fills the cache
    assert snapshot(branch) == serial


def test_data_handed_out_twice_is_not_shared(branch):
    from jifen_cli.core.loader import list_branch_files, read_files

    rels = list_branch_files(branch)
    first = read_files(branch, rels)
    first["members.yaml"][0]["members"].clear()  # a caller mutating what it got
    second = read_files(branch, rels)
    assert second["members.yaml"][0]["members"]


# ------------------------------------------------------------------ exactness of data
def test_non_string_keys_survive(branch):
    (branch / "history.yaml").write_text("grades:\n  2018: {M0001: 合格, M0002: 优秀}\n"
                                         "  2017: {M0001: 合格}\n", encoding="utf-8")
    from jifen_cli.core.loader import read_files

    cold = read_files(branch, ["history.yaml"])
    cache.flush()
    cache._memo.clear()
    warm = read_files(branch, ["history.yaml"])
    assert warm == cold and list(warm["history.yaml"][0]["grades"]) == [2018, 2017]
    same_as_uncached(branch)


@pytest.mark.parametrize("value", [
    {1: "a", "1": "b", None: [True, {False: 0}], "x": {"\x00jifen:map": [1]}},
    [{"a": [{"b": {2: 3}}]}, "文字", 10 ** 30, -1, None],
    {"plain": ["only", "strings", {"k": "v"}]},
])
def test_encoding_round_trip(value):
    flag = cache._plain(value)
    assert flag is not None
    body = value if flag == cache._PLAIN else cache._encode(value)
    back = json.loads(json.dumps(body, ensure_ascii=False))
    restored = back if flag == cache._PLAIN else cache._decode(back)
    assert restored == value
    assert [type(k) for k in (restored if isinstance(restored, dict) else {})] == \
        [type(k) for k in (value if isinstance(value, dict) else {})]


def test_unencodable_data_is_not_cached():
    assert cache._plain({"a": 1.5}) is None
    assert cache._plain([b"bytes"]) is None


@pytest.mark.parametrize("raw", [
    "entries:\n  - id: 1\n    note: 说明\n".encode("utf-8"),
    b"\xef\xbb\xbfentries: []\n",
    "entries:\n  - note: 中文说明\n".encode("gbk"),
    "entries:\n  - note: 中文\n".encode("utf-16"),
    b"a: 1\n\x00\n",
    b"a: [1, 2\n",
    b"a:\n\tb: 1\n",
    b"a: &x 1\nb: *x\n",
    b"a: 1\na: 2\n",
    b"d: 2019-01-01\nf: 0.5\nt: yes\n",
    b"",
    b"# only a comment\n",
])
def test_parse_bytes_matches_yamlio(tmp_path, raw):
    from jifen_cli.core.yamlio import read_data

    f = tmp_path / "f.yaml"
    f.write_bytes(raw)
    data, diags = cache.parse_bytes(raw, "f.yaml")
    data2, diags2 = read_data(f, "f.yaml")
    assert data == data2
    assert [d.format() for d in diags] == [d.format() for d in diags2]
