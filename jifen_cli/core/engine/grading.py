"""Ranking and grading a year: bands, conditions, quotas, forced grades (veto,
sanctions, investigation), year-end rules with multi-year conditions."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from ..model import Ledger, Member
from ..rules.model import Band, Condition, Scale, Scheme
from . import results as R
from .results import Grade, MemberResult, Ranked, Row, ScoreTable, Step, fmt

ZERO = Decimal(0)
_ROUND = {"floor": ROUND_FLOOR, "ceil": ROUND_CEILING, "half_up": ROUND_HALF_UP}


def competition_ranks(rows: list[Row]) -> dict[str, int]:
    """1, 2, 2, 4: a member's rank is one more than the number of higher totals."""
    asc = sorted(r.total for r in rows)
    n = len(asc)
    out = {}
    for r in rows:
        out[r.member] = 1 + n - bisect_right(asc, r.total)  # 1 + number of higher totals
    return out


def bottom_ranks(rows: list[Row]) -> dict[str, int]:
    """1 = last: a member's bottom rank is one more than the number of lower totals."""
    asc = sorted(r.total for r in rows)
    return {r.member: 1 + bisect_left(asc, r.total) for r in rows}


def ranked(rows: list[Row]) -> list[Ranked]:
    ranks = competition_ranks(rows)
    n = len(rows)
    out = [Ranked(r.member, r.name, r.category, r.total, ranks[r.member], n) for r in rows]
    out.sort(key=lambda x: (x.rank, x.member))
    return out


def share_count(n: int, share: Decimal, how: str) -> int:
    return int((Decimal(n) * share).to_integral_value(rounding=_ROUND[how]))


def _pct(d: Decimal) -> str:
    return f"{fmt(d * 100)}%"


@dataclass
class YearState:
    """What conditions may look at for one year."""

    year: int
    rows: dict[str, Row] = field(default_factory=dict)
    ranks: dict[str, int] = field(default_factory=dict)
    bottom: dict[str, int] = field(default_factory=dict)  # 1 = last
    grades: dict[str, dict[str, str | None]] = field(default_factory=dict)  # member → scale → band
    bands: dict[str, dict[str, str | None]] = field(default_factory=dict)  # pure score bands
    history_only: bool = False

    @property
    def n(self) -> int:
        return len(self.rows)


