"""Safe, locked, comment-preserving writes of ledger files, one git commit per command.

Every command that changes the ledger goes through :func:`apply`:

1. the branch must be a git repository with at least one commit (else E703, exit 2);
2. a lock (:class:`BranchLock`) serialises writers of the same repository;
3. the target file is changed with ruamel.yaml *round trip*, so every comment and
   blank line the user wrote survives; a new month file gets a short Chinese header;
4. the whole ledger *with the change* is checked (``checks.check_branch`` on a staged
   copy, plus :func:`audit.check_published` with the new text) and the write is refused,
   with nothing written, if the result would not pass ``jifen check``;
5. the file is written to a temporary file in the same directory, fsynced and renamed
   over the old one (``os.replace``): a reader never sees half a file;
6. exactly the changed path is committed, with the recorder as author and a message in
   the grammar documented in ``docs/AUDIT.md``::

       jifen: <action> <id> key=value key=value ...

The library never prints; the CLI (``jifen_cli/cli/recording.py``) formats results.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import json
import os
import re
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from . import git
from .lookup import resolve_member
from .periods import today  # noqa: F401  (re-exported: writers and reports share one "today")
from .diagnostics import EXIT_CANNOT_RUN, EXIT_PROBLEMS, WARNING, Diagnostic, JifenError

#: env var: seconds to sleep between writing the temporary file and renaming it
#: (used by the tests to kill a writer in the middle of a write)
PAUSE_ENV = "JIFEN_TEST_PAUSE_BEFORE_REPLACE"
#: env var: seconds to wait for the lock before giving up (default 120)
LOCK_TIMEOUT_ENV = "JIFEN_LOCK_TIMEOUT"

TMP_PREFIX = ".jifen-tmp-"

ENTRY_KEYS = ("id", "date", "member", "item", "times", "quantity", "points", "level",
              "subject", "note", "by", "status", "corrects", "recorded")
OBJECTION_KEYS = ("id", "entry", "by", "date", "reason", "status", "resolution")

MONTH_HEADER = ("# {year} 年 {month} 月积分记录（jifen 自动创建）\n"
                "# 每条记录一块；更正请用 jifen correct / jifen void 追加新记录，不要改动已有记录。\n"
                "\n")
OBJECTION_HEADER = ("# {year} 年异议记录（jifen 自动创建）\n"
                    "# status: open 待处理 / upheld 成立 / dismissed 不成立\n"
                    "\n")


# =============================================================================== lock
@dataclass
class LockInfo:
    pid: int
    host: str
    time: str
    command: str = ""

    @classmethod
    def parse(cls, text: str) -> "LockInfo | None":
        try:
            data = json.loads(text)
            return cls(int(data["pid"]), str(data["host"]), str(data["time"]),
                       str(data.get("command", "")))
        except (ValueError, KeyError, TypeError):
            return None


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    # a zombie (killed but not yet reaped by its parent) holds nothing any more
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            state = fh.read().rsplit(b")", 1)[1].split()[0]
        return state != b"Z"
    except (OSError, IndexError):
        return True


class BranchLock:
    """An exclusive lock file ``<git dir>/jifen.lock`` holding ``{pid, host, time}``.

    Created with ``O_CREAT|O_EXCL``.  A lock left by a dead process on this host is
    stale and is removed (the check-and-remove runs under ``flock`` on a guard file so
    that two waiters cannot both remove the same stale lock and then each other's).
    A lock from another host, or an unreadable one older than ``stale_after`` seconds,
    is also treated as stale.
    """

    def __init__(self, path: Path, command: str = "", timeout: float | None = None,
                 stale_after: float = 3600.0):
        self.path = Path(path)
        self.guard = self.path.with_name(self.path.name + ".guard")
        self.command = command
        if timeout is None:
            timeout = float(os.environ.get(LOCK_TIMEOUT_ENV, "120"))
        self.timeout = timeout
        self.stale_after = stale_after
        self.held = False
        self.waited = 0.0
        self.stale_removed: LockInfo | None = None

    def _info(self) -> LockInfo:
        return LockInfo(os.getpid(), socket.gethostname(),
                        datetime.now().astimezone().isoformat(timespec="seconds"), self.command)

    def _try_create(self) -> bool:
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            info = self._info()
            json.dump(info.__dict__, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        return True

    def _is_stale(self, text: str) -> tuple[bool, LockInfo | None]:
        info = LockInfo.parse(text)
        if info is None:
            try:
                age = time.time() - self.path.stat().st_mtime
            except FileNotFoundError:
                return False, None
            # a lock being written right now is briefly empty: give it a moment
            return age > 5.0, None
        if info.host == socket.gethostname():
            return not _pid_alive(info.pid), info
        try:
            age = time.time() - datetime.fromisoformat(info.time).timestamp()
        except ValueError:
            age = self.stale_after + 1
        return age > self.stale_after, info

    def _remove_if_stale(self) -> None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - non-POSIX
            fcntl = None
        with open(self.guard, "a+b") as guard:
            if fcntl:
                fcntl.flock(guard.fileno(), fcntl.LOCK_EX)
            try:
                try:
                    text = self.path.read_text(encoding="utf-8")
                except FileNotFoundError:
                    return
                stale, info = self._is_stale(text)
                if stale:
                    # re-read under the guard: only a guard holder removes lock files
                    with contextlib.suppress(FileNotFoundError):
                        if self.path.read_text(encoding="utf-8") == text:
                            self.path.unlink()
                            self.stale_removed = info
            finally:
                if fcntl:
                    fcntl.flock(guard.fileno(), fcntl.LOCK_UN)

    def holder(self) -> LockInfo | None:
        try:
            return LockInfo.parse(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def acquire(self) -> None:
        start = time.monotonic()
        delay = 0.01
        while True:
            if self._try_create():
                self.held = True
                self.waited = time.monotonic() - start
                return
            self._remove_if_stale()
            if time.monotonic() - start > self.timeout:
                h = self.holder()
                who = f"进程 {h.pid}（{h.host}，{h.time} 起，{h.command}）" if h else "另一个进程"
                raise JifenError(f"台账正被{who}写入，等待 {self.timeout:.0f} 秒后仍未释放",
                                 exit_code=EXIT_CANNOT_RUN,
                                 hint=f"若确认没有其他 jifen 在运行，可删除锁文件 {self.path}")
            time.sleep(delay)
            delay = min(delay * 1.5, 0.2)

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        with contextlib.suppress(FileNotFoundError):
            info = self.holder()
            if info is None or info.pid == os.getpid():
                self.path.unlink()

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()


def lock_for(root: Path, command: str = "") -> BranchLock:
    return BranchLock(git.git_dir(root) / "jifen.lock", command=command)


# ======================================================================= atomic write
def atomic_write(path: Path, text: str | bytes) -> None:
    """Write ``text`` (UTF-8) to ``path`` via a temporary file in the same directory,
    fsync, then ``os.replace``.  The env var ``JIFEN_TEST_PAUSE_BEFORE_REPLACE`` makes it
    sleep between the two (for the kill-mid-write test)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", suffix=".tmp",
                               dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text if isinstance(text, bytes) else text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            from .cache import new_file_mode

            os.chmod(tmp, new_file_mode())
        pause = os.environ.get(PAUSE_ENV)
        if pause:
            time.sleep(float(pause))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def remove_stale_temp_files(directory: Path) -> list[Path]:
    """Remove temporary files left by writers that died (pid in the name no longer
    alive).  Called under the lock."""
    removed = []
    if not directory.is_dir():
        return removed
    for p in directory.glob(f"{TMP_PREFIX}*"):
        m = re.match(rf"{re.escape(TMP_PREFIX)}(\d+)-", p.name)
        if m and not _pid_alive(int(m.group(1))):
            with contextlib.suppress(OSError):
                p.unlink()
                removed.append(p)
    return removed


# ========================================================================= round trip
def _yaml():
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    y.allow_unicode = True
    return y


def _detect_indent(text: str, key: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) indentation used for the list under ``key:``."""
    m = re.search(rf"^{re.escape(key)}:[^\n]*\n(?:[ \t]*(?:#[^\n]*)?\n)*( *)- ", text, re.M)
    offset = len(m.group(1)) if m else 2
    m2 = re.search(r"^( *)- +\w+:[^\n]*\n\1( +)\w", text, re.M)
    mapping = 2
    if m2:
        mapping = max(2, len(m2.group(2)) - 2) if len(m2.group(2)) >= 2 else 2
    return mapping, offset + 2, offset


def _scalar(value):
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    if isinstance(value, datetime):
        return value.date()
    return value


def to_commented_map(record: dict, keys: tuple):
    from ruamel.yaml.comments import CommentedMap

    cm = CommentedMap()
    for k in keys:
        if k in record and record[k] is not None and record[k] != "":
            cm[k] = _scalar(record[k])
    for k, v in record.items():  # anything not in the canonical order, at the end
        if k not in cm and v is not None and v != "" and k not in keys:
            cm[k] = _scalar(v)
    return cm


def render_record(record: dict, keys: tuple = ENTRY_KEYS, list_key: str = "entries") -> str:
    """The YAML block one record would be written as (for ``--dry-run``)."""
    y = _yaml()
    y.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    y.dump([to_commented_map(record, keys)], out)
    return out.getvalue()


def append_record(text: str | None, list_key: str, record: dict, keys: tuple,
                  header: str) -> str:
    """``text`` with ``record`` appended to the top-level list ``list_key`` (round trip:
    comments, blank lines and quoting kept).  ``text`` None → a new file with
    ``header``."""
    block_yaml = _yaml()
    block_yaml.indent(mapping=2, sequence=4, offset=2)
    block = io.StringIO()
    block_yaml.dump([to_commented_map(record, keys)], block)
    if text is None:
        return header + f"{list_key}:\n" + block.getvalue()
    y = _yaml()
    y.indent(*_detect_indent(text, list_key))
    data = y.load(text)
    if data is None:  # empty, or nothing but comments: keep them all, add the list
        if text and not text.endswith("\n"):
            text += "\n"
        return text + f"{list_key}:\n" + block.getvalue()
    if not hasattr(data, "keys"):
        raise JifenError(f"文件顶层不是键值结构，无法追加“{list_key}”", exit_code=EXIT_PROBLEMS)
    seq = data.get(list_key)
    if seq is None:
        from ruamel.yaml.comments import CommentedSeq

        seq = CommentedSeq()
        data[list_key] = seq
    if not isinstance(seq, list):
        raise JifenError(f"“{list_key}”应为列表，无法追加", exit_code=EXIT_PROBLEMS)
    if hasattr(seq, "fa") and seq.fa.flow_style():
        seq.fa.set_block_style()
    seq.append(to_commented_map(record, keys))
    out = io.StringIO()
    y.dump(data, out)
    new = out.getvalue()
    _same_data_plus(text, new, list_key)
    return new


def _same_data_plus(old: str, new: str, list_key: str) -> None:
    """Safety net for the round trip: the new text must hold exactly the old data plus
    one more record at the end of ``list_key``."""
    from .yamlio import parse_text

    a, da = parse_text(old, "")
    b, db = parse_text(new, "")
    if da:
        return  # the old file did not parse: the check of the result will say so
    ok = (not db and isinstance(a, dict) and isinstance(b, dict)
          and {k: v for k, v in a.items() if k != list_key} == {k: v for k, v in b.items() if k != list_key}
          and list(a.get(list_key) or []) == list(b.get(list_key) or [])[:-1])
    if not ok:  # pragma: no cover - would be a ruamel.yaml defect
        raise JifenError("保留格式写入时内容发生了意外变化，已放弃写入", exit_code=EXIT_CANNOT_RUN,
                         hint="请把该文件和命令报告给维护者")


def update_record(text: str, list_key: str, record_id: str, changes: dict) -> str:
    """``text`` with the record ``id: record_id`` in ``list_key`` updated (round trip)."""
    y = _yaml()
    y.indent(*_detect_indent(text, list_key))
    data = y.load(text)
    for item in data.get(list_key) or []:
        if hasattr(item, "get") and str(item.get("id")) == record_id:
            for k, v in changes.items():
                if v is None or v == "":
                    item.pop(k, None)
                else:
                    item[k] = _scalar(v)
            break
    else:
        raise JifenError(f"找不到编号为 {record_id} 的记录", exit_code=EXIT_PROBLEMS)
    out = io.StringIO()
    y.dump(data, out)
    return out.getvalue()


# ===================================================================== commit messages
_TOKEN_RE = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)')


def _fmt_value(v) -> str:
    s = str(v)
    if s == "" or re.search(r'[\s"=\\]', s):
        return json.dumps(s, ensure_ascii=False)
    return s


def format_message(action: str, target: str, fields: dict, body: str = "") -> str:
    """``jifen: <action> <target> k=v ...`` (+ blank line + body).  Values with spaces,
    quotes or ``=`` are JSON-quoted; empty values are left out."""
    parts = [f"jifen: {action} {target}"]
    for k, v in fields.items():
        if v is None or v == "":
            continue
        parts.append(f"{k}={_fmt_value(v)}")
    msg = " ".join(parts)
    if body:
        msg += "\n\n" + body.strip() + "\n"
    return msg


@dataclass
class ParsedMessage:
    action: str
    target: str
    fields: dict[str, str]


def parse_message(subject: str) -> ParsedMessage | None:
    """Parse a commit subject written by :func:`format_message`; None for any other
    (hand-made) commit."""
    m = re.match(r"^jifen: (\w+)(?: (?!\w+=)(\S+))?(.*)$", subject.strip())
    if not m:
        return None
    fields = {}
    for key, raw in _TOKEN_RE.findall(m.group(3)):
        try:
            fields[key] = json.loads(raw) if raw.startswith('"') else raw
        except ValueError:
            fields[key] = raw
    return ParsedMessage(m.group(1), m.group(2) or "", fields)


# ========================================================================== the plan
@dataclass
class Change:
    """One file to change: its path relative to the branch root, old and new text."""

    file: str
    old: str | None
    new: str

    def diff(self) -> str:
        return "".join(difflib.unified_diff(
            (self.old or "").splitlines(keepends=True), self.new.splitlines(keepends=True),
            fromfile=f"a/{self.file}", tofile=f"b/{self.file}"))


@dataclass
class WriteResult:
    action: str
    target: str  # the id written (entry, objection, period)
    changes: list[Change]
    message: str
    records: list[dict] = field(default_factory=list)
    commit: str | None = None  # None on a dry run
    dry_run: bool = False
    warnings: list[Diagnostic] = field(default_factory=list)
    preexisting: list[Diagnostic] = field(default_factory=list)  # errors before this write


class Refused(JifenError):
    """The write would leave a ledger that fails ``jifen check``; nothing was written."""

    def __init__(self, message: str, diagnostics: list[Diagnostic], hint: str | None = None):
        super().__init__(message, diagnostics, exit_code=EXIT_PROBLEMS, hint=hint)


def _read(path: Path, rel: str | None = None) -> str | None:
    """The text of a ledger file to be changed, decoded the way the loader decodes it
    (UTF-8 with or without BOM, GBK/GB18030, UTF-16 — a file saved by Notepad or an old
    WPS must not stop `jifen add`), with Windows line endings read as ``\n``.
    :func:`commit_changes` writes UTF-8 and keeps the file's line endings."""
    from .yamlio import decode

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        text, _ = decode(raw)
    except UnicodeError:
        raise JifenError(f"文件“{path.name}”的编码无法识别，无法写入", exit_code=EXIT_PROBLEMS,
                         hint="用记事本“另存为”UTF-8 编码后再试（jifen check 会指出问题所在）") from None
    text = text.replace("\r\n", "\n")
    from .yamlio import _fix_fullwidth_colons, parse_text

    _, diags = parse_text(text, rel or path.name)
    errors = [d for d in diags if d.is_error]
    if errors:  # a file the round-trip writer cannot read: refuse, as for any ledger error
        raise Refused(f"{rel or path.name} 有语法错误，无法写入", errors,
                      hint="先改正这个文件（jifen check 列出全部问题）并提交，再运行本命令")
    if any(d.code == "W102" for d in diags):
        # `date：2019-01-15` is read by check with a warning (W102); the round-trip writer
        # needs real YAML, so those colons are written back as `: ` (same entries)
        text = _fix_fullwidth_colons(text)[0]
    return text


def _disk_state(path: Path) -> tuple[bytes | None, bool, bool]:
    """(raw bytes or None, uses Windows line endings, is not UTF-8) of a file before it
    is replaced: the bytes to put back if the commit fails, the line ending to keep."""
    from .yamlio import decode

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, False, False
    try:
        _, note = decode(raw)
    except UnicodeError:
        note = "?"
    return raw, b"\r\n" in raw, note is not None


def _diag_key(d: Diagnostic):
    return (d.code, d.file, d.message)


def _run_checks(root: Path) -> list[Diagnostic]:
    from .checks import check_branch

    _, diags = check_branch(root)
    return list(diags)


def _stage(root: Path, changes: list[Change], dest: Path) -> Path:
    def ignore(dirpath, names):
        skip = {".git"}
        return [n for n in names if n in skip or n.startswith(TMP_PREFIX)]

    shutil.copytree(root, dest, ignore=ignore, symlinks=True)
    for ch in changes:
        target = dest / ch.file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(ch.new, encoding="utf-8")
    return dest


def validate(root: Path, changes: list[Change]) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Check the whole ledger as it would be after ``changes``.  Returns
    ``(new_errors, preexisting_errors)``: errors of the result that were not there before,
    and errors that were already there.  A write is allowed only if both are empty."""
    from . import audit

    with tempfile.TemporaryDirectory(prefix="jifen-stage-") as tmp:
        staged = _stage(root, changes, Path(tmp) / "branch")
        # the staged copy is no repository, even if the temp dir lies inside one
        saved = os.environ.get("GIT_CEILING_DIRECTORIES")
        os.environ["GIT_CEILING_DIRECTORIES"] = tmp
        try:
            after = _run_checks(staged)
        finally:
            if saved is None:
                os.environ.pop("GIT_CEILING_DIRECTORIES", None)
            else:
                os.environ["GIT_CEILING_DIRECTORIES"] = saved
    overrides = {ch.file: ch.new for ch in changes}
    after += audit.check_published(root, overrides=overrides)
    after_errors = [d for d in after if d.is_error]
    if not after_errors:
        return [], []
    before = _run_checks(root) + audit.check_published(root)
    before_keys = {_diag_key(d) for d in before if d.is_error}
    new = [d for d in after_errors if _diag_key(d) not in before_keys]
    old = [d for d in after_errors if _diag_key(d) in before_keys]
    return new, old


def commit_changes(root: Path, result: WriteResult, author: str) -> str:
    """Write ``result.changes`` atomically and commit them in one commit.  If the commit
    fails the files are put back as they were."""
    written: list[tuple[Change, bytes | None]] = []
    try:
        for ch in result.changes:
            before, crlf, converted = _disk_state(root / ch.file)
            text = ch.new.replace("\r\n", "\n")
            atomic_write(root / ch.file, text.replace("\n", "\r\n") if crlf else text)
            written.append((ch, before))
            if converted:
                result.warnings.append(Diagnostic(
                    "W101", "文件原为 GBK/GB18030 或 UTF-16 编码，本次写入时已转存为 UTF-8", ch.file,
                    hint="以后请用 UTF-8 编码保存（记事本“另存为”时选 UTF-8）", severity=WARNING))
        return git.commit_paths(root, [ch.file for ch in result.changes], result.message,
                                author)
    except BaseException:
        for ch, before in written:
            with contextlib.suppress(OSError):
                if before is None:
                    (root / ch.file).unlink()
                else:
                    atomic_write(root / ch.file, before)
        with contextlib.suppress(JifenError):  # un-stage what `git add` staged
            git.run_git(root, "reset", "-q", "--", *[ch.file for ch in result.changes])
        raise


@contextlib.contextmanager
def transaction(root: Path, command: str):
    """The repository check and the lock around one writing command."""
    root = Path(root)
    git.require_repo(root)
    _preload()
    with lock_for(root, command) as lk:
        yield lk


def _preload() -> None:
    """Import what the locked section needs before taking the lock, so that the time
    other writers wait is spent on the write itself (measured: ~0.15 s of imports)."""
    import ruamel.yaml  # noqa: F401

    from . import audit, checks, engine, loader  # noqa: F401


def guard_clean(root: Path, files: list[str]) -> None:
    """Refuse to write a file that has uncommitted changes: they would end up in this
    command's commit under its name (e.g. a hand edit, or a write interrupted after the
    rename)."""
    dirty = git.dirty_paths(root, files)
    # an untracked file that does not exist is fine (it will be created)
    dirty = [f for f in dirty if (root / f).exists() or git.is_tracked(root, f)]
    if dirty:
        listed = "、".join(dirty)
        raise JifenError(f"{listed} 有尚未提交的改动，jifen 不会把它们混进自己的提交",
                         exit_code=EXIT_PROBLEMS,
                         hint=f"先检查改动（git diff -- {dirty[0]}），然后提交（git add -- {dirty[0]} && "
                              f'git commit -m "手工修改：说明原因"）或撤销（git checkout -- {dirty[0]}）')


def finish(root: Path, result: WriteResult, author: str, dry_run: bool,
           check: bool = True) -> WriteResult:
    """Validate ``result`` and (unless a dry run) write and commit it.  Must run inside
    :func:`transaction`.  Raises :class:`Refused` when the result would not pass."""
    guard_clean(root, [ch.file for ch in result.changes])
    if check:
        new, old = validate(root, result.changes)
        result.preexisting = old
        if new or old:
            from .yamlio import resolve_locations

            resolve_locations(root, new, texts={ch.file: ch.new for ch in result.changes})
            resolve_locations(root, old)
            for d in old:
                d.message += "（写入前已存在）"
            msg = "写入后台账将无法通过 jifen check，已拒绝，未写入任何内容"
            hint = None
            if old and not new:
                hint = "这些错误在本次写入之前就已存在：请先修正台账（jifen check 查看全部问题）"
            raise Refused(msg, new + old, hint=hint)
    result.dry_run = dry_run
    if dry_run:
        return result
    for ch in result.changes:
        remove_stale_temp_files((root / ch.file).parent)
    result.commit = commit_changes(root, result, author)
    return result


# ====================================================================== the operations
# Each operation loads the ledger under the lock, builds the new record(s), and hands
# a WriteResult to :func:`finish`.  The CLI calls these inside :func:`transaction`.

#: statuses in messages: the Chinese names FORMAT.md gives (status codes stay in files)
_STATUS_ZH = {"confirmed": "已认定", "pending": "待认定", "rejected": "不予认定", "void": "作废"}
_OBJECTION_ZH = {"open": "待处理", "upheld": "异议成立", "dismissed": "异议不成立"}


def month_file(day: date) -> str:
    return f"events/{day.year}/{day.year}-{day.month:02d}.yaml"


def objection_file(year: int) -> str:
    return f"objections/{year}.yaml"


def load(root: Path):
    """The ledger as it is now (diagnostics ignored here; :func:`validate` judges)."""
    from .loader import load_branch

    ledger, _ = load_branch(Path(root))
    return ledger


def item_codes(ledger, day: date) -> dict[str, str]:
    """Item codes of the rules in force on ``day`` → their Chinese names ({} if there are
    no usable rules for that day; `jifen check` reports why)."""
    from .rules import compile_rules

    ref = ledger.rules_file_for(day)
    if ref is None or ref.file not in ledger.rules:
        return {}
    scheme, _ = compile_rules(ledger.rules[ref.file], ref.file)
    return {code: item.name for code, item in scheme.items.items()} if scheme else {}


def resolve_item(ledger, text: str, day: date) -> str:
    """An item code; unknown → refused with the nearest codes (and titles)."""
    from .values import suggest

    codes = item_codes(ledger, day)
    text = str(text).strip()
    if not codes or text in codes:
        return text
    by_title = [c for c, t in codes.items() if t and t == text]
    if len(by_title) == 1:
        return by_title[0]
    near = suggest(text, list(codes), 3)
    near += [c for c in (codes_for_title(codes, t) for t in suggest(text, [t for t in codes.values() if t], 2))
             if c and c not in near]
    hint = ("是不是：" + "；".join(f"{c}（{codes[c]}）" if codes[c] else c for c in near) + "？") if near \
        else "用 jifen rules 查看积分项目"
    raise JifenError(f"积分规则中没有项目“{text}”（E302）", exit_code=EXIT_PROBLEMS, hint=hint)


def codes_for_title(codes: dict[str, str], title: str) -> str | None:
    for c, t in codes.items():
        if t == title:
            return c
    return None


def next_entry_id(text: str | None, day: date, taken: set[str] = frozenset()) -> str:
    """The next free ``YYYY-MM-NNN`` id of ``day``'s month (highest number used in the
    month file or anywhere in the ledger, plus one)."""
    stem = f"{day.year}-{day.month:02d}-"
    numbers = [int(n) for n in re.findall(rf"(?m)^\s*-?\s*id:\s*['\"]?{re.escape(stem)}(\d+)", text or "")]
    numbers += [int(i[len(stem):]) for i in taken if i.startswith(stem) and i[len(stem):].isdigit()]
    n = max(numbers, default=0) + 1
    return f"{stem}{n:03d}"


def next_objection_id(text: str | None, year: int, taken: set[str] = frozenset()) -> str:
    stem = f"Y{year}-"
    numbers = [int(n) for n in re.findall(rf"(?m)id:\s*['\"]?{re.escape(stem)}(\d+)", text or "")]
    numbers += [int(i[len(stem):]) for i in taken if i.startswith(stem) and i[len(stem):].isdigit()]
    return f"{stem}{max(numbers, default=0) + 1:03d}"


def find_entry(ledger, entry_id: str):
    from .values import suggest

    for e in ledger.entries:
        if e.id == entry_id:
            return e
    near = suggest(entry_id, [e.id for e in ledger.entries], 3)
    raise JifenError(f"没有编号为“{entry_id}”的条目", exit_code=EXIT_PROBLEMS,
                     hint=("是不是 " + "、".join(near) + "？") if near else "用 jifen log 或 jifen pending 查看条目")


def superseded_by(ledger, entry_id: str):
    for e in ledger.entries:
        if e.corrects == entry_id:
            return e
    return None


def require_current(ledger, entry) -> None:
    """Only the latest version of an entry may be corrected again."""
    later = superseded_by(ledger, entry.id)
    if later is not None:
        raise JifenError(f"条目 {entry.id} 已被 {later.id} 更正/取代，不能再对它操作",
                         exit_code=EXIT_PROBLEMS, hint=f"请对最新的条目 {latest_version(ledger, entry.id)} 操作")


def latest_version(ledger, entry_id: str) -> str:
    seen = set()
    while True:
        later = superseded_by(ledger, entry_id)
        if later is None or later.id in seen:
            return entry_id
        seen.add(later.id)
        entry_id = later.id


def entry_record(e) -> dict:
    """An Entry as the plain record it would be written as (for copies)."""
    rec = {k: getattr(e, k) for k in ENTRY_KEYS}
    # times 1 is the default and is not written (nor anything that is not a number)
    if not isinstance(rec["times"], Decimal) or rec["times"] == Decimal(1):
        rec["times"] = None
    if rec["status"] == "confirmed":
        rec["status"] = None
    return rec


def _entry_change(root: Path, ledger, record: dict) -> Change:
    rel = month_file(record["date"])
    old = _read(root / rel, rel)
    record["id"] = next_entry_id(old, record["date"], {e.id for e in ledger.entries})
    header = MONTH_HEADER.format(year=record["date"].year, month=record["date"].month)
    return Change(rel, old, append_record(old, "entries", record, ENTRY_KEYS, header))


def _entry_message(action: str, rec: dict, by: str, extra: dict | None = None) -> str:
    fields = {"member": rec.get("member"), "item": rec.get("item"),
              "date": rec["date"].isoformat()}
    if rec.get("corrects"):
        fields["corrects"] = rec["corrects"]
    fields.update(extra or {})
    fields["by"] = by
    return format_message(action, rec["id"], fields, rec.get("note") or "")


def _published_guard(root: Path, rec: dict) -> None:
    """A published month takes corrections only (never a fresh entry)."""
    from .audit import publish_tag

    if rec.get("corrects"):
        return
    period = f"{rec['date'].year}-{rec['date'].month:02d}"
    if git.tag_commit(root, publish_tag(root, period)):
        raise Refused(f"{period} 已公示，不能再新增条目（公示后只能追加更正条目）",
                      [Diagnostic("E701", f"{period} 已于公示后冻结", month_file(rec["date"]))],
                      hint="如确属漏记，请按支部规定处理：可用 jifen correct 更正已有条目，"
                           "或记入当前月份并在备注中说明")


def new_entry(root: Path, *, action: str, member: str, item: str, day: date, by: str,
              times=None, quantity=None, points=None, level=None, subject=None, note="",
              status=None, dry_run=False) -> WriteResult:
    """``add`` (status confirmed) / ``declare`` (status pending): a fresh entry."""
    ledger = load(root)
    m = resolve_member(ledger, member)
    code = resolve_item(ledger, item, day)
    rec = {"date": day, "member": m.id, "item": code, "times": times, "quantity": quantity,
           "points": points, "level": level, "subject": subject, "note": note, "by": by,
           "status": status, "recorded": today()}
    _published_guard(root, rec)
    change = _entry_change(root, ledger, rec)
    msg = _entry_message(action, rec, by)
    result = WriteResult(action, rec["id"], [change], msg, [rec])
    return finish(root, result, by, dry_run)


def supersede(root: Path, *, action: str, entry_id: str, by: str, reason: str = "",
              changes: dict | None = None, dry_run: bool = False) -> WriteResult:
    """``confirm`` / ``reject`` / ``void`` / ``correct``: a new entry superseding
    ``entry_id``, with its date, in its month file."""
    result = supersede_plan(root, load(root), action=action, entry_id=entry_id, by=by,
                            reason=reason, changes=changes)
    return finish(root, result, by, dry_run)


def supersede_plan(root: Path, ledger, *, action: str, entry_id: str, by: str, reason: str = "",
                   changes: dict | None = None) -> WriteResult:
    """The plan of :func:`supersede` (not validated, nothing written)."""
    old = find_entry(ledger, entry_id)
    require_current(ledger, old)
    rec = entry_record(old)
    if action in ("confirm", "reject"):
        if old.status != "pending":
            raise JifenError(f"条目 {old.id} 不是待认定的申报（状态：{_STATUS_ZH.get(old.status, old.status)}）", exit_code=EXIT_PROBLEMS,
                             hint="认定/不予认定只用于 jifen declare 记下的申报；更正请用 jifen correct")
    elif old.status in ("void", "rejected"):
        raise JifenError(f"条目 {old.id} 已作废或不予认定，不能再{'作废' if action == 'void' else '更正'}",
                         exit_code=EXIT_PROBLEMS)
    rec.update({"corrects": old.id, "by": by, "recorded": today()})
    if action == "confirm":
        rec["status"] = None  # confirmed
        if reason:
            rec["note"] = reason
    elif action == "reject":
        rec["status"] = "rejected"
        rec["note"] = reason
    elif action == "void":
        rec["status"] = "void"
        rec["note"] = reason
    elif action == "correct":
        for k, v in (changes or {}).items():
            if v is None:
                continue
            if k == "member":
                v = resolve_member(ledger, v).id
            elif k == "item":
                v = resolve_item(ledger, v, rec["date"])
            elif k == "date":
                if (v.year, v.month) != (old.date.year, old.date.month):
                    raise JifenError(f"更正不能把条目移到别的月份（原日期 {old.date}）", exit_code=EXIT_PROBLEMS,
                                     hint="请先 jifen void 作废原条目，再在正确的月份 jifen add")
            rec[k] = v
        rec["note"] = reason or rec.get("note") or ""
        if {k: rec.get(k) for k in ENTRY_KEYS if k not in ("by", "recorded", "corrects", "note")} == \
                {k: v for k, v in entry_record(old).items() if k not in ("by", "recorded", "corrects", "note")}:
            raise JifenError("没有给出任何要更正的内容", exit_code=EXIT_PROBLEMS,
                             hint="例如 --points 2 或 --item late_dues 或 --member 张三")
    else:  # pragma: no cover - programming error
        raise ValueError(action)
    change = _entry_change(root, ledger, rec)
    msg = _entry_message(action, rec, by)
    return WriteResult(action, rec["id"], [change], msg, [rec])


def new_objection(root: Path, *, entry_id: str, member: str, reason: str, by: str,
                  day: date | None = None, dry_run: bool = False) -> WriteResult:
    """``object``: record an objection (异议) against an entry."""
    ledger = load(root)
    entry = find_entry(ledger, entry_id)
    m = resolve_member(ledger, member)
    day = day or today()
    rel = objection_file(entry.date.year)
    old = _read(root / rel, rel)
    rec = {"entry": entry.id, "by": m.id, "date": day, "reason": reason, "status": "open"}
    rec = {"id": next_objection_id(old, entry.date.year, {o.id for o in ledger.objections}), **rec}
    new = append_record(old, "objections", rec, OBJECTION_KEYS,
                        OBJECTION_HEADER.format(year=entry.date.year))
    msg = format_message("object", rec["id"], {"entry": entry.id, "member": m.id, "by": by}, reason)
    return finish(root, WriteResult("object", rec["id"], [Change(rel, old, new)], msg, [rec]), by, dry_run)


def resolve_objection(root: Path, *, objection_id: str, upheld: bool, resolution: str, by: str,
                      changes: dict | None = None, dry_run: bool = False) -> WriteResult:
    """``resolve``: settle an objection.  Upheld with ``changes`` → a correction entry of
    the disputed entry; upheld without → the entry is voided.  Both files change in
    one commit."""
    from .values import suggest

    ledger = load(root)
    ob = next((o for o in ledger.objections if o.id == objection_id), None)
    if ob is None:
        near = suggest(objection_id, [o.id for o in ledger.objections], 3)
        raise JifenError(f"没有编号为“{objection_id}”的异议", exit_code=EXIT_PROBLEMS,
                         hint=("是不是 " + "、".join(near) + "？") if near else None)
    if ob.status != "open":
        raise JifenError(f"异议 {ob.id} 已处理（{_OBJECTION_ZH.get(ob.status, ob.status)}）",
                         exit_code=EXIT_PROBLEMS)
    status = "upheld" if upheld else "dismissed"
    text = _read(root / ob.loc.file, ob.loc.file) or ""
    fields = {"status": status, "entry": ob.entry}
    result_changes: list[Change] = []
    records: list[dict] = []
    if upheld:
        target = latest_version(ledger, ob.entry)
        action = "correct" if any(v is not None for v in (changes or {}).values()) else "void"
        # build the correction through the same code path, without writing it yet
        sub = supersede_plan(root, ledger, action=action, entry_id=target, by=by,
                             reason=f"异议 {ob.id} 成立：{resolution}".rstrip("："), changes=changes)
        result_changes.append(sub.changes[0])
        records.extend(sub.records)
        fields["correction"] = sub.target
        resolution = (resolution + "；" if resolution else "") + f"已由 {sub.target} 更正"
    new_text = update_record(text, "objections", ob.id, {"status": status, "resolution": resolution})
    result_changes.insert(0, Change(ob.loc.file, text, new_text))
    fields["by"] = by
    msg = format_message("resolve", ob.id, fields, resolution)
    result = WriteResult("resolve", ob.id, result_changes, msg, records)
    return finish(root, result, by, dry_run)
