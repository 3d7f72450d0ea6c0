"""Parse and validate raw rules data (as loaded from YAML: dates and decimals are
strings) into a :class:`~jifen_cli.core.rules.model.Scheme`.

Every problem becomes a Diagnostic (E5xx) pointing at the rules file and keypath;
nothing here raises.
"""

from __future__ import annotations

import difflib
import re
from decimal import Decimal, InvalidOperation

from ..diagnostics import Diagnostic, diag
from ..model import STATUSES, Loc
from . import formula as fm
from .model import (
    ACCOUNT, BASE, BONUS, DEDUCTING, EVALUATION, FORMULA, FULL_KINDS, SECTION_KINDS,
    Absence, Band, Charge, ClassDef, Condition, Evaluation, Exempt, Investigation, Item,
    Liability, Modifier, Part, Quota, Rounding, Scale, Scheme, Section, StatusDef, Total,
    Veto, YearRule,
)

CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
NONE_WORDS = ("none", "无", "不设")

TOP_KEYS = ("format", "scheme", "source", "rounding", "period", "combine", "sections", "total",
            "classes", "statuses", "exempt", "investigation", "modifiers", "liability",
            "absence", "grades", "rules", "schedule", "notes")
SECTION_KEYS = ("code", "name", "kind", "full", "cap", "floor", "parts", "items", "yearly",
                "formula", "method", "options", "groups", "bands", "periods", "combine", "note")
PART_KEYS = ("code", "name", "full", "items", "note")
ITEM_KEYS = ("code", "name", "points", "per", "open", "levels", "highest_only", "max_count",
             "cap", "zero", "veto", "grade", "no_grade", "classes", "modifiers", "deduct", "sanction", "note")
TOTAL_KEYS = ("method", "weights", "formula", "full", "cap", "floor", "overflow")
CLASS_KEYS = ("name", "sections", "total", "evaluation_only", "note")
STATUS_KEYS = ("graded", "scales", "reason")
SCALE_KEYS = ("scale", "bands", "of")
BAND_KEYS = ("name", "min", "above", "max", "below", "require", "else", "quota", "forced")
QUOTA_KEYS = ("share", "mode", "of", "round", "tiebreak")
COND_KEYS = ("grade", "band", "status", "class", "score_below", "score_at_least", "score_at_most", "section",
             "min", "max", "item", "count", "level", "rank_top", "rank_bottom", "round", "rank_among", "last",
             "years", "times")
RULE_KEYS = ("name", "when", "grade", "outcome", "stop")
ABSENCE_KEYS = ("code", "name", "kind", "items", "measure", "min", "min_by_class", "min_by_post", "section",
                "part", "points", "zero", "veto", "grade", "months", "without", "with",
                "missed", "sessions", "below")
#: keys that belong to one kind of absence rule only
ABSENCE_KIND_KEYS = {"minimum": ("items", "measure", "min", "min_by_class", "min_by_post"),
                     "consecutive": ("months", "without", "with"),
                     "rate": ("missed", "sessions", "below")}
ABSENCE_KIND_NAMES = {"minimum": "minimum（年度最低）", "consecutive": "consecutive（连续 N 个月）",
                      "rate": "rate（年度参学参会率）"}
LIABILITY_KEYS = ("min", "section", "part", "charge")
CHARGE_KEYS = ("post", "member", "share", "same_group", "fallback")
MODIFIER_KEYS = ("rate", "sections", "posts")
ROUND_MODES = ("half_up", "down", "half_even")
MAX_PLACES = 6
PERIODS = ("month", "quarter", "half", "year")


class _Ctx:
    def __init__(self, file: str):
        self.file = file
        self.diags: list[Diagnostic] = []
        self.loc = Loc(file)

    def err(self, code, message, path, hint=None):
        self.diags.append(diag(code, message, self.loc, *path, hint=hint))

    # ---- shape helpers --------------------------------------------------------
    def mapping(self, data, path, what) -> dict | None:
        if data is None:
            return None
        if not isinstance(data, dict):
            self.err("E510", f"{what}应为键值表（映射）", path)
            return None
        return data

    def listing(self, data, path, what) -> list:
        if data is None:
            return []
        if not isinstance(data, list):
            self.err("E510", f"{what}应为列表", path)
            return []
        return data

    def keys(self, data: dict, allowed, path, required=()):
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.5)
                hint = f"是不是想写 {close[0]}？" if close else f"可用的键：{', '.join(allowed)}"
                self.err("E501", f"未知的键“{key}”", path + (key,), hint=hint)
        for key in required:
            if key not in data or data[key] is None:
                self.err("E511", f"缺少必填键“{key}”", path)

    def dec(self, value, path, what="数值", *, none_ok=False):
        """A Decimal from an int or string (``2.5``, ``20%``); None when absent."""
        if value is None:
            return None
        if none_ok and isinstance(value, str) and value.strip().lower() in NONE_WORDS:
            return None
        if isinstance(value, bool):
            self.err("E510", f"{what}应为数字，不能是是/否", path)
            return None
        text = str(value).strip().replace("％", "%")
        scale = Decimal(1)
        if text.endswith("%"):
            text, scale = text[:-1], Decimal("0.01")
        try:
            number = Decimal(text) * scale
        except InvalidOperation:
            self.err("E510", f"{what}“{value}”不是合法的数字", path)
            return None
        if not number.is_finite():
            self.err("E510", f"{what}“{value}”不是合法的数字", path)
            return None
        return number

    def integer(self, value, path, what, minimum=0):
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.err("E510", f"{what}应为不小于 {minimum} 的整数", path)
            return None
        return value

    def text(self, value, path, what, required=False) -> str:
        if value is None:
            if required:
                self.err("E511", f"缺少{what}", path)
            return ""
        if not isinstance(value, (str, int)):
            self.err("E510", f"{what}应为文字", path)
            return ""
        return str(value)

    def names(self, value, path, what) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, (str, int)):
            return (str(value),)
        if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
            return tuple(str(v) for v in value)
        self.err("E510", f"{what}应为一个名称或名称列表", path)
        return ()

    def flag(self, value, path, what) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.err("E510", f"{what}应为 true 或 false", path)
            return False
        return value


# ---- entry point ---------------------------------------------------------------

