"""Diagnostics: every problem is a value carrying its source, collected and reported
together (never raised one at a time).

A :class:`Diagnostic` names a file (relative to the branch root), a keypath inside it
and — once :func:`jifen_cli.core.yamlio.resolve_locations` has run — a line and column.
Messages and hints are Chinese; codes are stable and documented in docs/FORMAT.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"

#: exit codes shared by every command
EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_CANNOT_RUN = 2


#: C0 and C1 control characters, DEL, and the Unicode bidirectional/format controls that
#: can reorder or hide text on a terminal ("Trojan source"); line separators too
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def _escape(match: re.Match) -> str:
    ch = match.group()
    code = ord(ch)
    if ch == "\n":
        return "\\n"
    if ch == "\t":
        return "\\t"
    if ch == "\r":
        return "\\r"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(text) -> str:
    """``text`` safe to print on a terminal: control characters (ESC, BEL, carriage
    return, C1, bidi overrides...) are shown escaped (``\\x1b``), never interpreted."""
    text = "" if text is None else str(text)
    return _UNSAFE.sub(_escape, text)


@dataclass(slots=True)
class Diagnostic:
    code: str
    message: str
    file: str | None = None
    path: tuple = ()
    line: int | None = None
    col: int | None = None
    hint: str | None = None
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def format(self) -> str:
        """``file:line:column: CODE message（提示：hint）`` — one line, with any control
        characters from user text (names, keys, values) made inert (see :func:`inert`)."""
        where = inert(self.file or "(支部)")
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        level = "" if self.is_error else "警告 "
        text = f"{where}: {level}{inert(self.code)} {inert(self.message)}"
        if self.hint:
            text += f"（提示：{inert(self.hint)}）"
        return text

    def sort_key(self):
        return (self.file or "", self.line or 0, self.col or 0, self.code)

    def to_plain(self) -> list:
        """JSON-ready (the results memo keeps diagnostics this way)."""
        return [self.code, self.message, self.file, list(self.path), self.line, self.col,
                self.hint, self.severity]

    @classmethod
    def from_plain(cls, raw) -> Diagnostic:
        """Back from :meth:`to_plain`; ValueError when ``raw`` is not such a list."""
        try:
            code, message, file, path, line, col, hint, severity = raw
        except (TypeError, ValueError):
            raise ValueError("not a diagnostic") from None
        if not (isinstance(code, str) and isinstance(message, str) and isinstance(path, list)
                and isinstance(file, (str, type(None))) and isinstance(line, (int, type(None)))
                and isinstance(col, (int, type(None))) and isinstance(hint, (str, type(None)))
                and severity in (ERROR, WARNING)):
            raise ValueError("not a diagnostic")
        return cls(code, message, file, tuple(path), line, col, hint, severity)


def diag(code: str, message: str, loc=None, *keys, hint: str | None = None,
         severity: str = ERROR) -> Diagnostic:
    """Shorthand: ``diag("E301", "未知党员", entry.loc, "member", hint=...)``."""
    d = Diagnostic(code, message, hint=hint, severity=severity)
    if loc is not None:
        d.file = loc.file
        d.path = tuple(loc.path) + keys
    return d


class JifenError(Exception):
    """A failure that stops a command; carries diagnostics for the CLI to print.

    ``exit_code`` follows the shared convention (1 problems/refused, 2 could not run).
    """

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None,
                 exit_code: int = EXIT_CANNOT_RUN, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.diagnostics = list(diagnostics or [])
        self.exit_code = exit_code
        self.hint = hint


#: the catalogue of codes: code → short Chinese title (docs/FORMAT.md explains each)
CODES: dict[str, str] = {
    # E1xx files, encoding, YAML
    "E101": "文件无法读取",
    "E102": "文件编码无法识别",
    "E103": "YAML 语法错误",
    "E104": "YAML 中不允许的标签或结构",
    "E105": "文件过大",
    "E106": "缺少必需的文件",
    "E107": "键重复",
    # E2xx structure
    "E201": "类型错误",
    "E202": "缺少必填字段",
    "E203": "未知字段",
    "E204": "取值不合法",
    "E205": "日期格式错误",
    "E206": "数值格式错误",
    "E207": "文件名不合规",
    "E208": "格式版本不支持",
    # E3xx references
    "E301": "未知党员",
    "E302": "未知积分项目",
    "E303": "未知党员类别",
    "E304": "未知党员身份",
    "E305": "编号重复",
    "E306": "引用的条目不存在",
    "E307": "姓名有歧义",
    "E308": "规则文件不存在",
    # E4xx dates
    "E401": "条目日期不在所在月份文件内",
    "E402": "条目日期早于党员加入日期",
    "E403": "条目日期晚于党员离开日期",
    "E404": "不纳入积分管理的党员有积分条目",
    "E405": "日期范围不合理",
    "E406": "该日期没有适用的积分规则",
    "E407": "会议日期不在所在年份文件内",
    "E408": "条目的项目在年底有效的规则中没有（年中修订规则）",
    # W... warnings: the input was accepted as it was evidently meant (exit code unchanged)
    "W101": "文件不是 UTF-8 编码，已按其编码读取",
    "W102": "键后面用了全角冒号，已按英文冒号读取",
    "W201": "日期含全角字符，已按半角读取",
    "W202": "数字含全角字符或带“分”字，已按数字读取",
    "W203": "编号含全角字符，已按半角读取",
    "W300": "花名册无法读取，已跳过党员引用检查",
    "W301": "花名册中有同名党员",
    "W302": "姓名写法与花名册不同，已按唯一对应的党员读取",
    "W406": "月份文件没有适用的积分规则（文件为空）",
    "W408": "规则版本不在年初开始（整年按年底有效的规则计算）",
    "W410": "党员没有当年的民主评议结果",
    "W411": "条目日期晚于今天",
    "W412": "不纳入积分管理的党员有评议结果，不会被使用",
    "W601": "参学参会率规则无法判定（没有会议记录）",
    # E7xx audit
    # E5xx rules files (docs/RULES.md §15)
    "E501": "规则文件中有未知的键",
    "E502": "规则代码重复",
    "E503": "引用了不存在的板块、项目、类别或档次",
    "E504": "分项满分之和不等于板块满分",
    "E505": "权重合计不对",
    "E506": "公式语法错误",
    "E507": "公式除以 0",
    "E508": "公式循环引用",
    "E509": "等次档重叠或有空档",
    "E510": "规则取值不合法",
    "E511": "规则缺少必填键",
    "E512": "等次 else 循环",
    # E6xx entries versus rules
    "E601": "固定分值项目的条目写了不同的分值",
    "E602": "按数量计分的条目缺少数量",
    "E603": "等级不在等级表中",
    "E604": "该类别不适用此项目",
    "E605": "评议记录与评议方法不符",
    "E606": "酌情分超出范围或缺少分值",
    "E701": "已公示月份的条目在公示后被改动",
    "E702": "已公示文件被改动",
    "E703": "不是 git 仓库",
    "E704": "git 命令失败",
    "E705": "找不到指定的版本或日期",
}
