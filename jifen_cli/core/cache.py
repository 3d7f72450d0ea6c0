"""The parse cache behind :func:`jifen_cli.core.loader.read_files`.

Parsing YAML is the wall (PyYAML's C loader reads ~15,000 small records a second;
``json`` reads ~500,000), so what a file parses to is kept, keyed by the file's
**content hash**, and a later run parses only files whose bytes changed.

Layout: one *pack* per branch, ``<branch>/.jifen-cache/pack.json`` (or, when the branch
directory is not writable, ``$XDG_CACHE_HOME/jifen/<hash of the branch path>/pack.json``).
Its first line is a JSON header, the rest JSON fragments, one per distinct content::

    {"schema": "jifen-cache", "version": "<parser version>",
     "index": {rel: [size, mtime_ns, ctime_ns, inode, hash]},
     "data":  {hash: [byte offset, byte length]}}
    [plain data, [diagnostic, ...], encoding][...]...

A warm run reads one file and decodes only the fragments it needs, each into fresh
objects (what a caller mutates is never what the cache keeps or writes back).

Rules that make it safe:

* The data is keyed by the blake2b hash of the file's bytes; the bytes that were hashed
  are the bytes that were parsed.  ``index`` (path, size, mtime, ctime, inode) only lets
  a run skip re-reading and re-hashing a file that has not been touched; a file touched
  less than :data:`RACY_SECONDS` before it was read is never given that shortcut (the
  "racy git" problem: a second edit within the file system's timestamp granularity).
* JSON only (never pickle/marshal): a corrupt, truncated, foreign or old-version pack
  is a miss — every decoding or shape problem makes the pack be ignored, never raises.
* ``version`` hashes this module's format number, the jifen and PyYAML versions and the
  source of :mod:`yamlio`, so a change to how files parse invalidates every pack.
* Mapping keys that JSON cannot keep (``2018:`` → int, ``null``, ``true``) are stored
  as an explicit pair list and restored exactly; data with any type JSON cannot hold
  exactly is simply not cached.
* Diagnostics of a file (syntax errors, the GBK warning) are cached with its data; the
  file name in them is filled in from the path asked for, so a renamed file is right.
* Written atomically (temporary file + ``os.replace``); concurrent writers are harmless
  (last one wins, each pack is complete).  Disabled by ``JIFEN_NO_CACHE=1`` (the CLI's
  ``--no-cache`` sets it).

Cold files are parsed in worker processes when there are many of them
(:data:`PARALLEL_MIN_FILES`, :data:`PARALLEL_MIN_BYTES`); ``JIFEN_JOBS`` caps the
number of workers (``1`` = never fork).  :data:`STATS` counts parses (tests use it).
"""

from __future__ import annotations

import atexit
import gc
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from .diagnostics import Diagnostic

#: bump when the pack layout or the meaning of its data changes
FORMAT = 1
SCHEMA = "jifen-cache"
CACHE_DIR = ".jifen-cache"
PACK_FILE = "pack.json"
#: a file modified less than this before it was read is re-hashed on the next run
RACY_SECONDS = 3
#: parse in worker processes only when at least this many files (and bytes) are cold
PARALLEL_MIN_FILES = 8
PARALLEL_MIN_BYTES = 256 * 1024

#: counters for tests and the benchmark kit (per process)
STATS = {"parsed": 0, "hashed": 0, "hits": 0, "packs_read": 0, "packs_written": 0}

_MAPKEY = "\x00jifen:map"  # marks a mapping stored as [[key, value], ...]
_PLAIN, _ENCODED = 0, 1
_SCALARS = (str, int, bool, type(None))

_version_key: str | None = None
#: files read per branch while a results memo records ({abs root: {rel: index entry or
#: None when the file could not be read}}, see :mod:`jifen_cli.core.memo`)
_reads: dict[str, dict] = {}
#: the pack in use by this process: {pack path: [stat signature when read or written,
#: Pack, dirty]}
_memo: dict[str, list] = {}


# --------------------------------------------------------------------------- switches
def enabled() -> bool:
    return os.environ.get("JIFEN_NO_CACHE", "").strip().lower() in ("", "0", "false", "no")


