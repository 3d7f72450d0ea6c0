"""Reading YAML fast and safely, and finding where a value sits in its file.

* :func:`read_data` turns a file into plain data (dict/list/str/int/bool/None) with
  PyYAML's C loader.  Timestamps and floats are *not* resolved — ``2019-01-15`` and
  ``0.5`` come back as strings — so :mod:`values` parses them strictly (and accepts
  full-width digits), and so parsed data is JSON-serialisable for the cache.
* Tags (``!!python/object``…), anchors/aliases and duplicate keys are refused.
* Line numbers are not tracked on the fast path: :func:`resolve_locations` re-reads only
  the files that have diagnostics and fills in line and column from their keypaths.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import yaml

from .diagnostics import Diagnostic, WARNING

try:  # the C loader is ~7x faster; fall back to the pure one where libyaml is missing
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _BaseLoader = yaml.SafeLoader

#: files larger than this are refused rather than parsed (a month file is a few KB)
MAX_FILE_BYTES = 20 * 1024 * 1024


class YamlProblem(Exception):
    """Raised inside the loader for structures we refuse; carries a Chinese message."""

    def __init__(self, code: str, message: str, line: int | None, col: int | None, hint=None):
        super().__init__(message)
        self.code, self.message, self.line, self.col, self.hint = code, message, line, col, hint


def _mark(node):
    m = node.start_mark
    return m.line + 1, m.column + 1


class PlainLoader(_BaseLoader):
    """Safe loader producing JSON-like data: no timestamps, no floats, no aliases."""

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects or node in self.recursive_objects:
            line, col = _mark(node)
            raise YamlProblem("E104", "不支持 YAML 锚点/别名（& 与 *）", line, col,
                              "请把内容直接写出来，不要用 & 和 * 引用")
        try:
            return super().construct_object(node, deep=deep)
        except (YamlProblem, yaml.YAMLError, RecursionError):
            raise
        except (ValueError, KeyError, TypeError, OverflowError, ArithmeticError):
            # an explicit tag whose text does not fit it: "!!int abc", "!!bool maybe"
            line, col = _mark(node)
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise YamlProblem("E201", f"“{_short(getattr(node, 'value', ''))}”不能按标签 {tag} 读取",
                              line, col, "去掉 !! 开头的标签，直接写值") from None

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep=deep)
        seen = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                line, col = _mark(key_node)
                raise YamlProblem("E104", "不支持 YAML 合并键（<<）", line, col,
                                  "请把要合并的字段逐个写出来")
            if not isinstance(key_node, yaml.ScalarNode):
                line, col = _mark(key_node)
                raise YamlProblem("E201", "键不能是列表或键值", line, col,
                                  "键只能是一个词，如 member；值里有 [ ] { } 时请加引号")
            key = key_node.value
            if key in seen:
                line, col = _mark(key_node)
                raise YamlProblem("E107", f"键“{_short(key)}”重复（第 {seen[key]} 行已出现）", line, col,
                                  "同一层里每个键只能写一次")
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)

    def construct_undefined(self, node):
        line, col = _mark(node)
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise YamlProblem("E104", f"不允许的 YAML 标签 {_short(tag)}", line, col,
                          "积分台账只能写普通文字、数字、列表和键值")

    def construct_plain_int(self, node):
        # only plain decimal integers are numbers (no 0x10, 017 octal, 1:30 base 60, 1_000)
        return int(self.construct_scalar(node))


def _short(text, limit: int = 40) -> str:
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "…"


PlainLoader.add_constructor(None, PlainLoader.construct_undefined)
# plain scalars: keep only null/bool/int resolution; dates and decimals stay strings;
# YAML 1.1 booleans like "yes"/"no"/"on"/"off" surprise people: keep only true/false;
# "=" (the obscure !!value) and "<<" outside a key are plain text
_DROP = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
         "tag:yaml.org,2002:int", "tag:yaml.org,2002:value", "tag:yaml.org,2002:yaml")
PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
PlainLoader.yaml_implicit_resolvers = {k: v for k, v in PlainLoader.yaml_implicit_resolvers.items() if v}
import re as _re  # noqa: E402

PlainLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", _re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
# at most 18 digits: longer digit strings stay text, and values.parse_decimal refuses them
PlainLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", _re.compile(r"^[-+]?(?:0|[1-9][0-9]{0,17})$"), list("-+0123456789"))
PlainLoader.add_constructor("tag:yaml.org,2002:int", PlainLoader.construct_plain_int)
# explicit "!!float"/"!!timestamp" tags still go through: make them strings as well
PlainLoader.add_constructor("tag:yaml.org,2002:float", PlainLoader.construct_yaml_str)
PlainLoader.add_constructor("tag:yaml.org,2002:timestamp", PlainLoader.construct_yaml_str)
PlainLoader.add_constructor("tag:yaml.org,2002:merge", PlainLoader.construct_yaml_str)
for _tag in ("binary", "set", "omap", "pairs", "value", "yaml"):
    PlainLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", PlainLoader.construct_undefined)


def decode(raw: bytes) -> tuple[str, str | None]:
    """Bytes → text.  Returns (text, note) where note names a non-UTF-8 encoding that
    was accepted (the caller turns it into a warning).  Raises UnicodeError."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8"), None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), "UTF-16"
    # UTF-16 without a BOM: ASCII characters leave every other byte zero (and those
    # zero bytes would still be valid UTF-8, so look before trying UTF-8)
    if b"\x00" in raw and len(raw) >= 4 and len(raw) % 2 == 0:
        even, odd = raw[0::2], raw[1::2]
        for zeros, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
            if zeros.count(0) * 10 >= len(zeros) * 3 and other.count(0) == 0:
                try:
                    return raw.decode(codec), "UTF-16"
                except UnicodeDecodeError:
                    break
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    # GB18030 decodes almost anything; accept it only if the text looks like text
    text = raw.decode("gb18030")
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        raise UnicodeError("not text")
    return text, "GB18030/GBK"