def compile_rules(raw, file: str) -> tuple[Scheme | None, list[Diagnostic]]:
    """Compile raw rules data.  Returns ``(scheme, diagnostics)``; the scheme is None
    only when the file is too broken to score with."""
    ctx = _Ctx(file)
    data = ctx.mapping(raw, (), "规则文件")
    if data is None:
        if raw is None:
            ctx.err("E511", "规则文件为空", ())
        return None, ctx.diags
    ctx.keys(data, TOP_KEYS, (), required=("format", "scheme", "sections", "total"))
    fmt = data.get("format")
    if fmt is not None and str(fmt) != "1":
        ctx.err("E510", f"不支持的规则格式版本 {fmt}（目前为 1）", ("format",))
    rounding = _rounding(ctx, data.get("rounding"))
    period = data.get("period", "year")
    if period not in PERIODS:
        ctx.err("E510", f"period 应为 {' / '.join(PERIODS)} 之一", ("period",))
        period = "year"
    combine = data.get("combine", "sum")
    if combine not in ("sum", "average"):
        ctx.err("E510", "combine 应为 sum（相加）或 average（平均）", ("combine",))
        combine = "sum"

    sections = [s for s in (_section(ctx, raw_s, ("sections", i))
                            for i, raw_s in enumerate(ctx.listing(data.get("sections"), ("sections",), "sections")))
                if s is not None]
    scheme = Scheme(
        file=file,
        name=ctx.text(data.get("scheme"), ("scheme",), "方案名称"),
        source=ctx.text(data.get("source"), ("source",), "出处"),
        rounding=rounding, period=period, combine=combine, sections=sections,
        total=Total("sum"), classes={}, statuses={}, exempt=Exempt("excluded"),
        investigation=Investigation(None, "正在接受调查，暂不确定等次"), repeat=None, post=None,
        liability=[], absence=[], scales=[], rules=[],
    )
    _index_items(ctx, scheme)
    scheme.total = _total(ctx, data.get("total"), ("total",), scheme) or Total("sum")
    scheme.classes = _classes(ctx, data.get("classes"), scheme)
    scheme.scales = _scales(ctx, data.get("grades"), scheme)
    scheme.statuses = _statuses(ctx, data.get("statuses"), scheme)
    scheme.exempt = _exempt(ctx, data.get("exempt"), scheme)
    scheme.investigation = _investigation(ctx, data.get("investigation"), scheme)
    scheme.repeat, scheme.post = _modifiers(ctx, data.get("modifiers"), scheme)
    scheme.liability = _liabilities(ctx, data.get("liability"), scheme)
    scheme.absence = _absences(ctx, data.get("absence"), scheme)
    scheme.rules = _year_rules(ctx, data.get("rules"), scheme)
    scheme.schedule = _schedule(ctx, data.get("schedule"))
    _check_item_grades(ctx, scheme)
    _check_formula_cycles(ctx, scheme)
    if not sections:
        ctx.err("E511", "至少需要一个板块（sections）", ("sections",))
        return None, ctx.diags
    return scheme, ctx.diags


# ---- pieces ----------------------------------------------------------------------

def _rounding(ctx, raw) -> Rounding:
    data = ctx.mapping(raw, ("rounding",), "rounding")
    if not data:
        return Rounding()
    ctx.keys(data, ("places", "mode"), ("rounding",))
    places = ctx.integer(data.get("places", 2), ("rounding", "places"), "小数位数")
    if places is not None and not 0 <= places <= MAX_PLACES:
        ctx.err("E510", f"小数位数应为 0 到 {MAX_PLACES} 之间的整数，实际是 {places}", ("rounding", "places"),
                hint="积分通常保留 1 或 2 位小数")
        places = None
    mode = data.get("mode", "half_up")
    if mode not in ROUND_MODES:
        ctx.err("E510", f"取整方式应为 {' / '.join(ROUND_MODES)} 之一", ("rounding", "mode"))
        mode = "half_up"
    return Rounding(2 if places is None else places, mode)


def _code(ctx, data, path, what) -> str:
    code = data.get("code")
    if code is None:
        ctx.err("E511", f"{what}缺少代码 code", path)
        return ""
    code = str(code)
    if not CODE_RE.match(code):
        ctx.err("E510", f"{what}代码“{code}”只能用英文字母、数字和下划线，且以字母开头", path + ("code",))
    return code


def _section(ctx, raw, path) -> Section | None:
    data = ctx.mapping(raw, path, "板块")
    if data is None:
        return None
    ctx.keys(data, SECTION_KEYS, path, required=("code", "name", "kind"))
    code = _code(ctx, data, path, "板块")
    kind = data.get("kind")
    if kind not in SECTION_KINDS:
        close = difflib.get_close_matches(str(kind), SECTION_KINDS, n=1)
        ctx.err("E510", f"板块类型“{kind}”不存在", path + ("kind",),
                hint=f"是不是想写 {close[0]}？" if close else f"可用：{', '.join(SECTION_KINDS)}")
        kind = BONUS
    full = ctx.dec(data.get("full"), path + ("full",), "满分")
    if kind in (BASE, "accrue", EVALUATION) and full is None:
        ctx.err("E511", f"{_kind_name(kind)}板块必须写满分 full", path)
        full = Decimal(0)
    cap = ctx.dec(data.get("cap"), path + ("cap",), "上限", none_ok=True)
    default_floor = Decimal(0) if kind in (BASE, "accrue", BONUS, EVALUATION) else None
    floor = ctx.dec(data.get("floor"), path + ("floor",), "下限", none_ok=True) \
        if "floor" in data else default_floor
    section = Section(code=code, name=ctx.text(data.get("name"), path + ("name",), "板块名称"),
                      kind=kind, full=full, cap=cap, floor=floor, parts=[], items=[],
                      yearly=ctx.flag(data.get("yearly"), path + ("yearly",), "yearly") or kind == EVALUATION,
                      path=path)
    if kind == FORMULA:
        section.formula_text = str(data.get("formula") or "")
        section.formula = _parse_formula(ctx, data.get("formula"), path + ("formula",))
    if kind == EVALUATION:
        section.evaluation = _evaluation(ctx, data, path, full)
    for i, raw_part in enumerate(ctx.listing(data.get("parts"), path + ("parts",), "parts")):
        part = _part(ctx, raw_part, path + ("parts", i), section)
        if part:
            section.parts.append(part)
    section.items = _items(ctx, data.get("items"), path + ("items",), section, None)
    if section.parts and full is not None:
        total = sum((p.full for p in section.parts), Decimal(0))
        if total != full:
            ctx.err("E504", f"板块“{section.name}”各分项满分之和为 {total}，与板块满分 {full} 不一致",
                    path + ("parts",))
    if kind in (EVALUATION, FORMULA, ACCOUNT) and section.parts:
        ctx.err("E510", f"{_kind_name(kind)}板块不能有分项 parts", path + ("parts",))
    if kind in (EVALUATION, FORMULA) and section.items:
        ctx.err("E510", f"{_kind_name(kind)}板块不能有项目 items", path + ("items",))
    return section


def _kind_name(kind):
    return {"base": "基础分倒扣", "accrue": "累加", "bonus": "加分", "penalty": "扣减分",
            "evaluation": "民主评议", "formula": "公式", "account": "累计账户"}.get(kind, kind)


def _part(ctx, raw, path, section) -> Part | None:
    data = ctx.mapping(raw, path, "分项")
    if data is None:
        return None
    ctx.keys(data, PART_KEYS, path, required=("code", "name", "full"))
    code = _code(ctx, data, path, "分项")
    full = ctx.dec(data.get("full"), path + ("full",), "分项满分") or Decimal(0)
    part = Part(code, ctx.text(data.get("name"), path + ("name",), "分项名称"), full, [])
    part.items = _items(ctx, data.get("items"), path + ("items",), section, code)
    return part


