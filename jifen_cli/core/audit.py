"""The audit trail over git: publishing freezes a period, ``check_published`` reports
changes made after publication, ``verify`` re-renders published notices, and the
history of an entry or a member is read back from the commits (hand edits included).

Tags: ``publish/<period>`` (``publish/2019-01``) when the branch is the top of its
repository, ``publish/<dir>/<period>`` when it is a sub-directory ``<dir>`` of one.
The annotated tag's message is the publish commit's subject, e.g.
``jifen: publish 2019-01 on=2019-02-05 by=李四`` — ``on`` is the publication date
printed on the notice, which ``verify`` needs to reproduce it byte for byte.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from . import git
from .diagnostics import EXIT_PROBLEMS, Diagnostic, JifenError
from .periods import WEEK, parse_notice_period
from .writer import (Change, WriteResult, finish, format_message, month_file, parse_message,
                     today)
from .yamlio import parse_text

PUBLISHED_DIR = "published"
FORMATS = ("md", "html")


# ------------------------------------------------------------------------- tags
def _tag_prefix(root: Path) -> str:
    pfx = git.prefix(root).strip("/")
    return f"publish/{pfx}/" if pfx else "publish/"


def publish_tag(root: Path, period: str) -> str:
    return _tag_prefix(root) + str(period)


def published_periods(root: Path) -> dict[str, str]:
    """{period text: tag name} for every publish tag of this branch."""
    pre = _tag_prefix(root)
    out = {}
    for t in git.list_tags(root, pre + "*"):
        rest = t[len(pre):]
        if "/" in rest:
            continue
        try:
            parse_notice_period(rest)
        except ValueError:
            continue
        out[rest] = t
    return out


def period_files(period: str) -> list[str]:
    """The month files holding the entries of a published period (a week: the one or
    two months its seven days fall in)."""
    p = parse_notice_period(period)
    if p.kind == WEEK:
        return list(dict.fromkeys(month_file(d) for d in (p.start, p.end)))
    return [month_file(date(p.year, m, 1)) for m in range(p.first_month, p.last_month + 1)]


def _dated_within(records: dict | None, period) -> dict | None:
    """The records of a month file dated within ``period`` (a week shares its month
    files with other weeks: only its own seven days are frozen).  Records whose date
    cannot be read are kept (any change to them counts)."""
    if records is None or period.kind != WEEK:
        return records
    out = {}
    for eid, rec in records.items():
        try:
            day = date.fromisoformat(str(rec.get("date")))
        except ValueError:
            day = None
        if day is None or period.contains(day):
            out[eid] = rec
    return out


def published_files(period: str) -> list[str]:
    return [f"{PUBLISHED_DIR}/{period}.{fmt}" for fmt in FORMATS]


def _tag_field(root: Path, tag_name: str, key: str) -> str | None:
    msg = git.tag_message(root, tag_name)
    parsed = parse_message(msg.splitlines()[0]) if msg else None
    return parsed.fields.get(key) if parsed else None


def published_on(root: Path, tag_name: str) -> date | None:
    """The publication date recorded in the publish tag (``on=``)."""
    text = _tag_field(root, tag_name, "on")
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def as_of_day(root: Path, rev_or_date: str) -> date | None:
    """The day a ``--as-of`` state belongs to: the date itself; a publish tag's
    publication date (``on=``); otherwise the day its commit was made (never after today)."""
    text = str(rev_or_date).strip()
    day = None
    if re.match(r"^\d{4}-\d{1,2}-\d{1,2}$", text):
        try:
            day = date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
        except ValueError:
            return None
    elif text.startswith("publish/") and git.tag_commit(root, text):
        day = published_on(root, text)
    if day is None:
        made = git.run_git(root, "log", "-1", "--format=%cs", git.resolve(root, text), check=False).strip()
        try:
            day = date.fromisoformat(made)
        except ValueError:
            return None
    return min(day, today())


# ------------------------------------------------------------------ entry diffing
def _entries_of(text: str | bytes | None) -> dict[str, dict] | None:
    """{id: raw record} of a month file's text; None when the file is absent or does
    not parse (then any change counts)."""
    if text is None:
        return {}
    if isinstance(text, bytes):
        text = _decode(text)
    data, diags = parse_text(text, "")
    if diags:
        return None
    if data is None:
        return {}
    if not isinstance(data, dict):
        return None
    out = {}
    for i, rec in enumerate(data.get("entries") or []):
        if isinstance(rec, dict):
            out[str(rec.get("id", f"#{i}"))] = rec
    return out


def _index_of(text: str | None, entry_id: str) -> int | None:
    if text is None:
        return None
    data, diags = parse_text(text, "")
    if diags or not isinstance(data, dict):
        return None
    for i, rec in enumerate(data.get("entries") or []):
        if isinstance(rec, dict) and str(rec.get("id")) == entry_id:
            return i
    return None


def frozen_violations(before: dict | None, after: dict | None) -> dict[str, tuple[str, str | None]]:
    """{entry id: (what happened, first changed key)} for every change from ``before``
    (the published state) to ``after`` that is not purely an added correction entry."""
    if before is None or after is None:
        return {"*": ("文件无法解析", None)} if before != after else {}
    out = {}
    for eid, rec in before.items():
        if eid not in after:
            out[eid] = ("被删除", None)
        elif after[eid] != rec:
            keys = [k for k in dict.fromkeys(list(after[eid]) + list(rec))
                    if rec.get(k) != after[eid].get(k)]
            out[eid] = ("被修改（" + "、".join(map(str, keys)) + "）",
                        keys[0] if keys[0] in after[eid] else None)
    for eid, rec in after.items():
        if eid not in before and not rec.get("corrects"):
            out[eid] = ("新增（不是更正条目）", None)
    return out


def _working_text(root: Path, rel: str, overrides: dict | None) -> str | None:
    if overrides and rel in overrides:
        return overrides[rel]
    path = root / rel
    try:
        return _decode(path.read_bytes())
    except FileNotFoundError:
        return None


def _decode(raw: bytes) -> str:
    """A month file's bytes as the loader reads them (UTF-8, GBK, UTF-16): a hand-saved
    GBK file that a later jifen write stores as UTF-8 has not changed its entries."""
    from .yamlio import decode

    try:
        return decode(raw)[0]
    except UnicodeError:
        return raw.decode("utf-8-sig", "replace")


def _blame(root: Path, tag_name: str, rel: str, entry_id: str) -> list[git.Commit]:
    """The commits after the tag that changed ``entry_id`` in ``rel`` (oldest first)."""
    commits = git.commits_after(root, tag_name, rel)
    prev = _entries_of(git.show_file(root, tag_name, rel))
    found = []
    for c in commits:
        cur = _entries_of(git.show_file(root, c.sha, rel))
        a = (prev or {}).get(entry_id) if prev is not None else "?"
        b = (cur or {}).get(entry_id) if cur is not None else "?"
        if a != b:
            found.append(c)
        prev = cur
    return found


def _describe(c: git.Commit) -> str:
    return f"提交 {c.short}（作者 {c.author}，{c.when:%Y-%m-%d %H:%M}，“{c.subject}”）"


def check_published(root: Path, overrides: dict[str, str] | None = None) -> list[Diagnostic]:
    """E701 for every change to a published period's event files after its publish tag
    that is not purely an added correction entry (naming the commit and its author, or
    "未提交" for changes not yet committed); E702 for a published notice file changed
    after its tag.  ``overrides`` = {file: text} stands for files about to be written.
    Returns [] outside a git repository."""
    root = Path(root)
    if git.surely_no_tags(root, "publish/"):
        return []  # no publish tag at all (or no repository): nothing to compare, no git process
    if not git.is_repo(root) or git.head(root) is None:
        return []
    periods = published_periods(root)
    if not periods:
        return []
    head_sha = git.head(root)
    out: list[Diagnostic] = []
    for period, shown in sorted(periods.items()):
        tag_name = f"refs/tags/{shown}"
        files = period_files(period)
        watched = files + published_files(period)
        changed = set(git.run_git(root, "diff", "--name-only", "--relative", tag_name, "--",
                                  *watched).split())
        changed |= {f for f in watched if (overrides and f in overrides)}
        for rel in files:  # an event file that did not exist at the tag
            if (root / rel).exists() and git.show_file(root, tag_name, rel) is None:
                changed.add(rel)
        notice_period = parse_notice_period(period)
        for rel in files:
            if rel not in changed:
                continue
            now_text = _working_text(root, rel, overrides)
            before = _dated_within(_entries_of(git.show_file(root, tag_name, rel)), notice_period)
            after = _dated_within(_entries_of(now_text), notice_period)
            problems = frozen_violations(before, after)
            if not problems:
                continue
            head_entries = _entries_of(git.show_file(root, head_sha, rel))
            for eid, (what, key) in problems.items():
                blamed = _blame(root, tag_name, rel, eid)
                uncommitted = (head_entries or {}).get(eid) != (after or {}).get(eid) \
                    if head_entries is not None and after is not None else True
                idx = _index_of(now_text, eid)
                if overrides and rel in overrides and (after or {}).get(eid) != (head_entries or {}).get(eid):
                    # the record a command is about to write (nothing is written): no blame, no undo
                    d = Diagnostic("E701", f"{notice_period.label}已公示（标签 {shown}），不能再记这期的新条目",
                                   rel, path=("entries", idx) if idx is not None else (),
                                   hint="公示后的更正只能追加更正条目（jifen correct / jifen void）；"
                                        "日期写错了请改正")
                    out.append(d)
                    continue
                who = [_describe(c) for c in blamed]
                if uncommitted:
                    who.append("尚未提交的手工改动")
                d = Diagnostic("E701", f"{period} 已公示（标签 {shown}），条目 {eid} 在公示后{what}："
                               + "；".join(who or ["来源不明"]), rel,
                               path=(("entries", idx) + ((key,) if key else ())) if idx is not None else (),
                               hint="公示后的更正只能追加更正条目（jifen correct / jifen void）"
                                    + (f"；撤销这次改动：git revert {blamed[-1].short}" if blamed else
                                       f"；撤销未提交的改动：git checkout -- {rel}"))
                out.append(d)
        for rel in published_files(period):
            if rel not in changed:
                continue
            blamed = git.commits_after(root, tag_name, rel)
            at_tag = git.show_file(root, tag_name, rel)
            now = (root / rel).read_bytes() if (root / rel).exists() else None
            if at_tag == now:
                continue
            who = [_describe(c) for c in blamed]
            if git.show_file(root, head_sha, rel) != now:
                who.append("尚未提交的改动")
            out.append(Diagnostic("E702", f"已公示的文件在公示（标签 {shown}）后被改动："
                                  + "；".join(who or ["来源不明"]), rel,
                                  hint=f"恢复公示原件：git checkout {shown} -- {rel}"))
    return out


# --------------------------------------------------------------------- rendering
def renderer_digest() -> str:
    """A short fingerprint of the code and templates that render notices: recorded in
    the publish tag so that ``verify`` can tell a changed renderer from a changed file."""
    import hashlib

    import jifen_cli.render as render_pkg
    from jifen_cli.render.common import template_dir

    h = hashlib.sha256()
    for base in (Path(render_pkg.__file__).parent, template_dir()):
        for f in sorted(base.iterdir()):
            if f.is_file() and f.suffix in (".py", ".j2", ".css", ".html", ".md"):
                h.update(f.name.encode("utf-8") + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:12]


def render(ledger, period: str, fmt: str, on: date) -> str:
    """The notice as ``render.notices.render_notice`` makes it."""
    from jifen_cli.render.notices import render_notice

    return render_notice(ledger, parse_notice_period(period), fmt, on)


def publish(root: Path, period: str, *, by: str, on: date | None = None,
            dry_run: bool = False, early: bool = False) -> WriteResult:
    """Render the notice of ``period`` (md and html), store it under ``published/``,
    commit and tag ``publish/<period>``.  Must run inside ``writer.transaction``."""
    from .checks import check_branch

    period = parse_notice_period(period).code
    tag_name = publish_tag(root, period)
    if git.tag_commit(root, tag_name):
        raise JifenError(f"{period} 已经公示过（标签 {tag_name}），不能重复公示", exit_code=EXIT_PROBLEMS,
                         hint="公示后的更正用 jifen correct / jifen void；核对公示文件用 jifen verify")
    dirty = [f for f in git.dirty_paths(root) if f.endswith((".yaml", ".yml"))]
    if dirty:
        raise JifenError("台账有尚未提交的改动，公示必须基于已提交的台账：" + "、".join(dirty),
                         exit_code=EXIT_PROBLEMS,
                         hint="先提交（git add -A && git commit -m \"说明\"）或撤销这些改动，再公示")
    on = on or today()
    _check_publication_date(parse_notice_period(period), on, early)
    ledger, diags = check_branch(root)
    errors = [d for d in diags if d.is_error]
    if errors:
        raise JifenError("台账未通过检查，不能公示", errors, exit_code=EXIT_PROBLEMS,
                         hint="先用 jifen check 查看并修正")
    changes = []
    for fmt, rel in zip(FORMATS, published_files(period)):
        path = root / rel
        old = path.read_bytes().decode("utf-8") if path.exists() else None
        changes.append(Change(rel, old, render(ledger, period, fmt, on)))
    from jifen_cli import __version__

    msg = format_message("publish", period, {"on": on.isoformat(), "tag": tag_name,
                                             "jifen": __version__, "render": renderer_digest(),
                                             "by": by})
    result = WriteResult("publish", period, changes, msg)
    result = finish(root, result, by, dry_run, check=False)
    if not dry_run:
        git.tag(root, tag_name, msg)
    return result


def _check_publication_date(p, on: date, early: bool) -> None:
    """A period is published once and then frozen, so not before it ends — neither by the
    notice's date nor by today (a later ``--date`` does not make a running month over): a
    mistyped year (2027-03) or a month still running would freeze days not yet recorded.
    ``early`` (``--early``) publishes a period on or before its last day on purpose."""
    def zh(d: date) -> str:
        return f"{d.year}年{d.month}月{d.day}日"
    if on < p.start:
        raise JifenError(f"公示日期 {zh(on)} 早于{p.label}的开始（{zh(p.start)}）", exit_code=EXIT_PROBLEMS,
                         hint="检查期间或 --date 是否写错")
    if (on <= p.end or today() <= p.end) and not early:  # over on the notice's date *and* today
        raise JifenError(f"{p.label}到 {zh(p.end)} 才结束，现在公示，此后这几天的条目就不能再记了",
                         exit_code=EXIT_PROBLEMS,
                         hint=f"公示一般在下期初进行（{zh(p.end + timedelta(days=1))}或以后再运行 jifen publish）；"
                              "期间写错了请改正；确需提前公示，加 --early")


@dataclass
class VerifyItem:
    period: str
    tag: str
    on: date | None
    ok: bool
    problems: list[Diagnostic] = field(default_factory=list)


def verify(root: Path) -> list[VerifyItem]:
    """Re-render every published notice from the ledger as of its tag and compare it
    with the stored files (at the tag and in the working tree).  E702 for each
    difference."""
    from .loader import load_branch

    root = Path(root)
    git.require_repo(root)
    items = []
    from jifen_cli import __version__

    for period, shown in sorted(published_periods(root).items()):
        on = published_on(root, shown)
        item = VerifyItem(period, shown, on, True)
        items.append(item)
        tag_name = f"refs/tags/{shown}"
        if on is None:
            item.problems.append(Diagnostic("E702", f"标签 {shown} 缺少公示日期（on=），无法复核"))
            item.ok = False
            continue
        made_by = _tag_field(root, shown, "jifen")
        made_with = _tag_field(root, shown, "render")
        with git.checkout_at(root, tag_name) as past:
            ledger, _ = load_branch(past)
            for fmt, rel in zip(FORMATS, published_files(period)):
                rendered = render(ledger, period, fmt, on).encode("utf-8")
                at_tag = git.show_file(root, tag_name, rel)
                now = (root / rel).read_bytes() if (root / rel).exists() else None
                if at_tag is None:
                    item.problems.append(Diagnostic("E702", f"公示时没有保存 {rel}", rel))
                elif rendered != at_tag:
                    if made_by and made_by != __version__:
                        why = (f"公示时用的是 jifen {made_by}，现在是 {__version__}，"
                               "差异可能来自版本变化；请用公示时的版本复核")
                    elif made_with and made_with != renderer_digest():
                        why = (f"公示后生成公示的程序或模板有改动（公示时 {made_with}，现在 "
                               f"{renderer_digest()}），差异可能来自于此；请用公示时的版本复核")
                    else:
                        why = (f"公示时保存的文件可能被改过（例如改写了 git 历史）；核对："
                               f"git show {shown}:{git.to_repo_path(root, rel)}")
                    item.problems.append(Diagnostic(
                        "E702", f"{rel} 与按公示时（{shown}）台账重新生成的公示不一致", rel,
                        hint=why))
                if now is None:
                    item.problems.append(Diagnostic("E702", f"{rel} 已被删除", rel,
                                                    hint=f"恢复：git checkout {shown} -- {rel}"))
                elif at_tag is not None and now != at_tag:
                    blamed = git.commits_after(root, tag_name, rel)
                    who = [_describe(c) for c in blamed]
                    if git.show_file(root, "HEAD", rel) != now:
                        who.append("尚未提交的改动")
                    item.problems.append(Diagnostic(
                        "E702", f"{rel} 在公示后被改动：" + "；".join(who or ["来源不明"]), rel,
                        hint=f"恢复公示原件：git checkout {shown} -- {rel}"))
        item.ok = not item.problems
    return items


# ----------------------------------------------------------------------- history
@dataclass
class HistoryItem:
    commit: git.Commit | None  # None: uncommitted changes in the working tree
    by_jifen: bool  # made by a jifen command (parseable message) or by hand
    changes: list[str]  # Chinese one-liners: what changed in the matching records


def _records(text, key: str) -> dict[str, dict]:
    if text is None:
        return {}
    if isinstance(text, bytes):
        text = _decode(text)
    data, diags = parse_text(text, "")
    if diags or not isinstance(data, dict):
        return {}
    return {str(r.get("id", i)): r for i, r in enumerate(data.get(key) or []) if isinstance(r, dict)}


def _describe_change(kind: str, rid: str, a: dict | None, b: dict | None) -> str:
    """The raw form (``jifen log --raw``): field names and values as stored."""
    noun = "条目" if kind == "entries" else "异议"
    if a is None:
        extra = " ".join(f"{k}={v}" for k, v in b.items() if k != "id")
        return f"新增{noun} {rid}：{extra}"
    if b is None:
        return f"删除{noun} {rid}"
    keys = [k for k in dict.fromkeys(list(a) + list(b)) if a.get(k) != b.get(k)]
    return f"修改{noun} {rid}：" + "，".join(f"{k} {_shown(a.get(k))} → {_shown(b.get(k))}" for k in keys)


def _shown(value) -> str:
    """A field value in `jifen log`: a field that is not there is “（无）”, not “None”."""
    return "（无）" if value is None or value == "" else str(value)


def history(root: Path, *, entry_id: str | None = None, member: str | None = None,
            member_name: str | None = None, limit: int | None = None,
            describe=None) -> list[HistoryItem]:
    """Newest first: commits that changed the ledger, or only those touching one entry
    (its record, the entries correcting it, objections against it) or one member's
    entries (``member`` id; records naming the member by ``member_name`` count too).
    Changes are read from the file contents, so hand edits made outside the CLI show up
    like the CLI's own commits; uncommitted changes come first.  ``describe(kind, id,
    before, after)`` words each change (default: the raw field names and values;
    :class:`LogWords` words them in Chinese for ``jifen log``)."""
    describe = describe or _describe_change
    root = Path(root)
    git.require_repo(root)
    paths = ["events", "objections"] if (entry_id or member) else None
    commits = git.log(root, paths)
    if limit and not (entry_id or member):
        commits = commits[:limit]

    related: set[str] = {entry_id} if entry_id else set()

    def match(kind: str, rec: dict | None) -> bool:
        if rec is None:
            return False
        if entry_id:
            if kind == "entries":
                return str(rec.get("id")) in related or str(rec.get("corrects")) in related
            return str(rec.get("entry")) in related
        if member:
            return kind == "entries" and str(rec.get("member")) in (member, member_name)
        return True

    def diff(old_rev: str | None, new_text_of) -> list[str]:
        lines = []
        for f in files:
            kind = "entries" if f.startswith("events/") else "objections" if f.startswith("objections/") else None
            if kind is None:
                continue
            a = _records(git.show_file(root, old_rev, f) if old_rev else None, kind)
            b = _records(new_text_of(f), kind)
            for rid in dict.fromkeys(list(a) + list(b)):
                ra, rb = a.get(rid), b.get(rid)
                if ra == rb:
                    continue
                if kind == "entries" and entry_id and (match(kind, ra) or match(kind, rb)):
                    related.add(rid)
                if match(kind, ra) or match(kind, rb):
                    lines.append(describe(kind, rid, ra, rb))
        return lines

    out: list[HistoryItem] = []
    # oldest first so that corrections of corrections join the related set in order
    for c in reversed(commits):
        files = c.files
        if entry_id or member:
            lines = diff(git.parent(root, c.sha), lambda f, sha=c.sha: git.show_file(root, sha, f))
            parsed = parse_message(c.subject)
            mentioned = parsed is not None and (
                (entry_id and (parsed.target in related or entry_id in parsed.fields.values()))
                or (member and parsed.fields.get("member") == member))
            if not lines and not mentioned:
                continue
        else:
            lines = []
        out.append(HistoryItem(c, parse_message(c.subject) is not None, lines))
    # uncommitted changes
    files = [f for f in git.dirty_paths(root, paths) if f.endswith((".yaml", ".yml"))]
    if files:
        lines = diff("HEAD", lambda f: _read_bytes(root / f))
        if lines or not (entry_id or member):
            out.append(HistoryItem(None, False, lines or ["未提交的改动：" + "、".join(files)]))
    out.reverse()
    return out


def _read_bytes(path: Path):
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


# ------------------------------------------------------------------ log wording
#: Chinese labels of the record fields in `jifen log` (FORMAT.md); unknown keys show as written
ENTRY_LABELS = {"id": "编号", "date": "日期", "member": "党员", "item": "项目", "times": "次数",
                "quantity": "数量", "points": "分值", "level": "级别", "subject": "事项",
                "note": "说明", "by": "记录人", "status": "状态", "corrects": "更正",
                "recorded": "录入日期"}
OBJECTION_LABELS = {"id": "编号", "entry": "条目", "by": "提出人", "date": "日期", "reason": "理由",
                    "status": "状态", "resolution": "处理结果"}
_ENTRY_STATUS_ZH = {"confirmed": "已认定", "pending": "待认定", "rejected": "不予认定", "void": "作废"}
_OBJECTION_STATUS_ZH = {"open": "待处理", "upheld": "成立", "dismissed": "不成立"}


def zh_day(text) -> str:
    """``2019-01-15`` → ``2019年1月15日``; anything else as written."""
    try:
        day = date.fromisoformat(str(text))
    except ValueError:
        return str(text)
    return f"{day.year}年{day.month}月{day.day}日"


class LogWords:
    """Chinese wording of commit subjects and record changes for `jifen log`: members by
    name from the roster, items by the name the rules in force on the entry's date give
    them.  Without a ledger (one that does not load) the codes are shown as they are."""

    def __init__(self, ledger=None):
        self.ledger = ledger
        self._items: dict[str, dict[str, str]] = {}

    # names
    def member(self, mid) -> str:
        """``王立新（M001）``; an id not in the roster as written."""
        if mid in (None, ""):
            return "（无）"
        m = self.ledger.member(str(mid)) if self.ledger is not None else None
        return f"{m.name}（{m.id}）" if m else str(mid)

    def _item_names(self, day) -> dict[str, str]:
        from .writer import item_codes

        if self.ledger is None:
            return {}
        try:
            when = date.fromisoformat(str(day))
        except ValueError:
            when = None
        refs = self.ledger.settings.rules
        if when is None:  # no readable date: the latest rules
            when = max((r.start for r in refs), default=None)
        if when is None:
            return {}
        ref = self.ledger.rules_file_for(when)
        key = ref.file if ref else ""
        if key not in self._items:
            try:
                self._items[key] = item_codes(self.ledger, when) if ref else {}
            except JifenError:
                self._items[key] = {}
        return self._items[key]

    def item_name(self, code, day=None) -> str | None:
        return self._item_names(day).get(str(code)) if code not in (None, "") else None

    def item(self, code, day=None, with_code: bool = False) -> str:
        """The item's Chinese name (``组织生活请假``, or with ``with_code`` ``组织生活请假（leave）``);
        a code the rules do not know as written."""
        if code in (None, ""):
            return "（无）"
        name = self.item_name(code, day)
        if not name:
            return str(code)
        return f"{name}（{code}）" if with_code else name

    # commit subjects
    def subject(self, subject: str) -> str:
        """A jifen commit subject in Chinese, e.g. ``更正 2019-01-011（更正 2019-01-001）：
        王立新（M001） 组织生活请假 2019年1月15日 记录人 张桂芳``; any other subject as written."""
        parsed = parse_message(subject)
        if parsed is None:
            return subject
        f, target, action = parsed.fields, parsed.target, parsed.action
        by = f" 记录人 {f['by']}" if f.get("by") else ""
        if action in _ENTRY_ACTIONS:
            verb, note = _ENTRY_ACTIONS[action]
            corrects = f.get("corrects")
            paren = ""
            if corrects:
                paren = f"（{note.format(corrects)}）" if note else f"（更正 {corrects}）"
            elif action == "declare":
                paren = "（待认定）"
            what = " ".join(x for x in (self.member(f.get("member")) if f.get("member") else "",
                                        self.item(f.get("item"), f.get("date")) if f.get("item") else "",
                                        zh_day(f["date"]) if f.get("date") else "") if x)
            return f"{verb} {target}{paren}：{what}{by}".replace("： ", "：")
        if action == "object":
            who = self.member(f.get("member")) if f.get("member") else "党员"
            text = f"登记异议 {target}：{who}对条目 {f.get('entry', '')} 提出异议"
            return text + (f"，登记人 {f['by']}" if f.get("by") else "")
        if action == "resolve":
            status = f.get("status")
            if status == "upheld":
                how = "异议成立" + (f"，由 {f['correction']} 更正条目 {f.get('entry', '')}"
                                    if f.get("correction") else "")
            elif status == "dismissed":
                how = f"异议不成立，条目 {f.get('entry', '')} 不变"
            else:
                how = _OBJECTION_STATUS_ZH.get(status, str(status or ""))
            return f"处理异议 {target}：{how}" + (f"，处理人 {f['by']}" if f.get("by") else "")
        if action == "publish":
            try:
                label = parse_notice_period(target).label
            except ValueError:
                label = target
            parts = [f"公示日期 {zh_day(f['on'])}" if f.get("on") else "",
                     f"标签 {f['tag']}" if f.get("tag") else "",
                     f"发布人 {f['by']}" if f.get("by") else ""]
            parts = [x for x in parts if x]
            return f"公示 {label}" + ("：" + "，".join(parts) if parts else "")
        if action == "init":
            return "新建台账" + (f"：{f['branch']}" if f.get("branch") else "")
        return subject  # an action this version does not know: as written

    # record changes
    def change(self, kind: str, rid: str, a: dict | None, b: dict | None) -> str:
        """``新增条目 2019-01-003：日期 2019年1月15日，党员 王立新（M001），项目 …``,
        ``修改条目 2019-01-003：项目 无故缺席（absent） → 组织生活请假（leave）``."""
        noun = "条目" if kind == "entries" else "异议"
        rec = b if b is not None else a
        day = rec.get("date") if isinstance(rec, dict) else None
        if a is None:
            extra = "，".join(f"{self._label(kind, k)} {self._value(kind, k, v, day)}"
                             for k, v in b.items() if k != "id" and v not in (None, ""))
            return f"新增{noun} {rid}：{extra}"
        if b is None:
            return f"删除{noun} {rid}"
        keys = [k for k in dict.fromkeys(list(a) + list(b)) if a.get(k) != b.get(k)]
        return f"修改{noun} {rid}：" + "，".join(
            f"{self._label(kind, k)} {self._value(kind, k, a.get(k), a.get('date'))} → "
            f"{self._value(kind, k, b.get(k), b.get('date'))}" for k in keys)

    @staticmethod
    def _label(kind: str, key) -> str:
        labels = ENTRY_LABELS if kind == "entries" else OBJECTION_LABELS
        return labels.get(key, str(key))

    def _value(self, kind: str, key, value, day) -> str:
        if value is None or value == "":
            return "（无）"
        if kind == "entries":
            if key == "member":
                return self.member(value)
            if key == "item":
                return self.item(value, day, with_code=True)
            if key == "status":
                return _ENTRY_STATUS_ZH.get(str(value), str(value))
            if key in ("date", "recorded"):
                return zh_day(value)
        else:
            if key == "by":
                return self.member(value)
            if key == "status":
                return _OBJECTION_STATUS_ZH.get(str(value), str(value))
            if key == "date":
                return zh_day(value)
        return str(value)


#: entry-writing actions: (the verb, how the entry it supersedes is named)
_ENTRY_ACTIONS = {"add": ("记录", "更正 {}"), "declare": ("申报", None),
                  "confirm": ("认定", "认定申报 {}"), "reject": ("不予认定", "不予认定申报 {}"),
                  "void": ("作废", "作废 {}"), "correct": ("更正", "更正 {}")}
