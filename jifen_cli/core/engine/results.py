"""Result dataclasses returned by the engine (plain values, no behaviour beyond lookups)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal

from ..periods import Period
from ..rules.model import Scheme

# step kinds (Step.kind)
ENTRY = "entry"  # an entry counted
SKIP = "skip"  # an entry not counted (highest-only, max count, not applicable)
CAP = "cap"  # a cap, floor, part limit or clamp applied
MULTIPLIER = "multiplier"  # repeat / post modifier
ZERO = "zero"  # 该项不得分
VETO = "veto"
LIABILITY = "liability"  # a joint-liability charge received
ABSENCE = "absence"  # a rule on the absence of events
EVAL = "evaluation"
SECTION = "section"  # a section's resulting score
COMBINE = "combine"  # periods combined into the year
TOTAL = "total"
GRADE = "grade"
RULE = "rule"
OVERFLOW = "overflow"
RANK = "rank"  # branch and class rank (explain for a year)
EXCLUDED = "excluded"  # member left out of the scoring (exempt, not in the branch)


@dataclass(init=False)
class Step:
    """One line of an explanation: Chinese text plus the numbers."""

    kind: str
    text: str
    points: Decimal | None = None  # the change this step makes (signed), if any
    value: Decimal | None = None  # the running value after it (section or total)
    section: str | None = None  # section code
    entry: str | None = None  # entry id
    period: str | None = None  # period code (for schemes scored per month/quarter)

    def __init__(self, kind: str, text, points: Decimal | None = None, value: Decimal | None = None,
                 section: str | None = None, entry: str | None = None, period: str | None = None):
        # the dataclass __init__, storing ``text`` (a str or a deferred Text) in ``_text``
        # without going through the ``text`` property below
        self.kind = kind
        self._text = text
        self.points = points
        self.value = value
        self.section = section
        self.entry = entry
        self.period = period

    def format(self) -> str:
        parts = [self.text]
        if self.points is not None:
            parts.append(f"（{_signed(self.points)}）")
        if self.value is not None:
            parts.append(f" → {fmt(self.value)}")
        return "".join(parts)

    def __getstate__(self):  # pickled (and copied) with its text written out
        state = dict(self.__dict__)
        state["_text"] = self.text
        return state


class Text:
    """A step's text not written yet: ``fn(*args)``, called the first time ``Step.text``
    is read.  Scoring a year makes a step for every entry, and most are never shown
    (a year table, a notice): their text is only made for ``explain``.  ``fn`` must be
    a pure function of ``args`` (values that do not change afterwards)."""

    __slots__ = ("fn", "args")

    def __init__(self, fn, *args):
        self.fn = fn
        self.args = args


def _get_text(step: Step) -> str:
    text = step._text
    if type(text) is Text:
        text = step._text = text.fn(*text.args)
    return text


def _set_text(step: Step, text) -> None:
    step._text = text


# a property over the dataclass field: ``Step(kind, Text(...))`` stores the deferred text,
# every read (``.text``, ==, repr, dataclasses.replace/asdict, pickle) gets the string
Step.text = property(_get_text, _set_text, doc="the step's Chinese text")


def copy_step(step: Step, **changes) -> Step:
    """``dataclasses.replace(step, **changes)`` for a plain Step, keeping a deferred text
    deferred."""
    if type(step) is not Step:
        from dataclasses import replace

        return replace(step, **changes)
    new = Step(step.kind, step._text, step.points, step.value, step.section, step.entry, step.period)
    for name, value in changes.items():
        setattr(new, name, value)
    return new


_FMT: dict[Decimal, str] = {}  # the text depends only on the number's value


def fmt(d: Decimal | None) -> str:
    """A number as the explanation shows it: no trailing zeros, at most 4 decimals
    (longer fractions are cut and marked with “…”)."""
    if d is None:
        return "—"
    if type(d) is not Decimal or d.is_snan():
        return _fmt(d)
    text = _FMT.get(d)
    if text is None:
        text = _fmt(d)
        if len(_FMT) < 20_000:
            _FMT[d] = text
    return text


def _fmt(d: Decimal) -> str:
    suffix = ""
    if d != d.quantize(Decimal("0.0001"), rounding=ROUND_DOWN):
        d, suffix = d.quantize(Decimal("0.0001"), rounding=ROUND_DOWN), "…"
    d = d.normalize() if d == d.to_integral_value() else d
    text = f"{d:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return ("0" if text in ("-0", "") else text) + suffix


def _signed(d: Decimal) -> str:
    return ("+" if d >= 0 else "") + fmt(d)


@dataclass
class Row:
    """One member's scores for a period."""

    member: str  # member id
    name: str
    category: str
    class_name: str
    status: str
    sections: dict[str, Decimal]  # section code → rounded score
    deductions: Decimal  # points lost: base-section deductions + penalty sections (positive)
    total: Decimal  # rounded
    raw_total: Decimal  # before rounding
    accounts: dict[str, Decimal] = field(default_factory=dict)  # account sections (B 分)
    vetoed: bool = False
    evaluation_only: bool = False  # exempt or class graded from the evaluation alone
    notes: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    #: grade effects found while scoring (forced grades, no-grade reasons), for grading
    effects: list["Effect"] = field(default_factory=list, repr=False)


