"""Strict but forgiving parsing of the scalar values people type into a ledger.

Each parser returns ``(value, problem)``; ``problem`` is ``None`` or a
:class:`Problem` (code, Chinese message, hint, severity) that the caller attaches to a
location.  Unambiguous full-width input (２０１９－０１－１５, －２) is accepted with a
warning; anything else is refused with a hint showing the expected form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .diagnostics import ERROR, WARNING

FULLWIDTH = str.maketrans(
    "０１２３４５６７８９－．＋：，／　",
    "0123456789-.+:,/ ",
)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_LOOSE_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


@dataclass(slots=True)
class Problem:
    code: str
    message: str
    hint: str | None = None
    severity: str = ERROR


def _to_halfwidth(text: str) -> tuple[str, bool]:
    converted = text.translate(FULLWIDTH)
    return converted, converted != text


#: numbers beyond this are typing mistakes (points, hours and app points are far smaller)
MAX_NUMBER = Decimal(10) ** 9


def show(value, limit: int = 40) -> str:
    """User text for a message: shortened (control characters are made inert by
    Diagnostic.format)."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _describe(value) -> str:
    if isinstance(value, dict):
        return "键值（映射）"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, bool):
        return "真假值"
    if value is None:
        return "空值"
    return f"“{show(value)}”"


def parse_date(value) -> tuple[date | None, Problem | None]:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return None, Problem("E205", f"应为日期，实际是{_describe(value)}",
                             "日期写作 2019-01-15")
    text, fullwidth = _to_halfwidth(str(value).strip())
    m = _DATE.match(text)
    if m:
        try:
            day = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None, Problem("E205", f"日期“{show(value)}”不存在", _no_such_day(int(m[1]), int(m[2]), int(m[3])))
        if fullwidth:
            return day, Problem("W201", f"日期“{show(value)}”含全角字符，已按 {day.isoformat()} 读取",
                                "建议改为半角：" + day.isoformat(), WARNING)
        return day, None
    m = _LOOSE_DATE.match(text)
    if m:
        try:
            suggestion = date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            suggestion = "2019-01-15"
        return None, Problem("E205", f"日期“{show(value)}”格式不对", f"请写作 {suggestion}（年-月-日，月和日两位）")
    return None, Problem("E205", f"“{show(value)}”不是日期", "日期写作 2019-01-15")


def _no_such_day(year: int, month: int, day: int) -> str:
    """Why year-month-day is not a date, as a hint."""
    import calendar

    if not 1 <= month <= 12:
        return f"月份只能是 01—12，这里写了 {month:02d}；检查月份和日子"
    if year < 1:
        return "检查年份"
    last = calendar.monthrange(year, month)[1]
    return f"{year}年{month}月只有 {last} 天（01—{last}），这里写了 {day:02d}；检查月份和日子"


_CHINESE_NUMBERS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
                    "七": 7, "八": 8, "九": 9, "十": 10, "半": "0.5"}


def parse_decimal(value) -> tuple[Decimal | None, Problem | None]:
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        return None, Problem("E206", f"应为数字，实际是{_describe(value)}", "例如 2 或 0.5")
    if isinstance(value, int):
        if abs(value) >= MAX_NUMBER:
            return None, Problem("E206", f"数字 {show(value)} 过大", "检查是否多打了数字")
        return Decimal(value), None
    if len(str(value)) > 60:
        return None, Problem("E206", f"“{show(value)}”不是数字", "只写阿拉伯数字，例如 2 或 0.5")
    text, fullwidth = _to_halfwidth(str(value).strip())
    if text.endswith("分"):
        text = text[:-1].strip()
    if _DECIMAL.match(text):
        number = Decimal(text)
        if abs(number) >= MAX_NUMBER:
            return None, Problem("E206", f"数字“{show(value)}”过大", "检查是否多打了数字")
        if fullwidth:
            return number, Problem("W202", f"数字“{show(value)}”含全角字符，已按 {number} 读取",
                                   f"建议改为半角：{number}", WARNING)
        if str(value).strip().endswith("分"):
            return number, Problem("W202", f"数字“{show(value)}”带了“分”字，已按 {number} 读取",
                                   f"只写数字即可：{number}", WARNING)
        return number, None
    hint = "只写阿拉伯数字，例如 2 或 0.5"
    meant = _chinese_number(text)
    if meant is not None:
        if str(value).strip().endswith("分"):  # points: written positive, the item decides the sign
            hint = f"请用阿拉伯数字：“{show(value)}”写作 {meant.lstrip('-')}（分值写正数，加分还是扣分由项目决定）"
        else:
            hint = f"请用阿拉伯数字：“{show(value)}”写作 {meant}"
    elif text and all(ch in _CHINESE_NUMBERS or ch in "负分次个" for ch in text):
        hint = "请用阿拉伯数字，例如“两分”写作 2（分值写正数，加分还是扣分由项目决定）"
    return None, Problem("E206", f"“{show(value)}”不是数字", hint)


