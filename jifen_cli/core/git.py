"""Thin git plumbing for the audit trail (subprocess only, no GitPython).

Every function takes the *branch root* (the directory holding ``branch.yaml``), which
may be the top of a git repository or a sub-directory of one (e.g. ``sample_branch/``
inside the project repository).  Paths passed in and returned are relative to the
branch root, in posix form; the translation to repository paths happens here.

Failures raise :class:`GitError` (a :class:`JifenError` with exit code 2 and a Chinese
message); "not a git repository" is E703 and carries the command that fixes it.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath

from .diagnostics import EXIT_CANNOT_RUN, Diagnostic, JifenError

#: environment for every git call: no pager, no prompts, stable output
_BASE_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_PAGER": "cat",
    "PAGER": "cat",
    "LC_ALL": "C.UTF-8",
    "GIT_OPTIONAL_LOCKS": "0",
}

#: fallback identity when the machine has no git identity configured
FALLBACK_EMAIL = "jifen@localhost"

FIX_HINT = 'git init && git add -A && git commit -m "jifen: 初始化台账"'


class GitError(JifenError):
    """git could not do what was asked."""

    def __init__(self, message: str, *, code: str = "E703", hint: str | None = None,
                 exit_code: int = EXIT_CANNOT_RUN):
        super().__init__(message, [Diagnostic(code, message, hint=hint)], exit_code=exit_code,
                         hint=hint)


@dataclass(slots=True)
class Commit:
    sha: str
    author: str
    email: str
    when: datetime  # author date, with its timezone
    subject: str
    body: str = ""
    files: list[str] = field(default_factory=list)  # changed paths, relative to the branch root

    @property
    def short(self) -> str:
        return self.sha[:8]


# ---- running git -----------------------------------------------------------------

def _env(extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env.update(_BASE_ENV)
    if extra:
        env.update(extra)
    return env


def run_git(root: Path, *args: str, input: bytes | None = None, env: dict | None = None,
            check: bool = True, text: bool = True):
    """Run ``git -C root args...``; return stdout (str, or bytes when ``text=False``).

    Raises :class:`GitError` when git is missing or (with ``check``) exits non-zero.
    """
    cmd = ["git", "-c", "core.quotepath=off", "-c", "color.ui=never", "-C", str(root), *args]
    try:
        proc = subprocess.run(cmd, input=input, capture_output=True, env=_env(env))
    except FileNotFoundError:
        raise GitError("找不到 git 命令，请先安装 git", hint="例如：apt-get install git") from None
    if check and proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"git {args[0]} 失败：{err}", code="E704")
    out = proc.stdout
    return out.decode("utf-8", "replace") if text else out


#: environment variables that let git find a repository without a ``.git`` above the directory
_GIT_DIR_VARS = ("GIT_DIR", "GIT_COMMON_DIR", "GIT_WORK_TREE")


def _find_dotgit(root: Path) -> Path | None:
    """The nearest ``.git`` (directory, file or link) at or above ``root``, found without
    spawning git; None when there is none (then git cannot find a repository either,
    unless one of ``_GIT_DIR_VARS`` is set)."""
    try:
        here = Path(root).resolve()
    except (OSError, RuntimeError):
        return None
    for d in (here, *here.parents):
        g = d / ".git"
        if os.path.lexists(g):
            return g
    return None


def _git_env_redirects() -> bool:
    return any(os.environ.get(v) for v in _GIT_DIR_VARS)


def _common_dir(dotgit: Path) -> Path | None:
    """The repository's common git directory (where refs and packed-refs live) for a
    ``.git`` found by :func:`_find_dotgit`; None when it cannot be told for sure."""
    try:
        if dotgit.is_dir():
            gitdir = dotgit
        elif dotgit.is_file():
            text = dotgit.read_text("utf-8").strip()
            if not text.startswith("gitdir:"):
                return None
            gitdir = Path(text[len("gitdir:"):].strip())
            if not gitdir.is_absolute():
                gitdir = dotgit.parent / gitdir
        else:
            return None
        common = gitdir / "commondir"
        if common.is_file():
            c = Path(common.read_text("utf-8").strip())
            gitdir = c if c.is_absolute() else gitdir / c
        return gitdir
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def surely_no_tags(root: Path, prefix: str) -> bool:
    """True only when it is certain, without spawning git, that the repository holding
    ``root`` (if any) has no tag whose name starts with ``prefix``: no ``.git`` above
    ``root`` at all, or a files-backend repository with neither a loose ref under
    ``refs/tags/<prefix>`` nor one in ``packed-refs``.  False means "ask git"."""
    if _git_env_redirects():
        return False
    dotgit = _find_dotgit(root)
    if dotgit is None:
        return True
    common = _common_dir(dotgit)
    if common is None or not common.is_dir():
        return False
    try:
        if os.path.lexists(common / "reftable"):
            return False  # another ref storage: only git can tell
        head = prefix.split("/", 1)[0]
        if os.path.lexists(common / "refs" / "tags" / head):
            return False
        try:
            packed = (common / "packed-refs").read_bytes()
        except FileNotFoundError:
            packed = b""
    except OSError:
        return False
    return b" refs/tags/" + prefix.encode("utf-8") not in packed


def is_repo(root: Path) -> bool:
    """Is ``root`` inside a git work tree?"""
    root = Path(root)
    if not root.is_dir():
        return False
    if not _git_env_redirects() and _find_dotgit(root) is None:
        return False  # no .git anywhere above: git would say the same, without a process
    try:
        proc = subprocess.run(["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"],
                              capture_output=True, env=_env())
    except FileNotFoundError:
        return False
    return proc.returncode == 0 and proc.stdout.strip() == b"true"


def require_repo(root: Path) -> None:
    """Raise E703 (exit 2) with the fix when ``root`` is not in a git repository or has
    no commit yet."""
    if not is_repo(root):
        raise GitError(f"支部目录 {root} 不是 git 仓库：记分命令需要 git 来保存修改记录（审计线索）",
                       hint=f"在支部目录中运行：cd {root} && {FIX_HINT}")
    if head(root) is None:
        raise GitError(f"git 仓库 {root} 还没有任何提交",
                       hint=f"在支部目录中运行：cd {root} && git add -A && "
                            'git commit -m "jifen: 初始化台账"')


def toplevel(root: Path) -> Path:
    return _cached(root, "--show-toplevel")


@functools.lru_cache(maxsize=64)
def _rev_parse(root: str, what: str) -> str:
    return run_git(Path(root), "rev-parse", what).strip()


def _cached(root: Path, what: str):
    """rev-parse facts that never change for a directory, asked once per process
    (keyed by the resolved path)."""
    out = _rev_parse(str(Path(root).resolve()), what)
    return out if what == "--show-prefix" else Path(out)


def git_dir(root: Path) -> Path:
    """The repository's git directory (absolute)."""
    return _cached(root, "--absolute-git-dir")