def read_text(path: Path, rel: str) -> tuple[str | None, list[Diagnostic]]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Diagnostic("E105", f"文件过大（{size // 1024 // 1024} MB），不予读取",
                                     rel, hint=f"单个文件不应超过 {MAX_FILE_BYTES // 1024 // 1024} MB；"
                                               "事件请按月分文件保存")]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Diagnostic("E101", f"文件无法读取：{exc.strerror or exc}", rel)]
    try:
        text, note = decode(raw)
    except UnicodeError:
        return None, [Diagnostic("E102", "文件编码无法识别（不是 UTF-8，也不是 GBK/GB18030 或 UTF-16）",
                                 rel, hint="请用记事本“另存为”UTF-8 编码")]
    diags = []
    if note:
        diags.append(Diagnostic("W101", f"文件是 {note} 编码，已按该编码读取", rel,
                                hint="建议另存为 UTF-8，便于 git 比较差异", severity=WARNING))
    if "\x00" in text:
        return None, [Diagnostic("E102", "文件含有空字符（\\0），不是文本文件", rel)]
    return text, diags


def parse_text(text: str, rel: str) -> tuple[object, list[Diagnostic]]:
    """Parse YAML text into plain data; syntax errors become diagnostics.

    A key followed by a full-width colon (``date：2019-01-15``) makes the YAML invalid;
    when replacing such colons with ``: `` makes the file parse, the data is accepted
    with a warning per line (W102); otherwise the original error is reported."""
    deep = _too_deep(text)
    if deep is not None:
        return None, [Diagnostic("E104", f"YAML 嵌套层数过深（超过 {MAX_FLOW_DEPTH} 层括号）", rel,
                                 line=deep[0], col=deep[1], hint="台账的列表和键值只需要嵌套几层")]
    data, diags = _parse_once(text, rel)
    if "：" not in text or (diags and diags[0].code != "E103"):
        return data, diags
    fixed, lines = _fix_fullwidth_colons(text)
    if not lines:
        return data, diags
    data2, diags2 = _parse_once(fixed, rel)
    if diags2:
        if diags:
            d = diags[0]
            if d.line in lines or not d.hint:
                d.hint = ((d.hint + "；") if d.hint else "") + "键和值之间的冒号要用英文冒号“:”，不能用全角冒号“：”"
        return data, diags
    warns = [Diagnostic("W102", f"第 {n} 行键后面用了全角冒号“：”，已按英文冒号读取", rel, line=n, col=1,
                        hint="建议改为英文冒号加空格，如 date: 2019-01-15", severity=WARNING)
             for n in lines]
    return data2, warns


