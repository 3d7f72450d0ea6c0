"""Plain data for one branch ledger.

Everything here is built by :mod:`jifen_cli.core.loader` from the branch files and is
read by the checks, the rules engine and the renderers.  No I/O happens here.

Numbers are :class:`decimal.Decimal`, dates are :class:`datetime.date`.  Every record
carries a :class:`Loc` (file relative to the branch root + YAML keypath) so that any
diagnostic about it can name the file, line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

#: member statuses (党员身份)
STATUSES = ("正式", "预备", "积极分子")

#: entry statuses
CONFIRMED = "confirmed"  # 已认定/已记录：计分
PENDING = "pending"  # 申报待认定：不计分
REJECTED = "rejected"  # 不予认定：不计分
VOID = "void"  # 作废：不计分
ENTRY_STATUSES = (CONFIRMED, PENDING, REJECTED, VOID)
ENTRY_STATUS_NAMES = {CONFIRMED: "已认定", PENDING: "待认定", REJECTED: "不予认定", VOID: "作废"}

#: objection statuses
OBJECTION_STATUSES = ("open", "upheld", "dismissed")


@dataclass(frozen=True, slots=True)
class Loc:
    """Where a value came from: a file (posix, relative to the branch root) and the
    keypath inside it, e.g. ``("entries", 3, "member")``."""

    file: str
    path: tuple = ()

    def child(self, *keys) -> "Loc":
        return Loc(self.file, self.path + tuple(keys))


@dataclass(slots=True)
class RuleRef:
    """branch.yaml ``rules:`` — which rules file applies from which date."""

    start: date
    file: str
    loc: Loc


@dataclass(slots=True)
class NoticeSettings:
    show_empty_members: bool = True  # 当月无记录的党员是否出现在公示中
    hide_sanction_notes: bool = False  # 公示中隐藏处分/否决类条目的说明
    title: str | None = None  # 公示标题模板（可选）


@dataclass(slots=True)
class Settings:
    format: int
    name: str  # 支部名称
    upper: str  # 上级党组织
    secretary: str  # 支部书记（签字）
    recorders: list[str]  # 积分记录员
    objection_days: int  # 异议期（天）
    rules: list[RuleRef]
    notice: NoticeSettings
    loc: Loc


@dataclass(slots=True)
class Exemption:
    """不纳入积分管理（须经支部审批）。"""

    approved: date
    reason: str
    evaluation_only: bool = True  # 按民主评议结果确定（种子000）


@dataclass(slots=True)
class Investigation:
    """涉嫌违纪违法正在接受调查：只评定积分，不确定等次。"""

    start: date
    end: date | None
    reason: str


@dataclass(slots=True)
class Member:
    id: str
    name: str
    category: str  # 类别：rules 文件 classes 中的代码
    status: str  # 正式 / 预备 / 积极分子
    posts: list[str]
    group: str | None  # 党小组
    joined: date | None
    left: date | None
    exempt: Exemption | None
    investigation: Investigation | None
    private: dict  # 隐私字段：从不输出
    loc: Loc

    def active_on(self, day: date) -> bool:
        if self.joined and day < self.joined:
            return False
        if self.left and day > self.left:
            return False
        return True

    def under_investigation_on(self, day: date) -> bool:
        inv = self.investigation
        return bool(inv and inv.start <= day and (inv.end is None or day <= inv.end))


@dataclass(slots=True)
class Entry:
    """One dated ledger entry (a deduction, bonus, declaration, correction...)."""

    id: str
    date: date
    member: str  # member id (names are resolved to ids by the loader)
    item: str  # rule/item code
    times: Decimal = Decimal(1)  # occurrences
    quantity: Decimal | None = None  # hours, app points ... for per-unit items
    points: Decimal | None = None  # only where the rule leaves points open
    level: str | None = None  # level/tier for level tables (国家级, 省级 ...)
    subject: str | None = None  # what the honour/item is (same subject counts once)
    note: str = ""
    by: str | None = None  # who recorded it
    status: str = CONFIRMED
    corrects: str | None = None  # id of the entry this one supersedes
    recorded: date | None = None  # when it was recorded (optional)
    loc: Loc = field(default_factory=lambda: Loc(""))

    @property
    def counts(self) -> bool:
        return self.status == CONFIRMED


@dataclass(slots=True)
class Evaluation:
    """民主评议结果 for one member and one year: votes per rater group, or a band, or a
    score given directly."""

    year: int
    member: str
    votes: dict[str, dict[str, int]]  # {rater group: {option: count}}
    band: str | None
    score: Decimal | None
    note: str
    loc: Loc
    #: which part of the year the record covers when the scheme evaluates more than once a
    #: year (RULES.md §8.3a): "H1"/"H2" or "Q1".."Q4"; None for a yearly evaluation
    period: str | None = None


@dataclass(slots=True)
class Meeting:
    """One session the branch held (meetings/YEAR.yaml): the denominator of an
    attendance-rate rule (RULES.md §7.4).  ``kind`` is a free code the rules filter on."""

    date: date
    kind: str | None
    name: str
    note: str
    loc: Loc


@dataclass(slots=True)
class Objection:
    id: str
    entry: str
    by: str
    date: date
    reason: str
    status: str  # open / upheld / dismissed
    resolution: str
    loc: Loc


@dataclass(slots=True)
class Ledger:
    root: Path
    settings: Settings
    members: list[Member]
    #: rules files, raw plain data as read, keyed by path relative to the root
    rules: dict[str, dict]
    entries: list[Entry]
    evaluations: list[Evaluation]
    objections: list[Objection]
    #: grades of years kept outside this ledger: {year: {member id: grade}}
    history: dict[int, dict[str, str]]
    #: sessions held, per year file (meetings/YEAR.yaml): a year is a key only when its
    #: file exists (an empty file: an empty list) — RULES.md §7.4
    meetings: dict[int, list[Meeting]] = field(default_factory=dict)
    _member_index: dict | None = field(default=None, init=False, repr=False, compare=False)
    _member_count: int = field(default=-1, init=False, repr=False, compare=False)

    # ---- lookups -------------------------------------------------------------
    def member(self, member_id: str) -> Member | None:
        return self._members_by_id().get(member_id)

    def _members_by_id(self) -> dict[str, Member]:
        # rebuilt when members were added or removed (not on every call when two members
        # share an id and the index is therefore shorter than the list)
        if self._member_index is None or self._member_count != len(self.members):
            self._member_index = {m.id: m for m in self.members}
            self._member_count = len(self.members)
        return self._member_index

    def rules_file_for(self, day: date) -> RuleRef | None:
        """The rules file in force on ``day`` (the last one starting on or before it)."""
        best = None
        for ref in self.settings.rules:
            if ref.start <= day and (best is None or ref.start >= best.start):
                best = ref
        return best

    def years(self) -> list[int]:
        return sorted({e.date.year for e in self.entries} | {ev.year for ev in self.evaluations})

    def latest_year(self, until: int | None = None) -> int | None:
        """The latest year of the ledger (what `jifen year` with no year reports on): of
        its entries that are not void, rejected or superseded, and its evaluations; with
        ``until`` (today's year), years after it are left out — a mistyped 2029 must not
        take over every report (`jifen check` warns about such a date: W411)."""
        gone = self.superseded_ids()
        ys = {e.date.year for e in self.entries if e.status not in (VOID, REJECTED) and e.id not in gone}
        ys |= {ev.year for ev in self.evaluations}
        if until is not None:
            ys = {y for y in ys if y <= until}
        return max(ys) if ys else None

    def superseded_ids(self) -> set[str]:
        return {e.corrects for e in self.entries if e.corrects}

    def effective_entries(self, start: date | None = None, end: date | None = None) -> list[Entry]:
        """Entries that count: confirmed and not superseded by a later correction,
        dated within [start, end] when given."""
        gone = self.superseded_ids()
        out = []
        for e in self.entries:
            if e.id in gone or e.status != CONFIRMED:
                continue
            if start and e.date < start:
                continue
            if end and e.date > end:
                continue
            out.append(e)
        return out

    def entries_between(self, start: date, end: date) -> list[Entry]:
        """All entries dated within [start, end], whatever their status."""
        return [e for e in self.entries if start <= e.date <= end]
