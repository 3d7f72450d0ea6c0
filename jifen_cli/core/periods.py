"""Scoring periods: a year, a half-year, a quarter or a month.

``Period.parse("2019" | "2019-H1" | "2019-Q1" | "2019-01")``; every period knows its
first and last day, its months and a Chinese label.
"""

from __future__ import annotations

import os
import re
from calendar import monthrange
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

YEAR, HALF, QUARTER, MONTH = "year", "half", "quarter", "month"
KINDS = (YEAR, HALF, QUARTER, MONTH)

#: months per period kind
_SPAN = {YEAR: 12, HALF: 6, QUARTER: 3, MONTH: 1}
_COUNT = {YEAR: 1, HALF: 2, QUARTER: 4, MONTH: 12}
_QUARTER_NAMES = ("一", "二", "三", "四")


#: the day a computation takes as "today" while :func:`today_is` is in force (``--as-of``)
_FIXED: list[date] = []


def today() -> date:
    """Today, or ``JIFEN_TODAY`` (YYYY-MM-DD) when set (tests, back-dated data entry), or
    the day of the past state being reported on (:func:`today_is`, ``--as-of``)."""
    if _FIXED:
        return _FIXED[-1]
    forced = os.environ.get("JIFEN_TODAY")
    return date.fromisoformat(forced) if forced else date.today()


@contextmanager
def today_is(day: date | None):
    """``with today_is(day):`` — :func:`today` is ``day`` inside (None: unchanged).  A
    report on the ledger as it was on a day is made as it would have been made then: a
    year not yet over on that day is provisional (RULES.md §7.3), a notice is dated then."""
    if day is None:
        yield
        return
    _FIXED.append(day)
    try:
        yield
    finally:
        _FIXED.pop()


def months_per(kind: str) -> int:
    """How many months a period of ``kind`` lasts (year 12 … month 1)."""
    return _SPAN[kind]

_HALF_NAMES = ("上", "下")

_PATTERN = re.compile(
    r"^\s*(?P<year>\d{4})(?:\s*-\s*(?:(?P<half>[Hh][12])|(?P<quarter>[Qq][1-4])|(?P<month>\d{1,2})))?\s*$"
)


@dataclass(frozen=True, slots=True, order=True)
class Period:
    year: int
    kind: str = YEAR
    index: int = 1  # 1-based: half 1..2, quarter 1..4, month 1..12; 1 for a year

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"未知的期间类型：{self.kind}")
        if not 1 <= self.index <= _COUNT[self.kind]:
            raise ValueError(f"期间序号超出范围：{self.kind} {self.index}")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"年份不合法：{self.year}")

    # ---- construction ------------------------------------------------------
    @classmethod
    def parse(cls, text) -> "Period":
        """``2019`` 年, ``2019-H1`` 半年, ``2019-Q1`` 季度, ``2019-01`` 月."""
        m = _PATTERN.match(str(text))
        if not m:
            raise ValueError(
                f"无法识别的期间“{text}”：应写成 2019（年）、2019-H1（半年）、"
                f"2019-Q1（季度）或 2019-01（月）"
            )
        year = int(m["year"])
        if m["half"]:
            return cls(year, HALF, int(m["half"][1]))
        if m["quarter"]:
            return cls(year, QUARTER, int(m["quarter"][1]))
        if m["month"]:
            month = int(m["month"])
            if not 1 <= month <= 12:
                raise ValueError(f"无法识别的期间“{text}”：月份应在 1 到 12 之间")
            return cls(year, MONTH, month)
        return cls(year, YEAR, 1)

    @classmethod
    def of_month(cls, day: date) -> "Period":
        return cls(day.year, MONTH, day.month)

    @classmethod
    def of_year(cls, year: int) -> "Period":
        return cls(year, YEAR, 1)

    @classmethod
    def containing(cls, day: date, kind: str) -> "Period":
        """The period of ``kind`` that contains ``day``."""
        return cls(day.year, kind, (day.month - 1) // _SPAN[kind] + 1)

    # ---- properties ----------------------------------------------------------
    @property
    def first_month(self) -> int:
        return (self.index - 1) * _SPAN[self.kind] + 1

    @property
    def last_month(self) -> int:
        return self.first_month + _SPAN[self.kind] - 1

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        last = self.last_month
        return date(self.year, last, monthrange(self.year, last)[1])

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.year}年{self.index}月"
        if self.kind == QUARTER:
            return f"{self.year}年第{_QUARTER_NAMES[self.index - 1]}季度"
        if self.kind == HALF:
            return f"{self.year}年{_HALF_NAMES[self.index - 1]}半年"
        return f"{self.year}年"

    @property
    def code(self) -> str:
        """The text ``parse`` accepts: 2019, 2019-H1, 2019-Q1, 2019-01."""
        if self.kind == MONTH:
            return f"{self.year}-{self.index:02d}"
        if self.kind == QUARTER:
            return f"{self.year}-Q{self.index}"
        if self.kind == HALF:
            return f"{self.year}-H{self.index}"
        return str(self.year)

    def __str__(self) -> str:
        return self.code

    # ---- queries -------------------------------------------------------------
    def months(self) -> list["Period"]:
        return [Period(self.year, MONTH, m) for m in range(self.first_month, self.last_month + 1)]

    def subperiods(self, kind: str) -> list["Period"]:
        """The periods of ``kind`` that make up this one (``kind`` no longer than self)."""
        if _SPAN[kind] > _SPAN[self.kind]:
            raise ValueError(f"{self.label}不能按{kind}划分")
        span = _SPAN[kind]
        return [Period(self.year, kind, (m - 1) // span + 1)
                for m in range(self.first_month, self.last_month + 1, span)]

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end