#: libyaml takes quadratic time on deeply nested flow collections ([[[[...]]]]): more
#: than this many open brackets is refused before parsing (a ledger needs two or three)
MAX_FLOW_DEPTH = 100
_BRACKETS = re.compile(r"[\[\]{}]")


def _too_deep(text: str) -> tuple[int, int] | None:
    """(line, column) where bracket nesting first exceeds MAX_FLOW_DEPTH, else None.
    Brackets inside quotes and comments are counted too: an over-estimate that no
    real ledger comes near."""
    if text.count("[") + text.count("{") <= MAX_FLOW_DEPTH:
        return None
    depth = 0
    for m in _BRACKETS.finditer(text):
        if m.group() in "[{":
            depth += 1
            if depth > MAX_FLOW_DEPTH:
                head = text[:m.start()]
                return head.count("\n") + 1, m.start() - (head.rfind("\n") + 1) + 1
        elif depth:
            depth -= 1
    return None


#: ``  - key：value`` — a plain key (letters, digits, _, CJK) then a full-width colon
_FW_KEY = re.compile(r"^(\s*(?:-\s+)*)([A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff]*)[ \t]*：[ \t\u3000]*")


_BLOCK_START = re.compile(r"[:\-]\s*[|>][-+0-9]*\s*(?:#.*)?$")


def _fix_fullwidth_colons(text: str) -> tuple[str, list[int]]:
    """Lines ``key：value`` rewritten as ``key: value`` (not inside ``|``/``>`` blocks)."""
    out, changed = [], []
    block_indent = None  # indentation of the line that opened a block scalar
    for n, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if block_indent is not None:
            if not stripped or indent > block_indent:
                out.append(line)
                continue
            block_indent = None
        m = _FW_KEY.match(line)
        if m:
            line = f"{m[1]}{m[2]}: " + line[m.end():]
            changed.append(n)
        if _BLOCK_START.search(line):
            block_indent = indent
        out.append(line)
    return "\n".join(out), changed