def prefix(root: Path) -> str:
    """The branch root relative to the repository top ('' at the top, else 'a/b/')."""
    return _cached(root, "--show-prefix")


def to_repo_path(root: Path, rel: str) -> str:
    return prefix(root) + str(PurePosixPath(rel))


def _from_repo_path(pfx: str, path: str) -> str | None:
    if pfx and not path.startswith(pfx):
        return None
    return path[len(pfx):]


def head(root: Path) -> str | None:
    out = run_git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False).strip()
    return out or None


def user_identity(root: Path) -> tuple[str | None, str | None]:
    name = run_git(root, "config", "user.name", check=False).strip() or None
    email = run_git(root, "config", "user.email", check=False).strip() or None
    return name, email


def dirty_paths(root: Path, paths: list[str] | None = None) -> list[str]:
    """Paths (relative to the branch root) with uncommitted changes, staged or not,
    including untracked files, limited to ``paths`` when given."""
    args = ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *(paths or ["."])]
    out = run_git(root, *args)
    pfx = prefix(root)
    found = []
    items = out.split("\0")
    i = 0
    while i < len(items):
        item = items[i]
        i += 1
        if not item:
            continue
        status, path = item[:2], item[3:]
        if status[0] in "RC":  # rename: the next item is the source path
            i += 1
        rel = _from_repo_path(pfx, path)
        if rel is not None:
            found.append(rel)
    return found


def is_tracked(root: Path, rel: str) -> bool:
    out = run_git(root, "ls-files", "--error-unmatch", "--", rel, check=False)
    return bool(out.strip())


# ---- writing -------------------------------------------------------------------

