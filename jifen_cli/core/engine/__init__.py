"""The scoring engine: pure functions of a Ledger (no I/O, no printing, Decimal only).

Public API (see docs/ARCHITECTURE.md, "Engine API"):

- ``scheme_for(ledger, day_or_period) -> Scheme``
- ``check_rules(ledger) -> list[Diagnostic]``
- ``score(ledger, period, horizon=None) -> ScoreTable``
- ``rank(ledger, period, by_class=False, horizon=None) -> list[Ranked]``
- ``year_result(ledger, year, grade=True, horizon=None) -> YearResult``
- ``explain(ledger, member_id, period, horizon=None) -> list[Step]``
- ``horizon_on(period, today) -> date | None``

``horizon`` is the day the ledger is known up to while the period is still running
(RULES.md §7.3): the engine never reads a clock, the caller passes the day.
"""

from __future__ import annotations

from datetime import date

from ..diagnostics import JifenError, diag
from ..model import Ledger
from ..periods import YEAR, Period
from ..rules import compile_rules
from ..rules.model import Scheme
from .checking import check_rules
from .grading import Grader, YearState, ranked
from . import results as R
from .results import (
    Effect, Excluded, Grade, MemberResult, Ranked, Row, ScoreTable, Step, YearResult, fmt,
)
from .scoring import Calculator, build_table, round_value

__all__ = [
    "scheme_for", "check_rules", "score", "rank", "year_result", "explain", "as_period", "horizon_on",
    "Scheme", "ScoreTable", "Row", "Ranked", "Grade", "MemberResult", "YearResult", "Step",
    "Excluded", "Effect", "fmt", "round_value", "ranked",
]


def as_period(value) -> Period:
    """A Period from a Period, a year int, a date (its month) or text like 2019-Q1."""
    if isinstance(value, Period):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Period.of_year(value)
    if isinstance(value, date):
        return Period.of_month(value)
    return Period.parse(str(value))


def horizon_on(period, today: date) -> date | None:
    """The horizon for a report on ``period`` made on ``today``: ``today`` while the
    period has not ended (its results are provisional, RULES.md §7.3), else None."""
    period = as_period(period)
    return today if today < period.end else None


def _horizon(period: Period, horizon: date | None) -> date | None:
    """A horizon on or after the period's end changes nothing: drop it."""
    return horizon if horizon is not None and horizon < period.end else None


def scheme_for(ledger: Ledger, day_or_period) -> Scheme:
    """The compiled scheme in force on a day, or at the end of a period.  Raises
    JifenError (with the E5xx diagnostics) when there is none or it does not compile."""
    period = None if isinstance(day_or_period, date) else as_period(day_or_period)
    day = day_or_period if period is None else period.end
    ref = ledger.rules_file_for(day)
    if ref is None:
        raise _no_rules(ledger, day, period)
    if ref.file not in ledger.rules:
        raise JifenError(f"规则文件 {ref.file} 不存在", [diag("E308", f"规则文件 {ref.file} 不存在", ref.loc)])
    scheme, diags = compile_rules(ledger.rules[ref.file], ref.file)
    errors = [d for d in diags if d.is_error]
    if scheme is None or errors:
        raise JifenError(f"规则文件 {ref.file} 有错误，无法计分", errors or diags)
    return scheme


def _zh_date(day: date) -> str:
    """2019年1月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _no_rules(ledger: Ledger, day: date, period: Period | None) -> JifenError:
    """E406 for a day (or a period ending on it) before the branch's first rules version:
    says from when the rules apply and what to do, at that version's ``from``."""
    refs = ledger.settings.rules
    if not refs:  # no rules at all: the loader reports it (E202)
        text = f"{day} 没有适用的积分规则"
        return JifenError(text, [diag("E406", text, ledger.settings.loc, "rules")])
    first = min(refs, key=lambda r: r.start)
    when = (f"{period.year} 年" if period.kind == YEAR else period.label) if period is not None \
        else _zh_date(day)
    text = f"规则自 {_zh_date(first.start)} 起适用，{when}没有适用的积分规则"
    years = [y for y in ledger.years() if y >= first.start.year]
    start = period.start if period is not None else day
    what = period.label if period is not None else _zh_date(day)
    hint = (f"要计算{what}的积分，请在 branch.yaml 的 rules 中补充更早的规则版本"
            f"（from: {start:%Y-%m-%d} 或更早）；若是年份写错了，请检查"
            + (f"（台账中有记录的年份：{'、'.join(map(str, years))}）" if years else ""))
    # points at the `from:` (the caller that reads files gives it its line: cli.app.with_ledger)
    return JifenError(text, [diag("E406", text, first.loc, "from", hint=hint)], hint=hint)


