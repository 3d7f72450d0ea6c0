"""Points of single ledger entries, as printed on notices and cards.

A notice lists each entry with the points it is worth: the item's value in the
compiled scheme in force on the entry's date (fixed points × times, a level from the level
table, the open points the recorder gave, or whole units of a per-quantity item),
negative for items of deducting sections (base / penalty).  The year score itself —
caps, highest-only, weights, evaluation, veto — is the engine's business and is shown
by the year table, never recomputed here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from jifen_cli.core.rules.model import Item, Scheme

from .common import scheme_at, takes_points


#: sections whose score comes from ledger entries (shown as running totals on notices)
ENTRY_KINDS = ("base", "accrue", "bonus", "penalty")


class PointsBook:
    """Entry points for one ledger, with the rules file of each date looked up once.

    With ``upto`` (a date), the points of counted entries are the engine's: the year is
    scored with the entries dated up to ``upto`` (so a notice never depends on later
    records), and an entry's points are what its own steps (the entry and any repeat /
    post multiplier) added; an entry the engine did not count (same honour counted
    once at its highest level, a maximum count reached) is worth 0 with the engine's
    reason.  Entries the engine never sees (pending, rejected, void, superseded) keep
    their nominal value from the rules file, shown in parentheses by the notice.
    """

    def __init__(self, ledger, upto: date | None = None):
        self.ledger = ledger
        self._schemes: dict[str, Scheme | None] = {}
        self._cache: dict[str, Decimal | None] = {}
        self._totals: dict[tuple, dict[str, Decimal]] = {}
        self._engine: dict[str, Decimal] | None = None
        self.skipped: dict[str, str] = {}  # entry id → why the engine did not count it
        #: year-to-date section scores (entry-driven sections only) per member, with ``upto``
        self.running_sections: list[tuple[str, str, str]] = []
        self.running: dict[str, dict[str, Decimal | None]] = {}
        #: joint-liability charges received: member id → [(source entry id, signed points, text)]
        self.liability: dict[str, list[tuple[str, Decimal, str]]] = {}
        if upto is not None:
            self._engine = self._engine_points(upto)

    def _engine_points(self, upto: date) -> dict[str, Decimal]:
        from dataclasses import replace

        from jifen_cli.core import engine
        from jifen_cli.core.engine import results as R
        from jifen_cli.core.periods import Period

        # the ledger as it stood for a notice of the period ending ``upto``: later entries
        # and the year-end democratic evaluation are not part of it
        cut = replace(self.ledger, entries=[e for e in self.ledger.entries if e.date <= upto],
                      evaluations=[])
        table = engine.score(cut, Period.of_year(upto.year), horizon=upto)
        self.running_sections = [(code, name, kind) for code, name, kind in table.sections
                                 if kind in ENTRY_KINDS]
        out: dict[str, Decimal] = {}
        for row in table.rows:
            self.running[row.member] = {code: row.sections.get(code) for code, _, _ in self.running_sections}
            for step in row.steps:
                if step.kind == R.LIABILITY and step.entry and step.points is not None:
                    self.liability.setdefault(row.member, []).append((step.entry, step.points, step.text))
            for step in row.steps:
                if not step.entry:
                    continue
                if step.kind in (R.ENTRY, R.MULTIPLIER) and step.points is not None:
                    out[step.entry] = out.get(step.entry, Decimal(0)) + step.points
                elif step.kind == R.SKIP:
                    out.setdefault(step.entry, Decimal(0))
                    self.skipped.setdefault(step.entry, step.text)
        return out

    def scheme(self, day: date) -> Scheme | None:
        """The compiled scheme in force on ``day`` (one compile per rules file)."""
        ref = self.ledger.rules_file_for(day)
        key = ref.file if ref else ""
        if key not in self._schemes:
            self._schemes[key] = scheme_at(self.ledger, day)
        return self._schemes[key]

    def item(self, entry) -> Item | None:
        scheme = self.scheme(entry.date)
        return scheme.items.get(entry.item) if scheme is not None else None

    def points(self, entry) -> Decimal | None:
        """Signed points of one entry (None when the item carries no points: a veto,
        a “该项不得分”, an unknown item)."""
        if entry.id not in self._cache:
            self._cache[entry.id] = self._points(entry)
        return self._cache[entry.id]

    def skip_reason(self, entry_id: str) -> str | None:
        """Why the engine did not count a confirmed entry (None if it did)."""
        text = self.skipped.get(entry_id)
        if text is None:
            return None
        return text.split("：", 1)[1] if "：" in text else text

    def _points(self, entry) -> Decimal | None:
        if self._engine is not None and entry.id in self._engine:
            return self._engine[entry.id]
        return self.nominal(entry)

    def nominal(self, entry) -> Decimal | None:
        """The entry's value by the scheme alone (declared or superseded entries)."""
        item = self.item(entry)
        if item is None:
            return entry.points
        times = entry.times if isinstance(entry.times, Decimal) else Decimal(1)
        value: Decimal | None = None
        if item.per is not None and item.points is not None:
            if entry.quantity is not None:
                try:
                    value = (entry.quantity // item.per) * item.points
                except (InvalidOperation, ZeroDivisionError):
                    value = None
        elif item.points is not None:
            value = item.points * times
        elif item.open:
            value = None if entry.points is None else entry.points * times
        elif item.levels and entry.level is not None:
            if entry.level in item.level_ranges:  # a range level: the recorder's points, within it
                lo, hi = item.level_ranges[entry.level]
                value = None if entry.points is None else min(max(abs(entry.points), lo), hi) * times
            elif entry.level in item.levels:
                value = item.levels[entry.level] * times
        elif entry.points is not None:
            value = entry.points * times
        if value is None:
            return None
        return -abs(value) if takes_points(self.scheme(entry.date), item) else value

    def total(self, member_id: str, start: date, end: date) -> Decimal:
        """Sum of the points of the member's counted entries dated within [start, end]."""
        key = (start, end)
        if key not in self._totals:
            sums: dict[str, Decimal] = {}
            for e in self.ledger.effective_entries(start, end):
                p = self.points(e)
                if p is not None:
                    sums[e.member] = sums.get(e.member, Decimal(0)) + p
            self._totals[key] = sums
        return self._totals[key].get(member_id, Decimal(0))
