"""Branch directory → :class:`~jifen_cli.core.model.Ledger` plus diagnostics.

The loader reads every file of a branch (through :func:`read_files`, the one place
that parses YAML, so caching and parallel parsing live there), checks each record's
shape against the field tables below — types, required and unknown fields, with
"did you mean" hints — and builds the plain dataclasses.  Cross-record checks
(references, dates, duplicates) are in :mod:`checks`; rules checks in the engine.
A broken record is reported and skipped; loading never stops at the first problem.
"""

from __future__ import annotations

import re
from decimal import Decimal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import values as V
from .diagnostics import Diagnostic, JifenError, diag
from .model import (CONFIRMED, ENTRY_STATUSES, ENTRY_STATUS_NAMES, OBJECTION_STATUSES, Entry,
                    Evaluation, Exemption, Investigation, Ledger, Loc, Meeting, Member, NoticeSettings,
                    Objection, RuleRef, Settings)

FORMAT_VERSION = 1
BRANCH_FILE = "branch.yaml"
MEMBERS_FILE = "members.yaml"
HISTORY_FILE = "history.yaml"
EVENT_FILE = re.compile(r"^events/(\d{4})/(\d{4})-(\d{2})\.ya?ml$")
YEAR_FILE = re.compile(r"^(evaluations|objections)/(\d{4})\.ya?ml$")
MEETING_FILE = re.compile(r"^meetings/(\d{4})\.ya?ml$")

#: Chinese words people write as keys → the field they meant (for hints)
CHINESE_KEYS = {
    "编号": "id", "姓名": "name", "名字": "name", "类别": "category", "身份": "status",
    "职务": "posts", "党小组": "group", "入党日期": "joined", "加入日期": "joined",
    "离开日期": "left", "日期": "date", "党员": "member", "项目": "item", "次数": "times",
    "数量": "quantity", "分值": "points", "积分": "points", "级别": "level", "说明": "note",
    "备注": "note", "记录人": "by", "状态": "status", "更正": "corrects", "原因": "reason",
    "得票": "votes", "档次": "band", "得分": "score",
    "名称": "name", "会议名称": "name", "会议": "name", "类型": "kind", "会议类型": "kind",
}


@dataclass(frozen=True, slots=True)
class Field:
    parse: Callable  # values.parse_* → (value, Problem|None)
    required: bool = False
    default: object = None


def _mapping_with(example: str):
    def parse(value):
        if value is None:
            return {}, None
        if not isinstance(value, dict):
            return None, V.Problem("E201", f"应为键值（映射），实际是{V._describe(value)}",
                                   "在下一行缩进两格，逐项写 键: 值，例如 " + example)
        return value, None
    return parse


_mapping = _mapping_with("phone: \"13800000000\"")


def _list(value):
    if value is None:
        return [], None
    if not isinstance(value, list):
        return None, V.Problem("E201", "应为列表", "列表的每一项以“- ”开头")
    return value, None


def _one_of(choices: tuple, names: dict | None = None):
    def parse(value):
        text, problem = V.parse_text(value)
        if problem or text is None:
            return text, problem
        text = text.strip()
        if names:  # accept the Chinese name of a code too (已认定 → confirmed)
            reverse = {v: k for k, v in names.items()}
            text = reverse.get(text, text)
        if text not in choices:
            labels = [f"{c}（{names[c]}）" if names and c in names else c for c in choices]
            hint = "可选：" + "、".join(labels)
            near = V.suggest(text, list(choices) + list((names or {}).values()), 1)
            if near:
                code = reverse.get(near[0], near[0]) if names else near[0]
                hint = f"是不是“{code}”？" + hint
            return None, V.Problem("E204", f"“{text}”不是可选的取值", hint)
        return text, None
    return parse