def _items(ctx, raw, path, section, part) -> list[Item]:
    out = []
    for i, raw_item in enumerate(ctx.listing(raw, path, "items")):
        item = _item(ctx, raw_item, path + (i,), section, part)
        if item:
            out.append(item)
    return out


def _grade_map(ctx, raw, path) -> dict[str, str]:
    data = ctx.mapping(raw, path, "强制等次")
    if not data:
        return {}
    return {str(k): str(v) for k, v in data.items()}


def _veto(ctx, raw, path) -> Veto | None:
    if raw is True:
        return Veto(Decimal(0), {})
    data = ctx.mapping(raw, path, "一票否决")
    if data is None:
        return None
    ctx.keys(data, ("score", "grade"), path)
    score_raw = data.get("score", 0)
    score = None if str(score_raw).strip().lower() == "keep" else ctx.dec(score_raw, path + ("score",), "否决后分数")
    return Veto(score, _grade_map(ctx, data.get("grade"), path + ("grade",)))


def _item(ctx, raw, path, section, part) -> Item | None:
    data = ctx.mapping(raw, path, "项目")
    if data is None:
        return None
    ctx.keys(data, ITEM_KEYS, path, required=("code", "name"))
    item = Item(code=_code(ctx, data, path, "项目"),
                name=ctx.text(data.get("name"), path + ("name",), "项目名称"),
                section=section.code, part=part, path=path)
    item.points = ctx.dec(data.get("points"), path + ("points",), "分值")
    item.per = ctx.dec(data.get("per"), path + ("per",), "计分单位")
    if item.per is not None and item.per <= 0:
        ctx.err("E510", "per（计分单位）必须大于 0", path + ("per",))
        item.per = None
    if item.per is not None and item.points is None:
        ctx.err("E511", "写了 per 的项目必须同时写 points（每个单位的分值）", path)
    if "open" in data:
        rng = data["open"]
        if isinstance(rng, list) and len(rng) == 2:
            lo = ctx.dec(rng[0], path + ("open", 0), "酌情分下限")
            hi = ctx.dec(rng[1], path + ("open", 1), "酌情分上限")
            if lo is not None and hi is not None:
                if lo > hi:
                    ctx.err("E510", f"酌情分范围 [{lo}, {hi}] 下限大于上限", path + ("open",))
                item.open = (min(lo, hi), max(lo, hi))
        else:
            ctx.err("E510", "open 应写成 [下限, 上限]", path + ("open",))
    levels = ctx.mapping(data.get("levels"), path + ("levels",), "等级表")
    if levels is not None:
        item.levels = {}
        for name, pts in levels.items():
            if isinstance(pts, list) and len(pts) == 2:
                lo = ctx.dec(pts[0], path + ("levels", name, 0), f"等级“{name}”的分值下限")
                hi = ctx.dec(pts[1], path + ("levels", name, 1), f"等级“{name}”的分值上限")
                lo, hi = lo or Decimal(0), hi if hi is not None else Decimal(0)
                if lo > hi:
                    ctx.err("E510", f"等级“{name}”的分值范围下限大于上限", path + ("levels", name))
                item.level_ranges[str(name)] = (min(lo, hi), max(lo, hi))
                item.levels[str(name)] = min(lo, hi)
                continue
            value = ctx.dec(pts, path + ("levels", name), f"等级“{name}”的分值")
            item.levels[str(name)] = value if value is not None else Decimal(0)
        if not item.levels:
            ctx.err("E510", "等级表不能为空", path + ("levels",))
    hi_only = data.get("highest_only")
    if hi_only is True:
        hi_only = "item"
    if hi_only not in (None, False, "item", "subject"):
        ctx.err("E510", "highest_only 应为 item 或 subject", path + ("highest_only",))
        hi_only = None
    item.highest_only = hi_only or None
    if item.highest_only and not item.levels:
        ctx.err("E510", "highest_only 只能用于有等级表 levels 的项目", path + ("highest_only",))
    item.max_count = ctx.integer(data.get("max_count"), path + ("max_count",), "最多次数", 1)
    item.cap = ctx.dec(data.get("cap"), path + ("cap",), "项目上限")
    item.zero = ctx.flag(data.get("zero"), path + ("zero",), "zero（该项不得分）")
    item.veto = _veto(ctx, data.get("veto"), path + ("veto",)) if "veto" in data else None
    item.grades = _grade_map(ctx, data.get("grade"), path + ("grade",))
    item.no_grade = ctx.text(data.get("no_grade"), path + ("no_grade",), "不定等次理由") or None
    classes = data.get("classes")
    item.classes = ctx.names(classes, path + ("classes",), "classes") if classes is not None else None
    item.modifiers = data.get("modifiers", True) is not False
    item.deduct = ctx.flag(data.get("deduct"), path + ("deduct",), "deduct")
    item.sanction = ctx.flag(data.get("sanction"), path + ("sanction",), "sanction")
    if item.deduct and section.kind != ACCOUNT:
        ctx.err("E510", "deduct: true 只用于累计账户（account）板块中的扣分项目", path + ("deduct",))
    ways = [w for w in ("points", "open", "levels") if data.get(w) is not None]
    if len(ways) > 1:
        ctx.err("E510", f"项目计分方式只能是 points、open、levels 之一，这里写了 {'、'.join(ways)}", path)
    effects = item.zero or item.veto or item.grades or item.no_grade
    if not ways and not effects:
        ctx.err("E511", "项目须写分值（points / open / levels）或效果（zero / veto / grade / no_grade）", path)
    if item.zero and section.kind not in (BASE, "accrue"):
        ctx.err("E510", "zero（该项不得分）只能用于基础分倒扣或累加板块", path + ("zero",))
    return item


