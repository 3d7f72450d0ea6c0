"""The results memo: what a command computed from a branch, kept until any input changes.

The parse cache (:mod:`jifen_cli.core.cache`) makes a second run skip *parsing*; building
the ledger, checking it, scoring and rendering still cost seconds on a big branch.  The
memo keeps the *answer* to a question asked of a branch — the diagnostics of
``jifen check``, the text of ``jifen month 2019-01``, one branch's rows of ``jifen org`` —
and gives it back only when it would be computed the same way again:

* **the same question**: the caller's key (command, every parameter, today's date when
  the answer can depend on it) — hashed into the memo file's name;
* **the same code**: :func:`code_key` hashes every file of the installed ``jifen_cli``
  package and its templates, and the versions of the packages that shape results
  (PyYAML, Jinja2, MarkupSafe, tabulate, openpyxl);
* **the same files**: the branch's file list (every regular file under the branch,
  ``.git`` and ``.jifen-cache`` excepted — a new, deleted or renamed file is a miss), and
  the content hash of every file the computation read (recorded by
  :func:`cache.read_files` while it ran).  A file is re-hashed unless its stat
  signature (size, mtime, ctime, inode) equals the one recorded *and* it was older than
  :data:`cache.RACY_SECONDS` when recorded — the same rule as the parse cache.

Answers are plain JSON, stored one file per question in ``.jifen-cache/memo/``; a
corrupt, foreign or old file is a miss, never an error.  Nothing is stored when the
cache is off (``--no-cache`` / ``JIFEN_NO_CACHE``), when a file could not be read, or
when the computation failed.  At most :data:`KEEP` answers are kept per branch (the
oldest are removed).  ``STATS`` counts hits, misses and stores (tests use it).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path

from . import cache

SCHEMA = "jifen-memo"
#: bump when what a memo file holds changes meaning
FORMAT = 1
MEMO_DIR = "memo"
#: answers kept per branch (one per distinct question)
KEEP = 64
#: directories of a branch that are not its content
_SKIP_DIRS = {".git", cache.CACHE_DIR}
#: installed distributions whose version changes what jifen computes or renders
_DISTS = re.compile(r"^(pyyaml|jinja2|markupsafe|tabulate|openpyxl)-[^-]+\.(dist|egg)-info$", re.I)

STATS = {"hits": 0, "misses": 0, "stored": 0}

_code_key: str | None = None


def code_key() -> str:
    """A key for everything besides the branch that an answer depends on: the files of
    the installed ``jifen_cli`` package (code, presets, templates — also a source
    checkout's top-level ``templates/``) and the versions of the libraries it uses.

    Each file counts by its stat signature (path, size, mtime, ctime, inode), not its
    content: reading and hashing the whole package cost ~12 ms a run, the stats ~1 ms.
    Any install, upgrade or edit writes the file, which changes its ctime (and usually
    its inode) — the kernel sets ctime, no tool can keep it — so it changes the key."""
    global _code_key
    if _code_key is None:
        import jifen_cli

        h = hashlib.blake2b(digest_size=16)
        h.update(f"{SCHEMA}/{FORMAT}/{sys.version}".encode())
        package = Path(jifen_cli.__file__).parent
        roots = [package] + [t for t in (package.parent / "templates",) if (t / "base.html.j2").is_file()]
        for top in roots:
            for path in sorted(_walk(top)):
                if path.endswith((".pyc", ".pyo")):
                    continue
                try:
                    st = os.stat(path)
                    sig = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
                except OSError:
                    sig = None
                h.update(f"{path}\0{sig}\0".encode("utf-8", "surrogatepass"))
        for entry in sys.path:
            try:
                names = os.listdir(entry or ".")
            except OSError:
                continue
            for name in sorted(names):
                if _DISTS.match(name):
                    h.update(name.lower().encode() + b"\0")
        _code_key = h.hexdigest()
    return _code_key


def _walk(top: Path):
    for base, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            yield os.path.join(base, name)


def branch_files(root: Path) -> list[str]:
    """Every regular file of the branch (relative posix paths, sorted), ``.git`` and the
    cache excepted: the memo's view of "which files exist"."""
    root = str(root)
    out = []
    cut = len(root) + 1
    for base, dirs, files in os.walk(root):
        if base == root:
            dirs[:] = [d for d in dirs if d not in _SKIP_DIRS]
        for name in files:
            full = os.path.join(base, name)
            rel = full[cut:]
            out.append(rel.replace(os.sep, "/") if os.sep != "/" else rel)
    out.sort()
    return out


def _question_hash(question) -> str:
    text = json.dumps(question, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(f"{code_key()}\n{text}".encode("utf-8", "surrogatepass"),
                           digest_size=16).hexdigest()


def _same_content(root: Path, rel: str, idx) -> bool:
    """Whether the file still holds what was read when the answer was computed."""
    if not (type(idx) is list and len(idx) == 5 and type(idx[4]) is str) or not _inside(rel):
        return False
    try:
        st = os.stat(root / rel)
    except OSError:
        return False
    if idx[0] != -1 and [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino] == idx[:4]:
        return True
    try:
        with open(root / rel, "rb") as fh:
            raw = fh.read()
    except OSError:
        return False
    return cache.content_hash(raw) == idx[4]


def _inside(rel: str) -> bool:
    """A relative path that stays inside the branch (a foreign memo may claim anything)."""
    return (type(rel) is str and bool(rel) and not os.path.isabs(rel)
            and ".." not in rel.replace("\\", "/").split("/"))


class Memo:
    """One question asked of one branch.  ``get()`` → the stored answer or None;
    after computing, ``put(answer)`` stores it with the inputs recorded since the memo
    was made.  Make the memo *before* the computation reads any file."""

    def __init__(self, root: Path, question):
        self.root = Path(os.path.abspath(root))
        self.question = question
        self.where = cache.cache_dir(self.root) if cache.enabled() else None
        self.files: list[str] | None = None
        if self.where is not None:
            self.path = self.where / MEMO_DIR / f"{_question_hash(question)}.json"
            cache.start_recording(self.root)

    @property
    def enabled(self) -> bool:
        return self.where is not None

    def get(self):
        if self.where is None:
            return None
        self.files = branch_files(self.root)
        try:
            with open(self.path, "rb") as fh:
                stored = json.loads(fh.read())
        except (OSError, ValueError, UnicodeError, RecursionError, MemoryError):
            stored = None
        if (isinstance(stored, dict) and stored.get("schema") == SCHEMA
                and stored.get("code") == code_key() and stored.get("files") == self.files
                and isinstance(stored.get("inputs"), dict) and "answer" in stored
                and all(_same_content(self.root, rel, idx) for rel, idx in stored["inputs"].items())):
            STATS["hits"] += 1
            return stored["answer"]
        STATS["misses"] += 1
        return None

    def put(self, answer) -> bool:
        """Store the answer; False (nothing stored) when the inputs are not all known."""
        if self.where is None:
            return False
        inputs = cache.stop_recording(self.root)
        if not inputs or any(idx is None for idx in inputs.values()):
            return False
        files = self.files if self.files is not None else branch_files(self.root)
        listed = set(files)
        if (any(os.path.normpath(rel).replace(os.sep, "/") not in listed for rel in inputs)
                or branch_files(self.root) != files):
            return False  # a file appeared or vanished while computing: don't guess
        record = {"schema": SCHEMA, "code": code_key(), "question": self.question,
                  "files": files, "inputs": inputs, "answer": answer}
        try:
            raw = json.dumps(record, ensure_ascii=False, separators=(",", ":"),
                             default=str).encode("utf-8", "surrogatepass")
        except (TypeError, ValueError, RecursionError):
            return False
        if cache.write_atomic(self.path, raw, ".memo-"):
            STATS["stored"] += 1
            _prune(self.path.parent)
            return True
        return False


def _prune(where: Path) -> None:
    try:
        entries = [(e.stat().st_mtime_ns, e.path) for e in os.scandir(where)
                   if e.name.endswith(".json")]
    except OSError:
        return
    if len(entries) <= KEEP:
        return
    entries.sort()
    for _, path in entries[:len(entries) - KEEP]:
        try:
            os.unlink(path)
        except OSError:
            pass


def clear(root: Path) -> None:
    """Remove this branch's memo (tests and the benchmark kit)."""
    where = cache.cache_dir(Path(os.path.abspath(root)))
    if where is None:
        return
    try:
        for e in os.scandir(where / MEMO_DIR):
            try:
                os.unlink(e.path)
            except OSError:
                pass
    except OSError:
        pass