SETTINGS_FIELDS = {
    "format": Field(V.parse_int, False, FORMAT_VERSION),
    "name": Field(V.parse_text, True),
    "upper": Field(V.parse_text, False, ""),
    "secretary": Field(V.parse_text, False, ""),
    "recorders": Field(V.parse_text_list, False, []),
    "objection_days": Field(V.parse_int, False, 5),
    "rules": Field(_list, True),
    "notice": Field(_mapping_with("show_empty_members: true"), False, {}),
}
RULEREF_FIELDS = {"from": Field(V.parse_date, True), "file": Field(V.parse_text, True)}
NOTICE_FIELDS = {
    "show_empty_members": Field(V.parse_bool, False, True),
    "hide_sanction_notes": Field(V.parse_bool, False, False),
    "title": Field(V.parse_text, False, None),
}
MEMBER_FIELDS = {
    "id": Field(V.parse_id, True),
    "name": Field(V.parse_text, True),
    "category": Field(V.parse_text, True),
    "status": Field(V.parse_text, False, "正式"),
    "posts": Field(V.parse_text_list, False, []),
    "group": Field(V.parse_text, False, None),
    "joined": Field(V.parse_date, False, None),
    "left": Field(V.parse_date, False, None),
    "exempt": Field(_mapping_with("approved: 2019-01-01 与 reason: 年老体弱"), False, None),
    "investigation": Field(_mapping_with("start: 2019-05-01 与 reason: ..."), False, None),
    "private": Field(_mapping, False, {}),
    "note": Field(V.parse_text, False, ""),
}
EXEMPT_FIELDS = {
    "approved": Field(V.parse_date, True),
    "reason": Field(V.parse_text, True),
    "evaluation_only": Field(V.parse_bool, False, True),
}
INVESTIGATION_FIELDS = {
    "start": Field(V.parse_date, True),
    "end": Field(V.parse_date, False, None),
    "reason": Field(V.parse_text, False, ""),
}
ENTRY_FIELDS = {
    "id": Field(V.parse_id, True),
    "date": Field(V.parse_date, True),
    "member": Field(V.parse_id, True),
    "item": Field(V.parse_id, True),
    "times": Field(V.parse_decimal, False, None),
    "quantity": Field(V.parse_decimal, False, None),
    "points": Field(V.parse_decimal, False, None),
    "level": Field(V.parse_text, False, None),
    "subject": Field(V.parse_text, False, None),
    "note": Field(V.parse_text, False, ""),
    "by": Field(V.parse_text, False, None),
    "status": Field(_one_of(ENTRY_STATUSES, ENTRY_STATUS_NAMES), False, CONFIRMED),
    "corrects": Field(V.parse_id, False, None),
    "recorded": Field(V.parse_date, False, None),
}
EVALUATION_FIELDS = {
    "member": Field(V.parse_id, True),
    "votes": Field(_mapping_with("群众: {好: 20, 一般: 3, 差: 0}"), False, {}),
    "band": Field(V.parse_text, False, None),
    "score": Field(V.parse_decimal, False, None),
    "note": Field(V.parse_text, False, ""),
    "period": Field(_one_of(("H1", "H2", "Q1", "Q2", "Q3", "Q4")), False, None),
}
OBJECTION_FIELDS = {
    "id": Field(V.parse_id, True),
    "entry": Field(V.parse_id, True),
    "by": Field(V.parse_text, True),
    "date": Field(V.parse_date, True),
    "reason": Field(V.parse_text, True),
    "status": Field(_one_of(OBJECTION_STATUSES), False, "open"),
    "resolution": Field(V.parse_text, False, ""),
}
MEETING_FIELDS = {
    "date": Field(V.parse_date, True),
    "kind": Field(V.parse_id, False, None),
    "name": Field(V.parse_text, False, ""),
    "note": Field(V.parse_text, False, ""),
}


# ---- fast path of read_record: the common value that needs no generic parse ----------
# Each function returns exactly what its parser would return *with no problem*, or _SLOW
# when it cannot be sure (then the parser itself runs and gives value and diagnostics).
_SLOW = object()


def _fast_text(v):
    return v if type(v) is str else _SLOW


def _fast_id(v):
    # ASCII: the full-width translation and NFKC change nothing, only the strip matters
    if type(v) is str and v.isascii():
        s = v.strip()
        if s:
            return s
    return _SLOW


_DATES: dict[str, object] = {}  # "2019-01-15" → date (dates are immutable: safe to share)


def _fast_date(v):
    if type(v) is str:
        got = _DATES.get(v)
        if got is not None:
            return got
        if len(v) == 10 and v.isascii():
            m = V._DATE.match(v)
            if m:
                try:
                    day = V.date(int(m[1]), int(m[2]), int(m[3]))
                except ValueError:
                    return _SLOW
                if len(_DATES) < 100_000:
                    _DATES[v] = day
                return day
    return _SLOW


def _fast_decimal(v):
    if type(v) is int and -V.MAX_NUMBER < v < V.MAX_NUMBER:
        return Decimal(v)
    return _SLOW


_FAST = {V.parse_text: _fast_text, V.parse_id: _fast_id, V.parse_date: _fast_date,
         V.parse_decimal: _fast_decimal}
_FAST_PATH = True  # tests switch it off to compare both paths
_PLANS: dict[int, tuple[dict, list]] = {}


def _plan(fields: dict[str, Field]) -> list:
    """[(name, spec, fast parser or None)] for ``fields``, computed once per fields table."""
    got = _PLANS.get(id(fields))
    if got is None or got[0] is not fields:
        got = (fields, [(name, spec, _FAST.get(spec.parse)) for name, spec in fields.items()])
        _PLANS[id(fields)] = got
    return got[1]


def read_record(data, loc: Loc, fields: dict[str, Field], what: str,
                diags: list[Diagnostic]) -> dict | None:
    """Validate one mapping against ``fields``; returns parsed values or None when the
    record is unusable.  Every problem is appended to ``diags``."""
    out, usable = read_record_partial(data, loc, fields, what, diags)
    return out if usable else None