def _evaluation(ctx, data, path, full) -> Evaluation:
    method = data.get("method", "votes")
    if method not in ("votes", "band", "score"):
        ctx.err("E510", "评议方法 method 应为 votes（票数）、band（档次）或 score（直接给分）", path + ("method",))
        method = "score"
    ev = Evaluation(method)
    ev.periods = data.get("periods", "year")
    if ev.periods not in ("year", "half", "quarter"):
        ctx.err("E510", "评议 periods 应为 year、half 或 quarter", path + ("periods",))
        ev.periods = "year"
    ev.combine = data.get("combine", "average")
    if ev.combine not in ("average", "sum"):
        ctx.err("E510", "评议 combine 应为 average（平均）或 sum（相加）", path + ("combine",))
        ev.combine = "average"
    if method == "votes":
        options = ctx.mapping(data.get("options"), path + ("options",), "评议选项") or {}
        if not options:
            ctx.err("E511", "按票数评议须写 options（每个选项的分值）", path)
        for name, value in options.items():
            v = ctx.dec(value, path + ("options", name), f"选项“{name}”的分值")
            ev.options[str(name)] = v if v is not None else Decimal(0)
        groups = ctx.mapping(data.get("groups"), path + ("groups",), "评议组")
        if groups is not None:
            ev.groups = {}
            for name, value in groups.items():
                w = ctx.dec(value, path + ("groups", name), f"评议组“{name}”的权重")
                ev.groups[str(name)] = w if w is not None else Decimal(0)
            total = sum(ev.groups.values(), Decimal(0))
            if total != 1:
                ctx.err("E505", f"评议组权重合计为 {total * 100:f}%，应为 100%", path + ("groups",))
        if full is not None and ev.options and max(ev.options.values()) > full:
            ctx.err("E510", f"评议选项最高分值 {max(ev.options.values())} 超过板块满分 {full}", path + ("options",))
    elif method == "band":
        bands = ctx.mapping(data.get("bands"), path + ("bands",), "评议档次") or {}
        if not bands:
            ctx.err("E511", "按档次评议须写 bands", path)
        for name, value in bands.items():
            if isinstance(value, list) and len(value) == 2:
                lo = ctx.dec(value[0], path + ("bands", name, 0), "档次分值")
                hi = ctx.dec(value[1], path + ("bands", name, 1), "档次分值")
                lo, hi = lo or Decimal(0), hi if hi is not None else Decimal(0)
            else:
                lo = hi = ctx.dec(value, path + ("bands", name), "档次分值") or Decimal(0)
            if lo > hi:
                ctx.err("E510", f"评议档次“{name}”下限大于上限", path + ("bands", name))
            if full is not None and hi > full:
                ctx.err("E510", f"评议档次“{name}”分值超过板块满分 {full}", path + ("bands", name))
            ev.bands[str(name)] = (lo, hi)
    return ev


def _parse_formula(ctx, text, path):
    try:
        node = fm.parse(text if isinstance(text, str) else "")
    except fm.FormulaError as e:
        ctx.err("E506", f"公式错误：{e.message}", path)
        return None
    if fm.literal_zero_divisors(node):
        ctx.err("E507", "公式中有除以 0", path)
    return node


def _index_items(ctx, scheme: Scheme):
    seen: dict[str, tuple] = {}
    for s in scheme.sections:
        for code, where in [(s.code, s.path)] + [(p.code, s.path + ("parts",)) for p in s.parts]:
            if code in seen:
                ctx.err("E502", f"代码“{code}”重复", where)
            seen[code] = where
        for item in s.all_items():
            if item.code in seen:
                ctx.err("E502", f"代码“{item.code}”重复", item.path + ("code",))
            seen[item.code] = item.path
            scheme.items[item.code] = item


def _section_ref(ctx, scheme, code, path, what="板块", kinds=None) -> str | None:
    if code is None:
        return None
    code = str(code)
    section = scheme.section(code)
    if section is None:
        close = difflib.get_close_matches(code, [s.code for s in scheme.sections], n=1)
        ctx.err("E503", f"{what}引用了不存在的板块“{code}”", path,
                hint=f"是不是想写 {close[0]}？" if close else None)
        return None
    if kinds and section.kind not in kinds:
        ctx.err("E510", f"{what}引用的板块“{code}”类型为 {section.kind}，应为 {' / '.join(kinds)}", path)
    return code


def _item_ref(ctx, scheme, code, path, what="规则"):
    if str(code) not in scheme.items:
        close = difflib.get_close_matches(str(code), list(scheme.items), n=1)
        ctx.err("E503", f"{what}引用了不存在的项目“{code}”", path,
                hint=f"是不是想写 {close[0]}？" if close else None)
        return False
    return True


def _total(ctx, raw, path, scheme, for_class=None) -> Total | None:
    data = ctx.mapping(raw, path, "总分 total")
    if data is None:
        return None
    ctx.keys(data, TOTAL_KEYS, path, required=("method",))
    method = data.get("method", "sum")
    if method not in ("sum", "weights", "formula"):
        ctx.err("E510", "总分算法 method 应为 sum、weights 或 formula", path + ("method",))
        method = "sum"
    total = Total(method)
    total.full = ctx.dec(data.get("full"), path + ("full",), "总分满分")
    total.cap = ctx.dec(data.get("cap"), path + ("cap",), "总分上限", none_ok=True)
    total.floor = ctx.dec(data.get("floor"), path + ("floor",), "总分下限", none_ok=True)
    if total.cap is not None and total.floor is not None and total.floor > total.cap:
        ctx.err("E510", "总分下限大于上限", path)
    sections = scheme.sections_for(for_class) if for_class else scheme.sections
    counted = [s for s in sections if s.kind != ACCOUNT]
    if data.get("overflow") is not None:
        total.overflow = _section_ref(ctx, scheme, data["overflow"], path + ("overflow",), "overflow", (ACCOUNT,))
        if total.cap is None:
            ctx.err("E511", "写了 overflow 须同时写 cap（超过 cap 的部分转入累计账户）", path)
    if method == "weights":
        weights = ctx.mapping(data.get("weights"), path + ("weights",), "权重") or {}
        for code, w in weights.items():
            ref = _section_ref(ctx, scheme, code, path + ("weights", code), "权重")
            value = ctx.dec(w, path + ("weights", code), "权重")
            if ref and value is not None:
                total.weights[ref] = value
        missing = [s.code for s in counted if s.code not in weights]
        if missing:
            ctx.err("E505", f"权重中缺少板块：{'、'.join(missing)}（penalty 扣减分板块一般写 1）", path + ("weights",))
        if total.full is not None:
            covered = sum((_full_value(s) * total.weights.get(s.code, Decimal(0))
                           for s in counted if _full_value(s) is not None), Decimal(0))
            if covered != total.full:
                ctx.err("E505", f"各板块满分 × 权重之和为 {covered.normalize():f}，与总分满分 {total.full} 不一致",
                        path + ("weights",))
    elif method == "formula":
        total.formula_text = str(data.get("formula") or "")
        total.formula = _parse_formula(ctx, data.get("formula"), path + ("formula",))
        if total.formula is not None:
            for name in sorted(fm.names(total.formula)):
                _section_ref(ctx, scheme, name, path + ("formula",), "公式")
    elif data.get("weights") is not None or data.get("formula") is not None:
        ctx.err("E510", "method: sum 时不用写 weights 或 formula", path)
    return total


def _full_value(section: Section) -> Decimal | None:
    """What a section contributes at most, for the weights check: the full value of a
    base/accrue/evaluation section, the cap of a capped bonus section."""
    if section.kind in FULL_KINDS:
        return section.full
    if section.kind == BONUS:
        return section.cap
    return None


def _check_formula_cycles(ctx, scheme):
    deps = {}
    for s in scheme.sections:
        if s.kind == FORMULA and s.formula is not None:
            refs = fm.names(s.formula)
            for name in sorted(refs):
                _section_ref(ctx, scheme, name, s.path + ("formula",), f"板块“{s.name}”的公式")
            deps[s.code] = {r for r in refs if scheme.section(r) is not None}
    state: dict[str, int] = {}

    def visit(code, trail):
        if state.get(code) == 2:
            return
        if state.get(code) == 1:
            cycle = trail[trail.index(code):] + [code]
            ctx.err("E508", f"公式循环引用：{' → '.join(cycle)}", scheme.section(code).path + ("formula",))
            return
        state[code] = 1
        for d in sorted(deps.get(code, ())):
            visit(d, trail + [code])
        state[code] = 2

    for code in deps:
        visit(code, [])