def commit_paths(root: Path, paths: list[str], message: str, author: str,
                 email: str | None = None) -> str:
    """Commit exactly ``paths`` (relative to the branch root; new files are added) with
    ``message`` and ``author`` as the commit author.  Anything else staged in the index
    stays staged and out of this commit.  Returns the new commit's sha."""
    if not paths:
        raise ValueError("commit_paths needs at least one path")
    cfg_name, cfg_email = user_identity(root)
    # the machine's own git identity is the recorder's only if the names agree
    own = cfg_email if cfg_name == author else None
    email = email or os.environ.get("JIFEN_RECORDER_EMAIL") or own or FALLBACK_EMAIL
    env = {"GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": email}
    if not cfg_name:
        env["GIT_COMMITTER_NAME"] = author
    if not cfg_email:
        env["GIT_COMMITTER_EMAIL"] = email
    run_git(root, "add", "--", *paths)
    # ``--only`` (implied by pathspecs) commits these paths' content and nothing else;
    # hooks are skipped so that a user's pre-commit hook cannot split our one commit.
    run_git(root, "commit", "--quiet", "--no-verify", "--only", "-F", "-", "--", *paths,
            input=message.encode("utf-8"), env=env)
    return head(root) or ""


def tag(root: Path, name: str, message: str, rev: str = "HEAD") -> None:
    """Create the annotated tag ``name`` at ``rev`` (fails if it exists)."""
    cfg_name, cfg_email = user_identity(root)
    env = {}
    if not cfg_name:
        env["GIT_COMMITTER_NAME"] = "jifen"
    if not cfg_email:
        env["GIT_COMMITTER_EMAIL"] = FALLBACK_EMAIL
    run_git(root, "tag", "-a", name, "-F", "-", rev, input=message.encode("utf-8"), env=env)


def list_tags(root: Path, pattern: str | None = None) -> list[str]:
    args = ["tag", "--list"]
    if pattern:
        args.append(pattern)
    return [t for t in run_git(root, *args).splitlines() if t]


def tag_commit(root: Path, name: str) -> str | None:
    out = run_git(root, "rev-parse", "--verify", "--quiet", f"refs/tags/{name}^{{commit}}",
                  check=False).strip()
    return out or None


def tag_message(root: Path, name: str) -> str:
    return run_git(root, "tag", "-l", "--format=%(contents)", name).strip()


# ---- reading the past ----------------------------------------------------------

_DATE_RE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


#: something meant as a date but not written YYYY-MM-DD: 2019/2/1, 2019.02.01, 2019年2月1日
_LOOSE_DATE_RE = re.compile(r"^(\d{4})\s*[/.年]\s*(\d{1,2})\s*[/.月]\s*(\d{1,2})\s*日?$")


def resolve(root: Path, rev_or_date: str) -> str:
    """A commit sha for a revision (sha, tag, ``HEAD~2``...) or a date ``YYYY-MM-DD``
    (the last commit *made* — committed to the archive — on or before the end of that
    day; docs/AUDIT.md §7: entry dates and ``JIFEN_TODAY`` do not move commits)."""
    text = str(rev_or_date).strip()
    if _DATE_RE.match(text):
        try:
            day = date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
        except ValueError:
            raise GitError(f"--as-of 的日期“{text}”不存在", code="E705",
                           hint="检查月份和日子，日期写作 YYYY-MM-DD，如 2019-02-01") from None
        sha = run_git(root, "rev-list", "-1", f"--before={day.isoformat()} 23:59:59",
                      "HEAD", check=False).strip()
        if not sha:
            raise _nothing_before(root, day)
        return sha
    sha = run_git(root, "rev-parse", "--verify", "--quiet", f"{text}^{{commit}}",
                  check=False).strip()
    if sha:
        return sha
    loose = _LOOSE_DATE_RE.match(text)
    if loose:
        try:
            meant = date(int(loose[1]), int(loose[2]), int(loose[3])).isoformat()
        except ValueError:
            meant = None
        raise GitError(f"--as-of 的日期“{text}”格式不对：日期要写成 YYYY-MM-DD（年-月-日，用短横线，月和日两位）",
                       code="E705", hint=f"写作 {meant}" if meant else "检查月份和日子，如 2019-02-01")
    raise GitError(f"找不到版本 {text}", code="E705",
                   hint="可以是提交号、标签（如 publish/2019-01）或日期 YYYY-MM-DD")