def read_record_partial(data, loc: Loc, fields: dict[str, Field], what: str,
                        diags: list[Diagnostic]) -> tuple[dict | None, bool]:
    """As :func:`read_record`, but an unusable mapping still gives its values:
    ``(values, usable)``.  A required field that is missing or invalid is None in the
    values and makes the record unusable (it must not be scored), yet its other fields
    can still be checked (an entry with a wrong date and an unknown member gets both
    errors).  ``(None, False)`` when ``data`` is not a mapping."""
    if _FAST_PATH and type(data) is dict and data.keys() <= fields.keys():
        out: dict = {}
        for name, spec, fast in _plan(fields):
            raw = data.get(name)
            if raw is None:
                if spec.required:
                    break  # missing field: the full path reports it
                out[name] = spec.default
                continue
            value = fast(raw) if fast is not None else _SLOW
            if value is _SLOW:
                value, problem = spec.parse(raw)
                if problem is not None:
                    break  # a diagnostic to report: the full path does it
            out[name] = value
        else:
            return out, True
    if not isinstance(data, dict):
        diags.append(diag("E201", f"{what}应为键值（映射），实际是{V._describe(data)}", loc,
                          hint="每个字段一行，写作 键: 值"))
        return None, False
    out: dict = {}
    usable = True
    for key in data:
        if key not in fields:
            hint = _key_hint(key)
            meant = CHINESE_KEYS.get(str(key).strip())
            if hint:
                pass
            elif meant in fields:
                hint = f"字段名请用英文：{meant}"
            elif isinstance(key, str) and key.strip() in fields:
                hint = f"字段名前后不要有空格：{key.strip()}"
            elif key is not None:
                near = V.suggest(str(key), fields, 1)
                if near:
                    hint = f"是不是“{near[0]}”？"
            shown = "（空）" if key is None else V.show(key)
            diags.append(diag("E203", f"{what}中有未知字段“{shown}”", loc, key,
                              hint=hint or "可用字段：" + "、".join(fields)))
    for name, spec in fields.items():
        if data.get(name) is None:
            if spec.required:
                diags.append(diag("E202", f"{what}缺少必填字段“{name}”", loc))
                usable = False
            out[name] = spec.default
            continue
        value, problem = spec.parse(data[name])
        if problem is not None:
            diags.append(diag(problem.code, f"{what}字段“{name}”：{problem.message}", loc, name,
                              hint=problem.hint, severity=problem.severity))
        if value is None and problem is not None and problem.severity == "error":
            if spec.required:
                usable = False
            value = spec.default
        out[name] = value
    return out, usable


@dataclass(slots=True)
class LoadedLedger(Ledger):
    """A :class:`Ledger` read from a branch directory, plus the records that cannot be
    used because a required field is missing or invalid: entries (``id``, ``date``,
    ``member``, ``item``), evaluations (``member``, or no readable ``votes``/``band``/
    ``score``) and objections (``id``, ``entry``, ``by``, ``date``, ``reason``).  Those
    are reported (E202/E205...) and left out of ``entries`` / ``evaluations`` /
    ``objections`` — the engine, the notices and the writers never see them — but
    ``jifen check`` still checks their other fields (unknown member, unknown item,
    duplicate id, unknown entry...), so one broken field does not hide the rest.  A
    required field that could not be read is None."""

    unusable_entries: list[Entry] = field(default_factory=list)
    #: evaluation records (evaluations/YEAR.yaml) that cannot be scored: ``member`` is
    #: missing or invalid (then None), or no result (votes, band, score) can be read
    unusable_evaluations: list[Evaluation] = field(default_factory=list)
    #: objection records (objections/YEAR.yaml) with a required field (id, entry, by,
    #: date, reason) missing or invalid (then None)
    unusable_objections: list[Objection] = field(default_factory=list)
    #: {file: {top-level key: number of records}} as the files were read: lets
    #: yamlio.resolve_locations compose only the records a big file's diagnostics are about
    item_counts: dict[str, dict[str, int]] = field(default_factory=dict, repr=False, compare=False)


def unusable_entries(ledger: Ledger) -> list[Entry]:
    """The entries of ``ledger`` that are checked but never scored (see
    :class:`LoadedLedger`); none for a ledger built another way."""
    return getattr(ledger, "unusable_entries", None) or []


def unusable_evaluations(ledger: Ledger) -> list[Evaluation]:
    """The evaluation records of ``ledger`` that are checked but never scored (see
    :class:`LoadedLedger`); none for a ledger built another way."""
    return getattr(ledger, "unusable_evaluations", None) or []


def unusable_objections(ledger: Ledger) -> list[Objection]:
    """The objection records of ``ledger`` that are checked but otherwise unused (see
    :class:`LoadedLedger`); none for a ledger built another way."""
    return getattr(ledger, "unusable_objections", None) or []


# --------------------------------------------------------------------------- reading
def list_branch_files(root: Path) -> list[str]:
    """Every YAML file of the branch (relative posix paths), sorted."""
    rels = []
    for sub in ("events", "evaluations", "objections", "meetings"):
        base = root / sub
        if base.is_dir():
            rels.extend(p.relative_to(root).as_posix() for p in base.rglob("*")
                        if p.is_file() and p.suffix in (".yaml", ".yml"))
    for name in (BRANCH_FILE, MEMBERS_FILE, HISTORY_FILE):
        if (root / name).is_file():
            rels.append(name)
    return sorted(rels)


