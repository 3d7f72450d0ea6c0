"""`jifen check`: the named checks over a loaded ledger, and the whole pipeline.

Each check is a function ``(ledger) -> list[Diagnostic]`` registered in
:data:`CHECKS` under a name (as hledger's ``check`` family); :func:`check_branch`
runs loading, these, the rules engine's checks and the audit checks, then resolves
line numbers once for all diagnostics.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

from .diagnostics import ERROR, WARNING, Diagnostic, diag
from .loader import (BRANCH_FILE, EVENT_FILE, MEMBERS_FILE, YEAR_FILE, list_branch_files, load_branch,
                     unusable_entries, unusable_evaluations, unusable_objections)
from . import periods
from .model import REJECTED, STATUSES, VOID, Ledger
from .values import suggest


def _member_hint(ledger: Ledger, value: str) -> str | None:
    ids = list(dict.fromkeys(m.id for m in ledger.members))
    names = {m.name: m.id for m in ledger.members}
    hits = suggest(value, ids, 2)
    options = []
    for mid in hits:
        m = ledger.member(mid)
        options.append(f"{mid} / {m.name}")
    for name in suggest(value, names, 2):
        label = f"{names[name]} / {name}"
        if label not in options and names[name] not in hits:
            options.append(label)
    return ("是不是 " + "、".join(options) + "？") if options else None


def _ambiguous_name(ledger: Ledger, value: str) -> bool:
    from .loader import name_key

    key = name_key(value)
    return bool(key) and sum(1 for m in ledger.members if name_key(m.name) == key) > 1


def check_members(ledger: Ledger) -> list[Diagnostic]:
    out = []
    seen: dict[str, object] = {}
    for m in ledger.members:
        if m.id in seen:
            out.append(diag("E305", f"党员编号“{m.id}”重复", m.loc, "id",
                            hint="每名党员的编号必须唯一；编号一经使用不要改动"))
        seen.setdefault(m.id, m)
        if m.status not in STATUSES:
            near = suggest(m.status, STATUSES, 1)
            out.append(diag("E304", f"未知的党员身份“{m.status}”", m.loc, "status",
                            hint=(f"是不是“{near[0]}”？" if near else "") + "可选：" + "、".join(STATUSES)))
        if m.joined and m.left and m.left < m.joined:
            out.append(diag("E405", f"离开日期 {m.left} 早于加入日期 {m.joined}", m.loc, "left"))
        if m.investigation and m.investigation.end and m.investigation.end < m.investigation.start:
            out.append(diag("E405", "调查结束日期早于开始日期", m.loc, "investigation", "end"))
    names = Counter(m.name for m in ledger.members)
    for m in ledger.members:
        if names[m.name] > 1:
            out.append(diag("W301", f"有 {names[m.name]} 名党员同名“{m.name}”", m.loc, "name",
                            hint="记录时请用编号区分", severity=WARNING))
            names[m.name] = 0  # one warning per name
    return out


def _checked_entries(ledger: Ledger) -> list:
    """The entries to check: the scored ones and those left out of scoring because a
    required field is broken (their other fields are still checked; a field that could
    not be read is None)."""
    broken = unusable_entries(ledger)
    return ledger.entries + broken if broken else ledger.entries


def check_entries(ledger: Ledger) -> list[Diagnostic]:
    out = []
    entries = _checked_entries(ledger)
    ids = Counter(e.id for e in entries if e.id is not None)
    reported = set()
    all_ids = set(ids)
    superseded = ledger.superseded_ids()  # a voided/corrected entry no longer counts
    by_id = ledger._members_by_id()  # ledger.member(), without a call per entry
    today = periods.today()
    months: dict[str, tuple | None] = {}  # month file → (its match, (year, month))
    for e in entries:
        if e.id is not None and ids[e.id] > 1 and e.id not in reported:
            others = [x.loc for x in entries if x.id == e.id and x is not e]
            where = "、".join(f"{loc.file} 的第 {loc.path[1] + 1} 条" if len(loc.path) > 1
                             and isinstance(loc.path[1], int) else loc.file for loc in others)
            out.append(diag("E305", f"条目编号“{e.id}”重复（另见 {where}）", e.loc, "id",
                            hint="每条记录的编号必须唯一：改正其中一条的编号（jifen add 会自动编号）"))
            reported.add(e.id)
        rel = e.loc.file
        month = months.get(rel, False)
        if month is False:
            m = EVENT_FILE.match(rel)
            month = months[rel] = (m, (int(m[2]), int(m[3]))) if m else None
        if e.date is not None and e.date > today and e.status not in (VOID, REJECTED) \
                and e.id not in superseded:
            out.append(diag("W411", f"条目日期 {e.date} 晚于今天（{today}）", e.loc, "date", severity=WARNING,
                            hint="积分记录的是已经发生的事：多半是年份或月份写错了，请改正"
                                 "（已公示的用 jifen correct）；不写年份时 jifen year 等不会按这个年份计算"))
        if e.date is not None and month and (e.date.year, e.date.month) != month[1]:
            m = month[0]
            out.append(diag("E401", f"条目日期 {e.date} 不在 {m[2]}年{int(m[3])}月", e.loc, "date",
                            hint=f"应记入 events/{e.date.year}/{e.date:%Y-%m}.yaml"))
        member = by_id.get(e.member) if e.member is not None else None
        if e.member is None:
            pass  # missing or unreadable: reported by the loader (E202/E204)
        elif member is None and _ambiguous_name(ledger, e.member):
            pass  # reported by the loader (E307)
        elif member is None:
            out.append(diag("E301", f"未知党员“{e.member}”", e.loc, "member",
                            hint=_member_hint(ledger, e.member)))
        elif e.date is not None:
            if member.joined and e.date < member.joined:
                out.append(diag("E402", f"条目日期 {e.date} 早于{member.name}加入的日期 {member.joined}",
                                e.loc, "date"))
            if member.left and e.date > member.left:
                out.append(diag("E403", f"条目日期 {e.date} 晚于{member.name}离开的日期 {member.left}",
                                e.loc, "date"))
            if member.exempt and e.date >= member.exempt.approved and e.counts \
                    and e.id not in superseded:
                out.append(diag("E404", f"{member.name}自 {member.exempt.approved} 起不纳入积分管理，"
                                        "不应再记积分", e.loc, "member",
                                hint="如确需记录，请先在花名册中撤销其免于积分管理"))
        if e.corrects is not None:
            if e.corrects not in all_ids:
                near = suggest(e.corrects, all_ids, 1)
                out.append(diag("E306", f"更正的条目“{e.corrects}”不存在", e.loc, "corrects",
                                hint=f"是不是“{near[0]}”？" if near else None))
            elif e.corrects == e.id:
                out.append(diag("E306", "条目不能更正它自己", e.loc, "corrects"))
    out.extend(_correction_cycles(ledger))
    return out


def _correction_cycles(ledger: Ledger) -> list[Diagnostic]:
    entries = [e for e in _checked_entries(ledger) if e.id is not None]
    target = {e.id: e.corrects for e in entries if e.corrects}
    if not target:
        return []
    by_id = {e.id: e for e in entries}
    out, seen = [], set()
    for start in target:
        path, node = [], start
        while node in target and node not in path:
            path.append(node)
            node = target[node]
        if node in path and node not in seen and len(path) > 1:  # a self-correction: check_entries
            seen.update(path)
            out.append(diag("E306", "更正关系形成循环：" + " → ".join(path + [node]),
                            by_id[node].loc, "corrects"))
    counts = Counter(target.values())
    for old, n in counts.items():
        if n > 1 and old in by_id:
            later = [e for e in entries if e.corrects == old]
            out.append(diag("E306", f"条目“{old}”被更正了 {n} 次（" + "、".join(e.id for e in later) + "）",
                            later[-1].loc, "corrects", hint="后一次更正应针对前一次更正的条目"))
    return out


def _in_file_order(records: list, broken: list) -> list:
    """``records`` and the unusable ``broken`` ones of the same kind, in file order (so
    that "duplicate" is said at the later record, whichever of the two is broken)."""
    if not broken:
        return records
    return sorted(records + broken, key=lambda r: (r.loc.file, r.loc.path))


def _checked_evaluations(ledger: Ledger) -> list:
    """The evaluation records to check: the scored ones and those left out of scoring
    because ``member`` or the result is broken (``member`` None when unreadable)."""
    return _in_file_order(ledger.evaluations, unusable_evaluations(ledger))


def _checked_objections(ledger: Ledger) -> list:
    """The objection records to check, with those whose required field is broken (a
    field that could not be read is None and is not checked further)."""
    return _in_file_order(ledger.objections, unusable_objections(ledger))


def check_evaluations(ledger: Ledger) -> list[Diagnostic]:
    out = []
    seen = set()
    for ev in _checked_evaluations(ledger):
        if ev.member is None:
            continue  # missing or unreadable: reported by the loader (E202/E201/E204)
        if ledger.member(ev.member) is None and not _ambiguous_name(ledger, ev.member):
            out.append(diag("E301", f"未知党员“{ev.member}”", ev.loc, "member",
                            hint=_member_hint(ledger, ev.member)))
        key = (ev.year, ev.member, ev.period)
        if key in seen:
            when = f"{ev.year} 年" + (ev.period or "")
            out.append(diag("E305", f"{when}“{ev.member}”的评议结果重复", ev.loc, "member"))
        seen.add(key)
    return out


def check_objections(ledger: Ledger) -> list[Diagnostic]:
    out = []
    entry_ids = {e.id for e in _checked_entries(ledger) if e.id is not None}
    seen = set()
    # a field that could not be read is None: reported by the loader (E202/E205...),
    # the other fields are still checked
    for ob in _checked_objections(ledger):
        if ob.id is not None:
            if ob.id in seen:
                out.append(diag("E305", f"异议编号“{ob.id}”重复", ob.loc, "id"))
            seen.add(ob.id)
        if ob.entry is not None and ob.entry not in entry_ids:
            near = suggest(ob.entry, entry_ids, 1)
            out.append(diag("E306", f"异议针对的条目“{ob.entry}”不存在", ob.loc, "entry",
                            hint=f"是不是“{near[0]}”？" if near else None))
        if ob.by is not None and ledger.member(ob.by) is None and not _ambiguous_name(ledger, ob.by):
            out.append(diag("E301", f"提出异议的党员“{ob.by}”不在花名册中", ob.loc, "by",
                            hint=_member_hint(ledger, ob.by)))
    return out


def check_meetings(ledger: Ledger) -> list[Diagnostic]:
    """meetings/YEAR.yaml (RULES.md §7.4): each date within the file's year (E407), no
    session recorded twice — same date, kind and name (E305).  Unknown keys and
    unreadable dates are reported by the loader (E203/E205)."""
    out = []
    for year, meetings in sorted(ledger.meetings.items()):
        seen = set()
        for mt in meetings:
            if mt.date.year != year:
                out.append(diag("E407", f"会议日期 {mt.date} 不在 {mt.loc.file} 所属的 {year} 年内", mt.loc, "date",
                                hint=f"移到 meetings/{mt.date.year}.yaml，或改正日期"))
            key = (mt.date, mt.kind, mt.name)
            if key in seen:
                what = "、".join(x for x in (str(mt.date), mt.kind or "", f"“{mt.name}”" if mt.name else "") if x)
                out.append(diag("E305", f"会议记录重复：{what}", mt.loc,
                                hint="同一天同一类型同名的会议只记一次；确是两次会议请写不同的 name"))
            seen.add(key)
    return out


def check_rules_coverage(ledger: Ledger) -> list[Diagnostic]:
    """Every dated record must fall under some rules version; a month file for a month
    that no rules version covers is reported once, at the file."""
    out = []
    if not ledger.settings.rules:
        return out
    first = min(r.start for r in ledger.settings.rules)
    since = f"规则自 {first.year}年{first.month}月{first.day}日 起适用"
    reported = set()
    checked = _checked_entries(ledger)
    with_entries = {e.loc.file for e in checked}
    for rel in list_branch_files(ledger.root):
        m = EVENT_FILE.match(rel)
        if not m or not 1 <= int(m[3]) <= 12:
            continue
        year, month = int(m[2]), int(m[3])
        if (year, month) < (first.year, first.month):
            reported.add(rel)
            if rel in with_entries:
                out.append(Diagnostic("E406", f"{since}，{year}年{month}月没有适用的积分规则", rel,
                                      hint=f"要记{year}年{month}月的积分，请在 branch.yaml 的 rules 中补充更早的"
                                           f"规则版本（from: {year}-{month:02d}-01 或更早）；若是年份写错了，"
                                           "请把条目移到正确的月份文件"))
            else:
                out.append(Diagnostic("W406", f"{since}，{year}年{month}月没有适用的积分规则，这个月份文件是空的", rel,
                                      hint="可以删除这个文件", severity=WARNING))
    for rel in list_branch_files(ledger.root):  # a whole year's evaluation before the rules
        m = YEAR_FILE.match(rel)
        if not m or m[1] != "evaluations" or int(m[2]) >= first.year:
            continue
        year = int(m[2])
        has_records = any(ev.loc.file == rel for ev in [*ledger.evaluations, *unusable_evaluations(ledger)])
        out.append(Diagnostic(
            "E406" if has_records else "W406",
            f"{since}，{year} 年的民主评议结果没有适用的积分规则" + ("" if has_records else "，这个文件是空的"),
            rel, severity=ERROR if has_records else WARNING,
            hint=(f"要计算{year}年的积分，请在 branch.yaml 的 rules 中补充更早的规则版本（from: {year}-01-01 "
                  "或更早）；若是年份写错了，请改文件名" if has_records else "可以删除这个文件")))
    for e in checked:  # a broken entry whose date could be read is checked as well
        if e.date is not None and e.date < first and e.loc.file not in reported:
            reported.add(e.loc.file)
            out.append(diag("E406", f"{since}，条目日期 {e.date} 没有适用的积分规则", e.loc, "date",
                            hint=f"请在 branch.yaml 的 rules 中补充更早的规则版本（from: {e.date} 或更早），"
                                 "或检查日期是否写错"))
    return out


def _rules_classes(ledger: Ledger) -> dict[str, str]:
    """{class code: Chinese name} over every rules file of the branch."""
    classes: dict[str, str] = {}
    for data in ledger.rules.values():
        raw = data.get("classes") if isinstance(data, dict) else None
        if isinstance(raw, dict):
            for code, v in raw.items():
                name = v.get("name") if isinstance(v, dict) else v
                classes[str(code)] = str(name) if name is not None else str(code)
        elif isinstance(raw, list):
            for v in raw:
                if isinstance(v, dict) and v.get("code") is not None:
                    classes[str(v["code"])] = str(v.get("name") or v["code"])
    return classes


def check_categories(ledger: Ledger) -> list[Diagnostic]:
    """Each member's category is a class of the rules (when the rules declare classes)."""
    classes = _rules_classes(ledger)
    if not classes:
        return []
    by_name = {name: code for code, name in classes.items()}
    out = []
    for m in ledger.members:
        if m.category in classes or not m.category.strip():
            continue  # an empty category is reported by the loader (E202/E201)
        if m.category in by_name:
            hint = f"类别请写代码：{by_name[m.category]}（{m.category}）"
        else:
            near = suggest(m.category, list(classes) + list(by_name), 1)
            code = by_name.get(near[0], near[0]) if near else None
            hint = (f"是不是“{code}”（{classes[code]}）？" if code else "") + \
                "可选：" + "、".join(f"{c}（{n}）" for c, n in classes.items())
        out.append(diag("E303", f"未知的党员类别“{m.category}”", m.loc, "category", hint=hint))
    return out


