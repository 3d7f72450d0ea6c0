"""`jifen check`: the named checks over a loaded ledger, and the whole pipeline.

Each check is a function ``(ledger) -> list[Diagnostic]`` registered in
:data:`CHECKS` under a name (as hledger's ``check`` family); :func:`check_branch`
runs loading, these, the rules engine's checks and the audit checks, then resolves
line numbers once for all diagnostics.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .diagnostics import Diagnostic, WARNING, diag
from .loader import EVENT_FILE, load_branch
from .model import STATUSES, Ledger
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


def check_entries(ledger: Ledger) -> list[Diagnostic]:
    out = []
    ids = Counter(e.id for e in ledger.entries)
    reported = set()
    all_ids = set(ids)
    for e in ledger.entries:
        if ids[e.id] > 1 and e.id not in reported:
            others = [f"{x.loc.file}" for x in ledger.entries if x.id == e.id and x is not e]
            out.append(diag("E305", f"条目编号“{e.id}”重复（另见 {others[0]}）", e.loc, "id",
                            hint="每条记录的编号必须唯一"))
            reported.add(e.id)
        m = EVENT_FILE.match(e.loc.file)
        if m and (e.date.year, e.date.month) != (int(m[2]), int(m[3])):
            out.append(diag("E401", f"条目日期 {e.date} 不在 {m[2]}年{int(m[3])}月", e.loc, "date",
                            hint=f"应记入 events/{e.date.year}/{e.date:%Y-%m}.yaml"))
        if m and m[1] != m[2]:
            out.append(diag("E207", f"月份文件 {e.loc.file} 放错了年份目录", e.loc,
                            hint=f"应放在 events/{m[2]}/ 下"))
        member = ledger.member(e.member)
        if member is None:
            out.append(diag("E301", f"未知党员“{e.member}”", e.loc, "member",
                            hint=_member_hint(ledger, e.member)))
        else:
            if member.joined and e.date < member.joined:
                out.append(diag("E402", f"条目日期 {e.date} 早于{member.name}加入的日期 {member.joined}",
                                e.loc, "date"))
            if member.left and e.date > member.left:
                out.append(diag("E403", f"条目日期 {e.date} 晚于{member.name}离开的日期 {member.left}",
                                e.loc, "date"))
            if member.exempt and e.date >= member.exempt.approved and e.counts:
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
    target = {e.id: e.corrects for e in ledger.entries if e.corrects}
    by_id = {e.id: e for e in ledger.entries}
    out, seen = [], set()
    for start in target:
        path, node = [], start
        while node in target and node not in path:
            path.append(node)
            node = target[node]
        if node in path and node not in seen:
            seen.update(path)
            out.append(diag("E306", "更正关系形成循环：" + " → ".join(path + [node]),
                            by_id[node].loc, "corrects"))
    counts = Counter(target.values())
    for old, n in counts.items():
        if n > 1 and old in by_id:
            later = [e for e in ledger.entries if e.corrects == old]
            out.append(diag("E306", f"条目“{old}”被更正了 {n} 次（" + "、".join(e.id for e in later) + "）",
                            later[-1].loc, "corrects", hint="后一次更正应针对前一次更正的条目"))
    return out


def check_evaluations(ledger: Ledger) -> list[Diagnostic]:
    out = []
    seen = set()
    for ev in ledger.evaluations:
        if ledger.member(ev.member) is None:
            out.append(diag("E301", f"未知党员“{ev.member}”", ev.loc, "member",
                            hint=_member_hint(ledger, ev.member)))
        key = (ev.year, ev.member)
        if key in seen:
            out.append(diag("E305", f"{ev.year} 年“{ev.member}”的评议结果重复", ev.loc, "member"))
        seen.add(key)
    return out


def check_objections(ledger: Ledger) -> list[Diagnostic]:
    out = []
    entry_ids = {e.id for e in ledger.entries}
    seen = set()
    names = {m.name for m in ledger.members}
    for ob in ledger.objections:
        if ob.id in seen:
            out.append(diag("E305", f"异议编号“{ob.id}”重复", ob.loc, "id"))
        seen.add(ob.id)
        if ob.entry not in entry_ids:
            near = suggest(ob.entry, entry_ids, 1)
            out.append(diag("E306", f"异议针对的条目“{ob.entry}”不存在", ob.loc, "entry",
                            hint=f"是不是“{near[0]}”？" if near else None))
        if ledger.member(ob.by) is None and ob.by not in names:
            out.append(diag("E301", f"提出异议的党员“{ob.by}”不在花名册中", ob.loc, "by",
                            hint=_member_hint(ledger, ob.by)))
    return out


def check_rules_coverage(ledger: Ledger) -> list[Diagnostic]:
    """Every dated record must fall under some rules version."""
    out = []
    if not ledger.settings.rules:
        return out
    first = min(r.start for r in ledger.settings.rules)
    reported = set()
    for e in ledger.entries:
        if e.date < first and e.loc.file not in reported:
            reported.add(e.loc.file)
            out.append(diag("E406", f"{e.date} 没有适用的积分规则（最早的规则自 {first} 起）", e.loc, "date",
                            hint="在 branch.yaml 的 rules 中补充该时期的规则版本"))
    return out


#: the named checks, in the order they run (`jifen check --only NAME`)
CHECKS = {
    "members": check_members,
    "entries": check_entries,
    "evaluations": check_evaluations,
    "objections": check_objections,
    "coverage": check_rules_coverage,
}


def _optional_checks():
    """Checks contributed by the rules engine and the audit trail (when present)."""
    extra = {}
    try:
        from .engine import check_rules
    except ImportError:
        check_rules = None
    if check_rules is not None:
        extra["rules"] = check_rules
    try:
        from .audit import check_published
    except ImportError:
        check_published = None
    if check_published is not None:
        extra["published"] = lambda ledger: check_published(ledger.root)
    return extra


def all_checks() -> dict:
    return {**CHECKS, **_optional_checks()}


def check_ledger(ledger: Ledger, only: list[str] | None = None) -> list[Diagnostic]:
    out = []
    for name, fn in all_checks().items():
        if only and name not in only:
            continue
        out.extend(fn(ledger))
    return out


def check_branch(root: Path, only: list[str] | None = None):
    """The whole `jifen check` pipeline → (ledger, sorted diagnostics with lines)."""
    from .yamlio import resolve_locations

    ledger, diags = load_branch(Path(root))
    diags.extend(check_ledger(ledger, only))
    resolve_locations(ledger.root, diags)
    diags.sort(key=Diagnostic.sort_key)
    return ledger, diags