class Grader:
    def __init__(self, ledger: Ledger, scheme: Scheme, table: ScoreTable, year: int, past):
        """``past(year) -> YearState | None`` gives earlier years (computed or history)."""
        self.ledger = ledger
        self.scheme = scheme
        self.table = table
        self.year = year
        self.past = past
        self.state = YearState(year, {r.member: r for r in table.rows})
        self.state.ranks = competition_ranks(table.rows)
        self.state.bottom = bottom_ranks(table.rows)
        self._among: dict[tuple, tuple] = {}  # (year, statuses) → ranks among those members
        self._entries = {}
        for e in ledger.effective_entries(date(year, 1, 1), date(year, 12, 31)):
            self._entries.setdefault(e.member, []).append(e)

    # ---- conditions ------------------------------------------------------------------
    def holds(self, cond: Condition, member: Member, state: YearState | None = None) -> bool:
        state = state or self.state
        if cond.years > 1:
            for k in range(cond.years):
                st = state if k == 0 else self.past(state.year - k)
                if st is None or not self._holds_once(cond, member, st):
                    return False
            return True
        if cond.times > 1:
            first = min([state.year] + self.ledger.years() + list(self.ledger.history))
            count = 0
            for y in range(state.year, first - 1, -1):
                st = state if y == state.year else self.past(y)
                if st is not None and self._holds_once(cond, member, st):
                    count += 1
            return count >= cond.times
        return self._holds_once(cond, member, state)

    def _holds_once(self, c: Condition, member: Member, st: YearState) -> bool:
        mid = member.id
        if st.history_only:
            only_grades = (c.grade and not (c.band or c.score_below is not None or c.score_at_least is not None
                                             or c.score_at_most is not None
                                             or c.section or c.item or c.level_items or c.rank_top is not None
                                             or c.rank_bottom is not None or c.last))
            if not only_grades:
                return False
        for scale, names in c.grade.items():
            got = st.grades.get(mid, {}).get("*" if st.history_only else scale)
            if got not in names:
                return False
        for scale, names in c.band.items():
            if st.bands.get(mid, {}).get(scale) not in names:
                return False
        if c.status is not None and member.status not in c.status:
            return False
        if c.classes is not None and member.category not in c.classes:
            return False
        if st.history_only:
            return True
        row = st.rows.get(mid)
        if row is None:
            return False
        if c.score_below is not None and not row.total < c.score_below:
            return False
        if c.score_at_least is not None and not row.total >= c.score_at_least:
            return False
        if c.score_at_most is not None and not row.total <= c.score_at_most:
            return False
        if c.section is not None:
            v = row.sections.get(c.section)
            if v is None:
                return False
            if c.section_min is not None and v < c.section_min:
                return False
            if c.section_max is not None and v > c.section_max:
                return False
        if c.item is not None or c.level_items:
            entries = self._year_entries(mid, st.year)
            if c.item is not None:
                n = sum((e.times or 1 for e in entries if e.item == c.item), ZERO)
                if n < c.count:
                    return False
            if c.level_items and not self._has_level(entries, c):
                return False
        if c.rank_top is None and c.rank_bottom is None and not c.last:
            return True
        ranks, bottom, n = st.ranks, st.bottom, st.n
        if c.rank_among is not None:  # ranked among members of these statuses only
            if member.status not in c.rank_among:
                return False
            ranks, bottom, n = self._ranks_among(st, c.rank_among)
        if c.rank_top is not None and ranks[mid] > share_count(n, c.rank_top, c.rank_round):
            return False
        if c.rank_bottom is not None and bottom[mid] > share_count(n, c.rank_bottom, c.rank_round):
            return False
        if c.last and not (n >= 2 and bottom[mid] == 1):
            return False
        return True

    def _ranks_among(self, st: YearState, statuses: tuple[str, ...]):
        """(ranks, bottom ranks, count) of the year's members whose status is one of
        ``statuses`` (condition ``rank_among``: “积分排名靠前的党员” leaves activists out)."""
        key = (st.year, statuses)
        if key not in self._among:
            members = {m.id: m for m in self.ledger.members}
            rows = [r for mid, r in st.rows.items() if mid in members and members[mid].status in statuses]
            self._among[key] = (competition_ranks(rows), bottom_ranks(rows), len(rows))
        return self._among[key]

    def _year_entries(self, mid: str, year: int):
        if year == self.year:
            return self._entries.get(mid, [])
        return [e for e in self.ledger.effective_entries(date(year, 1, 1), date(year, 12, 31)) if e.member == mid]

    def _has_level(self, entries, c: Condition) -> bool:
        for e in entries:
            if e.item in c.level_items:
                item = self.scheme.items[e.item]
                rank, need = item.level_rank(e.level or ""), item.level_rank(c.level_at_least)
                if rank is not None and need is not None and rank <= need:
                    return True
        return False

    # ---- grading ----------------------------------------------------------------------
    def grade_all(self) -> list[MemberResult]:
        members = {m.id: m for m in self.ledger.members}
        results: dict[str, MemberResult] = {}
        for r in self.table.rows:
            results[r.member] = MemberResult(row=r, rank=self.state.ranks[r.member], class_rank=0,
                                             graded=True, grades={})
        self._class_ranks(results)
        for scale in self.scheme.scales:
            self._grade_scale(scale, results, members)
        for mid, res in results.items():
            self.state.grades[mid] = {s: g.band for s, g in res.grades.items()}
        self._apply_rules(results, members)
        for mid, res in results.items():
            self.state.grades[mid] = {s: g.band for s, g in res.grades.items()}
            res.graded = any(g.band is not None for g in res.grades.values()) or not self.scheme.scales
            for g in res.grades.values():
                text = f"{g.scale}：{g.band or '不确定等次'}"
                if g.reason:
                    text += f"（{g.reason}）"
                res.steps.append(Step(R.GRADE, text))
            for o in res.outcomes:
                res.steps.append(Step(R.RULE, f"处置意见：{o}"))
        return [results[r.member] for r in self.table.rows]

    def _class_ranks(self, results):
        by_class: dict[str, list[Row]] = {}
        for res in results.values():
            by_class.setdefault(res.row.category, []).append(res.row)
        for rows in by_class.values():
            for mid, rank in competition_ranks(rows).items():
                results[mid].class_rank = rank

    def _eligible(self, m: Member, scale: Scale) -> str | None:
        """None when the member gets a grade on ``scale``; else the Chinese reason why not."""
        status = self.scheme.status(m.status)
        if not status.graded:
            return status.reason or f"{m.status}党员不确定等次"
        if status.scales is not None and scale.name not in status.scales:
            return f"{m.status}不参加“{scale.name}”评定"
        return None

    def _investigated(self, m: Member) -> bool:
        return m.under_investigation_on(date(self.year, 12, 31))

    def _score(self, row: Row, scale: Scale) -> Decimal | None:
        if scale.of is None:
            return row.total
        return row.sections.get(scale.of)

    def _band_by_score(self, scale: Scale, score) -> Band | None:
        if score is None:
            return None
        for b in scale.bands:
            if b.contains(score):
                return b
        return None

    def _fallback(self, scale: Scale, band: Band, above: int = -1) -> Band | None:
        """Where a member who cannot stay in ``band`` goes: its ``else``, or the next band below that
        is not forced-only. ``above``: a member demoted by a quota may only go below the band he lost
        (index ``above``); an ``else`` pointing at or above it is then passed over."""
        if band.otherwise:
            target = scale.band(band.otherwise)
            if target is None or scale.bands.index(target) > above:
                return target
        i = max(scale.bands.index(band), above)
        for nxt in scale.bands[i + 1:]:
            if not nxt.forced:
                return nxt
        return None

    def _select(self, scale: Scale, m: Member, band: Band | None, notes: list[str], above: int = -1) -> Band | None:
        """Band selection from ``band`` on: while the band's ``require`` fails, go to its fallback
        (``else`` or the next band). Used for every member's score band and, restricted to bands below
        index ``above``, for a member a quota pushed out of band ``above``."""
        guard = 0
        while band is not None and band.require and guard < len(scale.bands):
            failed = [c for c in band.require if not self.holds(c, m)]
            if not failed:
                break
            nxt = self._fallback(scale, band, above)
            notes.append(f"未满足“{band.name}”条件：{'；'.join(c.text for c in failed)} → "
                         f"{nxt.name if nxt else '无等次'}")
            band = nxt
            guard += 1
        return band

    def _grade_scale(self, scale: Scale, results, members):
        tentative: dict[str, Band | None] = {}
        reasons: dict[str, list[str]] = {}
        for mid, res in results.items():
            m = members[mid]
            score_band = self._band_by_score(scale, self._score(res.row, scale))
            self.state.bands.setdefault(mid, {})[scale.name] = score_band.name if score_band else None
            why_not = self._eligible(m, scale)
            if why_not:
                status = self.scheme.status(m.status)
                applicable = status.scales is None or scale.name in status.scales
                res.grades[scale.name] = Grade(scale.name, None, why_not, applicable=applicable)
                continue
            notes: list[str] = []
            tentative[mid] = self._select(scale, m, score_band, notes)
            reasons[mid] = notes
        # a member whose grade is forced (veto, no grade, investigation, sanction) takes no quota place
        forced = {mid: self._forced(scale, results[mid], members[mid]) for mid in tentative}
        # “参评人数 of: graded” counts only members who get a grade on this scale: not those whose
        # grade is forced away (investigation ``grade: none``, no-grade items) nor those with no
        # score on the scale (its section does not apply to them)
        graded = {mid for mid in tentative
                  if not (forced[mid] and forced[mid].band is None)
                  and self._score(results[mid].row, scale) is not None}
        self._quotas(scale, tentative, reasons, results, members,
                     {mid for mid, g in forced.items() if g}, graded)
        for mid, band in tentative.items():
            reason = "；".join(reasons[mid]) or None
            if band is None and not reason:
                reason = "分数不在任何档次内"
            results[mid].grades[scale.name] = forced[mid] or Grade(scale.name, band.name if band else None, reason)

    def _quotas(self, scale: Scale, tentative, reasons, results, members, forced: set[str], graded: set[str]):
        """Bands from the top down; a member a quota pushes out goes through the band selection again
        (``require``/``else``) restricted to the bands below, so a lower band's quota (processed later)
        counts him like anybody else in that band."""
        for band in scale.bands:
            q = band.quota
            if q is None:
                continue
            base = len(self.table.rows) if q.of == "scored" else len(graded)
            count = share_count(base, q.share, q.round)
            cands = [mid for mid, b in tentative.items() if b is band and mid not in forced]
            quota_text = f"{_pct(q.share)} × {base}人 = {fmt(Decimal(base) * q.share)}，取{count}名"
            if q.mode == "top":
                losers = [mid for mid in cands if self.state.ranks[mid] > count]
                for mid in losers:
                    self._demote(scale, band, members[mid], tentative, reasons,
                                 f"名额：须排名在前{_pct(q.share)}（{quota_text}），本人排第"
                                 f"{self.state.ranks[mid]}名/共{len(self.table.rows)}人")
                continue

            def key(mid):
                row = results[mid].row
                return (self._score(row, scale),) + tuple(row.sections.get(c, ZERO) for c in q.tiebreak)

            cands.sort(key=lambda mid: (tuple(-v for v in key(mid)), mid))
            if len(cands) <= count:
                continue
            cut_key = key(cands[count - 1]) if count > 0 else None
            nxt_key = key(cands[count])
            keep = count
            tied_out = False
            if count > 0 and cut_key == nxt_key:
                keep = sum(1 for mid in cands if key(mid) > cut_key)
                tied_out = True
            for pos, mid in enumerate(cands[keep:], start=keep + 1):
                tie = "（与入选边界并列，并列者均不入选）" if tied_out and key(mid) == cut_key else ""
                self._demote(scale, band, members[mid], tentative, reasons,
                             f"名额：{band.name}档第{pos}名/共{len(cands)}人符合，{quota_text}{tie}")

    def _demote(self, scale: Scale, band: Band, m: Member, tentative, reasons, text):
        """``m`` loses ``band`` to its quota: he goes to its ``else`` (or the next band) and, like
        everybody else, must meet that band's ``require`` or fall further — never back up to or
        above the band he lost."""
        above = scale.bands.index(band)
        nxt = self._fallback(scale, band, above)
        reasons[m.id].append(f"{text} → {nxt.name if nxt else '无等次'}")
        tentative[m.id] = self._select(scale, m, nxt, reasons[m.id], above)

    def _forced(self, scale: Scale, res: MemberResult, m: Member) -> Grade | None:
        """The forced grade on ``scale``, if any: veto > no-grade > investigation > sanctions
        (the lowest wins)."""
        effects = res.row.effects
        vetoes = [e for e in effects if e.veto and scale.name in e.grades]
        if vetoes:
            return self._lowest(scale, vetoes)
        stops = [e for e in effects if e.no_grade]
        if stops:
            return Grade(scale.name, None, stops[0].reason, forced=True)
        if self._investigated(m):
            inv = self.scheme.investigation
            if inv.grades is None:
                return Grade(scale.name, None, inv.reason, forced=True)
            if scale.name in inv.grades:
                return Grade(scale.name, inv.grades[scale.name], f"{inv.reason} → {inv.grades[scale.name]}",
                             forced=True)
        sanctions = [e for e in effects if not e.veto and not e.no_grade and scale.name in e.grades]
        return self._lowest(scale, sanctions) if sanctions else None

    @staticmethod
    def _lowest(scale: Scale, effects) -> Grade:
        worst = max(effects, key=lambda e: scale.position(e.grades[scale.name]))
        band = worst.grades[scale.name]
        return Grade(scale.name, band, f"{worst.reason} → {band}", forced=True)

    def _apply_rules(self, results, members):
        stopped: set[str] = set()
        for rule in self.scheme.rules:
            hits = [mid for mid in results if mid not in stopped and self.holds(rule.when, members[mid])]
            if rule.stop:
                stopped.update(hits)
            for mid in hits:
                res = results[mid]
                for scale_name, band in rule.grades.items():
                    g = res.grades.get(scale_name)
                    if g is None or g.band is None:
                        continue  # not graded on this scale
                    if g.forced and any(e.veto and scale_name in e.grades for e in res.row.effects):
                        continue  # a veto always wins
                    scale = self.scheme.scale(scale_name)
                    if g.forced and scale.position(g.band) > scale.position(band):
                        continue  # already forced lower (sanction, investigation, earlier rule): the lowest wins
                    res.grades[scale_name] = Grade(scale_name, band, f"{rule.name}（{rule.when.text}）→ {band}",
                                                   forced=True)
                if rule.outcome:
                    res.outcomes.append(f"{rule.name}：{rule.outcome}")
            for mid in hits:
                self.state.grades[mid] = {s: g.band for s, g in results[mid].grades.items()}