def _parse_once(text: str, rel: str) -> tuple[object, list[Diagnostic]]:
    try:
        return yaml.load(text, Loader=PlainLoader), []
    except YamlProblem as p:
        return None, [Diagnostic(p.code, p.message, rel, line=p.line, col=p.col, hint=p.hint)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if "quoted scalar" in (exc.context or "") and exc.context_mark is not None and any(
                p in (exc.problem or "") for p in ("end of stream", "document separator")):
            mark = exc.context_mark  # where the unclosed quote opens, not the end of the file
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        dash = _near_error(text, mark, _GLUED_DASH)
        if dash is not None:  # “-id: …” is a key named “-id” to YAML; the next line then fails
            return None, [Diagnostic("E103", "YAML 语法错误：列表项的“-”后面缺少空格", rel, line=dash[0],
                                     col=len(dash[1].group(1)) + 1,
                                     hint="每条记录以“- ”（减号加一个空格）开头，如 - id: 2019-01-001")]
        glued = _near_error(text, mark, _GLUED_KEY)
        if glued is not None:  # the parser only notices on the line after “date:2019-02-14”
            key = glued[1].group(2)
            return None, [Diagnostic("E103", f"YAML 语法错误：“{key}:”后面缺少空格", rel, line=glued[0],
                                     col=len(glued[1].group(1)) + 1, hint=f"键和值之间要写英文冒号加一个空格，如 {key}: ……")]
        msg, hint = _explain_yaml_error(exc, text, mark)
        if "多缩进了" in msg:  # point at the start of the over-indented line, not its colon
            here = text.splitlines()[mark.line]
            col = len(here) - len(here.lstrip(" ")) + 1
        return None, [Diagnostic("E103", msg, rel, line=line, col=col, hint=hint)]
    except yaml.reader.ReaderError as exc:
        line, col = _line_col(text, exc.position)
        char = exc.character
        code = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        return None, [Diagnostic("E102", f"文件含有不可见的控制字符（{code}）", rel, line=line, col=col,
                                 hint="删除这个字符；它常来自从网页或聊天软件复制的文字")]
    except yaml.YAMLError:  # pragma: no cover - other unmarked errors are rare
        return None, [Diagnostic("E103", "YAML 语法错误（无法确定位置）", rel,
                                 hint="请检查引号、冒号和缩进")]
    except RecursionError:
        return None, [Diagnostic("E104", "YAML 嵌套层数过深", rel, hint="台账的列表和键值最多嵌套几层")]


def _line_col(text: str, position) -> tuple[int | None, int | None]:
    if not isinstance(position, int) or position < 0:
        return None, None
    if _BaseLoader is not getattr(yaml, "SafeLoader", None):
        # libyaml reads UTF-8 bytes: its position is a byte offset
        head = text.encode("utf-8", "surrogatepass")[:position].decode("utf-8", "ignore")
    else:  # pragma: no cover - pure-Python PyYAML counts characters
        head = text[:position]
    line = head.count("\n") + 1
    return line, len(head) - (head.rfind("\n") + 1) + 1


#: PyYAML's problem texts → (Chinese message, hint); the first match wins
_YAML_PROBLEMS = [
    ("found invalid Unicode character escape code", "双引号里的 \\u 转义不是有效字符",
     "双引号里的反斜杠 \\ 要写成 \\\\，或改用单引号"),
    ("found unknown escape character", "双引号里有无法识别的反斜杠转义",
     "双引号里的反斜杠 \\ 要写成 \\\\，或改用单引号"),
    ("expected escape sequence", "双引号里的转义写法不对", "双引号里的反斜杠 \\ 要写成 \\\\，或改用单引号"),
    ("unexpected end of stream", "引号没有闭合", "检查这一行或上面几行的引号是否成对"),
    ("found unexpected document separator", "引号没有闭合", "检查这一行或上面几行的引号是否成对"),
    ("found a tab character", "缩进里有制表符（Tab）", "YAML 只能用空格缩进，请把 Tab 换成两个空格"),
    ("did not find expected ',' or ']'", "方括号 [ ] 没有闭合，或列表项之间缺少逗号", "例如 posts: [支部书记, 组织委员]"),
    ("did not find expected ',' or '}'", "花括号 { } 没有闭合，或项之间缺少逗号", "例如 {member: M001, item: absent}"),
    ("did not find expected '-' indicator", "列表缩进不一致", "同一列表的每一项都以“- ”开头并且对齐"),
    ("found undefined alias", "不支持 YAML 别名（*）", "请把内容直接写出来，不要用 & 和 * 引用"),
    ("but found another document", "一个文件里只能有一份内容（不要用 --- 分隔多份）", "删除 --- 及其后的内容，或分成两个文件"),
    ("found unknown directive", "无法识别的 % 指令", "以 % 开头的行请删除或加引号"),
    ("found incompatible YAML document", "不支持的 YAML 版本", "删除 %YAML 开头的行"),
    ("found duplicate", "% 指令重复", "删除 % 开头的行"),
    ("expected the node content", "这里缺少内容（括号或引号没有闭合？）", "检查 [ ] { } 和引号是否成对"),
    ("did not find expected node content", "这里缺少内容（括号或引号没有闭合？）", "检查 [ ] { } 和引号是否成对"),
    ("but found", "标签与内容不符", "去掉 !! 开头的标签"),
    ("expected <document start>", "文件开头的缩进不对", "顶层的键要顶格写，不要有空格"),
    ("found character that cannot start any token", "这里的字符不能作为值的开头",
     "以 @ ` % 等符号开头的文字请加引号，如 note: \"@张三\""),
    ("found unexpected ':'", "这里不能出现冒号", "值里含有冒号时请给整个值加引号"),
    ("could not find expected ':'", "缺少冒号", "键和值之间要写英文冒号加空格，如 member: M001"),
    ("expected alphabetic or numeric character", "锚点或别名的写法不对", "以 & 或 * 开头的文字请加引号"),
    ("did not find URI escaped octet", "标签写法不对", "去掉 ! 开头的标签，或给值加引号"),
    ("expected URI", "标签写法不对", "去掉 ! 开头的标签，或给值加引号"),
    ("expected '>'", "标签写法不对", "去掉 ! 开头的标签，或给值加引号"),
    ("expected a comment or a line break", "这一行末尾多了内容", "多余内容请删除，或给整个值加引号"),
    ("expected chomping or indentation indicators", "| 或 > 后面的写法不对", "多行文字写作 note: | 然后换行缩进"),
    ("expected indentation indicator", "| 或 > 后面的写法不对", "多行文字写作 note: | 然后换行缩进"),
    ("block sequence entries are not allowed", "这里不能开始一个列表", "“- ”开头的列表项要另起一行并缩进"),
    ("expected a single document", "一个文件里只能有一份内容（不要用 --- 分隔多份）", "删除 --- 及其后的内容"),
    ("found a BOM", "文件中间有字节顺序标记（BOM）", "删除这个不可见字符"),
]


_GLUED_DASH = re.compile(r"^(\s*)-(?=[A-Za-z_\u4e00-\u9fff])")
_GLUED_KEY = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*):(?=[^\s:/])")