def _chinese_number(text: str) -> str | None:
    """Simple Chinese numerals people type for a number (两分、五次、十二、半、一个半) →
    the Arabic form ("2", "5", "12", "0.5", "1.5"); None when it is not one."""
    text = text.strip()
    for unit in ("分", "次", "个", "小时"):
        if text.endswith(unit) and len(text) > len(unit):
            text = text[:-len(unit)]
            break
    sign = ""
    if text.startswith("负"):
        sign, text = "-", text[1:]
    half = Decimal(0)
    if text.endswith("半") and len(text) > 1:  # 一个半 / 两个半
        half, text = Decimal("0.5"), text[:-1].removesuffix("个")
    if text == "半":
        value = Decimal("0.5")
    elif not text or any(ch not in _CHINESE_NUMBERS or ch == "半" for ch in text):
        return None
    elif "十" in text:
        head, _, tail = text.partition("十")
        if "十" in tail or len(head) > 1 or len(tail) > 1:
            return None
        tens = _CHINESE_NUMBERS[head] if head else 1
        ones = _CHINESE_NUMBERS[tail] if tail else 0
        if tens == 0:
            return None
        value = Decimal(tens * 10 + ones)
    elif len(text) == 1:
        value = Decimal(_CHINESE_NUMBERS[text])
    else:
        return None
    value += half
    return sign + (str(value.normalize()) if value != value.to_integral_value() else str(int(value)))


def parse_int(value) -> tuple[int | None, Problem | None]:
    number, problem = parse_decimal(value)
    if number is None:
        return None, problem
    if number != number.to_integral_value():
        return None, Problem("E206", f"“{show(value)}”应为整数", "例如 5")
    return int(number), problem


def parse_text(value) -> tuple[str | None, Problem | None]:
    if isinstance(value, (dict, list)) or isinstance(value, bool):
        return None, Problem("E201", f"应为文字，实际是{_describe(value)}",
                             "文字里有冒号、井号等符号时请加引号")
    if value is None:
        return None, None
    return str(value), None


def parse_id(value) -> tuple[str | None, Problem | None]:
    text, problem = parse_text(value)
    if text is None:
        return None, problem
    import unicodedata

    half, fullwidth = _to_halfwidth(text.strip())
    normal = unicodedata.normalize("NFKC", half).strip()  # full-width letters: Ｍ００１ → M001
    fullwidth = fullwidth or normal != half
    half = normal
    if not half:
        return None, Problem("E204", "编号不能为空")
    if fullwidth:
        return half, Problem("W203", f"编号“{show(text)}”含全角字符，已按“{half}”读取",
                             f"建议改为半角：{half}", WARNING)
    return half, None


def parse_bool(value) -> tuple[bool | None, Problem | None]:
    if isinstance(value, bool):
        return value, None
    words = {"是": True, "否": False, "yes": True, "no": False}
    if isinstance(value, str) and value.strip().lower() in words:
        return words[value.strip().lower()], None
    return None, Problem("E201", f"应为 true 或 false，实际是{_describe(value)}")


def parse_text_list(value) -> tuple[list[str] | None, Problem | None]:
    if value is None:
        return [], None
    if isinstance(value, str):
        # "书记、委员" or "书记, 委员": accept a separated list on one line
        parts = [p.strip() for p in re.split(r"[、,，;；]", value) if p.strip()]
        return parts, None
    if not isinstance(value, list):
        return None, Problem("E201", f"应为列表，实际是{_describe(value)}", "例如 [支部书记, 组织委员]")
    out = []
    for item in value:
        text, problem = parse_text(item)
        if problem:
            return None, problem
        if text is not None:
            out.append(text)
    return out, None


def suggest(word: str, candidates, n: int = 3) -> list[str]:
    """Nearest candidates for a mistyped word (did you mean …?)."""
    import difflib

    word = str(word)
    cands = [str(c) for c in candidates]
    hits = difflib.get_close_matches(word, cands, n=n, cutoff=0.5)
    if not hits:
        lowered = {c.lower(): c for c in cands}
        hits = [lowered[h] for h in difflib.get_close_matches(word.lower(), list(lowered), n=n, cutoff=0.5)]
    if not hits:
        # ids like "M32" vs "M032"/"M023": compare the digits
        digits = re.sub(r"\D", "", word)
        if digits:
            hits = [c for c in cands if re.sub(r"\D", "", c).lstrip("0") == digits.lstrip("0")][:n]
            if not hits:
                hits = [c for c in cands if sorted(re.sub(r"\D", "", c).lstrip("0")) == sorted(digits.lstrip("0"))][:n]
    return hits