def _classes(ctx, raw, scheme) -> dict[str, ClassDef]:
    data = ctx.mapping(raw, ("classes",), "classes")
    out = {}
    for code, body in (data or {}).items():
        path = ("classes", code)
        body = ctx.mapping(body, path, f"类别“{code}”") or {}
        ctx.keys(body, CLASS_KEYS, path)
        cls = ClassDef(str(code), ctx.text(body.get("name"), path + ("name",), "类别名称") or str(code))
        if body.get("sections") is not None:
            codes = ctx.names(body["sections"], path + ("sections",), "sections")
            cls.sections = tuple(c for c in codes if _section_ref(ctx, scheme, c, path + ("sections",), f"类别“{code}”"))
        out[str(code)] = cls
        scheme.classes[str(code)] = cls
        if body.get("total") is not None:
            cls.total = _total(ctx, body["total"], path + ("total",), scheme, for_class=str(code))
        if body.get("evaluation_only") is not None:
            cls.evaluation_only = _section_ref(ctx, scheme, body["evaluation_only"],
                                               path + ("evaluation_only",), "evaluation_only", (EVALUATION,))
    return out


def _statuses(ctx, raw, scheme) -> dict[str, StatusDef]:
    data = ctx.mapping(raw, ("statuses",), "statuses")
    out = {}
    for name, body in (data or {}).items():
        path = ("statuses", name)
        if name not in STATUSES:
            close = difflib.get_close_matches(str(name), STATUSES, n=1)
            ctx.err("E510", f"党员身份“{name}”不存在（应为 正式 / 预备 / 积极分子）", path,
                    hint=f"是不是想写 {close[0]}？" if close else None)
        body = ctx.mapping(body, path, f"身份“{name}”") or {}
        ctx.keys(body, STATUS_KEYS, path)
        st = StatusDef(str(name))
        if "graded" in body:
            st.graded = ctx.flag(body["graded"], path + ("graded",), "graded")
        if body.get("scales") is not None:
            st.scales = ctx.names(body["scales"], path + ("scales",), "scales")
            for s in st.scales:
                if scheme.scale(s) is None:
                    ctx.err("E503", f"身份“{name}”引用了不存在的等次表“{s}”", path + ("scales",))
        st.reason = ctx.text(body.get("reason"), path + ("reason",), "理由")
        out[str(name)] = st
    return out


def _exempt(ctx, raw, scheme) -> Exempt:
    data = ctx.mapping(raw, ("exempt",), "exempt")
    if not data:
        return Exempt("excluded")
    ctx.keys(data, ("method", "section"), ("exempt",))
    method = data.get("method", "excluded")
    if method not in ("excluded", "evaluation"):
        ctx.err("E510", "exempt.method 应为 excluded 或 evaluation", ("exempt", "method"))
        method = "excluded"
    section = None
    if method == "evaluation":
        section = _section_ref(ctx, scheme, data.get("section"), ("exempt", "section"), "exempt", (EVALUATION,))
        if data.get("section") is None:
            ctx.err("E511", "exempt.method 为 evaluation 时须写 section（评议板块）", ("exempt",))
    return Exempt(method, section)


def _investigation(ctx, raw, scheme) -> Investigation:
    data = ctx.mapping(raw, ("investigation",), "investigation")
    if not data:
        return Investigation(None, "涉嫌违纪违法正在接受调查，暂不确定等次")
    ctx.keys(data, ("grade", "reason"), ("investigation",))
    grade = data.get("grade")
    grades = None
    if grade is not None and str(grade).lower() not in NONE_WORDS:
        grades = _grade_map(ctx, grade, ("investigation", "grade"))
        _check_grade_map(ctx, scheme, grades, ("investigation", "grade"))
    reason = ctx.text(data.get("reason"), ("investigation", "reason"), "理由") or "正在接受调查"
    return Investigation(grades, reason)


def _schedule(ctx, raw) -> dict[str, str]:
    """Informational deadlines, e.g. ``{compute_by: "01-20", file_by: "01-31", notice_days: 7}``."""
    data = ctx.mapping(raw, ("schedule",), "schedule") or {}
    out = {}
    for key, value in data.items():
        if isinstance(value, (dict, list)):
            ctx.err("E510", f"schedule.{key} 应为一个日期或数字", ("schedule", key))
            continue
        out[str(key)] = str(value)
    return out


def _check_grade_map(ctx, scheme, grades: dict, path):
    for scale_name, band in grades.items():
        scale = scheme.scale(scale_name)
        if scale is None:
            ctx.err("E503", f"引用了不存在的等次表“{scale_name}”", path + (scale_name,))
        elif scale.band(band) is None:
            ctx.err("E503", f"等次表“{scale_name}”中没有“{band}”", path + (scale_name,),
                    hint=f"可用：{'、'.join(b.name for b in scale.bands)}" if scale.bands else "该等次表还没有档次")


def _check_item_grades(ctx, scheme):
    for item in (it for s in scheme.sections for it in s.all_items()):
        _check_grade_map(ctx, scheme, item.grades, item.path + ("grade",))
        if item.veto:
            _check_grade_map(ctx, scheme, item.veto.grades, item.path + ("veto", "grade"))
        for c in item.classes or ():
            if scheme.classes and c not in scheme.classes:
                ctx.err("E503", f"项目引用了不存在的类别“{c}”", item.path + ("classes",))


def _modifiers(ctx, raw, scheme):
    data = ctx.mapping(raw, ("modifiers",), "modifiers")
    if not data:
        return None, None
    ctx.keys(data, ("repeat", "post"), ("modifiers",))
    out = []
    for key in ("repeat", "post"):
        path = ("modifiers", key)
        body = ctx.mapping(data.get(key), path, key)
        if not body:
            out.append(None)
            continue
        ctx.keys(body, MODIFIER_KEYS, path, required=("rate",))
        rate = ctx.dec(body.get("rate"), path + ("rate",), "上浮比例") or Decimal(0)
        sections = None
        if body.get("sections") is not None:
            sections = tuple(c for c in ctx.names(body["sections"], path + ("sections",), "sections")
                             if _section_ref(ctx, scheme, c, path + ("sections",), key, DEDUCTING))
        posts = None
        if key == "post" and body.get("posts") not in (None, "any"):
            posts = ctx.names(body["posts"], path + ("posts",), "posts")
        out.append(Modifier(rate, sections, posts))
    return out[0], out[1]