def score(ledger: Ledger, period, horizon: date | None = None) -> ScoreTable:
    """Member × section table for a month, quarter, half-year or year.  ``horizon``: the
    day the ledger is known up to (e.g. a notice's period end, for a year-to-date
    score, or today for a period still running); rules on the absence of events then
    leave later months alone and yearly minimums wait for the year end.  A horizon on or
    after the period's end is ignored; the table's ``horizon`` says whether one applied."""
    period = as_period(period)
    horizon = _horizon(period, horizon)
    table = build_table(Calculator(ledger, scheme_for(ledger, period), horizon), period)
    table.horizon = horizon
    return table


def rank(ledger: Ledger, period, by_class: bool = False,
         horizon: date | None = None) -> list[Ranked] | dict[str, list[Ranked]]:
    """Ranking within the branch (a list), or ``by_class``: {category: list}."""
    table = score(ledger, period, horizon)
    if not by_class:
        return ranked(table.rows)
    groups: dict[str, list[Row]] = {}
    for r in table.rows:
        groups.setdefault(r.category, []).append(r)
    return {cat: ranked(rows) for cat, rows in groups.items()}


def year_result(ledger: Ledger, year: int, grade: bool = True, horizon: date | None = None) -> YearResult:
    """Scores, ranks and (with ``grade``) grades, reasons and outcomes for a year.
    ``horizon``: the day the ledger is known up to while the year is still running
    (provisional results: yearly rules are not settled; ``YearResult.horizon``)."""
    return _year_result(ledger, year, grade, {}, horizon)


def _year_result(ledger: Ledger, year: int, grade: bool, memo: dict,
                 horizon: date | None = None) -> YearResult:
    period = Period.of_year(year)
    horizon = _horizon(period, horizon)
    scheme = scheme_for(ledger, period)
    table = build_table(Calculator(ledger, scheme, horizon), period)
    table.horizon = horizon
    scales = [s.name for s in scheme.scales]
    if not grade:
        ranks = {r.member: r.rank for r in ranked(table.rows)}
        members = [MemberResult(row=r, rank=ranks[r.member], class_rank=0, graded=False, grades={})
                   for r in table.rows]
        first: dict[str, MemberResult] = {}
        for m in members:
            first.setdefault(m.member, m)
        for cat_rows in _by_class(table.rows).values():
            for x in ranked(cat_rows):
                first[x.member].class_rank = x.rank
        return YearResult(year, scheme, table, members, scales, horizon)
    grader = Grader(ledger, scheme, table, year, lambda y: _past_state(ledger, y, memo))
    memo[year] = grader.state
    members = grader.grade_all()
    return YearResult(year, scheme, table, members, scales, horizon)


def _by_class(rows):
    out: dict[str, list[Row]] = {}
    for r in rows:
        out.setdefault(r.category, []).append(r)
    return out


def _past_state(ledger: Ledger, year: int, memo: dict) -> YearState | None:
    """An earlier year's state: recomputed from the ledger when it has that year's data,
    else from ``ledger.history`` (grades only), else None."""
    if year in memo:
        return memo[year]
    years = ledger.years()
    state = None
    if year in years:
        try:
            _year_result(ledger, year, True, memo)
            state = memo.get(year)
        except JifenError:
            state = None
    elif year in ledger.history:
        state = YearState(year, history_only=True)
        for mid, g in ledger.history[year].items():
            state.grades[mid] = {"*": g}
    memo[year] = state
    return state


def explain(ledger: Ledger, member_id: str, period, horizon: date | None = None) -> list[Step]:
    """Every entry that counted, every cap, multiplier, veto, liability charge and rule
    applied, in order, ending at the member's score (and, for a year, the grades).
    ``horizon`` as for :func:`score` (a period still running)."""
    period = as_period(period)
    if period.kind == YEAR:
        result = year_result(ledger, period.year, grade=True, horizon=horizon)
        m = result.member(member_id)
        if m is None:
            return _not_scored(ledger, result.table, member_id, period)
        rank_step = Step(R.RANK, f"支部排名第{m.rank}名/共{len(result.table.rows)}人"
                                 + (f"；类别内第{m.class_rank}名" if result.scheme.classes else ""))
        return list(m.row.steps) + [rank_step] + list(m.steps)
    table = score(ledger, period, horizon)
    row = table.row(member_id)
    if row is None:
        return _not_scored(ledger, table, member_id, period)
    return list(row.steps)


def _not_scored(ledger, table: ScoreTable, member_id: str, period: Period) -> list[Step]:
    for x in table.excluded:
        if x.member == member_id:
            return [Step(R.EXCLUDED, f"{x.name}：{x.reason}，{period.label}不纳入积分管理")]
    member = ledger.member(member_id)
    if member is None:
        raise JifenError(f"未知党员“{member_id}”", [diag("E301", f"未知党员“{member_id}”")])
    return [Step(R.EXCLUDED, f"{member.name}在{period.label}不在册，不计分")]
