"""``check_rules``: every rules file the branch references compiles cleanly (E5xx),
and every entry, member and evaluation fits the rules in force at its date (E302,
E303, E6xx)."""

from __future__ import annotations

import difflib
from datetime import date, timedelta

from ..diagnostics import WARNING, Diagnostic, diag
from ..loader import EVENT_FILE, unusable_entries, unusable_evaluations
from ..model import Ledger, Loc
from ..rules import compile_rules
from ..rules.model import EVALUATION, Scheme


def check_rules(ledger: Ledger) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    schemes: dict[str, Scheme | None] = {}
    for ref in ledger.settings.rules:
        if ref.file in schemes:
            continue
        if ref.file not in ledger.rules:
            out.append(diag("E308", f"规则文件 {ref.file} 不存在", ref.loc))
            schemes[ref.file] = None
            continue
        scheme, diags = compile_rules(ledger.rules[ref.file], ref.file)
        out.extend(diags)
        schemes[ref.file] = scheme if not any(d.is_error for d in diags) else None

    def scheme_on(day: date) -> Scheme | None:
        ref = ledger.rules_file_for(day)
        return schemes.get(ref.file) if ref else None

    by_id = ledger._members_by_id()  # ledger.member(), without a call per entry
    on_day: dict[date, Scheme | None] = {}
    # what _check_entry looks at, for the entries it found nothing wrong with: another
    # entry with the same key is fine as well (the diagnostics depend on nothing else)
    fine: set = set()
    for e in ledger.entries:
        day = e.date
        scheme = on_day.get(day, False)
        if scheme is False:
            scheme = on_day[day] = scheme_on(day)
        if scheme is not None:
            member = by_id.get(e.member)
            key = (id(scheme), e.item, e.points, e.quantity is None, e.level,
                   None if member is None else member.category)
            if key in fine:
                continue
            found = _check_entry(scheme, e, member)
            if found:
                out.extend(found)
            else:
                fine.add(key)
    # entries left out of scoring for a broken required field (loader.LoadedLedger): their
    # other fields are still checked, against the rules of their month file when the date
    # itself is what is broken
    for e in unusable_entries(ledger):
        day = e.date or _month_end_of(e.loc.file)
        scheme = scheme_on(day) if day is not None else None
        if scheme is not None and e.item is not None:
            member = ledger.member(e.member) if e.member is not None else None
            out.extend(_check_entry(scheme, e, member))
    for m in ledger.members:
        for scheme in {id(s): s for s in schemes.values() if s is not None}.values():
            if scheme.classes and m.category not in scheme.classes:
                close = difflib.get_close_matches(m.category, list(scheme.classes), n=1)
                out.append(diag("E303", f"党员“{m.name}”的类别“{m.category}”不在积分规则 {scheme.file} 的类别中",
                                m.loc, "category",
                                hint=f"是不是想写 {close[0]}？" if close else f"可用：{'、'.join(scheme.classes)}"))
    for ev in ledger.evaluations:
        scheme = scheme_on(date(ev.year, 12, 31))
        if scheme is not None:
            out.extend(_check_evaluation(scheme, ev))
    out.extend(_check_rate_rules(ledger, scheme_on))
    out.extend(_check_rules_changes(ledger, schemes, scheme_on))
    out.extend(_check_missing_evaluations(ledger, scheme_on))
    return out