def _near_error(text: str, mark, pattern: re.Pattern) -> tuple[int, re.Match] | None:
    """(1-based line, match) of ``pattern`` on the error's line or the line before it:
    a list dash glued to its key (``-id: …``) or a key glued to its value
    (``date:2019-02-14``) is a plain scalar to YAML, so the parser only fails later."""
    if mark is None:
        return None
    lines = text.splitlines()
    for i in (mark.line, mark.line - 1):
        if 0 <= i < len(lines) and not lines[i].lstrip().startswith("#"):
            m = pattern.match(lines[i])
            if m:
                return i + 1, m
    return None


_KEY_WITH_VALUE = re.compile(r"^(\s*)(?:-\s+)?([^\s#:][^:#]*):\s+\S")


def _deeper_than_previous(text: str, mark) -> tuple[str, int] | None:
    """(previous key, extra spaces) when the error's line is indented further than the
    previous line, which is a ``key: value`` (the deeper line reads as the rest of that
    value, so the parser complains about its colon)."""
    if mark is None:
        return None
    lines = text.splitlines()
    if not 0 < mark.line < len(lines):
        return None
    here = lines[mark.line]
    prev = next((ln for ln in reversed(lines[:mark.line]) if ln.strip() and not ln.lstrip().startswith("#")), None)
    if prev is None:
        return None
    m = _KEY_WITH_VALUE.match(prev)
    if not m:
        return None
    key_col = len(prev) - len(prev.lstrip(" ")) + (len(prev.lstrip(" ")) - len(prev.lstrip(" ").lstrip("- ")))
    indent = len(here) - len(here.lstrip(" "))
    if indent <= key_col:
        return None
    return m.group(2).strip(), indent - key_col


