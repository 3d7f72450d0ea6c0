"""Scoring periods: a year, a half-year, a quarter or a month; and ISO weeks, which are
notice periods only (``jifen week``), never scoring periods.

``Period.parse("2019" | "2019-H1" | "2019-Q1" | "2019-01")``; every period knows its
first and last day, its months and a Chinese label.  ``Week.parse("2019-W05")`` is an
ISO week (Monday to Sunday); it has the same ``start`` / ``end`` / ``label`` / ``code`` /
``contains`` as a Period, so a notice can be made of it, but it is not a ``Period``: the
engine and the rules compiler never see one.
"""

from __future__ import annotations

import os
import re
from calendar import monthrange
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

YEAR, HALF, QUARTER, MONTH = "year", "half", "quarter", "month"
KINDS = (YEAR, HALF, QUARTER, MONTH)
#: an ISO week: a notice period only (:class:`Week`), not one of the scoring ``KINDS``
WEEK = "week"

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
_CN_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}
_CN_FORMS = [  # Chinese ways of writing a period → the canonical text
    (re.compile(r"^(\d{4})年?第?([1-4一二三四])季(?:度)?$"),
     lambda m: f"{m[1]}-Q{_CN_DIGITS.get(m[2], m[2])}"),
    (re.compile(r"^(\d{4})年?([上下])半年$"), lambda m: f"{m[1]}-H{1 if m[2] == '上' else 2}"),
    (re.compile(r"^(\d{4})年(\d{1,2})(?:月份?)?$"), lambda m: f"{m[1]}-{m[2]}"),
    (re.compile(r"^(\d{4})年度?$"), lambda m: m[1]),
    (re.compile(r"^(\d{4})([HhQq][1-4])$"), lambda m: f"{m[1]}-{m[2]}"),
]


def _plain_period(text: str) -> str:
    """Full-width digits and letters made ASCII, and the Chinese forms rewritten."""
    text = text.strip().translate({c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}).replace("－", "-")
    compact = text.replace(" ", "")
    for pattern, canonical in _CN_FORMS:
        m = pattern.match(compact)
        if m:
            return canonical(m)
    return text


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
        """``2019`` 年, ``2019-H1`` 半年, ``2019-Q1`` 季度, ``2019-01`` 月; also written
        ``2019Q1`` / ``2019H1``, full-width, or in Chinese: ``2019年``, ``2019年3月``,
        ``2019年第一季度`` / ``2019年1季度``, ``2019年上半年`` / ``下半年``."""
        m = _PATTERN.match(_plain_period(str(text)))
        if not m:
            if _WEEK_PATTERN.match(str(text)):
                raise ValueError(f"“{str(text).strip()}”是周：周只用于每周公示（jifen week），"
                                 f"这里应写成 2019（年）、2019-H1（半年）、2019-Q1（季度）或 2019-01（月）")
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


# --------------------------------------------------------------------------- weeks
_WEEK_PATTERN = re.compile(  # 2019-W05, 2019w5, 2019年第5周 (the Chinese form needs its 周)
    r"^\s*(?P<year>\d{4})\s*(?:-?\s*[Ww]\s*|年\s*第?\s*(?=\d{1,2}\s*周))(?P<week>\d{1,2})\s*周?\s*$")
#: how to write a week (the hint under a wrong one)
WEEK_HINT = "周按 ISO 周写作 2019-W05（也可写 2019w5、2019-W5）：每周从星期一到星期日，每年第1周是含1月4日的那一周"


def weeks_in(year: int) -> int:
    """How many ISO weeks ``year`` has: 52 or 53 (Dec 28 is always in the last week)."""
    return date(year, 12, 28).isocalendar()[1]


@dataclass(frozen=True, slots=True, order=True)
class Week:
    """An ISO week (Monday–Sunday), written ``2019-W05``.  A notice period only: a week
    may span two months or two years (2019-W01 is 2018-12-31 … 2019-01-06); the notice
    lists its seven days and takes its running totals from the scoring period that
    contains its Sunday (:attr:`end`)."""

    year: int
    index: int
    kind: str = WEEK

    def __post_init__(self):
        if not 1 <= self.year <= 9998:
            raise ValueError(f"年份不合法：{self.year}")
        if not 1 <= self.index <= weeks_in(self.year):
            raise ValueError(f"{self.year}年只有{weeks_in(self.year)}周，没有第{self.index}周")

    @classmethod
    def parse(cls, text) -> Week:
        """``2019-W05``, ``2019-W5``, ``2019w5``.  ValueError (Chinese; :data:`WEEK_HINT`
        says how to write one) for anything else or a week the year does not have."""
        m = _WEEK_PATTERN.match(str(text))
        if not m:
            raise ValueError(f"无法识别的周“{str(text).strip()}”：应写成 2019-W05 这样的 ISO 周")
        year, index = int(m["year"]), int(m["week"])
        if not 1 <= year <= 9998:
            raise ValueError(f"无法识别的周“{text}”：年份不合法")
        if not 1 <= index <= weeks_in(year):
            raise ValueError(f"无法识别的周“{str(text).strip()}”：{year}年只有{weeks_in(year)}周"
                             f"（第1周至第{weeks_in(year)}周）")
        return cls(year, index)

    @classmethod
    def containing(cls, day: date) -> Week:
        """The ISO week that contains ``day``."""
        year, index, _ = day.isocalendar()
        return cls(year, index)

    @property
    def start(self) -> date:
        """Monday."""
        return date.fromisocalendar(self.year, self.index, 1)

    @property
    def end(self) -> date:
        """Sunday."""
        return self.start + timedelta(days=6)

    @property
    def code(self) -> str:
        return f"{self.year}-W{self.index:02d}"

    @property
    def range_label(self) -> str:
        """“1月28日—2月3日”; with the years when the week spans two years."""
        a, b = self.start, self.end
        if a.year != b.year:
            return f"{a.year}年{a.month}月{a.day}日—{b.year}年{b.month}月{b.day}日"
        return f"{a.month}月{a.day}日—{b.month}月{b.day}日"

    @property
    def label(self) -> str:
        """“2019年第5周（1月28日—2月3日）”."""
        return f"{self.year}年第{self.index}周（{self.range_label}）"

    def __str__(self) -> str:
        return self.code

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def scoring_period(self, kind: str) -> Period:
        """The scoring period of ``kind`` (a rules file's ``period``) that contains this
        week's Sunday: what the week notice's running totals refer to."""
        return Period.containing(self.end, kind)


def parse_notice_period(text) -> Period | Week:
    """What a notice (and its publication) is for: a week (``2019-W05``) or a month,
    quarter, half-year or year (:meth:`Period.parse`).  ValueError (Chinese) otherwise."""
    if _WEEK_PATTERN.match(str(text)):
        return Week.parse(text)
    return Period.parse(text)