def _liabilities(ctx, raw, scheme) -> list[Liability]:
    out = []
    for i, body in enumerate(ctx.listing(raw, ("liability",), "liability")):
        path = ("liability", i)
        body = ctx.mapping(body, path, "连带扣分") or {}
        ctx.keys(body, LIABILITY_KEYS, path, required=("min", "section", "charge"))
        section = _section_ref(ctx, scheme, body.get("section"), path + ("section",), "连带扣分", DEDUCTING)
        part = body.get("part")
        if part is not None and section:
            if str(part) not in [p.code for p in scheme.section(section).parts]:
                ctx.err("E503", f"板块“{section}”中没有分项“{part}”", path + ("part",))
                part = None
        charges = []
        for j, c in enumerate(ctx.listing(body.get("charge"), path + ("charge",), "charge")):
            cpath = path + ("charge", j)
            c = ctx.mapping(c, cpath, "承担人") or {}
            ctx.keys(c, CHARGE_KEYS, cpath, required=("share",))
            if not c.get("post") and not c.get("member"):
                ctx.err("E511", "承担人须写 post（职务）或 member（党员编号）", cpath)
            charges.append(Charge(
                post=str(c["post"]) if c.get("post") else None,
                member=str(c["member"]) if c.get("member") else None,
                share=ctx.dec(c.get("share"), cpath + ("share",), "连带比例") or Decimal(0),
                same_group=ctx.flag(c.get("same_group"), cpath + ("same_group",), "same_group"),
                fallback=str(c["fallback"]) if c.get("fallback") else None))
        if section:
            out.append(Liability(ctx.dec(body.get("min"), path + ("min",), "起点分值") or Decimal(0),
                                 section, charges, str(part) if part else None))
    return out


def _absences(ctx, raw, scheme) -> list[Absence]:
    out = []
    for i, body in enumerate(ctx.listing(raw, ("absence",), "absence")):
        path = ("absence", i)
        body = ctx.mapping(body, path, "缺失规则") or {}
        ctx.keys(body, ABSENCE_KEYS, path, required=("code", "name", "kind", "section"))
        kind = body.get("kind")
        if not isinstance(kind, str) or kind not in ABSENCE_KIND_KEYS:
            ctx.err("E510", "缺失规则 kind 应为 " + "、".join(ABSENCE_KIND_NAMES.values()) + " 之一",
                    path + ("kind",))
            continue
        for other, keys in ABSENCE_KIND_KEYS.items():
            for key in keys:
                if other != kind and key in body:
                    ctx.err("E510", f"{ABSENCE_KIND_NAMES[kind]}规则不用写 {key}（它属于 {ABSENCE_KIND_NAMES[other]}规则）",
                            path + (key,), hint=f"删去 {key}，或把 kind 改为 {other}")
        section = _section_ref(ctx, scheme, body.get("section"), path + ("section",), "缺失规则")
        if not section:
            continue
        part = str(body["part"]) if body.get("part") is not None else None
        if part and part not in [p.code for p in scheme.section(section).parts]:
            ctx.err("E503", f"板块“{section}”中没有分项“{part}”", path + ("part",))
            part = None
        a = Absence(code=_code(ctx, body, path, "缺失规则"), name=ctx.text(body.get("name"), path, "名称"),
                    kind=kind, section=section, part=part)
        for key, attr in (("items", "items"), ("without", "without"), ("with", "with_"), ("missed", "missed")):
            codes = ctx.names(body.get(key), path + (key,), key)
            setattr(a, attr, tuple(c for c in codes if _item_ref(ctx, scheme, c, path + (key,), "缺失规则")))
        a.measure = body.get("measure", "times")
        if a.measure not in ("times", "quantity"):
            ctx.err("E510", "measure 应为 times（次数）或 quantity（数量）", path + ("measure",))
            a.measure = "times"
        a.min = ctx.dec(body.get("min"), path + ("min",), "最低要求")
        for cls, v in (ctx.mapping(body.get("min_by_class"), path + ("min_by_class",), "min_by_class") or {}).items():
            if scheme.classes and cls not in scheme.classes:
                ctx.err("E503", f"min_by_class 引用了不存在的类别“{cls}”", path + ("min_by_class", cls))
            a.min_by_class[str(cls)] = ctx.dec(v, path + ("min_by_class", cls), "最低要求") or Decimal(0)
        for post, v in (ctx.mapping(body.get("min_by_post"), path + ("min_by_post",), "min_by_post") or {}).items():
            a.min_by_post[str(post)] = ctx.dec(v, path + ("min_by_post", post), "最低要求") or Decimal(0)
        a.points = ctx.dec(body.get("points"), path + ("points",), "分值")
        a.zero = ctx.flag(body.get("zero"), path + ("zero",), "zero")
        a.veto = _veto(ctx, body.get("veto"), path + ("veto",)) if "veto" in body else None
        a.grades = _grade_map(ctx, body.get("grade"), path + ("grade",))
        _check_grade_map(ctx, scheme, a.grades, path + ("grade",))
        if a.veto:
            _check_grade_map(ctx, scheme, a.veto.grades, path + ("veto", "grade"))
        if kind == "minimum":
            if a.min is None:
                ctx.err("E511", "minimum 规则须写 min", path)
            if not a.items:
                ctx.err("E511", "minimum 规则须写 items（统计哪些项目）", path)
        elif kind == "rate":
            _rate_keys(ctx, body, path, a)
        else:
            a.months = ctx.integer(body.get("months"), path + ("months",), "月数", 1) or 0
            if not a.months:
                ctx.err("E511", "consecutive 规则须写 months", path)
            if bool(a.without) == bool(a.with_):
                ctx.err("E511", "consecutive 规则须写 without 或 with 之一", path)
        if a.points is None and not (a.zero or a.veto or a.grades):
            ctx.err("E511", "缺失规则须写 points、zero、veto 或 grade", path)
        out.append(a)
    return out


def _rate_keys(ctx, body, path, a: Absence) -> None:
    """The keys of a ``kind: rate`` absence rule (RULES.md §7.4)."""
    if not a.missed and body.get("missed") is None:
        ctx.err("E511", "rate 规则须写 missed（哪些项目的条目算作无故缺席的次数）", path,
                hint="例如 missed: [absent_life]")
    if "sessions" in body:
        a.sessions = ctx.names(body.get("sessions"), path + ("sessions",), "sessions")
        if not a.sessions:
            ctx.err("E510", "sessions 不能为空；统计全部会议时不写 sessions", path + ("sessions",))
            a.sessions = None
        for code in a.sessions or ():
            if not CODE_RE.match(code):
                ctx.err("E510", f"会议类型“{code}”只能用英文字母、数字和下划线，且以字母开头", path + ("sessions",),
                        hint="与 meetings/年份.yaml 中 kind 的写法一致，如 org_life、study")
    raw = body.get("below")
    if raw is None:
        ctx.err("E511", "rate 规则须写 below（参学参会率低于多少时适用，如 80%）", path)
        return
    below = ctx.dec(raw, path + ("below",), "below")
    if below is None:
        return
    if not Decimal(0) < below <= 1:
        ctx.err("E510", f"below 应为大于 0、不超过 100% 的百分数，这里是“{raw}”", path + ("below",),
                hint="写成百分数，如 below: 80%")
        return
    a.below = below


