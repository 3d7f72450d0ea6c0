"""Scoring one period: entries → items → parts → sections → total, with every step
recorded for ``explain``.  Pure: reads the Ledger and the compiled Scheme only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from datetime import date

from ..model import Entry, Ledger, Member
from ..periods import HALF, MONTH, QUARTER, YEAR, Period, months_per
from ..rules import formula as fm
from ..rules.model import (
    ACCOUNT, ACCRUE, BASE, BONUS, EVALUATION, FORMULA, PENALTY, Absence, Item, Scheme, Section,
)
from . import results as R
from .results import Effect, Excluded, Row, ScoreTable, Step, Text, copy_step, fmt

ZERO = Decimal(0)
ONE = Decimal(1)
_MODES = {"half_up": ROUND_HALF_UP, "down": ROUND_DOWN, "half_even": ROUND_HALF_EVEN}


_UNITS: dict[int, Decimal] = {}  # places → Rounding.unit (a property computing it each time)


def round_value(value: Decimal, scheme: Scheme) -> Decimal:
    r = scheme.rounding
    unit = _UNITS.get(r.places)
    if unit is None:
        unit = _UNITS[r.places] = r.unit
    return value.quantize(unit, rounding=_MODES[r.mode])


def entry_sort_key(e: Entry):
    return (e.date, e.id, e.item, e.times, e.quantity or ZERO, e.points or ZERO,
            e.level or "", e.subject or "")


@dataclass
class _Gain:
    """Signed-free amount an item contributes to a part/section (magnitude ≥ 0)."""

    amount: Decimal = ZERO
    zeroed: str | None = None  # reason the part/section is zeroed (该项不得分)


@dataclass
class UnitResult:
    values: dict[str, Decimal]  # section code → raw value (penalty: positive points lost)
    steps: list[Step]
    effects: list[Effect]
    vetoes: list[tuple[Decimal | None, str]]  # (score, reason)
    notes: list[str] = field(default_factory=list)


class Calculator:
    """Scores members of one ledger under one scheme.  Caches per-unit work so that a
    year table, ranks and explain share it."""

    def __init__(self, ledger: Ledger, scheme: Scheme, horizon: date | None = None):
        self.ledger = ledger
        self.scheme = scheme
        #: the day the ledger is known up to (a notice's period end), or None for a
        #: finished year: rules on the absence of events do not judge months not yet begun,
        #: and yearly minimums are settled only once the year is over
        self.horizon = horizon
        self._by_member: dict[str, list[Entry]] = {}
        self._years_recorded: set[int] | None = None  # years with entries (consecutive rules)
        for e in ledger.effective_entries():
            self._by_member.setdefault(e.member, []).append(e)
        for lst in self._by_member.values():
            lst.sort(key=entry_sort_key)
        self._amounts: dict[tuple, dict[str, list]] = {}
        self._negative: dict[str, bool] = {}
        self._liability: dict[Period, dict[str, list]] = {}
        self._evaluations: dict[tuple, list] = {}
        for ev in ledger.evaluations:
            self._evaluations.setdefault((ev.member, ev.year), []).append(ev)
        self._consumed = set()
        for s in scheme.sections:
            if s.kind == FORMULA and s.formula is not None:
                self._consumed |= fm.names(s.formula)

    # ---- membership ------------------------------------------------------------
    def entries(self, member: Member, start: date, end: date) -> list[Entry]:
        # the days the member is active on within [start, end] (Member.active_on)
        if member.joined and member.joined > start:
            start = member.joined
        if member.left and member.left < end:
            end = member.left
        return [e for e in self._by_member.get(member.id, ()) if start <= e.date <= end]

    @staticmethod
    def active_in(member: Member, period: Period) -> bool:
        if member.joined and member.joined > period.end:
            return False
        if member.left and member.left < period.start:
            return False
        return True

    def exempt_mode(self, member: Member, period: Period) -> str | None:
        ex = member.exempt
        if ex is None or ex.approved > period.end:
            return None
        if self.scheme.exempt.method == "evaluation" and ex.evaluation_only and self.scheme.exempt.section:
            return "evaluation"
        return "excluded"

    # ---- items -----------------------------------------------------------------------
    def _multiplier(self, member: Member, item: Item) -> tuple[Decimal, Decimal]:
        """(repeat rate, post factor) applying to this member's entries of item."""
        section = self.scheme.section(item.section)
        if not item.modifiers or not section.deducting:
            return ZERO, ONE
        repeat = self.scheme.repeat
        rate = ZERO
        if repeat and (repeat.sections is None or item.section in repeat.sections):
            rate = repeat.rate
        post = self.scheme.post
        factor = ONE
        if post and (post.sections is None or item.section in post.sections) and member.posts:
            if post.posts is None or any(p in post.posts for p in member.posts):
                factor = ONE + post.rate
        return rate, factor

    def entry_amounts(self, member: Member, unit: Period) -> dict[str, list]:
        """item code → [(entry, amount, [Step])] for the member's entries in ``unit``:
        amounts after max-count, levels, highest-only and modifiers, before caps."""
        key = (member.id, unit)
        if key in self._amounts:
            return self._amounts[key]
        out: dict[str, list] = {}
        year_start = date(unit.year, 1, 1)
        by_item: dict[str, list[Entry]] = {}
        items = self.scheme.items
        for e in self.entries(member, unit.start, unit.end):
            if e.item in items:
                by_item.setdefault(e.item, []).append(e)
        # entries earlier in the year (none when the unit starts the year)
        before = [e for e in self.entries(member, year_start, unit.start) if e.date < unit.start] \
            if unit.start > year_start else []
        for code, entries in by_item.items():
            item = items[code]
            prior = sum((e.times for e in before if e.item == code), ZERO)
            out[code] = self._score_item(member, item, entries, prior)
        self._amounts[key] = out
        return out

    def presigned(self, item: Item) -> bool:
        """Whether the steps :meth:`entry_amounts` keeps for ``item`` carry their points
        negated already, as the item's section shows them (deducting sections, ``deduct``
        items): made so once, instead of copied each time a section gathers them."""
        neg = self._negative.get(item.code)
        if neg is None:
            section = self.scheme.section(item.section)
            neg = self._negative[item.code] = bool(section is not None and section.deducting) or bool(item.deduct)
        return neg

    def _score_item(self, member: Member, item: Item, entries: list[Entry], prior: Decimal) -> list:
        """[(entry, amount, [Step])] for one item's entries in one unit, in date order;
        the steps' points are signed as :meth:`presigned` says.

        ``prior``: times the member already had this item earlier in the year (for the
        repeat modifier)."""
        if item.classes is not None and member.category not in item.classes:
            return [(e, ZERO, [Step(R.SKIP, f"{e.date} {item.name}：不适用于本类别党员，不计分", entry=e.id,
                                    section=item.section)]) for e in entries]
        neg = self.presigned(item)
        if item.per is not None:
            return [(e, amount, _signed(steps, neg)) for e, amount, steps in self._per_unit(item, entries)]
        kept = self._highest(item, entries)
        rate, factor = self._multiplier(member, item)
        out = []
        used = ZERO
        seen = prior
        levels = item.levels is not None
        label = self._entry_label
        for e in entries:
            if levels:
                skipped = self._skip_level(item, e, kept)
                if skipped:
                    out.append((e, ZERO, [skipped]))
                    continue
            counted = ONE if item.highest_only else (e.times if e.times is not None else ONE)
            cap = None
            if item.max_count is not None:
                allowed = max(ZERO, Decimal(item.max_count) - used)
                if counted > allowed:
                    counted = allowed
                    cap = Step(R.CAP, f"{item.name}每期最多计{item.max_count}次，本条只计{fmt(counted)}次",
                               section=item.section, entry=e.id)
            used += counted
            if item.open is not None:  # 酌情分：整条一个分值，不乘次数
                base, each = self._open_points(item, e), None
            else:
                each = self._level_points(item, e) if levels else (item.points or ZERO)
                base = each * counted
            steps = [Step(R.ENTRY, Text(label, item, e, counted, each), -base if neg and base else base,
                          None, item.section, e.id)]
            if cap is not None:
                steps.append(cap)
            if rate or factor != ONE:
                amount = self._modified(item, e, base, each, counted, seen, rate, factor, steps, neg)
            else:
                amount = base  # no modifier: what _modified gives
            seen += counted
            out.append((e, amount, steps))
        return out

    @staticmethod
    def _entry_label(item: Item, e: Entry, counted: Decimal, each) -> str:
        if item.levels is not None:
            subject = f"“{e.subject}”" if e.subject else ""
            text = f"{e.date} {item.name}{subject}（{e.level}）" + (f" ×{fmt(counted)}" if counted != ONE else "")
            return text + ("，按最高级别计" if item.highest_only else "")
        text = f"{e.date} {item.name}" + (f" ×{fmt(counted)}次" if counted != ONE and each is not None else "")
        return text + (f"（{e.note}）" if e.note else "")

    @staticmethod
    def _modified(item: Item, e: Entry, base, each, counted, seen, rate, factor, steps,
                  neg: bool = False) -> Decimal:
        """``base`` after the repeat and post modifiers (§5), steps appended (their points
        negated with ``neg``)."""
        amount = base
        if rate and each is not None:
            first = min(counted, max(ZERO, ONE - seen))
            repeats = counted - first
            if repeats > 0:
                extra = each * repeats * rate
                amount += extra
                steps.append(Step(R.MULTIPLIER, f"重复违反同一标准，第{fmt(seen + first + 1)}次起上浮{fmt(rate * 100)}%",
                                  points=-extra if neg and extra else extra, section=item.section, entry=e.id))
        elif rate and each is None and seen >= ONE:
            extra = base * rate
            amount += extra
            steps.append(Step(R.MULTIPLIER, f"重复违反同一标准，上浮{fmt(rate * 100)}%",
                              points=-extra if neg and extra else extra, section=item.section, entry=e.id))
        if factor != ONE and amount:
            extra = amount * (factor - ONE)
            amount += extra
            steps.append(Step(R.MULTIPLIER, f"担任职务，加重上浮{fmt((factor - ONE) * 100)}%",
                              points=-extra if neg and extra else extra, section=item.section, entry=e.id))
        return amount

    @staticmethod
    def _open_points(item: Item, e: Entry) -> Decimal:
        lo, hi = item.open
        if e.points is None:
            return ZERO
        return min(max(abs(e.points), lo), hi)

    def _per_unit(self, item: Item, entries: list[Entry]) -> list:
        qty = sum((e.quantity or ZERO for e in entries), ZERO)
        units = (qty / item.per).to_integral_value(rounding=ROUND_FLOOR)
        amount = units * item.points
        out = []
        for e in entries:
            step = Step(R.ENTRY, f"{e.date} {item.name} 数量 {fmt(e.quantity or ZERO)}", entry=e.id,
                        section=item.section)
            out.append((e, ZERO, [step]))
        summary = Step(R.ENTRY, f"{item.name}本期合计 {fmt(qty)}，每满 {fmt(item.per)} 计 {fmt(item.points)} 分，"
                                f"计 {fmt(units)} 个单位", points=amount, section=item.section)
        if out:
            e, _, steps = out[-1]
            out[-1] = (e, amount, steps + [summary])
        return out

    @staticmethod
    def _level_points(item: Item, e: Entry) -> Decimal:
        pts = item.levels[e.level]
        if e.level in item.level_ranges and e.points is not None:
            lo, hi = item.level_ranges[e.level]
            pts = min(max(abs(e.points), lo), hi)
        return pts

    def _highest(self, item: Item, entries: list[Entry]) -> set[int]:
        """ids of the entries that count under ``highest_only`` (one per item or subject)."""
        if item.levels is None or not item.highest_only:
            return set()
        best: dict[str, tuple[tuple, Entry]] = {}
        for e in entries:
            if e.level not in item.levels:
                continue
            group = "" if item.highest_only == "item" else (e.subject or "")
            rank = (item.level_rank(e.level), -self._level_points(item, e))
            if group not in best or rank < best[group][0]:
                best[group] = (rank, e)
        return {id(v[1]) for v in best.values()}

    @staticmethod
    def _skip_level(item: Item, e: Entry, kept: set[int]) -> Step | None:
        """Why a levelled entry does not count (unknown level, not the highest), or None."""
        if item.levels is None:
            return None
        if e.level not in item.levels:
            return Step(R.SKIP, f"{e.date} {item.name}：等级“{e.level}”不在等级表中，不计分",
                        entry=e.id, section=item.section)
        if item.highest_only and id(e) not in kept:
            return Step(R.SKIP, Text(_not_highest_text, item, e), None, None, item.section, e.id)
        return None

    # ---- liability -----------------------------------------------------------------
    def liability_charges(self, unit: Period) -> dict[str, list]:
        """target member id → [(section, part, amount, Step)] charged in ``unit``."""
        if unit in self._liability:
            return self._liability[unit]
        charges: dict[str, list] = {}
        rules = self.scheme.liability
        if rules:
            members = self.ledger.members
            for m in members:
                # an exempt member's entries do not count, so they charge nobody either
                if not self.active_in(m, unit) or self.exempt_mode(m, unit):
                    continue
                for code, lst in self.entry_amounts(m, unit).items():
                    if not self.scheme.section(self.scheme.items[code].section).deducting:
                        continue
                    for e, amount, _ in lst:
                        for rule in rules:
                            if amount < rule.min or amount <= 0:
                                continue
                            for c in rule.charges:
                                for target in self._targets(c, m, members, e.date):
                                    share = amount * c.share
                                    text = (f"{e.date} 连带责任：{m.name}“{self.scheme.items[code].name}”"
                                            f"扣{fmt(amount)}分（≥{fmt(rule.min)}），按{fmt(c.share * 100)}%连带扣分")
                                    charges.setdefault(target.id, []).append(
                                        (rule.section, rule.part, share,
                                         Step(R.LIABILITY, text, points=share, section=rule.section, entry=e.id)))
        self._liability[unit] = charges
        return charges

    @staticmethod
    def _targets(charge, source: Member, members: list[Member], day: date) -> list[Member]:
        if charge.member:
            return [m for m in members if m.id == charge.member and m.id != source.id and m.active_on(day)]

        def holders(post, same_group):
            return [m for m in members if m.id != source.id and post in m.posts and m.active_on(day)
                    and (not same_group or (source.group and m.group == source.group))]

        found = holders(charge.post, charge.same_group)
        if not found and charge.fallback:
            found = holders(charge.fallback, False)
        return found

    # ---- absence rules --------------------------------------------------------------
    def absence_hits(self, member: Member, unit: Period) -> list[tuple[Absence, Decimal, Step]]:
        """Absence rules that fire for ``member`` and are charged in ``unit``."""
        out = []
        for rule in self.scheme.absence:
            if rule.kind in ("minimum", "rate"):
                year_end = date(unit.year, 12, 31)
                last_day = min(member.left, year_end) if member.left else year_end
                if unit.kind not in (self.scheme.period, YEAR) or not unit.contains(last_day):
                    continue  # settled once, in the member's last scoring unit of the year
                if self.horizon is not None and self.horizon < last_day:
                    continue  # the year is not over yet: nothing to settle
                if rule.kind == "rate":
                    hit = self._rate(member, rule, unit.year)
                    if hit is not None and hit[0] is None:
                        out.append((rule,) + hit)  # judged, not applying: a step for explain only
                        continue
                else:
                    hit = self._minimum(member, rule, unit.year)
            else:
                hit = self._consecutive(member, rule, unit)
            if hit:
                out.append((rule,) + hit)
        return out

    def _minimum(self, member, rule: Absence, year: int):
        entries = [e for e in self.entries(member, date(year, 1, 1), date(year, 12, 31)) if e.item in rule.items]
        got = sum(((e.quantity or ZERO) if rule.measure == "quantity" else (e.times or ONE) for e in entries), ZERO)
        need = rule.min_by_class.get(member.category, rule.min)
        by_post = [rule.min_by_post[p] for p in member.posts if p in rule.min_by_post]
        if by_post:
            need = max(by_post)
        if need is None or got >= need:
            return None
        missing = need - got
        amount = missing * rule.points if rule.points is not None else ZERO
        unit_word = "" if rule.measure == "quantity" else "次"
        text = f"{rule.name}：全年{fmt(got)}{unit_word}，要求{fmt(need)}{unit_word}，差{fmt(missing)}{unit_word}"
        if rule.points is not None:
            text += f"，每差1{unit_word or '个单位'}扣{fmt(rule.points)}分"
        return amount, Step(R.ABSENCE, text, points=amount, section=rule.section)

    def _rate(self, member, rule: Absence, year: int):
        """§7.4 参学参会率: (amount, step) when the rate is strictly below ``rule.below``;
        (None, step) when it is not, or cannot be judged (no meetings file for the year,
        no session held while the member was in the branch) — the step says why."""
        file = f"meetings/{year}.yaml"
        meetings = self.ledger.meetings.get(year)
        if meetings is None:
            return None, Step(R.ABSENCE, f"{rule.name}：没有{year}年的会议记录（{file}），无法判定，未扣分",
                              section=rule.section)
        held = sum(1 for mt in meetings
                   if mt.date.year == year and member.active_on(mt.date)
                   and (rule.sessions is None or mt.kind in rule.sessions))
        if not held:
            kinds = f"（{'、'.join(rule.sessions)}）" if rule.sessions else ""
            return None, Step(R.ABSENCE, f"{rule.name}：在册期间{year}年没有应参加的会议{kinds}，不判定",
                              section=rule.section)
        missed = sum(((e.times or ONE) for e in self.entries(member, date(year, 1, 1), date(year, 12, 31))
                      if e.item in rule.missed), ZERO)
        attended = max(Decimal(held) - missed, ZERO)
        rate = attended / held
        shown = fmt((rate * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        if missed > held:  # more absences than sessions: a recording slip, counted as 0 %
            text = (f"{rule.name}：全年应参加{held}次，无故缺席{fmt(missed)}次（多于应参加的次数，"
                    f"请核对记录），参学参会率按0%计")
        else:
            text = (f"{rule.name}：全年应参加{held}次，无故缺席{fmt(missed)}次，参学参会率"
                    f"（{held}−{fmt(missed)}）÷{held} = {shown}%")
        threshold = fmt(rule.below * 100)
        if attended >= rule.below * held:
            return None, Step(R.ABSENCE, f"{text}，不低于{threshold}%，不扣分", section=rule.section)
        amount = rule.points or ZERO
        return amount, Step(R.ABSENCE, f"{text}，低于{threshold}%", points=amount, section=rule.section)

    def _recorded_years(self) -> set[int]:
        """The years the ledger has entries in (a year without any is not recorded: its
        months are unknown, not months without)."""
        if self._years_recorded is None:
            self._years_recorded = {e.date.year for e in self.ledger.entries}
        return self._years_recorded

    def _consecutive(self, member, rule: Absence, unit: Period):
        """N months in a row, counted across the new year (Oct–Mar is six months: 党章
        第九条), from the previous year's January: a run that reached N last year was
        counted then and does not count again while it goes on.  The previous year is looked
        at only when the ledger has entries in it (and from its first rules version on): a
        year not recorded is unknown, not a year of months without."""
        run = 0
        first_rules = min((ref.start for ref in self.ledger.settings.rules), default=None)
        months = Period.of_year(unit.year).months()
        if unit.year - 1 in self._recorded_years():
            months = Period.of_year(unit.year - 1).months() + months
        for month in months:
            if month.start > unit.end or (self.horizon is not None and month.start > self.horizon):
                break  # months not yet begun are not "months without"
            if not self.active_in(member, month) or (month.year < unit.year and first_rules is not None
                                                      and month.end < first_rules):
                run = 0
                continue
            codes = {e.item for e in self.entries(member, month.start, month.end)}
            ok = (not codes & set(rule.without)) if rule.without else bool(codes & set(rule.with_))
            run = run + 1 if ok else 0
            if run == rule.months:
                if month.start.year < unit.year:
                    continue  # last year's: counted in that year
                if unit.contains(month.end):
                    amount = rule.points or ZERO
                    return amount, Step(R.ABSENCE, f"{rule.name}：截至{month.label}已连续{rule.months}个月",
                                        points=amount, section=rule.section)
                return None
        return None

    # ---- evaluation ----------------------------------------------------------------
    def evaluation_value(self, section: Section, member: Member, year: int) -> tuple[Decimal, list[Step]]:
        records = self._evaluations.get((member.id, year), [])
        spec = section.evaluation
        if not records:
            return ZERO, [Step(R.EVAL, f"{section.name}：无{year}年评议记录，按0分计", value=ZERO, section=section.code)]
        if spec.periods == YEAR or len(records) == 1 and not records[0].period:
            value, steps = self._one_evaluation(section, records[-1])
        else:
            value, steps = self._several_evaluations(section, records)
        if section.full is not None and value > section.full:
            steps.append(Step(R.CAP, f"{section.name}最高{fmt(section.full)}分", section=section.code))
            value = section.full
        value = max(value, ZERO)
        steps.append(Step(R.SECTION, f"{section.name}", value=value, section=section.code))
        return value, steps

    def _several_evaluations(self, section: Section, records) -> tuple[Decimal, list[Step]]:
        """Half-yearly / quarterly evaluation records combined into the year."""
        steps: list[Step] = []
        values = []
        for ev in sorted(records, key=lambda r: r.period or ""):
            v, st = self._one_evaluation(section, ev)
            label = ev.period or "年度"
            steps.extend(replace(x, text=f"【{label}】{x.text}") for x in st)
            values.append(v)
        total = sum(values, ZERO)
        how = "相加"
        if section.evaluation.combine == "average":
            total, how = total / len(values), "平均"
        steps.append(Step(R.EVAL, f"{section.name}：{len(values)}次评议{how}", value=total, section=section.code))
        return total, steps

    def _one_evaluation(self, section: Section, ev) -> tuple[Decimal, list[Step]]:
        spec = section.evaluation
        steps = []
        if spec.method == "votes":
            value = self._votes_value(section, ev, steps)
        elif spec.method == "band":
            lo, hi = spec.bands.get(ev.band or "", (ZERO, ZERO))
            if ev.band not in spec.bands:
                value = ZERO
                steps.append(Step(R.EVAL, f"{section.name}：评议档次“{ev.band}”不在规则中，按0分计", section=section.code))
            elif lo != hi and ev.score is not None and lo <= ev.score <= hi:
                value = ev.score
                steps.append(Step(R.EVAL, f"{section.name}：评议为“{ev.band}”（{fmt(lo)}—{fmt(hi)}分），评定{fmt(value)}分",
                                  section=section.code))
            else:
                value = lo
                extra = "" if lo == hi else f"，未给出档内分数，按下限{fmt(lo)}分计"
                steps.append(Step(R.EVAL, f"{section.name}：评议为“{ev.band}”{extra}", section=section.code))
        else:
            value = ev.score if ev.score is not None else ZERO
            steps.append(Step(R.EVAL, f"{section.name}：评议得分{fmt(value)}", section=section.code))
        return value, steps

    def _votes_value(self, section, ev, steps) -> Decimal:
        spec = section.evaluation
        if spec.groups is None:
            pooled: dict[str, int] = {}
            for counts in ev.votes.values():
                for opt, n in counts.items():
                    pooled[opt] = pooled.get(opt, 0) + n
            groups = {"": (ONE, pooled)}
        else:
            groups = {g: (w, ev.votes.get(g, {})) for g, w in spec.groups.items()}
        value = ZERO
        for g, (weight, counts) in groups.items():
            n = sum(counts.values())
            if n == 0:
                steps.append(Step(R.EVAL, f"{section.name}{('·' + g) if g else ''}：无票，按0分计", section=section.code))
                continue
            options = spec.options
            got = ZERO
            for opt, c in counts.items():
                got += Decimal(c) * options.get(opt, ZERO)
            group_score = got / n
            part = group_score * weight
            value += part
            steps.append(Step(R.EVAL, Text(_votes_text, section.name, g, counts, options, n, group_score,
                                           self.scheme, weight), part, None, section.code))
        return value

    # ---- one scoring unit --------------------------------------------------------------
    def unit(self, member: Member, unit: Period, sections: list[Section], with_evaluation: bool,
             sectionless_rules: bool = True) -> UnitResult:
        """Score ``sections`` for ``member`` over ``unit`` (caps and full values per unit)."""
        amounts = self.entry_amounts(member, unit)
        charges = self.liability_charges(unit).get(member.id, [])
        hits = self.absence_hits(member, unit)
        res = UnitResult({}, [], [], [])
        codes = {s.code for s in sections}
        for code, lst in amounts.items():
            item = self.scheme.items[code]
            if item.section not in codes:
                continue
            if item.veto is None and not item.grades and not item.no_grade:
                continue  # no effect to record (_effects_of would add nothing)
            for e, _, _ in lst:
                self._effects_of(item, e, res)
        for rule, amount, step in hits:
            if amount is None:  # a rule judged that does not apply: only its explanation
                if rule.section not in codes and sectionless_rules and not rule.points:
                    res.steps.append(step)
                continue
            if rule.section in codes or (sectionless_rules and not rule.points):
                self._absence_effects(rule, step, res)
                if rule.section not in codes:
                    res.steps.append(step)
        for s in sections:
            if s.kind == EVALUATION:
                if with_evaluation:
                    value, steps = self.evaluation_value(s, member, unit.year)
                    if self.horizon is None and not self._evaluations.get((member.id, unit.year)):
                        # said on the year table, which goes upstream (jifen check: W410)
                        res.notes.append(f"缺少{unit.year}年民主评议结果，{s.name}按0分计")
                else:
                    value, steps = ZERO, []
                res.values[s.code] = value
                res.steps.extend(steps)
            elif s.kind in (BASE, ACCRUE, BONUS, PENALTY, ACCOUNT):
                res.values[s.code] = self._section_value(s, amounts, charges, hits, res.steps)
        self._formulas(sections, res)
        return res

    def _effects_of(self, item: Item, e: Entry, res: UnitResult):
        _veto_and_grades(item, f"{e.date} {item.name}", res)
        if item.no_grade:
            res.effects.append(Effect(item.no_grade, {}, no_grade=True))

    @staticmethod
    def _absence_effects(rule: Absence, step: Step, res: UnitResult):
        _veto_and_grades(rule, step.text, res)

    def _section_value(self, s: Section, amounts, charges, hits, steps: list[Step]) -> Decimal:
        """Raw value of a base/accrue/bonus/penalty/account section over one unit."""
        def gather(part_code):
            gain = _Gain()
            for item in (s.items if part_code is None else next(p for p in s.parts if p.code == part_code).items):
                lst = amounts.get(item.code, [])
                item_total = ZERO
                # the cached steps are signed already (Calculator.presigned); flip them
                # only for a section that shows them the other way
                flip = bool(s.deducting or item.deduct) != self.presigned(item)
                for e, amount, st in lst:
                    steps.extend(_signed(st, True) if flip else st)
                    item_total += amount
                    if item.zero and gain.zeroed is None:
                        gain.zeroed = f"{e.date} {item.name}：该项不得分"
                if item.cap is not None and item_total > item.cap:
                    steps.append(Step(R.CAP, f"{item.name}每期最多计{fmt(item.cap)}分（原计{fmt(item_total)}分）",
                                      points=item.cap - item_total if not s.deducting else item_total - item.cap,
                                      section=s.code))
                    item_total = item.cap
                gain.amount += -item_total if item.deduct else item_total
            for sec, part, amount, step in charges:
                if sec == s.code and part == part_code:
                    steps.extend(_signed([step], s.deducting))
                    gain.amount += amount
            for rule, amount, step in hits:
                if rule.section == s.code and rule.part == part_code:
                    if amount is None:  # judged, not applying (§7.4): the explanation only
                        steps.append(step)
                        continue
                    steps.extend(_signed([step], s.deducting))
                    gain.amount += amount
                    if rule.zero and gain.zeroed is None:
                        gain.zeroed = f"{rule.name}：该项不得分"
            return gain

        value = ZERO
        if s.parts:
            for p in s.parts:
                g = gather(p.code)
                pv = self._apply(s, p.full, g, steps, f"{s.name}·{p.name}")
                steps.append(Step(R.SECTION, f"分项“{p.name}”（满分{fmt(p.full)}）", value=pv, section=s.code))
                value += pv
            direct = gather(None)
            if direct.amount or direct.zeroed:
                value = self._combine_direct(s, value, direct, steps)
        else:
            value = self._apply(s, s.full, gather(None), steps, s.name)
        value = self._limits(s, value, steps)
        steps.append(Step(R.SECTION, s.name, value=value, section=s.code))
        return value

    @staticmethod
    def _apply(s: Section, full, gain: _Gain, steps, label) -> Decimal:
        """One part (or a section without parts): start value, gains, zeroing, part limits."""
        if gain.zeroed:
            steps.append(Step(R.ZERO, f"{gain.zeroed}，“{label}”记0分", section=s.code, value=ZERO))
            return ZERO
        if s.kind == BASE:
            value = full - gain.amount
            if value < 0 and full is not None:
                floor = ZERO if s.parts else s.floor
                if floor is not None and value < floor:
                    steps.append(Step(R.CAP, f"“{label}”最多扣{fmt(full - floor)}分", section=s.code))
                    value = floor
            return value
        if s.kind == ACCRUE and full is not None and gain.amount > full:
            steps.append(Step(R.CAP, f"“{label}”最高{fmt(full)}分（原计{fmt(gain.amount)}分）", section=s.code))
            return full
        return gain.amount

    @staticmethod
    def _combine_direct(s: Section, value, direct: _Gain, steps) -> Decimal:
        if direct.zeroed:
            steps.append(Step(R.ZERO, f"{direct.zeroed}，“{s.name}”记0分", section=s.code, value=ZERO))
            return ZERO
        return value - direct.amount if s.kind == BASE else value + direct.amount

    @staticmethod
    def _limits(s: Section, value, steps) -> Decimal:
        if s.kind in (BONUS, PENALTY) and s.cap is not None and value > s.cap:
            word = "加分" if s.kind == BONUS else "扣分"
            steps.append(Step(R.CAP, f"{s.name}{word}上限{fmt(s.cap)}分（原计{fmt(value)}分）", section=s.code))
            return s.cap
        if s.kind == ACCRUE and s.full is not None and value > s.full:
            steps.append(Step(R.CAP, f"{s.name}最高{fmt(s.full)}分（原计{fmt(value)}分）", section=s.code))
            return s.full
        if s.kind == BASE:
            if s.full is not None and value > s.full:
                return s.full
            if s.floor is not None and value < s.floor:
                steps.append(Step(R.CAP, f"{s.name}最低{fmt(s.floor)}分（原为{fmt(value)}分）", section=s.code))
                return s.floor
        return value

    def _formulas(self, sections: list[Section], res: UnitResult):
        pending = [s for s in sections if s.kind == FORMULA and s.formula is not None]
        for _ in range(len(pending) + 1):
            left = []
            for s in pending:
                if fm.names(s.formula) <= set(res.values):
                    notes: list[str] = []
                    value = fm.evaluate(s.formula, res.values, notes)
                    if s.cap is not None and value > s.cap:
                        value = s.cap
                    if s.floor is not None and value < s.floor:
                        value = s.floor
                    res.values[s.code] = value
                    res.steps.append(Step(R.SECTION, f"{s.name} = {_formula_words(s.formula_text, self.scheme, res.values)}",
                                          value=value, section=s.code))
                    res.notes.extend(notes)
                else:
                    left.append(s)
            pending = left
        for s in pending:
            res.values[s.code] = ZERO

    # ---- totals ------------------------------------------------------------------------
    def total(self, category: str, values: dict[str, Decimal], sections: list[Section],
              steps: list[Step]) -> Decimal:
        tdef = self.scheme.total_for(category)
        codes = {s.code for s in sections}
        if tdef.method == "formula" and tdef.formula is not None:
            env = {s.code: values.get(s.code, ZERO) for s in self.scheme.sections}
            notes: list[str] = []
            value = fm.evaluate(tdef.formula, env, notes)
            text = f"总分 = {_formula_words(tdef.formula_text, self.scheme, env)}"
            for n in notes:
                steps.append(Step(R.TOTAL, n))
        else:
            value = ZERO
            words = []
            for s in self.scheme.sections:
                if s.code not in codes or s.kind == ACCOUNT:
                    continue
                if tdef.method == "sum" and s.code in self._consumed:
                    continue
                v = values.get(s.code, ZERO)
                w = tdef.weights.get(s.code, ZERO) if tdef.method == "weights" else ONE
                sign = -1 if s.kind == PENALTY else 1
                value += sign * v * w
                words.append(f"{'−' if sign < 0 else '+'} {s.name}{fmt(v)}" + (f"×{fmt(w * 100)}%" if w != ONE else ""))
            text = "总分 = " + " ".join(words).lstrip("+ ")
        steps.append(Step(R.TOTAL, text, value=value))
        return value

    def clamp_total(self, category: str, value: Decimal, steps: list[Step]) -> tuple[Decimal, Decimal]:
        """(clamped value, overflow above the cap)."""
        tdef = self.scheme.total_for(category)
        overflow = ZERO
        if tdef.cap is not None and value > tdef.cap:
            overflow = value - tdef.cap
            if tdef.overflow:
                acct = self.scheme.section(tdef.overflow)
                steps.append(Step(R.OVERFLOW, f"超过{fmt(tdef.cap)}分的{fmt(overflow)}分转入{acct.name}",
                                  points=-overflow, value=tdef.cap))
            else:
                steps.append(Step(R.CAP, f"总分最高{fmt(tdef.cap)}分（原为{fmt(value)}分）", value=tdef.cap))
            value = tdef.cap
        if tdef.floor is not None and value < tdef.floor:
            steps.append(Step(R.CAP, f"总分最低{fmt(tdef.floor)}分（原为{fmt(value)}分）", value=tdef.floor))
            value = tdef.floor
        return value, overflow

    def capped_unit_total(self, member: Member, unit: Period) -> tuple[Decimal, Decimal]:
        """(total clamped to the cap, overflow above it) of one scoring unit on its own —
        the monthly A score and what it carries into the overflow account (§13.1)."""
        sections = [s for s in self.scheme.sections_for(member.category) if s.kind != ACCOUNT and not s.yearly]
        res = self.unit(member, unit, sections, False)
        return self.clamp_total(member.category, self.total(member.category, res.values, sections, []), [])


# ---- the public table builder ----------------------------------------------------------

def build_table(calc: Calculator, period: Period) -> ScoreTable:
    scheme = calc.scheme
    table = ScoreTable(period, scheme, [(s.code, s.name, s.kind) for s in scheme.sections], [])
    for m in calc.ledger.members:
        if not calc.active_in(m, period):
            continue
        mode = calc.exempt_mode(m, period)
        if mode == "excluded":
            table.excluded.append(Excluded(m.id, m.name, m.exempt.reason or "不纳入积分管理"))
            continue
        cls = scheme.classes.get(m.category)
        if period.kind == YEAR and (mode == "evaluation" or (cls and cls.evaluation_only)) \
                and not calc._evaluations.get((m.id, period.year)):
            # scored from the evaluation alone and it is not in (yet): no score of 0, no rank,
            # no place at the bottom (jifen check: W410)
            table.excluded.append(Excluded(m.id, m.name, f"只按民主评议确定积分，缺少{period.year}年民主评议结果，"
                                                         "暂不计分、不排名"))
            continue
        table.rows.append(member_row(calc, m, period, mode))
    return table


def member_row(calc: Calculator, m: Member, period: Period, exempt_mode: str | None) -> Row:
    scheme = calc.scheme
    cls = scheme.classes.get(m.category)
    steps: list[Step] = []
    if exempt_mode == "evaluation" or (cls and cls.evaluation_only):
        return _evaluation_only_row(calc, m, period, scheme.exempt.section if exempt_mode else cls.evaluation_only,
                                    "不纳入积分管理，" if exempt_mode else f"{cls.name}：")
    sections = scheme.sections_for(m.category)
    values, res_list, overflow_total = _period_values(calc, m, period, sections, steps)
    effects = [e for r in res_list for e in r.effects]
    vetoes = [v for r in res_list for v in r.vetoes]
    notes = [n for r in res_list for n in r.notes]
    raw = calc.total(m.category, values, sections, steps)
    if _combined(scheme, period) and scheme.total_for(m.category).overflow:
        raw = overflow_total
        steps.append(Step(R.COMBINE, "总分按各期（已封顶）总分合成", value=raw))
    else:
        raw, _ = calc.clamp_total(m.category, raw, steps)
    vetoed = False
    for score, reason in vetoes:
        vetoed = True
        if score is not None:
            steps.append(Step(R.VETO, f"{reason}：本期总分为{fmt(score)}分", value=score))
            raw = score
        else:
            steps.append(Step(R.VETO, f"{reason}：保留分数"))
    accounts = _accounts(calc, m, period, sections, steps)
    total = round_value(raw, scheme)
    steps.append(Step(R.TOTAL, f"{period.label}总分（按规则取整）", value=total))
    rounded = {s.code: round_value(values.get(s.code, ZERO), scheme) for s in sections if s.kind != ACCOUNT}
    rounded.update({k: round_value(v, scheme) for k, v in accounts.items()})
    return Row(member=m.id, name=m.name, category=m.category, class_name=_class_name(scheme, cls, m),
               status=m.status, sections=rounded, deductions=round_value(_deductions(sections, values), scheme),
               total=total, raw_total=raw, accounts={k: round_value(v, scheme) for k, v in accounts.items()},
               vetoed=vetoed, notes=notes, steps=steps, effects=effects)


def _combined(scheme: Scheme, period: Period) -> bool:
    """Whether ``period`` is made of several scoring units."""
    return months_per(period.kind) > months_per(scheme.period)


def _units(calc: Calculator, m: Member, period: Period) -> list[Period]:
    scheme = calc.scheme
    if not _combined(scheme, period):
        return [period]
    # a period in progress (``horizon``) is made of the units begun by then: a month still
    # to come would count at its full base score in a sum or an average
    return [u for u in period.subperiods(scheme.period) if calc.active_in(m, u)
            and (calc.horizon is None or u.start <= calc.horizon)]


def _period_values(calc: Calculator, m: Member, period: Period, sections, steps):
    """Section values for ``period``: one unit, or units combined by sum/average with
    yearly sections computed once over the whole period."""
    scheme = calc.scheme
    with_eval = period.kind == YEAR
    if not _combined(scheme, period):
        res = calc.unit(m, period, sections, with_eval)
        steps.extend(res.steps)
        return res.values, [res], ZERO
    per_unit = [s for s in sections if not s.yearly and s.kind not in (FORMULA, ACCOUNT)]
    yearly = [s for s in sections if s.yearly and s.kind != ACCOUNT]
    units = _units(calc, m, period)
    results = []
    unit_totals = []
    sums = {s.code: ZERO for s in per_unit}
    for u in units:
        steps.append(Step(R.COMBINE, f"【{u.label}】", period=u.code))
        res = calc.unit(m, u, per_unit, False)
        code = u.code
        steps.extend(Step(st.kind, st._text, st.points, st.value, st.section, st.entry, code)
                     if type(st) is Step else replace(st, period=code) for st in res.steps)
        results.append(res)
        for code in sums:
            sums[code] += res.values.get(code, ZERO)
        if scheme.total_for(m.category).overflow:
            unit_totals.append(calc.capped_unit_total(m, u)[0])
    n = len(units)
    values = {}
    how = "平均" if scheme.combine == "average" else "相加"
    for s in per_unit:
        v = sums[s.code] / n if scheme.combine == "average" and n else sums[s.code]
        values[s.code] = v
        steps.append(Step(R.COMBINE, f"{s.name}：{n}个{_unit_word(scheme.period)}{how}", value=v, section=s.code))
    if yearly:
        steps.append(Step(R.COMBINE, f"【{period.label}按年度计算的板块】"))
        res = calc.unit(m, period, yearly, period.kind == YEAR, sectionless_rules=False)
        steps.extend(res.steps)
        values.update(res.values)
        results.append(res)
    holder = UnitResult(values, [], [], [])
    calc._formulas(sections, holder)
    steps.extend(holder.steps)
    overflow_total = ZERO
    if unit_totals:
        overflow_total = sum(unit_totals, ZERO)
        if scheme.combine == "average" and n:
            overflow_total /= n
    return values, results, overflow_total


_CODE_IN_FORMULA = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _formula_words(text: str, scheme: Scheme, values: dict) -> str:
    """A formula as the explanation shows it: each section code replaced by the section's
    name and value (``base + bonus - deduct`` → ``基础分70 + 奉献分9 - 扣分4``)."""
    def word(m):
        sec = scheme.section(m.group(0))
        if sec is None:
            return m.group(0)
        v = values.get(sec.code)
        return sec.name + (fmt(v) if v is not None else "")
    return _CODE_IN_FORMULA.sub(word, text)


def _veto_and_grades(source: Item | Absence, what: str, res: UnitResult):
    """Record the veto (一票否决) and forced grades of an item or absence rule that fired;
    ``what`` names the occurrence in the veto step."""
    if source.veto is not None:
        res.vetoes.append((source.veto.score, f"{what}（一票否决）"))
        if source.veto.grades:
            res.effects.append(Effect(f"{source.name}（一票否决）", dict(source.veto.grades), veto=True))
    if source.grades:
        res.effects.append(Effect(source.name, dict(source.grades)))


def _unit_word(kind: str) -> str:
    return {MONTH: "月", QUARTER: "季度", HALF: "半年", YEAR: "年"}[kind]


def _accounts(calc: Calculator, m: Member, period: Period, sections, steps) -> dict[str, Decimal]:
    """Balances of account sections (B 分): own items plus overflow, from the first
    month of the ledger (or the member's joining) to the end of ``period``."""
    scheme = calc.scheme
    accounts = [s for s in sections if s.kind == ACCOUNT]
    if not accounts:
        return {}
    years = calc.ledger.years() or [period.year]
    first = Period.of_year(min(min(years), period.year))
    tdef = scheme.total_for(m.category)
    units = []
    for y in range(first.year, period.year + 1):
        for u in Period.of_year(y).subperiods(scheme.period):
            if u.start <= period.end and calc.active_in(m, u):
                units.append(u)
    balances = {s.code: ZERO for s in accounts}
    for u in units:
        res = calc.unit(m, u, accounts, False)
        for code in balances:
            balances[code] += res.values.get(code, ZERO)
        if tdef.overflow in balances:
            balances[tdef.overflow] += calc.capped_unit_total(m, u)[1]
    for s in accounts:
        steps.append(Step(R.SECTION, f"{s.name}（累计至{period.label}末）", value=balances[s.code], section=s.code))
    return balances


def _not_highest_text(item: Item, e: Entry) -> str:
    subject = f"“{e.subject}”" if e.subject else ""
    what = "项目" if item.highest_only == "item" else "事项"
    return f"{e.date} {item.name}{subject}（{e.level}）：同一{what}只按最高级别计一次，本条不计"


def _votes_text(name: str, g: str, counts: dict, options: dict, n: int, group_score: Decimal,
                scheme: Scheme, weight: Decimal) -> str:
    detail = "＋".join(f"{opt}{c}票×{fmt(options.get(opt, ZERO))}" for opt, c in counts.items())
    wtxt = f"，权重{fmt(weight * 100)}%" if g else ""
    return f"{name}{('·' + g) if g else ''}：({detail})÷{n}票 = {fmt(round_value(group_score, scheme))}{wtxt}"


def _signed(steps: list[Step], deducting: bool) -> list[Step]:
    """Copies of cached steps with points negated in deducting sections."""
    if not deducting:
        return list(steps)
    return [(_negated(st) if type(st) is Step else replace(st, points=-st.points)) if st.points else st
            for st in steps]


def _negated(st: Step) -> Step:
    """``replace(st, points=-st.points)`` without dataclasses.replace's generic field walk
    (it was ~10 % of scoring a year), keeping a deferred text deferred."""
    if type(st) is not Step:
        return copy_step(st, points=-st.points)
    return Step(st.kind, st._text, -st.points, st.value, st.section, st.entry, st.period)


def _deductions(sections, values) -> Decimal:
    out = ZERO
    for s in sections:
        if s.kind == BASE and s.full is not None:
            out += max(ZERO, s.full - values.get(s.code, ZERO))
        elif s.kind == PENALTY:
            out += values.get(s.code, ZERO)
    return out


def _class_name(scheme: Scheme, cls, m: Member) -> str:
    """The member's class as the scheme names it; "" for a scheme without classes (its
    members' ``category`` is a placeholder, never shown)."""
    if cls is not None:
        return cls.name
    return m.category if scheme.classes else ""


def _evaluation_only_row(calc: Calculator, m: Member, period: Period, section_code: str, why: str) -> Row:
    scheme = calc.scheme
    s = scheme.section(section_code)
    cls = scheme.classes.get(m.category)
    steps = [Step(R.TOTAL, f"{why}按{s.name}结果确定积分")]
    if period.kind == YEAR:
        value, st = calc.evaluation_value(s, m, period.year)
        steps.extend(st)
    else:
        value = ZERO
        steps.append(Step(R.EVAL, f"{s.name}为年度评议，{period.label}不计"))
    full_total = scheme.total_for(m.category).full or Decimal(100)
    raw = value / s.full * full_total if s.full else ZERO
    steps.append(Step(R.TOTAL, f"总分 = {s.name}{fmt(value)} ÷ {fmt(s.full)} × {fmt(full_total)}", value=raw))
    total = round_value(raw, scheme)
    return Row(member=m.id, name=m.name, category=m.category, class_name=_class_name(scheme, cls, m),
               status=m.status, sections={s.code: round_value(value, scheme)}, deductions=ZERO, total=total,
               raw_total=raw, evaluation_only=True, steps=steps)
