"""The compiled form of a rules file (docs/RULES.md): plain frozen-ish dataclasses that
the engine reads.  Built only by :mod:`jifen_cli.core.rules.compiler`."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

BASE, ACCRUE, BONUS, PENALTY, EVALUATION, FORMULA, ACCOUNT = (
    "base", "accrue", "bonus", "penalty", "evaluation", "formula", "account")
SECTION_KINDS = (BASE, ACCRUE, BONUS, PENALTY, EVALUATION, FORMULA, ACCOUNT)
#: kinds whose items take points away
DEDUCTING = (BASE, PENALTY)
#: kinds whose full value counts towards the total's full value in a weights check
FULL_KINDS = (BASE, ACCRUE, EVALUATION)


@dataclass
class Veto:
    score: Decimal | None  # None: keep the score
    grades: dict[str, str]  # scale → forced band


@dataclass
class Item:
    code: str
    name: str
    section: str  # section code
    part: str | None  # part code
    points: Decimal | None = None
    per: Decimal | None = None
    open: tuple[Decimal, Decimal] | None = None
    levels: dict[str, Decimal] | None = None  # ordered high → low (a range level: its low end)
    level_ranges: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)  # levels given as [lo, hi]
    highest_only: str | None = None  # "item" | "subject"
    max_count: int | None = None
    cap: Decimal | None = None
    zero: bool = False
    veto: Veto | None = None
    grades: dict[str, str] = field(default_factory=dict)  # forced grade (sanction)
    no_grade: str | None = None
    classes: tuple[str, ...] | None = None
    modifiers: bool = True
    deduct: bool = False  # in an account section: subtracts from the balance
    sanction: bool = False  # a party/administrative sanction (notices may hide its note)

    @property
    def is_sanction(self) -> bool:
        """Sanction-like for notices: marked ``sanction`` or forcing/withholding a grade or a veto."""
        return self.sanction or bool(self.veto or self.grades or self.no_grade)
    path: tuple = ()

    @property
    def fixed(self) -> bool:
        return self.points is not None and self.per is None

    def level_rank(self, level: str) -> int | None:
        if not self.levels or level not in self.levels:
            return None
        return list(self.levels).index(level)


@dataclass
class Part:
    code: str
    name: str
    full: Decimal
    items: list[Item]


@dataclass
class Evaluation:
    method: str  # votes | band | score
    options: dict[str, Decimal] = field(default_factory=dict)
    groups: dict[str, Decimal] | None = None
    bands: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    periods: str = "year"  # year | half | quarter: several records a year (Evaluation.period "H1"...)
    combine: str = "average"  # how several records make the year: average | sum


@dataclass
class Section:
    code: str
    name: str
    kind: str
    full: Decimal | None
    cap: Decimal | None
    floor: Decimal | None  # None: no floor
    parts: list[Part]
    items: list[Item]  # direct items (not in a part)
    yearly: bool = False
    formula: object = None  # parsed formula (kind formula)
    formula_text: str = ""
    evaluation: Evaluation | None = None
    path: tuple = ()

    def all_items(self) -> list[Item]:
        out = list(self.items)
        for p in self.parts:
            out.extend(p.items)
        return out

    @property
    def deducting(self) -> bool:
        return self.kind in DEDUCTING


@dataclass
class Total:
    method: str  # sum | weights | formula
    weights: dict[str, Decimal] = field(default_factory=dict)
    formula: object = None
    formula_text: str = ""
    full: Decimal | None = None
    cap: Decimal | None = None
    floor: Decimal | None = None
    overflow: str | None = None  # account section receiving what exceeds cap


@dataclass
class ClassDef:
    code: str
    name: str
    sections: tuple[str, ...] | None = None
    total: Total | None = None
    evaluation_only: str | None = None


@dataclass
class StatusDef:
    name: str
    graded: bool = True
    scales: tuple[str, ...] | None = None
    reason: str = ""


@dataclass
class Condition:
    """A conjunction of tests (RULES.md §12)."""

    grade: dict[str, tuple[str, ...]] = field(default_factory=dict)
    band: dict[str, tuple[str, ...]] = field(default_factory=dict)
    status: tuple[str, ...] | None = None
    classes: tuple[str, ...] | None = None
    score_below: Decimal | None = None
    score_at_least: Decimal | None = None
    score_at_most: Decimal | None = None
    section: str | None = None
    section_min: Decimal | None = None
    section_max: Decimal | None = None
    item: str | None = None
    count: int = 1
    level_items: tuple[str, ...] | None = None
    level_at_least: str | None = None
    rank_top: Decimal | None = None
    rank_bottom: Decimal | None = None
    rank_round: str = "floor"
    rank_among: tuple[str, ...] | None = None  # statuses ranked (rank_top/rank_bottom/last); None: everyone
    last: bool = False
    years: int = 1
    times: int = 1
    text: str = ""  # Chinese description


@dataclass
class Quota:
    share: Decimal
    mode: str = "at_most"  # at_most | top
    of: str = "scored"  # scored | graded
    round: str = "floor"
    tiebreak: tuple[str, ...] = ()


@dataclass
class Band:
    name: str
    min: Decimal | None = None
    max: Decimal | None = None
    below: Decimal | None = None
    require: list[Condition] = field(default_factory=list)
    otherwise: str | None = None
    quota: Quota | None = None
    forced: bool = False  # reached only by a forced grade or another band's else
    above: Decimal | None = None  # exclusive lower bound (“70分以上”, not counting 70)

    def contains(self, score: Decimal) -> bool:
        if self.forced:
            return False
        if self.min is not None and score < self.min:
            return False
        if self.above is not None and score <= self.above:
            return False
        if self.max is not None and score > self.max:
            return False
        if self.below is not None and score >= self.below:
            return False
        return True

    def lowest(self, unit: Decimal) -> Decimal | None:
        """The lowest score in the band at the rounding precision ``unit`` (None: no floor)."""
        if self.min is not None:
            return self.min
        return self.above + unit if self.above is not None else None

    def highest(self, unit: Decimal) -> Decimal | None:
        """The highest score in the band at the rounding precision ``unit`` (None: no ceiling)."""
        if self.max is not None:
            return self.max
        return self.below - unit if self.below is not None else None

    def range_text(self) -> str:
        if self.above is not None:
            lo = f"高于{self.above}分"
            if self.max is not None:
                return f"{lo}至{self.max}分"
            return f"{lo}、不足{self.below}分" if self.below is not None else lo
        lo = f"{self.min}" if self.min is not None else ""
        if self.max is not None:
            return f"{lo}—{self.max}分" if lo else f"{self.max}分及以下"
        if self.below is not None:
            return f"{lo}分至不足{self.below}分" if lo else f"低于{self.below}分"
        return f"{lo}分及以上" if lo else "不限"


@dataclass
class Scale:
    name: str
    bands: list[Band]
    of: str | None = None  # section code, None = total

    def band(self, name: str) -> Band | None:
        for b in self.bands:
            if b.name == name:
                return b
        return None

    def position(self, name: str) -> int:
        for i, b in enumerate(self.bands):
            if b.name == name:
                return i
        return len(self.bands)


@dataclass
class YearRule:
    name: str
    when: Condition
    grades: dict[str, str] = field(default_factory=dict)
    outcome: str | None = None
    stop: bool = False  # a member this rule applies to is skipped by the rules after it


@dataclass
class Absence:
    code: str
    name: str
    kind: str  # minimum | consecutive | rate
    section: str
    part: str | None
    items: tuple[str, ...] = ()
    measure: str = "times"
    min: Decimal | None = None
    min_by_class: dict[str, Decimal] = field(default_factory=dict)
    min_by_post: dict[str, Decimal] = field(default_factory=dict)
    points: Decimal | None = None
    zero: bool = False
    veto: Veto | None = None
    grades: dict[str, str] = field(default_factory=dict)
    months: int = 0
    without: tuple[str, ...] = ()
    with_: tuple[str, ...] = ()
    #: kind rate (§7.4): items whose entries (times) are sessions missed without excuse
    missed: tuple[str, ...] = ()
    #: kind rate: meeting kinds that count as sessions held; None = every meeting
    sessions: tuple[str, ...] | None = None
    #: kind rate: the rule applies when (held − missed) / held is strictly below this (0 < below ≤ 1)
    below: Decimal | None = None


@dataclass
class Charge:
    post: str | None
    member: str | None
    share: Decimal
    same_group: bool = False
    fallback: str | None = None


@dataclass
class Liability:
    min: Decimal
    section: str
    charges: list[Charge]
    part: str | None = None


@dataclass
class Modifier:
    rate: Decimal
    sections: tuple[str, ...] | None  # None: all deducting sections
    posts: tuple[str, ...] | None = None  # None: any post


@dataclass
class Rounding:
    places: int = 2
    mode: str = "half_up"

    @property
    def unit(self) -> Decimal:
        return Decimal(1).scaleb(-self.places)


@dataclass
class Investigation:
    grades: dict[str, str] | None  # None: no grade
    reason: str


@dataclass
class Exempt:
    method: str  # excluded | evaluation
    section: str | None = None


@dataclass
class Scheme:
    file: str
    name: str
    source: str
    rounding: Rounding
    period: str
    combine: str
    sections: list[Section]
    total: Total
    classes: dict[str, ClassDef]
    statuses: dict[str, StatusDef]
    exempt: Exempt
    investigation: Investigation
    repeat: Modifier | None
    post: Modifier | None
    liability: list[Liability]
    absence: list[Absence]
    scales: list[Scale]
    rules: list[YearRule]
    items: dict[str, Item] = field(default_factory=dict)
    schedule: dict[str, str] = field(default_factory=dict)  # informational deadlines (no scoring effect)

    def section(self, code: str) -> Section | None:
        for s in self.sections:
            if s.code == code:
                return s
        return None

    def sections_for(self, category: str) -> list[Section]:
        cls = self.classes.get(category)
        if cls is None or cls.sections is None:
            return list(self.sections)
        return [s for s in self.sections if s.code in cls.sections]

    def total_for(self, category: str) -> Total:
        cls = self.classes.get(category)
        return cls.total if cls and cls.total else self.total

    def status(self, name: str) -> StatusDef:
        return self.statuses.get(name) or StatusDef(name)

    def scale(self, name: str) -> Scale | None:
        for s in self.scales:
            if s.name == name:
                return s
        return None