def _nothing_before(root: Path, day: date) -> GitError:
    """E705 for a date before the branch's first commit, naming that commit's date and
    what to use instead."""
    first = run_git(root, "log", "--reverse", "--format=%cd", "--date=format:%Y-%m-%d", "HEAD", "--", ".",
                    check=False).split("\n", 1)[0].strip()
    when = f"：本支部台账最早的提交是 {first}" if first else ""
    tags = [t for t in list_tags(root, "publish/*")][:3] if first else []
    hint = ("--as-of 的日期指台账提交存档的实际时间，不是条目的日期；补录的历史数据（JIFEN_TODAY）"
            "在补录当天才存档。可改用提交号或标签")
    hint += f"（如 {'、'.join(tags)}）" if tags else "（如 publish/2019-01）"
    hint += "，jifen log 列出全部提交；只看某一期间的积分，直接写期间，如 jifen score 2019-01"
    return GitError(f"{day.isoformat()} 及以前没有任何提交{when}", code="E705", hint=hint)


def show_file(root: Path, rev: str, rel: str) -> bytes | None:
    """The bytes of ``rel`` (relative to the branch root) at ``rev``; None if absent."""
    spec = f"{rev}:{to_repo_path(root, rel)}"
    proc = subprocess.run(["git", "-C", str(root), "show", spec], capture_output=True,
                          env=_env())
    if proc.returncode != 0:
        return None
    return proc.stdout


def materialise(root: Path, rev: str, dest: Path) -> Path:
    """Write the branch's tree at ``rev`` into ``dest``; return the branch root inside
    it (``dest`` itself: only the branch's own sub-tree is extracted)."""
    sha = resolve(root, rev)
    pfx = prefix(root)
    treeish = f"{sha}:{pfx.rstrip('/')}" if pfx else sha
    data = run_git(toplevel(root), "archive", "--format=tar", treeish, text=False)
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in tar.getmembers():
            if member.name.startswith("/") or ".." in PurePosixPath(member.name).parts:
                continue
            if not (member.isfile() or member.isdir()):
                continue
            tar.extract(member, dest, set_attrs=False)
    return dest


@contextlib.contextmanager
def checkout_at(root: Path, rev_or_date: str):
    """``with checkout_at(root, "2019-02-01") as past_root:`` — a temporary copy of the
    branch as it was at that revision or date, removed afterwards.  This is what
    ``--as-of`` on the read commands uses; with ``rev_or_date`` None or empty it yields
    ``root`` itself, so a command can always write
    ``with checkout_at(root, as_of) as r: ledger, diags = load_branch(r)``."""
    if not rev_or_date:
        yield Path(root)
        return
    require_repo(Path(root))
    tmp = Path(tempfile.mkdtemp(prefix="jifen-asof-"))
    try:
        yield materialise(Path(root), rev_or_date, tmp / "branch")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---- history -------------------------------------------------------------------

_SEP = "\x1e"
_FMT = f"{_SEP}%H%x1f%an%x1f%ae%x1f%aI%x1f%s%x1f%b%x1f"


def log(root: Path, paths: list[str] | None = None, rev_range: str | None = None,
        grep: str | None = None) -> list[Commit]:
    """Commits (newest first) touching ``paths`` (relative to the branch root; the whole
    branch when None), within ``rev_range`` (e.g. ``"publish/2019-01..HEAD"``), whose
    message contains ``grep`` (fixed string) when given."""
    if head(root) is None:
        return []
    args = ["log", f"--format={_FMT}", "--name-only", "--no-renames"]
    if grep:
        args += ["--fixed-strings", f"--grep={grep}"]
    args.append(rev_range or "HEAD")
    args += ["--", *(paths or ["."])]
    out = run_git(root, *args)
    pfx = prefix(root)
    commits = []
    for chunk in out.split(_SEP):
        if not chunk.strip():
            continue
        parts = chunk.split("\x1f")
        sha, an, ae, ad, subject, body = parts[:6]
        files = []
        for line in parts[6].splitlines():
            line = line.strip()
            rel = _from_repo_path(pfx, line) if line else None
            if rel:
                files.append(rel)
        commits.append(Commit(sha=sha, author=an, email=ae, when=datetime.fromisoformat(ad),
                              subject=subject, body=body.strip(), files=files))
    return commits


def commits_after(root: Path, rev: str, rel: str) -> list[Commit]:
    """Commits after ``rev`` (a tag such as ``refs/tags/publish/2019-01``; commits not
    reachable from it) that touch ``rel``, oldest first, each with its author."""
    return list(reversed(log(root, [rel], rev_range=f"{rev}..HEAD")))


def parent(root: Path, sha: str) -> str | None:
    out = run_git(root, "rev-parse", "--verify", "--quiet", f"{sha}^", check=False).strip()
    return out or None