def _check_missing_evaluations(ledger: Ledger, scheme_on) -> list[Diagnostic]:
    """W410 for every member the year's democratic evaluation applies to who has no
    evaluation record, once the recorder has begun entering that year's results (a year
    with at least one record): a forgotten line would silently count 0 (RULES.md §8), and
    a member graded from the evaluation alone would get no grade."""
    out = []
    by_id = {m.id: m for m in ledger.members}
    for ev in ledger.evaluations:  # the other way round: a result that will never be used
        m = by_id.get(ev.member)
        scheme = scheme_on(date(ev.year, 12, 31))
        if m is None or scheme is None or m.exempt is None or m.exempt.approved > date(ev.year, 12, 31):
            continue
        if scheme.exempt.method == "evaluation" and m.exempt.evaluation_only and scheme.exempt.section:
            continue
        out.append(diag("W412", f"{m.name}（{m.id}）{ev.year} 年不纳入积分管理、也不参加排名，这条评议结果不会被使用",
                        ev.loc, "member", severity=WARNING,
                        hint=f"规则文件 {scheme.file} 对免于积分管理的党员是“不参加”（exempt: excluded）；"
                             "要按民主评议确定其积分，规则文件写 exempt: {method: evaluation, section: 评议板块代码}"
                             if scheme.exempt.method != "evaluation" else
                             "花名册中该党员的 exempt 写了 evaluation_only: false（不按评议确定），如要使用请改为 true"))
    records: dict[int, set[str]] = {}
    for ev in list(ledger.evaluations) + unusable_evaluations(ledger):
        if ev.member is not None:
            records.setdefault(ev.year, set()).add(ev.member)
    for year, evaluated in sorted(records.items()):
        scheme = scheme_on(date(year, 12, 31))
        if scheme is None:
            continue
        start, end = date(year, 1, 1), date(year, 12, 31)
        file = f"evaluations/{year}.yaml"
        for m in ledger.members:
            if m.id in evaluated or m.name in evaluated or (m.joined and m.joined > end) \
                    or (m.left and m.left < start):
                continue
            exempt = m.exempt is not None and m.exempt.approved <= end
            cls = scheme.classes.get(m.category)
            if exempt and not (scheme.exempt.method == "evaluation" and m.exempt.evaluation_only
                               and scheme.exempt.section):
                continue  # left out of the year altogether
            alone = exempt or bool(cls and cls.evaluation_only)
            if not alone and not any(sec.kind == EVALUATION for sec in scheme.sections_for(m.category)):
                continue
            what = "该党员只按民主评议确定积分，缺少评议结果时不确定等次" if alone else "年度评议积分按 0 分计算"
            out.append(diag("W410", f"{year} 年民主评议结果中没有 {m.name}（{m.id}）：{what}",
                            Loc(file), "results", severity=WARNING,
                            hint=f"在 {file} 的 results 下补上 {m.name} 的评议结果"
                                 + ("；年中离开的党员如未参加评议，可忽略本提示" if m.left and m.left <= end else "")))
    return out


def _zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _check_rules_changes(ledger: Ledger, schemes: dict, scheme_on) -> list[Diagnostic]:
    """RULES.md §1: a period is scored with the rules in force on its last day, so a year
    is scored (totals, ranks, grades, and the notices' running totals) with the rules of
    31 December.  A rules version that starts after 1 January changes how the months
    before it count: say so (W408, at its ``from:``).  An entry of those months whose item
    the year-end rules lack would not be counted at all: an error (E408, at the entry),
    never a silent loss."""
    out = []
    refs = sorted(ledger.settings.rules, key=lambda r: r.start)
    for ref in refs[1:]:
        if (ref.start.month, ref.start.day) == (1, 1) or schemes.get(ref.file) is None:
            continue
        year = ref.start.year
        final = ledger.rules_file_for(date(year, 12, 31))
        until = ref.start - timedelta(days=1)
        out.append(diag(
            "W408", f"规则 {ref.file} 自{_zh(ref.start)}起适用，不在年初：计算 {year} 年度的积分、排名、等次"
                    f"（以及各月公示的本年累计）时，整年都按年底有效的规则 {final.file if final else ref.file} 计算，"
                    f"{year}年1月1日至{_zh(until)}的条目也按它计分",
            ref.loc, "from", severity=WARNING,
            hint=f"规则修订一般从新的一年开始（from: {year + 1}-01-01）；确需年中修订的，新规则应保留旧规则的"
                 "项目代码，并在支委会上说明年初几个月按新规则重算"))
    by_year: dict[int, Scheme | None] = {}
    for e in ledger.entries:
        year = e.date.year
        if year not in by_year:
            by_year[year] = scheme_on(date(year, 12, 31))
        final = by_year[year]
        if final is None or e.item in final.items:
            continue
        own = scheme_on(e.date)
        if own is None or own is final or e.item not in own.items:
            continue  # an unknown item of the entry's own rules is E302 (_check_entry)
        out.append(diag(
            "E408", f"项目“{e.item}”（{own.items[e.item].name}）在 {year} 年年底有效的规则 {final.file} 中没有："
                    f"{year} 年度按该规则计分，这一条不会计入",
            e.loc, "item",
            hint=f"在 {final.file} 中保留项目 {e.item}（分值可以不同），或把它在 branch.yaml 中的 from 改为下一年的 1 月 1 日"))
    return out