def _explain_yaml_error(exc, text: str, mark) -> tuple[str, str | None]:
    problem = (exc.problem or "") + " " + (exc.context or "")
    line_text = ""
    if mark is not None:
        lines = text.splitlines()
        if 0 <= mark.line < len(lines):
            line_text = lines[mark.line]
    indent = line_text[: len(line_text) - len(line_text.lstrip(" \t\u3000"))]
    if "\t" in indent or "found character '\\t'" in problem or "found a tab character" in problem:
        return "YAML 语法错误：缩进里有制表符（Tab）", "YAML 只能用空格缩进，请把 Tab 换成两个空格"
    if "\u3000" in indent:
        return "YAML 语法错误：缩进里有全角空格", "缩进只能用半角空格，请切换到英文输入法重新输入空格"
    for needle, message, hint in _YAML_PROBLEMS:
        if needle in problem:
            return f"YAML 语法错误：{message}", hint
    if "mapping values are not allowed" in problem:
        deeper = _deeper_than_previous(text, mark)
        if deeper is not None:
            key, extra = deeper
            return (f"YAML 语法错误：这一行比上一行多缩进了 {extra} 格",
                    f"同一条记录的各字段要对齐：与上一行的 {key} 左端对齐")
        if ":" in line_text:
            return ("YAML 语法错误：这里不能出现冒号", "值里含有英文冒号时请给整个值加引号；"
                    "键和值之间要用英文冒号加空格，如 note: \"...\"")
        return "YAML 语法错误：缩进不对或缺少空格", "检查键名后面是否是英文冒号加一个空格"
    if "did not find expected key" in problem or "expected <block end>" in problem:
        return "YAML 语法错误：缩进不一致", "同一层的字段要对齐；列表项以“- ”开头"
    if "quoted scalar" in problem:
        return "YAML 语法错误：引号内的文字有误", "检查这一行或上面几行的引号是否成对"
    if "：" in line_text:
        return "YAML 语法错误：格式不对", "键和值之间的冒号要用英文冒号“:”，不能用全角冒号“：”"
    return "YAML 语法错误：无法理解这一处", "请检查引号、冒号和缩进（同一层要对齐，键后是英文冒号加空格）"


def read_data(path: Path, rel: str) -> tuple[object, list[Diagnostic]]:
    """Read and parse one YAML file (see module docstring)."""
    text, diags = read_text(path, rel)
    if text is None:
        return None, diags
    data, more = parse_text(text, rel)
    return data, diags + more


# --------------------------------------------------------------------------- locating
def _compose(text: str):
    loader = PlainLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _walk(node, path):
    """Follow ``path`` through composed nodes; returns the deepest node reached."""
    last = len(path) - 1
    for i, key in enumerate(path):
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and _same_key(k, key):
                    node = k if i == last else v
                    break
            else:
                return node
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            if 0 <= key < len(node.value):
                node = node.value[key]
            else:
                return node
        else:
            return node
    return node


_NULLS = ("", "~", "null", "Null", "NULL")


def _same_key(node, key) -> bool:
    if key is None:
        return node.value in _NULLS and not node.style
    if isinstance(key, bool):
        return node.value.lower() == str(key).lower() and not node.style
    return node.value == str(key)


def _compose_for_locating(text: str):
    """The node tree of ``text``, or of its full-width-colon repair when only that parses
    (W102: the repair keeps every line where it was), or None."""
    for candidate in (text, _fix_fullwidth_colons(text)[0]):
        try:
            return _compose(candidate)
        except (yaml.YAMLError, YamlProblem, RecursionError):
            continue
    return None


def locate_in_text(text: str, path: tuple) -> tuple[int, int] | None:
    """(line, column) of a keypath in YAML text, or None when the text does not parse."""
    node = _compose_for_locating(text)
    return None if node is None else _mark(_walk(node, tuple(path)))


#: files smaller than this are simply composed whole to locate their diagnostics
_CHUNKED_MIN = 100_000
#: characters that YAML (PyYAML) may take as a line break, besides "\n"
_ODD_BREAKS = re.compile("[\r\x85\u2028\u2029]")