def read_files(root: Path, rels: list[str]) -> dict[str, tuple[object, list[Diagnostic]]]:
    """Parse the given files → {rel: (data, diagnostics)}.  The single reading seam
    (content-hash cache and parallel parsing: :mod:`jifen_cli.core.cache`)."""
    from .cache import read_files as cached_read_files

    return cached_read_files(root, rels)


def _outside_problem(rel: str) -> str | None:
    """Why a rules path from branch.yaml may not be read (None when it is fine)."""
    if "\x00" in rel or not rel.strip():
        return "不是有效的文件名"
    p = Path(rel)
    if p.is_absolute() or rel.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", rel):
        return "不能是绝对路径"
    if ".." in re.split(r"[\\/]", rel):
        return "不能指向支部目录以外"
    return None


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def find_branch_root(start: Path) -> Path:
    """The branch directory: ``start`` itself if it holds branch.yaml (no walking up:
    a recorder's shared PC may hold several branches side by side)."""
    if (start / BRANCH_FILE).is_file():
        return start
    raise JifenError(f"“{start}”不是支部台账目录（找不到 {BRANCH_FILE}）",
                     hint="用 -C 目录 指定支部目录，或用 jifen init 目录 新建一个支部")


# --------------------------------------------------------------------------- building
def load_branch(root: Path) -> tuple[Ledger, list[Diagnostic]]:
    """Load a whole branch.  Raises :class:`JifenError` only when it cannot run at all
    (no branch.yaml or it is unusable); every other problem is a diagnostic."""
    root = Path(root)
    find_branch_root(root)
    rels = list_branch_files(root)
    parsed = read_files(root, rels)
    diags: list[Diagnostic] = []
    for _, (_, file_diags) in parsed.items():
        diags.extend(file_diags)

    settings = _build_settings(parsed.get(BRANCH_FILE, (None, []))[0], diags)
    if settings is None:
        from .yamlio import resolve_locations

        fatal = [d for d in diags if d.file == BRANCH_FILE and d.is_error] or diags
        resolve_locations(root, fatal)
        raise JifenError(f"{BRANCH_FILE} 无法使用，其余文件未检查", sorted(fatal, key=Diagnostic.sort_key),
                         hint=f"先改正 {BRANCH_FILE} 中的上述问题，再运行 jifen check")

    rules_data: dict[str, dict] = {}
    for ref in settings.rules:
        if ref.file in rules_data:
            continue
        outside = _outside_problem(ref.file)
        if outside:
            diags.append(diag("E308", f"规则文件“{ref.file}”{outside}", ref.loc, "file",
                              hint="规则文件要放在支部目录里，写相对路径，如 rules/xingshi.yaml"))
            continue
        path = root / ref.file
        if not _is_file(path):
            diags.append(diag("E308", f"规则文件“{ref.file}”不存在", ref.loc, "file",
                              hint="检查路径，或用 jifen presets 查看可用的预设方案"))
            continue
        data, file_diags = read_files(root, [ref.file])[ref.file]
        diags.extend(file_diags)
        if data is None and not file_diags:
            data = {}
        if data is not None and not isinstance(data, dict):
            diags.append(Diagnostic("E201", "规则文件应为键值（映射）", ref.file))
            continue
        if data is not None:
            rules_data[ref.file] = data

    if MEMBERS_FILE not in parsed:
        diags.append(Diagnostic("E106", f"缺少花名册 {MEMBERS_FILE}", MEMBERS_FILE,
                                hint="用 jifen init 新建支部会生成它"))
    members = _build_members(parsed.get(MEMBERS_FILE, (None, []))[0], diags)

    entries: list[Entry] = []
    unusable: list[Entry] = []
    evaluations: list[Evaluation] = []
    objections: list[Objection] = []
    broken_evaluations: list[Evaluation] = []
    broken_objections: list[Objection] = []
    meetings: dict[int, list[Meeting]] = {}
    for rel in rels:
        data = parsed[rel][0]
        if rel.startswith("events/"):
            m = EVENT_FILE.match(rel)
            if not m or not 1 <= int(m[3]) <= 12:
                diags.append(Diagnostic("E207", f"事件文件名“{rel}”不合规", rel,
                                        hint="应为 events/年份/年份-月份.yaml，如 events/2019/2019-01.yaml"))
                continue
            if m[1] != m[2]:
                diags.append(Diagnostic("E207", f"月份文件 {rel} 放错了年份目录", rel,
                                        hint=f"应放在 events/{m[2]}/ 下"))
            entries.extend(_build_entries(rel, data, diags, unusable))
        elif rel.startswith(("evaluations/", "objections/")):
            m = YEAR_FILE.match(rel)
            if not m:
                diags.append(Diagnostic("E207", f"文件名“{rel}”不合规", rel,
                                        hint="应为 evaluations/2019.yaml 或 objections/2019.yaml"))
                continue
            if m[1] == "evaluations":
                evaluations.extend(_build_evaluations(rel, int(m[2]), data, diags, broken_evaluations))
            else:
                objections.extend(_build_objections(rel, data, diags, broken_objections))
        elif rel.startswith("meetings/"):
            m = MEETING_FILE.match(rel)
            if not m:
                diags.append(Diagnostic("E207", f"文件名“{rel}”不合规", rel,
                                        hint="应为 meetings/年份.yaml，如 meetings/2019.yaml"))
                continue
            meetings.setdefault(int(m[1]), []).extend(_build_meetings(rel, data, diags))
    history = _build_history(parsed.get(HISTORY_FILE, (None, []))[0], diags)

    ledger = LoadedLedger(root=root, settings=settings, members=members, rules=rules_data,
                          entries=entries, evaluations=evaluations, objections=objections,
                          history=history, meetings=meetings, unusable_entries=unusable,
                          unusable_evaluations=broken_evaluations, unusable_objections=broken_objections,
                          item_counts=_item_counts(parsed))
    _resolve_member_names(ledger, diags)
    return ledger, diags