def check_rules(ledger: Ledger) -> list[Diagnostic]:
    """The rules files, and every entry/evaluation against the rules (engine E5xx/E6xx)."""
    from .engine import check_rules as engine_check_rules

    return engine_check_rules(ledger) + _check_unusable_evaluations(ledger)


def _check_unusable_evaluations(ledger: Ledger) -> list[Diagnostic]:
    """The evaluation records left out of scoring (loader.LoadedLedger) against the rules
    of their year, as the engine checks the others (E605: vote groups and options, band,
    period), so that a broken ``member`` does not hide them.  A year whose rules are
    missing or broken is reported elsewhere (E406/E308/E5xx)."""
    broken = unusable_evaluations(ledger)
    if not broken:
        return []
    from datetime import date

    from .diagnostics import JifenError
    from .engine import scheme_for
    from .engine.checking import _check_evaluation

    schemes: dict = {}
    out = []
    for ev in broken:
        if ev.year not in schemes:
            schemes[ev.year] = None
            day = date(ev.year, 12, 31)
            if ledger.rules_file_for(day) is not None:
                try:
                    schemes[ev.year] = scheme_for(ledger, day)
                except JifenError:
                    pass
        if schemes[ev.year] is not None:
            out.extend(_check_evaluation(schemes[ev.year], ev))
    return out