@dataclass
class Effect:
    """A grade effect of an entry or rule: a forced grade per scale, or no grade."""

    reason: str  # Chinese, e.g. "留党察看处分"
    grades: dict[str, str]  # scale → band; empty with no_grade
    veto: bool = False
    no_grade: bool = False


@dataclass
class Excluded:
    member: str
    name: str
    reason: str


@dataclass
class ScoreTable:
    period: Period
    scheme: Scheme
    sections: list[tuple[str, str, str]]  # (code, name, kind) in scheme order
    rows: list[Row]
    excluded: list[Excluded] = field(default_factory=list)
    #: the day the ledger is known up to when the period had not ended yet (the scores
    #: are provisional: yearly rules not settled, RULES.md §7.3); None for a whole period
    horizon: date | None = None

    def row(self, member_id: str) -> Row | None:
        for r in self.rows:
            if r.member == member_id:
                return r
        return None


@dataclass
class Ranked:
    member: str
    name: str
    category: str
    total: Decimal
    rank: int  # competition ranking: 1, 2, 2, 4
    of: int  # number ranked


@dataclass
class Grade:
    scale: str
    band: str | None  # None: no grade
    reason: str | None = None  # None when the grade is just the score's band
    forced: bool = False
    applicable: bool = True  # False: the member's status takes no part in this scale (statuses.scales)


@dataclass
class MemberResult:
    row: Row
    rank: int
    class_rank: int
    graded: bool
    grades: dict[str, Grade]
    outcomes: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)  # grading steps

    @property
    def member(self) -> str:
        return self.row.member

    def grade(self, scale: str | None = None) -> str | None:
        if scale is None:
            g = next(iter(self.grades.values()), None)
        else:
            g = self.grades.get(scale)
        return g.band if g else None


@dataclass
class YearResult:
    year: int
    scheme: Scheme
    table: ScoreTable
    members: list[MemberResult]
    scales: list[str]
    #: see ScoreTable.horizon: set when the year was not over (provisional results)
    horizon: date | None = None

    def member(self, member_id: str) -> MemberResult | None:
        for m in self.members:
            if m.member == member_id:
                return m
        return None

    def counts(self, scale: str) -> dict[str, int]:
        """Number of members per band of ``scale`` (for the statistics table)."""
        sc = self.scheme.scale(scale)
        out = {b.name: 0 for b in (sc.bands if sc else [])}
        for m in self.members:
            g = m.grades.get(scale)
            if g and g.band:
                out[g.band] = out.get(g.band, 0) + 1
        return out