def _item_counts(parsed) -> dict[str, dict[str, int]]:
    out = {}
    for rel, (data, _) in parsed.items():
        if type(data) is dict and len(data) == 1:
            for key, items in data.items():
                if type(items) is list:
                    out[rel] = {key: len(items)}
    return out


def _key_hint(key) -> str | None:
    """Hints for keys mangled by full-width typing (全角空格 indentation, ：)."""
    if not isinstance(key, str):
        return None
    if key.startswith("\u3000") or key.startswith(" "):
        return "这一行用全角空格缩进了：缩进只能用半角空格，请切换到英文输入法重新输入空格"
    if "：" in key:
        return "键和值之间的冒号要用英文冒号“:”加空格，不能用全角冒号“：”"
    return None


def _top(data, rel: str, key: str, diags, what: str):
    """The list under ``key`` in a file that should be ``{key: [...]}``."""
    if data is None:
        return []  # empty file or only comments: nothing recorded
    if not isinstance(data, dict):
        diags.append(Diagnostic("E201", f"文件顶层应为键值，内含“{key}:”列表，实际是{V._describe(data)}", rel,
                                hint=f"文件第一行写“{key}:”，下面每项以“  - ”开头"))
        return []
    extra = [k for k in data if k != key]
    for k in extra:
        near = V.suggest(str(k), [key], 1)
        hint = _key_hint(k) or (f"是不是“{near[0]}”？" if near else f"此文件只应有“{key}:”")
        diags.append(diag("E203", f"未知字段“{V.show(k)}”", Loc(rel), k, hint=hint))
    items = data.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        diags.append(diag("E201", f"“{key}”应为{what}列表", Loc(rel), key, hint="列表的每一项以“- ”开头"))
        return []
    return items


def _build_settings(data, diags) -> Settings | None:
    loc = Loc(BRANCH_FILE)
    if data is None:
        if not any(d.file == BRANCH_FILE and d.is_error for d in diags):
            diags.append(Diagnostic("E202", f"{BRANCH_FILE} 是空的", BRANCH_FILE, line=1,
                                    hint="至少要写 name（支部名称）和 rules（积分规则）"))
        return None
    rec = read_record(data, loc, SETTINGS_FIELDS, "支部设置", diags)
    if rec is None:
        return None
    version = rec["format"]
    if version is not None and version > FORMAT_VERSION:
        diags.append(diag("E208", f"台账格式版本 {version} 比本程序支持的 {FORMAT_VERSION} 新", loc, "format",
                          hint="请升级 jifen：pip install -U jifen"))
        return None
    if version is not None and version < 1:
        diags.append(diag("E208", f"台账格式版本 {version} 无效", loc, "format",
                          hint=f"当前版本为 {FORMAT_VERSION}"))
    refs = []
    for i, raw in enumerate(rec["rules"] or []):
        r = read_record(raw, loc.child("rules", i), RULEREF_FIELDS, "规则版本", diags)
        if r:
            refs.append(RuleRef(start=r["from"], file=r["file"], loc=loc.child("rules", i)))
    if not refs and not any(d.path[:1] == ("rules",) for d in diags if d.file == BRANCH_FILE):
        diags.append(diag("E202", "支部设置中没有任何积分规则（rules）", loc,
                          hint="例如 rules: [{from: 2019-01-01, file: rules/xingshi.yaml}]"))
    n = read_record(rec["notice"] or {}, loc.child("notice"), NOTICE_FIELDS, "公示设置", diags) or {}
    notice = NoticeSettings(show_empty_members=n.get("show_empty_members", True),
                            hide_sanction_notes=n.get("hide_sanction_notes", False),
                            title=n.get("title"))
    days = rec["objection_days"]
    if days is not None and not 0 <= days <= 60:
        diags.append(diag("E204", f"异议期 {days} 天不合理", loc, "objection_days", hint="一般为 5–7 天"))
    return Settings(format=version or FORMAT_VERSION, name=rec["name"], upper=rec["upper"] or "",
                    secretary=rec["secretary"] or "", recorders=rec["recorders"] or [],
                    objection_days=days if days is not None else 5, rules=refs, notice=notice,
                    loc=loc)