def check_published(ledger: Ledger) -> list[Diagnostic]:
    """Published periods changed after their tag, published files altered (E701/E702)."""
    from .audit import check_published as audit_check_published

    return audit_check_published(ledger.root)


#: the named checks, in the order they run (`jifen check --only NAME`)
CHECKS = {
    "members": check_members,
    "categories": check_categories,
    "entries": check_entries,
    "evaluations": check_evaluations,
    "objections": check_objections,
    "meetings": check_meetings,
    "coverage": check_rules_coverage,
    "rules": check_rules,
    "published": check_published,
}


def all_checks() -> dict:
    return CHECKS


def check_ledger(ledger: Ledger, only: list[str] | None = None) -> list[Diagnostic]:
    out = []
    for name, fn in all_checks().items():
        if only is not None and name not in only:  # None: all; []: none
            continue
        out.extend(fn(ledger))
    return out


def _without_roster_cascade(ledger: Ledger, loaded: list[Diagnostic],
                            checked: list[Diagnostic]) -> list[Diagnostic]:
    """When the roster could not be read (or is empty), every reference to a member is
    "unknown": report that once instead of once per entry."""
    refs = [d for d in checked if d.code in ("E301", "E307")]
    if not refs:
        return checked
    broken = [d for d in loaded if d.is_error and d.file == MEMBERS_FILE
              and (d.code.startswith("E1") or (d.code == "E201" and len(d.path) <= 1))]
    if broken:
        note = Diagnostic("W300", f"花名册 {MEMBERS_FILE} 无法读取，已跳过 {len(refs)} 处党员引用检查",
                          MEMBERS_FILE, hint="改正花名册后再运行 jifen check", severity=WARNING)
    elif not ledger.members:
        note = Diagnostic("E202", f"花名册中没有党员，但台账中有 {len(refs)} 处引用了党员", MEMBERS_FILE,
                          hint="在 members.yaml 的 members: 下逐个列出党员")
    else:
        return checked
    gone = {id(d) for d in refs}
    return [d for d in checked if id(d) not in gone] + [note]


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    """One diagnostic per (code, file, keypath): two checks that notice the same problem
    (an entry correcting itself is also a one-entry cycle; the rules engine also checks
    categories) report it once; the first, more specific one is kept."""
    seen, out = set(), []
    for d in diags:
        key = (d.code, d.file, tuple(map(str, d.path)), d.line if not d.path else None)
        if key in seen and (d.code in _SAME_AT_PLACE or (key, d.message) in seen):
            continue
        seen.add(key)
        seen.add((key, d.message))
        out.append(d)
    return out


