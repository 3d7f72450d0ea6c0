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
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep=deep)
        seen = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                line, col = _mark(key_node)
                raise YamlProblem("E104", "不支持 YAML 合并键（<<）", line, col)
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is not None and key in seen:
                line, col = _mark(key_node)
                raise YamlProblem("E107", f"键“{key}”重复（第 {seen[key]} 行已出现）", line, col,
                                  "同一层里每个键只能写一次")
            if key is not None:
                seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)

    def construct_undefined(self, node):
        line, col = _mark(node)
        raise YamlProblem("E104", f"不允许的 YAML 标签 {node.tag}", line, col,
                          "积分台账只能写普通文字、数字、列表和键值")


PlainLoader.add_constructor(None, PlainLoader.construct_undefined)
# plain scalars: keep only null/bool/int resolution; dates and decimals stay strings
PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# YAML 1.1 booleans like "yes"/"no"/"on"/"off" surprise people; keep only true/false
PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in PlainLoader.yaml_implicit_resolvers.items()
}
import re as _re  # noqa: E402

PlainLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", _re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
# explicit "!!float"/"!!timestamp" tags still go through: make them strings as well
PlainLoader.add_constructor("tag:yaml.org,2002:float", PlainLoader.construct_yaml_str)
PlainLoader.add_constructor("tag:yaml.org,2002:timestamp", PlainLoader.construct_yaml_str)
for _tag in ("binary", "set", "omap", "pairs"):
    PlainLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", PlainLoader.construct_undefined)


def decode(raw: bytes) -> tuple[str, str | None]:
    """Bytes → text.  Returns (text, note) where note names a non-UTF-8 encoding that
    was accepted (the caller turns it into a warning).  Raises UnicodeError."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8"), None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), "UTF-16"
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
    """Parse YAML text into plain data; syntax errors become diagnostics."""
    try:
        return yaml.load(text, Loader=PlainLoader), []
    except YamlProblem as p:
        return None, [Diagnostic(p.code, p.message, rel, line=p.line, col=p.col, hint=p.hint)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        msg, hint = _explain_yaml_error(exc, text, mark)
        return None, [Diagnostic("E103", msg, rel, line=line, col=col, hint=hint)]
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        return None, [Diagnostic("E103", f"YAML 语法错误：{exc}", rel)]
    except RecursionError:
        return None, [Diagnostic("E104", "YAML 嵌套层数过深", rel)]


def _explain_yaml_error(exc, text: str, mark) -> tuple[str, str | None]:
    problem = (exc.problem or "") + " " + (exc.context or "")
    line_text = ""
    if mark is not None:
        lines = text.splitlines()
        if 0 <= mark.line < len(lines):
            line_text = lines[mark.line]
    if "\t" in line_text or "found character '\\t'" in problem:
        return "YAML 语法错误：缩进里有制表符（Tab）", "YAML 只能用空格缩进，请把 Tab 换成两个空格"
    if "quoted scalar" in problem or "unexpected end of stream" in problem:
        return "YAML 语法错误：引号没有闭合", "检查这一行或上面几行的引号是否成对"
    if "mapping values are not allowed" in problem:
        if "：" in line_text or ":" in line_text:
            return ("YAML 语法错误：这里不能出现冒号", "值里含有英文冒号时请给整个值加引号；"
                    "键和值之间要用英文冒号加空格，如 note: \"...\"")
        return "YAML 语法错误：缩进不对或缺少空格", "检查键名后面是否是英文冒号加一个空格"
    if "did not find expected key" in problem or "expected <block end>" in problem:
        return "YAML 语法错误：缩进不一致", "同一层的字段要对齐；列表项以“- ”开头"
    if "could not find expected ':'" in problem:
        return "YAML 语法错误：缺少冒号", "键和值之间要写英文冒号加空格，如 member: M001"
    return f"YAML 语法错误：{problem.strip()}", None


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
                if isinstance(k, yaml.ScalarNode) and k.value == str(key):
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


def locate_in_text(text: str, path: tuple) -> tuple[int, int] | None:
    try:
        root = _compose(text)
    except Exception:  # the file no longer parses: nothing to locate
        return None
    if root is None:
        return None
    node = _walk(root, tuple(path))
    return _mark(node)


def resolve_locations(root: Path, diags: list[Diagnostic], texts: dict[str, str] | None = None):
    """Fill line/column of diagnostics that only carry a keypath (in place).

    Each affected file is composed once.  ``texts`` may supply file contents already
    in memory (e.g. a file staged for writing)."""
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
        try:
            node = _compose(text)
        except Exception:
            continue
        if node is None:
            continue
        for d in group:
            if d.path:
                d.line, d.col = _mark(_walk(node, tuple(d.path)))
            else:
                d.line, d.col = 1, 1
    return diags