def _build_members(data, diags) -> list[Member]:
    out = []
    for i, raw in enumerate(_top(data, MEMBERS_FILE, "members", diags, "党员")):
        loc = Loc(MEMBERS_FILE, ("members", i))
        rec = read_record(raw, loc, MEMBER_FIELDS, "党员", diags)
        if rec is None:
            rec = _member_placeholder(raw)
            if rec is None:
                continue
        exempt = investigation = None
        if rec["exempt"]:
            e = read_record(rec["exempt"], loc.child("exempt"), EXEMPT_FIELDS, "免于积分管理", diags)
            if e:
                exempt = Exemption(approved=e["approved"], reason=e["reason"],
                                   evaluation_only=e["evaluation_only"])
        if rec["investigation"]:
            v = read_record(rec["investigation"], loc.child("investigation"),
                            INVESTIGATION_FIELDS, "接受调查", diags)
            if v:
                investigation = Investigation(start=v["start"], end=v["end"], reason=v["reason"] or "")
        out.append(Member(id=rec["id"], name=rec["name"].strip(), category=rec["category"].strip(),
                          status=(rec["status"] or "正式").strip(), posts=rec["posts"] or [],
                          group=rec["group"], joined=rec["joined"], left=rec["left"],
                          exempt=exempt, investigation=investigation,
                          private=rec["private"] or {}, loc=loc))
    return out


def _member_placeholder(raw) -> dict | None:
    """A member record with a broken required field (name, category) but a usable id is
    kept, so that its entries are not all reported as "unknown member" as well."""
    if not isinstance(raw, dict):
        return None
    mid, problem = V.parse_id(raw.get("id"))
    if mid is None or (problem and problem.severity == "error"):
        return None
    out = {name: spec.default for name, spec in MEMBER_FIELDS.items()}
    for name, spec in MEMBER_FIELDS.items():
        if raw.get(name) is not None:
            value, problem = spec.parse(raw[name])
            if value is not None and not (problem and problem.severity == "error"):
                out[name] = value
    out["id"] = mid
    out["name"] = out["name"] if isinstance(out["name"], str) and out["name"].strip() else mid
    out["category"] = out["category"] if isinstance(out["category"], str) else ""
    out["exempt"] = out["investigation"] = None
    return out


_ENTRY_KEYS = ENTRY_FIELDS.keys()
_MAX_INT = int(V.MAX_NUMBER)
_ONE = Decimal(1)
_DECIMALS: dict[int, Decimal] = {}  # small int → Decimal (immutable: safe to share)


def _fast_number(v):
    """``V.parse_decimal(v)`` for a plain int with no problem, else _SLOW."""
    if type(v) is int:
        got = _DECIMALS.get(v)
        if got is not None:
            return got
        if -V.MAX_NUMBER < v < V.MAX_NUMBER:
            got = Decimal(v)
            if -1000 <= v <= 1000:
                _DECIMALS[v] = got
            return got
    return _SLOW


_IDS: dict[str, str] = {}  # member / item code as written → as read (ASCII, stripped)


def _fast_entry(raw: dict, loc: Loc):
    """The Entry that :func:`read_record_partial` + :func:`_build_entries` make of a
    common record (plain ids, ISO dates, int numbers, text, no problem to report), or
    None when it cannot be sure — then the full path runs and reports."""
    get = raw.get
    eid = get("id")
    if type(eid) is not str or not eid.isascii():
        return None
    eid = eid.strip()
    if not eid:
        return None
    v = get("date")
    day = _DATES.get(v) if type(v) is str else None
    if day is None:
        day = _fast_date(v)
        if day is _SLOW:
            return None
    v = get("member")
    member = _IDS.get(v) if type(v) is str else None
    if member is None:
        member = _fast_id(v)
        if member is _SLOW:
            return None
        if len(_IDS) < 100_000:
            _IDS[v] = member
    v = get("item")
    item = _IDS.get(v) if type(v) is str else None
    if item is None:
        item = _fast_id(v)
        if item is _SLOW:
            return None
        if len(_IDS) < 100_000:
            _IDS[v] = item
    v = get("times")
    if v is None:
        times = _ONE
    else:
        times = _fast_number(v)
        if times is _SLOW or times <= 0:
            return None
    quantity = get("quantity")
    if quantity is not None:
        quantity = _fast_number(quantity)
        if quantity is _SLOW:
            return None
    points = get("points")
    if points is not None:
        points = _fast_number(points)
        if points is _SLOW:
            return None
    level = get("level")
    subject = get("subject")
    note = get("note")
    by = get("by")
    status = get("status")
    if status is None:
        status = CONFIRMED
    elif type(status) is not str or status not in _ENTRY_STATUS_SET:
        return None
    corrects = get("corrects")
    if corrects is not None:
        corrects = _fast_id(corrects)
        if corrects is _SLOW:
            return None
    recorded = get("recorded")
    if recorded is not None:
        recorded = _fast_date(recorded)
        if recorded is _SLOW:
            return None
    if note is None:
        note = ""
    elif type(note) is not str:
        return None
    if (level is not None and type(level) is not str) or (subject is not None and type(subject) is not str) \
            or (by is not None and type(by) is not str):
        return None
    return Entry(eid, day, member, item, times, quantity, points, level, subject, note, by,
                 status, corrects, recorded, loc)