def _locate_by_items(text: str, group: list[Diagnostic], counts: dict) -> bool:
    """Fill the lines of ``group`` (diagnostics of one big file, all about records of its
    one top-level list, e.g. ``("members", 17, "name")``) by composing only the records
    they are about instead of the whole file.  ``counts[key]`` is how many records the
    list holds as the file was parsed.  True when done; False (nothing changed) whenever
    the layout is not the plain one this relies on — then the file is composed whole.

    The list must be a block sequence whose records each start with ``- `` at one
    indentation, every other line of it blank, a comment or indented deeper: a record
    then cannot start anywhere else, and a ``- `` line that is not a record start (inside
    a quoted text spanning lines) would make one record too many, which the count
    refuses.  Each record's text is composed on its own; its lines are shifted back to
    where they are in the file (columns are unchanged: a record starts a line)."""
    keys = {d.path[0] for d in group if d.path}
    if len(keys) != 1:
        return False
    key = next(iter(keys))
    if not isinstance(key, str) or key not in counts or _ODD_BREAKS.search(text) or "\t" in text:
        return False
    for d in group:
        if d.path and (len(d.path) < 2 or type(d.path[1]) is not int or not 0 <= d.path[1] < counts[key]):
            return False
    lines = text.split("\n")
    # the file: blank lines and comments, then "key:" at column 0, then the list to the end
    head = f"{key}:"
    first_line = None
    for i, line in enumerate(lines):
        body = line.strip(" ")
        if body and not body.startswith("#"):
            first_line = i
            break
    if first_line is None or lines[first_line].rstrip() != head:
        return False
    starts: list[int] = []
    indent = None
    for i in range(first_line + 1, len(lines)):
        line = lines[i]
        body = line.lstrip(" ")
        if not body or body.startswith("#"):
            continue
        n = len(line) - len(body)
        if indent is None:
            if not body.startswith("- "):
                return False
            indent = n
        if n == indent and body.startswith("- "):
            starts.append(i)
        elif n <= indent:  # another key, a text spanning lines, "-" alone...: not plain
            return False
    end = len(lines)
    if len(starts) != counts[key]:
        return False
    starts.append(end)
    nodes = {}
    for d in group:
        if not d.path or d.path[1] in nodes:
            continue
        k = d.path[1]
        first = starts[k]
        chunk = "\n".join(lines[first:starts[k + 1]])
        try:
            root = _compose(chunk)
        except (yaml.YAMLError, YamlProblem, RecursionError):
            return False
        if not isinstance(root, yaml.SequenceNode) or len(root.value) != 1:
            return False
        nodes[k] = (root.value[0], first)
    for d in group:
        if d.path:
            node, first = nodes[d.path[1]]
            line, col = _mark(_walk(node, tuple(d.path[2:])) if len(d.path) > 2 else node)
            d.line, d.col = line + first, col
        else:
            d.line, d.col = 1, 1
    return True


def resolve_locations(root: Path, diags: list[Diagnostic], texts: dict[str, str] | None = None,
                      counts: dict[str, dict[str, int]] | None = None):
    """Fill line/column of diagnostics that only carry a keypath (in place).

    Each affected file is composed once.  ``texts`` may supply file contents already
    in memory (e.g. a file staged for writing).  ``counts`` ({file: {top-level key:
    number of records}}, as the files were loaded) lets a big file with diagnostics
    about some of its records compose only those records."""
    pending: dict[str, list[Diagnostic]] = {}
    for d in diags:
        if d.file and d.line is None:
            pending.setdefault(d.file, []).append(d)
    for rel, group in pending.items():
        text = (texts or {}).get(rel)
        if text is None:
            path = root / rel
            if not path.is_file():
                continue
            text, _ = read_text(path, rel)
            if text is None:
                continue
        if counts and rel in counts and len(text) >= _CHUNKED_MIN and \
                _locate_by_items(text, group, counts[rel]):
            continue
        node = _compose_for_locating(text)
        if node is None:
            continue
        for d in group:
            if d.path:
                d.line, d.col = _mark(_walk(node, tuple(d.path)))
            else:
                d.line, d.col = 1, 1
    return diags