def _check_rate_rules(ledger: Ledger, scheme_on) -> list[Diagnostic]:
    """RULES.md §7.4: a ``kind: rate`` rule needs the year's sessions (meetings/YEAR.yaml).
    For every year of the ledger whose rules (at the year end) have such a rule: no file,
    or no session of the kinds the rule counts, means the rule cannot be judged — say so
    (W601, at the rule) instead of passing silently."""
    out = []
    years = set(ledger.years())  # a year with records: a meetings file alone judges nobody
    for year in sorted(years):
        scheme = scheme_on(date(year, 12, 31))
        if scheme is None:
            continue
        file = f"meetings/{year}.yaml"
        meetings = ledger.meetings.get(year)
        for i, rule in enumerate(scheme.absence):
            if rule.kind != "rate":
                continue
            what = f"参学参会率规则“{rule.name}”（{rule.code}）"
            if meetings is None:
                out.append(diag("W601", f"{year} 年没有会议记录文件 {file}，{what}无法判定，未扣分",
                                Loc(scheme.file), "absence", i, severity=WARNING,
                                hint=f"在 {file} 中逐次记录支部召开的会议（meetings: 下每次一行，写 date、kind、name），"
                                     "格式见 FORMAT.md“meetings/ 会议记录”一节"))
                continue
            counted = [mt for mt in meetings if mt.date.year == year
                       and (rule.sessions is None or mt.kind in rule.sessions)]
            if not counted:
                kinds = f"类型为 {'、'.join(rule.sessions)} 的" if rule.sessions else ""
                out.append(diag("W601", f"{file} 中没有{kinds}会议，{what}无法判定，未扣分",
                                Loc(scheme.file), "absence", i, severity=WARNING,
                                hint="补记当年召开的会议" + ("，或检查会议的 kind 与规则 sessions 的写法是否一致"
                                                      if rule.sessions else "")))
    return out


def fmt_range(lo, hi) -> str:
    from .results import fmt

    return f"{fmt(lo)}—{fmt(hi)}"


def _month_end_of(rel: str) -> date | None:
    """The last day of the month a month file (events/2019/2019-03.yaml) is for."""
    m = EVENT_FILE.match(rel)
    if not m or not 1 <= int(m[3]) <= 12:
        return None
    year, month = int(m[2]), int(m[3])
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _check_entry(scheme: Scheme, e, member) -> list[Diagnostic]:
    item = scheme.items.get(e.item)
    if item is None:
        close = difflib.get_close_matches(e.item, list(scheme.items), n=1)
        hint = f"是不是想写 {close[0]}（{scheme.items[close[0]].name}）？" if close else None
        return [diag("E302", f"未知积分项目“{e.item}”（规则 {scheme.file}）", e.loc, "item", hint=hint)]
    out = []
    if item.fixed and e.points is not None and abs(e.points) != item.points:
        out.append(diag("E601", f"“{item.name}”每次固定 {item.points} 分，条目却写了 {e.points} 分",
                        e.loc, "points", hint="删去 points，或改用 times 表示次数"))
    if item.per is not None and e.quantity is None:
        out.append(diag("E602", f"“{item.name}”按数量计分（每 {item.per} 计 {item.points} 分），须写 quantity",
                        e.loc))
    if item.levels is not None:
        if e.level is None:
            out.append(diag("E603", f"“{item.name}”按等级计分，须写 level", e.loc,
                            hint=f"可用：{'、'.join(item.levels)}"))
        elif e.level in item.level_ranges:
            lo, hi = item.level_ranges[e.level]
            if e.points is None or not lo <= abs(e.points) <= hi:
                out.append(diag("E606", f"“{item.name}”等级“{e.level}”为 {lo}—{hi} 分，须写此范围内的 points",
                                e.loc, "points"))
        elif e.level not in item.levels:
            close = difflib.get_close_matches(e.level, list(item.levels), n=1)
            out.append(diag("E603", f"等级“{e.level}”不在“{item.name}”的等级表中", e.loc, "level",
                            hint=f"是不是想写 {close[0]}？" if close else f"可用：{'、'.join(item.levels)}"))
    if item.open is not None:
        lo, hi = item.open
        if e.points is None:
            out.append(diag("E606", f"“{item.name}”为酌情计分，须写 {fmt_range(lo, hi)} 分之间的 points", e.loc))
        elif not lo <= abs(e.points) <= hi:
            out.append(diag("E606", f"“{item.name}”酌情分应在 {lo}—{hi} 分之间，条目写了 {e.points}",
                            e.loc, "points"))
    if member is not None and item.classes is not None and member.category not in item.classes:
        def named(code):  # 流动党员（mobile）; a code the scheme has no class for as written
            cls = scheme.classes.get(code)
            return f"{cls.name}（{code}）" if cls is not None and cls.name else f"“{code}”"

        out.append(diag("E604", f"“{item.name}”只适用于类别{'、'.join(map(named, item.classes))}，"
                                f"党员“{member.name}”的类别为{named(member.category)}", e.loc, "item"))
    if member is not None and scheme.classes:
        cls = scheme.classes.get(member.category)
        if cls is not None and cls.sections is not None and item.section not in cls.sections:
            out.append(diag("E604", f"“{item.name}”所在板块不适用于类别“{cls.name}”", e.loc, "item"))
    return out