_ENTRY_STATUS_SET = frozenset(ENTRY_STATUSES)


def _build_entries(rel: str, data, diags, unusable: list[Entry] | None = None) -> list[Entry]:
    """The entries of one month file.  An entry whose required field is missing or
    invalid goes to ``unusable`` (checked, never scored) instead of the result."""
    out = []
    fast = _FAST_PATH
    keys = _ENTRY_KEYS
    for i, raw in enumerate(_top(data, rel, "entries", diags, "积分条目")):
        loc = Loc(rel, ("entries", i))
        if fast and type(raw) is dict and raw.keys() <= keys:
            e = _fast_entry(raw, loc)
            if e is not None:
                out.append(e)
                continue
        rec, usable = read_record_partial(raw, loc, ENTRY_FIELDS, "积分条目", diags)
        if rec is None:
            continue
        times = rec["times"]
        if times is not None and times <= 0:
            diags.append(diag("E204", f"次数应为正数，实际是 {times}", loc, "times"))
            times = None
        if not usable and unusable is None:
            continue
        (out if usable else unusable).append(Entry(id=rec["id"], date=rec["date"], member=rec["member"], item=rec["item"],
                         times=times if times is not None else Decimal(1),
                         quantity=rec["quantity"], points=rec["points"], level=rec["level"],
                         subject=rec["subject"], note=rec["note"] or "", by=rec["by"],
                         status=rec["status"] or CONFIRMED, corrects=rec["corrects"],
                         recorded=rec["recorded"], loc=loc))
    return out


_RESULT_FIELDS = ("votes", "band", "score")


def _build_evaluations(rel: str, year: int, data, diags,
                       unusable: list[Evaluation] | None = None) -> list[Evaluation]:
    """The evaluation records of one year file.  A record whose ``member`` is missing or
    invalid, whose result cannot be read at all (none of votes, band, score given, or
    only unreadable ones) or whose ``period`` is given but unreadable, goes to
    ``unusable`` (checked, never scored)."""
    out = []
    for i, raw in enumerate(_top(data, rel, "results", diags, "评议结果")):
        loc = Loc(rel, ("results", i))
        rec, usable = read_record_partial(raw, loc, EVALUATION_FIELDS, "评议结果", diags)
        if rec is None:
            continue
        votes: dict[str, dict[str, int]] = {}
        for group, counts in (rec["votes"] or {}).items():
            if not isinstance(counts, dict):
                diags.append(diag("E201", f"评议票数“{group}”应为 选项: 票数", loc, "votes", group,
                                  hint="例如 masses: {好: 20, 一般: 3, 差: 0}"))
                continue
            votes[str(group)] = {}
            for option, n in counts.items():
                if type(n) is int and 0 <= n < _MAX_INT:  # what parse_int gives, no problem
                    votes[str(group)][str(option)] = n
                    continue
                count, problem = V.parse_int(n)
                if problem or count is None or count < 0:
                    diags.append(diag("E206", f"票数“{n}”应为非负整数", loc, "votes", group, option))
                    continue
                votes[str(group)][str(option)] = count
        given = [k for k in _RESULT_FIELDS if raw.get(k) is not None]
        if not given:
            diags.append(diag("E202", "评议结果应给出 votes（票数）、band（档次）或 score（得分）之一", loc))
            usable = False
        elif not any(_readable(EVALUATION_FIELDS[k], raw[k]) for k in given):
            usable = False  # each unreadable result field is reported by read_record_partial
        if rec["period"] is None and raw.get("period") is not None:
            usable = False  # an unreadable period (reported): a half-year result must not count as the year's
        if not usable and unusable is None:
            continue
        (out if usable else unusable).append(
            Evaluation(year=year, member=rec["member"], votes=votes, band=rec["band"],
                       score=rec["score"], note=rec["note"] or "", loc=loc, period=rec["period"]))
    return out


def _readable(spec: Field, value) -> bool:
    """Whether ``value`` gives a value for the field (what read_record_partial keeps)."""
    got, problem = spec.parse(value)
    return got is not None or problem is None or problem.severity != "error"