def _condition(ctx, raw, path, scheme) -> Condition:
    data = ctx.mapping(raw, path, "条件") or {}
    ctx.keys(data, COND_KEYS, path)
    c = Condition()
    words = []
    for key in ("grade", "band"):
        if data.get(key) is not None:
            m = ctx.mapping(data[key], path + (key,), key) or {}
            target = {}
            for scale, bands in m.items():
                names = ctx.names(bands, path + (key, scale), key)
                target[str(scale)] = names
                for b in names:
                    _check_grade_map(ctx, scheme, {str(scale): b}, path + (key,))
                words.append(f"{scale}为{'或'.join(names)}")
            setattr(c, key, target)
    if data.get("status") is not None:
        c.status = ctx.names(data["status"], path + ("status",), "status")
        words.append(f"身份为{'或'.join(c.status)}")
    if data.get("class") is not None:
        c.classes = ctx.names(data["class"], path + ("class",), "class")
        for cl in c.classes:
            if cl not in scheme.classes:
                ctx.err("E503", f"条件引用了不存在的类别“{cl}”", path + ("class",))
        words.append(f"类别为{'或'.join(c.classes)}")
    c.score_at_most = ctx.dec(data.get("score_at_most"), path + ("score_at_most",), "score_at_most")
    if c.score_at_most is not None:
        words.append(f"总分不高于{c.score_at_most}")
    c.score_below = ctx.dec(data.get("score_below"), path + ("score_below",), "score_below")
    c.score_at_least = ctx.dec(data.get("score_at_least"), path + ("score_at_least",), "score_at_least")
    if c.score_below is not None:
        words.append(f"总分低于{c.score_below}")
    if c.score_at_least is not None:
        words.append(f"总分不低于{c.score_at_least}")
    if data.get("section") is not None:
        c.section = _section_ref(ctx, scheme, data["section"], path + ("section",), "条件")
        c.section_min = ctx.dec(data.get("min"), path + ("min",), "min")
        c.section_max = ctx.dec(data.get("max"), path + ("max",), "max")
        if c.section_min is None and c.section_max is None:
            ctx.err("E511", "section 条件须写 min 或 max", path)
        sec = scheme.section(c.section) if c.section else None
        name = sec.name if sec else data["section"]
        if c.section_min is not None:
            words.append(f"{name}不低于{c.section_min}分")
        if c.section_max is not None:
            words.append(f"{name}不高于{c.section_max}分")
    elif data.get("min") is not None or data.get("max") is not None:
        ctx.err("E511", "min / max 须和 section 一起写", path)
    if data.get("item") is not None:
        if _item_ref(ctx, scheme, data["item"], path + ("item",), "条件"):
            c.item = str(data["item"])
        c.count = ctx.integer(data.get("count", 1), path + ("count",), "count", 1) or 1
        item = scheme.items.get(str(data["item"]))
        words.append(f"有“{item.name if item else data['item']}”{'' if c.count == 1 else f'{c.count}次以上'}")
    if data.get("level") is not None:
        lv = ctx.mapping(data["level"], path + ("level",), "level") or {}
        ctx.keys(lv, ("items", "at_least"), path + ("level",), required=("items", "at_least"))
        c.level_items = tuple(i for i in ctx.names(lv.get("items"), path + ("level", "items"), "items")
                              if _item_ref(ctx, scheme, i, path + ("level", "items"), "条件"))
        c.level_at_least = str(lv.get("at_least")) if lv.get("at_least") is not None else None
        for code in c.level_items:
            levels = scheme.items[code].levels
            if not levels or c.level_at_least not in levels:
                ctx.err("E503", f"项目“{code}”的等级表中没有“{c.level_at_least}”", path + ("level", "at_least"))
        words.append(f"获得{c.level_at_least}及以上{'/'.join(scheme.items[i].name for i in c.level_items)}")
    c.rank_top = ctx.dec(data.get("rank_top"), path + ("rank_top",), "rank_top")
    c.rank_bottom = ctx.dec(data.get("rank_bottom"), path + ("rank_bottom",), "rank_bottom")
    c.rank_round = data.get("round", "floor")
    if c.rank_round not in ("floor", "ceil", "half_up"):
        ctx.err("E510", "round 应为 floor、ceil 或 half_up", path + ("round",))
        c.rank_round = "floor"
    c.last = ctx.flag(data.get("last"), path + ("last",), "last")
    among = ""
    if data.get("rank_among") is not None:
        c.rank_among = ctx.names(data.get("rank_among"), path + ("rank_among",), "rank_among")
        for name in c.rank_among:
            if name not in STATUSES:
                ctx.err("E510", f"rank_among 中的党员身份“{name}”不存在（应为 正式 / 预备 / 积极分子）",
                        path + ("rank_among",))
        if c.rank_top is None and c.rank_bottom is None and not c.last:
            ctx.err("E510", "rank_among 只与 rank_top、rank_bottom 或 last 一起使用", path + ("rank_among",))
        among = f"在{'、'.join(c.rank_among)}中"
    if c.rank_top is not None:
        words.append(f"{among}排名在前{_pct(c.rank_top)}")
    if c.rank_bottom is not None:
        words.append(f"{among}排名在后{_pct(c.rank_bottom)}")
    if c.last:
        words.append(f"{among}排名末位")
    c.years = ctx.integer(data.get("years", 1), path + ("years",), "years", 1) or 1
    c.times = ctx.integer(data.get("times", 1), path + ("times",), "times", 1) or 1
    text = "且".join(words) or "无条件"
    if c.years > 1:
        text = f"连续{c.years}年{text}"
    if c.times > 1:
        text = f"累计{c.times}次{text}"
    c.text = text
    return c


def _pct(d: Decimal) -> str:
    return f"{(d * 100).normalize():f}%"


def _scales(ctx, raw, scheme) -> list[Scale]:
    kept = []  # (index, scale, body) of each scale that is a mapping (or empty)
    for i, body in enumerate(ctx.listing(raw, ("grades",), "grades")):
        path = ("grades", i)
        if body is not None and ctx.mapping(body, path, "等次表") is None:
            continue  # not a mapping: reported once, nothing more to say about it
        body = body or {}
        ctx.keys(body, SCALE_KEYS, path, required=("scale", "bands"))
        scale = Scale(ctx.text(body.get("scale"), path + ("scale",), "等次表名称"), [])
        if body.get("of") is not None:
            scale.of = _section_ref(ctx, scheme, body["of"], path + ("of",), "等次表")
        kept.append((i, scale, body))
    # bands may refer to other scales (conditions), so compile them once all scales exist
    scheme.scales = [scale for _, scale, _ in kept]
    for i, scale, body in kept:
        path = ("grades", i)
        for j, b in enumerate(ctx.listing(body.get("bands"), path + ("bands",), "bands")):
            band = _band(ctx, b, path + ("bands", j), scheme)
            if band:
                if scale.bands and band.min is None and band.max is None and band.below is None:
                    band.forced = True  # no score range below the first band: reached only by else / force
                scale.bands.append(band)
        _check_bands(ctx, scale, path, scheme.rounding.unit)
    return scheme.scales