def _check_evaluation(scheme: Scheme, ev) -> list[Diagnostic]:
    sections = [s for s in scheme.sections if s.kind == EVALUATION]
    if not sections:
        return []
    out = _check_evaluation_period(sections[0].evaluation.periods, ev)
    spec = sections[0].evaluation
    if spec.method == "votes":
        if not ev.votes:
            out.append(diag("E605", "按票数评议，评议记录缺少 votes", ev.loc))
        for group, counts in ev.votes.items():
            if spec.groups is not None and group not in spec.groups:
                out.append(diag("E605", f"评议组“{group}”不在规则中", ev.loc, "votes", group,
                                hint=f"可用：{'、'.join(spec.groups)}"))
            for opt in counts:
                if opt not in spec.options:
                    out.append(diag("E605", f"评议选项“{opt}”不在规则中", ev.loc, "votes", group, opt,
                                    hint=f"可用：{'、'.join(spec.options)}"))
    elif spec.method == "band":
        if ev.band not in spec.bands:
            out.append(diag("E605", f"评议档次“{ev.band}”不在规则中", ev.loc, "band",
                            hint=f"可用：{'、'.join(spec.bands)}"))
        else:
            lo, hi = spec.bands[ev.band]
            if lo != hi and (ev.score is None or not lo <= ev.score <= hi):
                out.append(diag("E605", f"评议档次“{ev.band}”为 {lo}—{hi} 分，须写在此范围内的 score",
                                ev.loc, "score"))
    elif ev.score is None:
        out.append(diag("E605", "直接给分的评议记录缺少 score", ev.loc))
    elif sections[0].full is not None and not 0 <= ev.score <= sections[0].full:
        out.append(diag("E605", f"评议分 {ev.score} 超出 0—{sections[0].full}", ev.loc, "score"))
    return out


#: the evaluation ``period`` values allowed by the section's ``periods`` (RULES.md §8.3a)
_EVALUATION_PERIODS = {"year": (None,), "half": ("H1", "H2"), "quarter": ("Q1", "Q2", "Q3", "Q4")}
_PERIODS_ZH = {"year": "一年一次", "half": "每半年一次", "quarter": "每季度一次"}


def _check_evaluation_period(periods: str, ev) -> list[Diagnostic]:
    allowed = _EVALUATION_PERIODS.get(periods, (None,))
    if ev.period in allowed:
        return []
    if ev.period is None:
        return [diag("E605", f"本方案民主评议{_PERIODS_ZH[periods]}，评议记录须写 period", ev.loc,
                     hint="可写：" + "、".join(allowed))]
    if allowed == (None,):
        return [diag("E605", f"本方案民主评议一年一次，评议记录不应写 period: {ev.period}", ev.loc, "period",
                     hint="删去 period，每名党员每年一条评议记录")]
    return [diag("E605", f"本方案民主评议{_PERIODS_ZH[periods]}，period 不能是 {ev.period}", ev.loc, "period",
                 hint="可写：" + "、".join(allowed))]