def _build_objections(rel: str, data, diags, unusable: list[Objection] | None = None) -> list[Objection]:
    """The objection records of one year file.  A record with a required field missing
    or invalid goes to ``unusable`` (checked, never used)."""
    out = []
    for i, raw in enumerate(_top(data, rel, "objections", diags, "异议")):
        loc = Loc(rel, ("objections", i))
        rec, usable = read_record_partial(raw, loc, OBJECTION_FIELDS, "异议", diags)
        if rec is None or (not usable and unusable is None):
            continue
        (out if usable else unusable).append(
            Objection(id=rec["id"], entry=rec["entry"], by=rec["by"], date=rec["date"],
                      reason=rec["reason"], status=rec["status"] or "open",
                      resolution=rec["resolution"] or "", loc=loc))
    return out


def _build_meetings(rel: str, data, diags) -> list[Meeting]:
    """The sessions of one meetings/YEAR.yaml file (RULES.md §7.4).  A record whose
    ``date`` is missing or unreadable is reported and left out (it cannot be counted);
    a date outside the file's year is reported by checks (E407)."""
    out = []
    for i, raw in enumerate(_top(data, rel, "meetings", diags, "会议")):
        loc = Loc(rel, ("meetings", i))
        rec = read_record(raw, loc, MEETING_FIELDS, "会议记录", diags)
        if rec is None:
            continue
        out.append(Meeting(date=rec["date"], kind=rec["kind"], name=rec["name"] or "",
                           note=rec["note"] or "", loc=loc))
    return out


def _build_history(data, diags) -> dict[int, dict[str, str]]:
    """history.yaml: grades of years before this ledger, for multi-year rules::

        grades:
          2018: {M001: 合格, M002: 警示}
    """
    out: dict[int, dict[str, str]] = {}
    if data is None:
        return out
    for year, grades in (_mapping_under(data, HISTORY_FILE, "grades", diags) or {}).items():
        y, problem = V.parse_int(year)
        if problem or y is None or not isinstance(grades, dict):
            diags.append(diag("E201", f"历年等次“{year}”应写作 年份: {{党员编号: 等次}}", Loc(HISTORY_FILE),
                              "grades", year))
            continue
        out[y] = {str(k): str(v) for k, v in grades.items()}
    return out


def _mapping_under(data, rel, key, diags):
    if not isinstance(data, dict) or set(data) - {key}:
        diags.append(Diagnostic("E201", f"文件应只有“{key}:”一项（键值）", rel))
        return None
    value = data.get(key) or {}
    if not isinstance(value, dict):
        diags.append(diag("E201", f"“{key}”应为键值", Loc(rel), key))
        return None
    return value


_DOTS = re.compile(r"[\s\u00b7\u2022\u2027\u2219\u22c5\u30fb\uff65\uff0e.]+")


def name_key(name: str) -> str:
    """A name with spaces and middle-dot variants removed (阿卜杜拉 · 艾力 → 阿卜杜拉艾力)."""
    import unicodedata

    return _DOTS.sub("", unicodedata.normalize("NFKC", name))


def _resolve_member_names(ledger: Ledger, diags: list[Diagnostic]) -> None:
    """Entries, evaluations and objections may name a member instead of giving the id;
    a unique name is replaced by the id, an ambiguous one is reported (E307).  A name
    written with other spacing or another middle dot (阿卜杜拉.艾力, 张 三) is accepted
    with a warning when it matches exactly one member."""
    ids = {m.id for m in ledger.members}
    by_name: dict[str, list[str]] = {}
    by_key: dict[str, list[Member]] = {}
    for m in ledger.members:
        by_name.setdefault(m.name, []).append(m.id)
        by_key.setdefault(name_key(m.name), []).append(m)
    # only the records that do not give a known id need a look (most do)
    records = [(e, "member") for e in ledger.entries if e.member not in ids]
    records += [(ev, "member") for ev in ledger.evaluations if ev.member not in ids]
    records += [(e, "member") for e in unusable_entries(ledger) if e.member is not None and e.member not in ids]
    records += [(ev, "member") for ev in unusable_evaluations(ledger)
                if ev.member is not None and ev.member not in ids]
    records += [(ob, "by") for ob in list(ledger.objections) + unusable_objections(ledger)
                if ob.by is not None and ob.by not in ids]
    for rec, attr in records:
        value = getattr(rec, attr)
        if value not in by_name:
            similar = by_key.get(name_key(value), [])
            if len(similar) == 1 and name_key(value):
                m = similar[0]
                setattr(rec, attr, m.id)
                diags.append(diag("W302", f"姓名“{value}”与花名册中的“{m.name}”写法不同，已按 {m.id} / {m.name} 读取",
                                  rec.loc, attr, hint=f"建议照花名册写作“{m.name}”或写编号 {m.id}",
                                  severity="warning"))
            elif len(similar) > 1:
                diags.append(diag("E307", f"姓名“{value}”对应多名党员", rec.loc, attr,
                                  hint="请改用编号：" + "、".join(f"{m.id} / {m.name}" for m in similar)))
            continue
        candidates = by_name[value]
        if len(candidates) == 1:
            setattr(rec, attr, candidates[0])
        else:
            diags.append(diag("E307", f"姓名“{value}”对应多名党员", rec.loc, attr,
                              hint="请改用编号：" + "、".join(candidates)))