#: codes that mean one problem per place, whoever noticed it
_SAME_AT_PLACE = ("E303", "E304", "E308", "E301")


def _drop_rules_echoes(ledger: Ledger, loaded: list[Diagnostic], checked: list[Diagnostic]):
    """The rules check reports "rules file missing" (E308) for every rules version whose
    file did not load; the loader has already said why (missing, outside the branch,
    not YAML...), with the exact place.  Keep the loader's word."""
    refs = ledger.settings.rules
    broken = {d.file for d in loaded if d.is_error} | {
        refs[d.path[1]].file for d in loaded
        if d.code == "E308" and d.file == BRANCH_FILE and len(d.path) >= 2
        and isinstance(d.path[1], int) and d.path[1] < len(refs)}
    loaded_e308 = {tuple(d.path[:2]) for d in loaded if d.code == "E308"}
    out = []
    for d in checked:
        if d.code == "E308" and d.file == BRANCH_FILE and len(d.path) >= 2:
            i = d.path[1]
            if tuple(d.path[:2]) in loaded_e308 or (
                    isinstance(i, int) and i < len(refs) and refs[i].file in broken):
                continue
        out.append(d)
    return out


#: rules checks that say a value is missing (or not usable), and the entry field it is about
_NEEDS_FIELD = {"E606": "points", "E602": "quantity", "E603": "level"}