def max_workers() -> int:
    raw = os.environ.get("JIFEN_JOBS", "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    return os.cpu_count() or 1


def version_key() -> str:
    """What the cached data depends on besides the file bytes."""
    global _version_key
    if _version_key is None:
        import yaml

        from jifen_cli import __version__
        from . import yamlio

        h = hashlib.blake2b(digest_size=16)
        h.update(f"{SCHEMA}/{FORMAT}/{__version__}/{yaml.__version__}/"
                 f"{getattr(yaml, '__with_libyaml__', '')}".encode())
        try:
            h.update(Path(yamlio.__file__).read_bytes())
        except OSError:  # pragma: no cover - installed without sources
            pass
        _version_key = h.hexdigest()
    return _version_key


def content_hash(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=20).hexdigest()


# --------------------------------------------------------------------------- recording
def start_recording(root: Path) -> None:
    """Note every file :func:`read_files` serves for this branch from now on."""
    _reads[os.path.abspath(root)] = {}


def stop_recording(root: Path) -> dict:
    """{rel: [size, mtime_ns, ctime_ns, inode, hash] (the first four -1 when the file
    was too recently modified to be trusted by its stat), or None when it could not be
    read} for the files served since :func:`start_recording`."""
    return _reads.pop(os.path.abspath(root), {})


# --------------------------------------------------------------------------- location
def user_cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or (
        os.environ.get("LOCALAPPDATA") if sys.platform == "win32" else None)
    return Path(base) if base else Path.home() / ".cache"


def cache_dir(root: Path) -> Path | None:
    """Where this branch's pack lives: inside the branch when it is writable, else in
    the user cache directory; None when neither can be used."""
    local = root / CACHE_DIR
    if local.is_dir():
        if os.access(local, os.W_OK | os.X_OK):
            return local
    elif os.access(root, os.W_OK | os.X_OK):
        return local
    key = hashlib.blake2b(str(root.resolve()).encode("utf-8", "surrogatepass"),
                          digest_size=12).hexdigest()
    return user_cache_root() / "jifen" / key


# --------------------------------------------------------------------------- encoding
def _plain(x) -> int | None:
    """_PLAIN if ``x`` survives a JSON round trip unchanged, _ENCODED if only mapping
    keys need the pair-list form, None if it holds something JSON cannot keep."""
    stack = [x]
    result = _PLAIN
    while stack:
        v = stack.pop()
        t = type(v)
        if t is dict:
            for k, item in v.items():
                if type(k) is not str or k == _MAPKEY:
                    if type(k) not in (int, bool, type(None), str):
                        return None
                    result = _ENCODED
                if type(item) in (dict, list):
                    stack.append(item)
                elif type(item) not in _SCALARS:
                    return None
        elif t is list:
            for item in v:
                if type(item) in (dict, list):
                    stack.append(item)
                elif type(item) not in _SCALARS:
                    return None
        elif t not in _SCALARS:
            return None
    return result


def _encode(x):
    if type(x) is dict:
        if all(type(k) is str and k != _MAPKEY for k in x):
            return {k: _encode(v) for k, v in x.items()}
        return {_MAPKEY: [[k, _encode(v)] for k, v in x.items()]}
    if type(x) is list:
        return [_encode(v) for v in x]
    return x


def _decode(x):
    if type(x) is dict:
        if len(x) == 1 and _MAPKEY in x:
            return {k: _decode(v) for k, v in x[_MAPKEY]}
        return {k: _decode(v) for k, v in x.items()}
    if type(x) is list:
        return [_decode(v) for v in x]
    return x


def _diag_out(d: Diagnostic) -> list:
    return [d.code, d.message, list(d.path), d.line, d.col, d.hint, d.severity]


def _diag_in(raw, rel: str) -> Diagnostic:
    code, message, path, line, col, hint, severity = raw
    return Diagnostic.from_plain([code, message, rel, path, line, col, hint, severity])


# --------------------------------------------------------------------------- packs
class Pack:
    """A pack in memory: ``index`` {rel: [size, mtime, ctime, inode, hash]} and
    ``frags`` {hash: (buffer, offset, length)} — JSON text, decoded on demand."""

    __slots__ = ("index", "frags")

    def __init__(self, index=None, frags=None):
        self.index: dict = index if index is not None else {}
        self.frags: dict = frags if frags is not None else {}

    def fragment(self, h: str) -> bytes:
        buf, off, n = self.frags[h]
        return buf[off:off + n]

    def to_bytes(self) -> bytes:
        parts, offsets, pos = [], {}, 0
        for h, (buf, off, n) in self.frags.items():
            parts.append(buf[off:off + n] if (off or n != len(buf)) else buf)
            offsets[h] = [pos, n]
            pos += n
        header = {"schema": SCHEMA, "version": version_key(), "index": self.index, "data": offsets}
        return (json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
                + b"\n" + b"".join(parts))


def _stat_sig(st) -> tuple:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def load_pack(path: Path) -> Pack:
    """The pack at ``path``, or an empty one if it is missing, unreadable, corrupt,
    foreign or of another version.  Never raises.  One pack is kept in memory at a time
    (a roll-up over thousands of branches holds only the current one)."""
    key = str(path)
    memo = _memo.get(key)
    if memo is None and _memo:
        flush()
        _memo.clear()
    try:
        sig = _stat_sig(os.stat(path))
    except OSError:
        sig = None
    if memo is not None and (memo[2] or memo[0] == sig):
        return memo[1]
    pack = _read_pack(path) if sig is not None else None
    if pack is None:
        pack = Pack()
    else:
        STATS["packs_read"] += 1
    _memo[key] = [sig, pack, False]
    return pack


def _read_pack(path: Path) -> Pack | None:
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
        end = raw.find(b"\n")
        if end < 0:
            return None
        header = json.loads(raw[:end])
    except (OSError, ValueError, UnicodeError, RecursionError, MemoryError):
        return None
    if not (isinstance(header, dict) and header.get("schema") == SCHEMA
            and header.get("version") == version_key()
            and isinstance(header.get("index"), dict) and isinstance(header.get("data"), dict)):
        return None
    body = end + 1
    size = len(raw) - body
    frags = {}
    for h, where in header["data"].items():
        if (type(where) is list and len(where) == 2 and type(where[0]) is int
                and type(where[1]) is int and 0 <= where[0] and 0 < where[1]
                and where[0] + where[1] <= size):
            frags[h] = (raw, body + where[0], where[1])
    index = {rel: e for rel, e in header["index"].items()
             if type(e) is list and len(e) == 5 and type(e[4]) is str and e[4] in frags}
    return Pack(index, frags)


def flush() -> None:
    """Write every pack changed by this process (called at exit, and by the roll-up
    after each branch).  Writing is deferred so that the several reads of one command
    (the branch files, then its rules file) write the pack once."""
    for key, memo in list(_memo.items()):
        if memo[2]:
            memo[2] = False
            if write_pack(Path(key), memo[1]):
                try:
                    memo[0] = _stat_sig(os.stat(key))
                except OSError:
                    memo[0] = None


def ensure_gitignore(where: Path) -> None:
    """Keep the cache out of git even in a branch whose .gitignore lacks it."""
    ignore = where / ".gitignore"
    if where.name == CACHE_DIR and not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")


def write_pack(path: Path, pack: Pack) -> bool:
    """Write atomically; a failure (read-only, disk full) only loses the cache."""
    try:
        raw = pack.to_bytes()
    except (ValueError, UnicodeError, RecursionError):
        return False
    if write_atomic(path, raw, ".pack-"):
        STATS["packs_written"] += 1
        return True
    return False


def new_file_mode() -> int:
    """The mode a plain ``open(path, "w")`` would give a new file (0o666 less the umask):
    temporary files are created 0600, which would lock the cache and new ledger files
    away from the other accounts of a shared office PC."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, raw: bytes, prefix: str) -> bool:
    """A cache file written whole or not at all (temporary file + ``os.replace``), in a
    cache directory kept out of git; False when it cannot be written (read-only, disk
    full): that only loses the cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        ensure_gitignore(path.parent if path.parent.name == CACHE_DIR else path.parent.parent)
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
            os.chmod(tmp, new_file_mode())
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        return True
    except OSError:
        return False


atexit.register(flush)


# --------------------------------------------------------------------------- parsing
class _RawPath:
    """Stands in for a Path in :func:`yamlio.read_text`, serving bytes already read, so
    that the bytes hashed are exactly the bytes parsed and decoding rules stay in one
    place (yamlio)."""

    __slots__ = ("raw",)

    def __init__(self, raw: bytes):
        self.raw = raw

    def stat(self):
        return os.stat_result((0, 0, 0, 0, 0, 0, len(self.raw), 0, 0, 0))

    def read_bytes(self) -> bytes:
        return self.raw


def parse_bytes(raw: bytes, rel: str) -> tuple[object, list[Diagnostic]]:
    """Decode and parse one file's bytes exactly as :func:`yamlio.read_data` would."""
    from .yamlio import parse_text, read_text

    text, diags = read_text(_RawPath(raw), rel)
    if text is None:
        return None, diags
    data, more = parse_text(text, rel)
    return data, diags + more


def _fragment(data, diags) -> bytes | None:
    """The JSON fragment for a parse result, or None if it cannot be kept exactly."""
    flag = _plain(data)
    if flag is None:
        return None
    body = data if flag == _PLAIN else _encode(data)
    try:
        return json.dumps([body, [_diag_out(d) for d in diags], flag], ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8", "surrogatepass")
    except (ValueError, TypeError, RecursionError):
        return None


def _from_fragment(frag: bytes, rel: str):
    """(data, diagnostics) from a fragment, or None if it is malformed."""
    try:
        data, diags, enc = json.loads(frag)
        if enc == _ENCODED:
            data = _decode(data)
        elif enc != _PLAIN:
            return None
        return data, [_diag_in(d, rel) for d in diags]
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError, UnicodeError):
        return None


def _parse_many(jobs: list[tuple[str, bytes]], want_fragments: bool = False, in_worker=False):
    """Parse (rel, bytes) pairs → [(rel, data, diagnostics, fragment)].  In a worker,
    data that has a fragment is sent back as the fragment only (less to pickle, and the
    JSON encoding is done in parallel too)."""
    was = gc.isenabled()
    gc.disable()
    try:
        out = []
        for rel, raw in jobs:
            data, diags = parse_bytes(raw, rel)
            frag = _fragment(data, diags) if want_fragments else None
            out.append((rel, None if (in_worker and frag is not None) else data, diags, frag))
        return out
    finally:
        if was:
            gc.enable()


def _worker(args):
    jobs, want = args
    return _parse_many(jobs, want, in_worker=True)


def _parse_all(jobs: list[tuple[str, bytes]], want_fragments: bool):
    workers = min(max_workers(), len(jobs))
    total = sum(len(raw) for _, raw in jobs)
    if workers < 2 or len(jobs) < PARALLEL_MIN_FILES or total < PARALLEL_MIN_BYTES \
            or os.environ.get("JIFEN_IN_WORKER"):
        return _parse_many(jobs, want_fragments)
    # balance chunks by size: biggest first into the lightest chunk
    n_chunks = min(len(jobs), workers * 3)
    chunks: list[list] = [[] for _ in range(n_chunks)]
    loads = [0] * n_chunks
    for rel, raw in sorted(jobs, key=lambda j: -len(j[1])):
        i = loads.index(min(loads))
        chunks[i].append((rel, raw))
        loads[i] += len(raw)
    try:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
        os.environ["JIFEN_IN_WORKER"] = "1"  # inherited: workers never fork again
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
                results = []
                for part in pool.map(_worker, [(c, want_fragments) for c in chunks if c]):
                    results.extend(part)
        finally:
            os.environ.pop("JIFEN_IN_WORKER", None)
    except (OSError, ImportError, RuntimeError):  # no processes here: parse in line
        return _parse_many(jobs, want_fragments)
    out = []
    for rel, data, diags, frag in results:
        if data is None and frag is not None:
            got = _from_fragment(frag, rel)
            if got is None:  # pragma: no cover - a fragment we just wrote
                data, diags = parse_bytes(dict(jobs)[rel], rel)
            else:
                data = got[0]
        out.append((rel, data, diags, frag))
    return out


# --------------------------------------------------------------------------- the seam
def read_files(root: Path, rels: list[str]) -> dict[str, tuple[object, list[Diagnostic]]]:
    """{rel: (plain data, diagnostics)} for the given files, from the cache where the
    content is unchanged, parsing the rest (in parallel when there are many)."""
    from .yamlio import MAX_FILE_BYTES, read_data

    root = Path(root)
    where = cache_dir(root) if enabled() else None
    use_cache = where is not None
    was = gc.isenabled()
    gc.disable()  # building many small objects: the collector only slows it (2x at 1M)
    try:
        pack = load_pack(where / PACK_FILE) if use_cache else Pack()
        index, frags = pack.index, pack.frags
        changed = False
        out: dict[str, tuple[object, list[Diagnostic]]] = {}
        new_index: dict[str, list] = {}
        to_parse: list[tuple[str, bytes]] = []
        hashes: dict[str, str] = {}
        racy_before = time.time_ns() - RACY_SECONDS * 1_000_000_000
        reads = _reads.get(os.path.abspath(root)) if _reads else None
        if reads is None:
            reads = {}  # nobody is recording: a throw-away

        for rel in rels:
            path = root / rel
            try:
                st = os.stat(path)
            except OSError:
                reads[rel] = None
                out[rel] = read_data(path, rel)  # reports E101 exactly as yamlio does
                continue
            sig = _stat_sig(st)
            entry = index.get(rel)
            if entry is not None and tuple(entry[:4]) == sig and entry[4] in frags:
                got = _from_fragment(pack.fragment(entry[4]), rel)
                if got is not None:
                    STATS["hits"] += 1
                    out[rel] = got
                    new_index[rel] = entry
                    reads[rel] = list(entry)
                    continue
            if st.st_size > MAX_FILE_BYTES:
                reads[rel] = None
                out[rel] = read_data(path, rel)  # E105, not cached
                continue
            try:
                with open(path, "rb") as fh:
                    raw = fh.read()
            except OSError:
                reads[rel] = None
                out[rel] = read_data(path, rel)
                continue
            STATS["hashed"] += 1
            h = content_hash(raw)
            hashes[rel] = h
            try:
                after = _stat_sig(os.stat(path))
            except OSError:
                after = None
            trusted = (after == sig and len(raw) == st.st_size
                       and st.st_mtime_ns < racy_before and st.st_ctime_ns < racy_before)
            idx = [*sig, h] if trusted else [-1, -1, -1, -1, h]
            new_index[rel] = idx
            reads[rel] = list(idx)
            if index.get(rel) != idx:
                changed = True
            if h in frags:
                got = _from_fragment(pack.fragment(h), rel)
                if got is not None:
                    STATS["hits"] += 1
                    out[rel] = got
                    continue
                del frags[h]
            to_parse.append((rel, raw))

        if to_parse:
            for rel, data, diags, frag in _parse_all(to_parse, use_cache):
                STATS["parsed"] += 1
                out[rel] = (data, diags)
                if frag is not None:
                    frags[hashes[rel]] = (frag, 0, len(frag))
                    changed = True
                else:
                    new_index.pop(rel, None)

        if use_cache:
            # keep what other calls indexed (the rules file is read separately) while
            # its file exists; drop deleted files and unreferenced data
            for rel, entry in index.items():
                if rel in new_index or rel in out:
                    continue
                if os.path.isfile(root / rel):
                    new_index[rel] = entry
                else:
                    changed = True
            if changed:
                keep = {e[4] for e in new_index.values()}
                fresh = Pack(new_index, {h: frags[h] for h in keep if h in frags})
                _memo[str(where / PACK_FILE)] = [None, fresh, True]
        return {rel: out[rel] for rel in rels}
    finally:
        if was:
            gc.enable()


def clear(root: Path) -> None:
    """Remove this branch's pack (the CLI never needs this; tests and the kit do)."""
    where = cache_dir(Path(root))
    _memo.clear()
    if where is not None:
        try:
            os.unlink(where / PACK_FILE)
        except OSError:
            pass