def _band(ctx, raw, path, scheme) -> Band | None:
    data = ctx.mapping(raw, path, "档次")
    if data is None:
        return None
    ctx.keys(data, BAND_KEYS, path, required=("name",))
    band = Band(ctx.text(data.get("name"), path + ("name",), "档次名称", required=True))
    band.min = ctx.dec(data.get("min"), path + ("min",), "min")
    band.max = ctx.dec(data.get("max"), path + ("max",), "max")
    band.below = ctx.dec(data.get("below"), path + ("below",), "below")
    band.above = ctx.dec(data.get("above"), path + ("above",), "above")
    if band.max is not None and band.below is not None:
        ctx.err("E510", "max 和 below 只能写一个", path)
    if band.min is not None and band.above is not None:
        ctx.err("E510", "min 和 above 只能写一个（min 含该分数，above 不含）", path)
    band.forced = ctx.flag(data.get("forced"), path + ("forced",), "forced")
    if band.forced and (band.min is not None or band.max is not None or band.below is not None
                        or band.above is not None):
        ctx.err("E510", "forced: true 的档次不按分数评定，不能写 min / above / max / below", path)
    band.require = [_condition(ctx, c, path + ("require", k), scheme)
                    for k, c in enumerate(ctx.listing(data.get("require"), path + ("require",), "require"))]
    band.otherwise = ctx.text(data.get("else"), path + ("else",), "else") or None
    if data.get("quota") is not None:
        q = ctx.mapping(data["quota"], path + ("quota",), "名额") or {}
        ctx.keys(q, QUOTA_KEYS, path + ("quota",), required=("share",))
        quota = Quota(ctx.dec(q.get("share"), path + ("quota", "share"), "名额比例") or Decimal(0))
        quota.mode = q.get("mode", "at_most")
        if quota.mode not in ("at_most", "top"):
            ctx.err("E510", "名额 mode 应为 at_most（不超过）或 top（排名在前）", path + ("quota", "mode"))
            quota.mode = "at_most"
        quota.of = q.get("of", "scored")
        if quota.of not in ("scored", "graded"):
            ctx.err("E510", "名额 of 应为 scored 或 graded", path + ("quota", "of"))
            quota.of = "scored"
        quota.round = q.get("round", "floor")
        if quota.round not in ("floor", "ceil", "half_up"):
            ctx.err("E510", "名额 round 应为 floor、ceil 或 half_up", path + ("quota", "round"))
            quota.round = "floor"
        quota.tiebreak = tuple(c for c in ctx.names(q.get("tiebreak"), path + ("quota", "tiebreak"), "tiebreak")
                               if _section_ref(ctx, scheme, c, path + ("quota", "tiebreak"), "tiebreak"))
        band.quota = quota
    return band


def _check_bands(ctx, scale: Scale, path, unit: Decimal):
    names = [b.name for b in scale.bands]
    for i, b in enumerate(scale.bands):
        bpath = path + ("bands", i)
        if names.count(b.name) > 1 and names.index(b.name) == i:
            ctx.err("E502", f"等次表“{scale.name}”中档次“{b.name}”重复", bpath)
        if b.otherwise is not None and b.otherwise not in names:
            ctx.err("E503", f"else 引用了不存在的档次“{b.otherwise}”", bpath + ("else",))
        if b.otherwise is not None and b.otherwise == b.name:
            ctx.err("E510", "else 不能是本档自己", bpath + ("else",))
        if b.forced:
            continue
        # compared at the rounding precision: the lowest and highest score the band takes
        low, high = b.lowest(unit), b.highest(unit)
        if low is not None and high is not None and high < low:
            ctx.err("E509", f"档次“{b.name}”的下限不低于上限", bpath)
        scored = [x for x in scale.bands[:i] if not x.forced]
        if not scored:
            continue
        prev = scored[-1]
        prev_low = prev.lowest(unit)
        if prev_low is None:
            ctx.err("E509", f"档次“{prev.name}”没有下限，其后的档次“{b.name}”永远用不到", bpath)
            continue
        since = f"{prev.min}分起" if prev.min is not None else f"高于{prev.above}分"
        expect = f"max: {prev.above}" if prev.above is not None else \
            f"max: {prev.min - unit} 或 below: {prev.min}"
        if high is None:
            ctx.err("E509", f"档次“{b.name}”没有上限，与上一档“{prev.name}”重叠（请写 {expect}）", bpath)
            continue
        if high >= prev_low:
            ctx.err("E509", f"档次“{b.name}”与上一档“{prev.name}”（{since}）重叠", bpath, hint=f"应写 {expect}")
        elif high + unit < prev_low:
            ctx.err("E509", f"档次“{b.name}”与上一档“{prev.name}”（{since}）之间有空档", bpath,
                    hint=f"应写 {expect}")
    _check_else_cycles(ctx, scale, path)


def _check_else_cycles(ctx, scale: Scale, path):
    """``else`` chains must end (RULES.md §11): A else B, B else A, both with ``require``,
    sends a member who meets neither band's conditions round in a circle.  Reported once
    per loop (E512), at its first band; a band naming itself is E510 above.  A loop through
    a band without ``require`` ends there (the walk stops at a band whose conditions hold,
    and a quota loser never follows an ``else`` back up): allowed, as §11 says."""
    names = [b.name for b in scale.bands]
    nxt = {}
    for b in scale.bands:
        if b.name not in nxt and b.otherwise in names and b.otherwise != b.name:
            nxt[b.name] = b.otherwise
    reported: set[str] = set()
    for start in names:
        chain, name = [], start
        while name in nxt and name not in chain:
            chain.append(name)
            name = nxt[name]
        if name not in chain or name in reported:
            continue
        loop = chain[chain.index(name):]
        reported.update(loop)
        if not all(scale.band(x).require for x in loop):
            continue  # a band of the loop takes whoever reaches it: the walk ends there
        first = min(loop, key=names.index)
        i = names.index(first)
        shown = loop[loop.index(first):] + loop[:loop.index(first)] + [first]
        ctx.err("E512", f"等次表“{scale.name}”的 else 形成循环：{' → '.join(shown)}",
                path + ("bands", i, "else"),
                hint="else 应指向最终能停下的档次：去掉其中一个 else，或改指向不再有 else 的档次")


def _year_rules(ctx, raw, scheme) -> list[YearRule]:
    out = []
    for i, body in enumerate(ctx.listing(raw, ("rules",), "rules")):
        path = ("rules", i)
        body = ctx.mapping(body, path, "年终规则") or {}
        ctx.keys(body, RULE_KEYS, path, required=("name", "when"))
        rule = YearRule(ctx.text(body.get("name"), path + ("name",), "规则名称"),
                        _condition(ctx, body.get("when"), path + ("when",), scheme))
        rule.grades = _grade_map(ctx, body.get("grade"), path + ("grade",))
        _check_grade_map(ctx, scheme, rule.grades, path + ("grade",))
        rule.outcome = ctx.text(body.get("outcome"), path + ("outcome",), "处置意见") or None
        rule.stop = ctx.flag(body.get("stop"), path + ("stop",), "stop")
        if not rule.grades and not rule.outcome:
            ctx.err("E511", "年终规则须写 grade 或 outcome", path)
        out.append(rule)
    return out