def _merge_unread_values(loaded: list[Diagnostic], checked: list[Diagnostic]) -> list[Diagnostic]:
    """A value that is written but cannot be read (``points: 两分``, E206) is missing to
    the rules check as well (E606 "须写 points").  Say it once, at the value, with the
    loader's message and the rule's requirement added to the hint."""
    unread = {(d.file, tuple(d.path)): i for i, d in enumerate(loaded)
              if d.is_error and d.file and d.path and d.code.startswith("E2")}
    if not unread:
        return checked
    out = []
    for d in checked:
        field = _NEEDS_FIELD.get(d.code)
        if field and d.file and d.path[:1] == ("entries",):
            path = tuple(d.path) if d.path[-1:] == (field,) else tuple(d.path) + (field,)
            i = unread.get((d.file, path))
            if i is not None:
                src = loaded[i]
                if d.message not in (src.hint or ""):  # a copy: never change a shared value
                    loaded[i] = replace(src, hint="；".join(x for x in (src.hint, d.message) if x))
                continue
        out.append(d)
    return out


def check_branch(root: Path, only: list[str] | None = None):
    """The whole `jifen check` pipeline → (ledger, sorted diagnostics with lines)."""
    from .yamlio import resolve_locations

    ledger, diags = load_branch(Path(root))
    checked = _drop_rules_echoes(ledger, diags, check_ledger(ledger, only))
    checked = _merge_unread_values(diags, checked)
    diags.extend(_without_roster_cascade(ledger, diags, checked))
    diags = _dedupe(diags)
    resolve_locations(ledger.root, diags, counts=getattr(ledger, "item_counts", None))
    diags.sort(key=Diagnostic.sort_key)
    return ledger, diags



# --------------------------------------------------------------------------- memoized
#: the checks whose answer depends on more than the branch's files (git history): never
#: taken from the results memo
LIVE_CHECKS = ("published",)


class CheckSummary:
    """What `jifen check` reports: the diagnostics (sorted, with lines) and the counts of
    the summary line.  Plain data, so that it can come from the results memo."""

    __slots__ = ("name", "members", "entries", "evaluations", "diagnostics")

    def __init__(self, name: str, members: int, entries: int, evaluations: int,
                 diagnostics: list[Diagnostic]):
        self.name, self.members, self.entries = name, members, entries
        self.evaluations, self.diagnostics = evaluations, diagnostics

    def to_plain(self) -> dict:
        return {"name": self.name, "counts": [self.members, self.entries, self.evaluations],
                "diagnostics": [d.to_plain() for d in self.diagnostics]}

    @classmethod
    def from_plain(cls, raw) -> CheckSummary | None:
        try:
            members, entries, evaluations = raw["counts"]
            diags = [Diagnostic.from_plain(d) for d in raw["diagnostics"]]
            if not isinstance(raw["name"], str):
                return None
            return cls(raw["name"], int(members), int(entries), int(evaluations), diags)
        except (KeyError, TypeError, ValueError):
            return None


def check_summary(root: Path, only: list[str] | None = None) -> CheckSummary:
    """:func:`check_branch` through the results memo (:mod:`jifen_cli.core.memo`): when no
    file of the branch changed since the same checks last ran (same code), the answer is
    reused; the live checks (:data:`LIVE_CHECKS`) always run.  Raises what
    :func:`check_branch` raises."""
    from .memo import Memo
    from .yamlio import resolve_locations

    wanted = [n for n in CHECKS if not only or n in only]
    stored = [n for n in wanted if n not in LIVE_CHECKS]
    from .periods import today

    # today is part of the question: no check reads the clock now, but one that does
    # (a date in the future) must not be answered from yesterday's memo
    memo = Memo(root, {"ask": "check", "checks": stored, "today": today().isoformat()})
    raw = memo.get()
    summary = CheckSummary.from_plain(raw) if raw is not None else None
    if summary is None:
        ledger, diags = check_branch(root, stored)
        summary = CheckSummary(ledger.settings.name, len(ledger.members), len(ledger.entries),
                               len(ledger.evaluations), diags)
        memo.put(summary.to_plain())
    live = []
    if "published" in wanted:  # LIVE_CHECKS: it reads git, so it is never memoised
        from .audit import check_published as audit_published

        live = audit_published(Path(root))
    if live:
        resolve_locations(Path(root), live)
        summary.diagnostics = sorted(summary.diagnostics + live, key=Diagnostic.sort_key)
    return summary

