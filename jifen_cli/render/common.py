"""Shared helpers of the renderers: templates, escaping, number and date formatting,
and the wording of the compiled scheme's items (value, levels, part) for the printed forms.

Nothing here imports jinja2, tabulate or openpyxl at module level: they are imported
inside the functions that need them, so ``jifen --help`` and ``jifen check`` never pay
for them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from jifen_cli.core.diagnostics import JifenError

TEMPLATE_PACKAGE = "jifen_cli.templates"
#: a file every template directory holds (to tell the real one from an empty namespace)
_MARKER = "base.html.j2"

FORMATS_TEXT = ("text", "md", "html")


# --------------------------------------------------------------------------- templates
def template_dir() -> Path:
    """Where the templates are: the installed package ``jifen_cli.templates``, or
    ``<repo>/templates`` when running from a source checkout."""
    try:
        from importlib.resources import files

        base = files(TEMPLATE_PACKAGE)
        path = Path(str(base))
        if (path / _MARKER).is_file():
            return path
    except (ModuleNotFoundError, TypeError, ValueError, AttributeError):
        pass
    repo = Path(__file__).resolve().parents[2] / "templates"
    if (repo / _MARKER).is_file():
        return repo
    raise JifenError("找不到公示模板（jifen_cli/templates）",
                     hint="安装包可能不完整，请重新安装：pip install --force-reinstall jifen")


_ENV = None


def environment():
    """The jinja2 environment (created once).  HTML templates (``*.html.j2``) are
    autoescaped; Markdown and text templates receive values already escaped by the
    ``md`` / ``tx`` filters.  Undefined variables are errors, never silently empty."""
    global _ENV
    if _ENV is None:
        import jinja2

        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(template_dir())),
            autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.filters["md"] = md_escape
        env.filters["tx"] = text_clean
        # whatever a template prints: no raw control characters (ESC, NUL, bidi
        # overrides) reach any output; line breaks stay (pre-rendered tables need them)
        env.finalize = control_free
        _ENV = env
    return _ENV


def render_template(name: str, **context) -> str:
    text = environment().get_template(name).render(**context)
    # one trailing newline, no trailing spaces: stable bytes for snapshots and diffs
    # and never more than one blank line in a row
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if not line and (not lines or not lines[-1]):
            continue
        lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def check_format(fmt: str, allowed: tuple[str, ...]) -> str:
    fmt = (fmt or "").strip().lower()
    if fmt == "markdown":
        fmt = "md"
    if fmt not in allowed:
        raise JifenError(f"不支持的输出格式“{fmt}”", hint="可选：" + "、".join(allowed))
    return fmt


# --------------------------------------------------------------------------- escaping
# C0 and C1 control characters, DEL, and the Unicode bidirectional overrides/isolates
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def text_clean(value) -> str:
    """User text for a terminal: line breaks and tabs become spaces; every other
    control character (ESC sequences that could move the cursor, recolour or retitle
    the terminal, bidi overrides) is shown as a visible ``\\xNN`` escape."""
    s = "" if value is None else str(value)
    s = s.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")

    def esc(m):
        code = ord(m.group(0))
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROL.sub(esc, s)


_CONTROL_NOT_NL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def control_free(value):
    """Strings with every control character except the line break shown as ``\\xNN``."""
    if not isinstance(value, str):
        return value
    return _CONTROL_NOT_NL.sub(lambda m: f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 0x100
                               else f"\\u{ord(m.group(0)):04x}", value)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#+!~|])")


def md_escape(value) -> str:
    """User text for a Markdown table cell: shown as the same text by any Markdown
    renderer.  ``|`` cannot end the cell, ``<script>`` is not HTML, ``*x*`` is not
    emphasis, a line break does not end the row."""
    s = text_clean(value)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    # a cell that starts with - / = / digits+. could become a list or heading outside a table
    return s


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d+)?|\.\d+)$")


def csv_safe(value) -> str:
    """A spreadsheet cell that is text: if it starts like a formula (= + - @, tab, CR)
    it gets a leading apostrophe so Excel/WPS show it instead of running it.  Genuine
    numbers such as ``-2`` are left alone."""
    s = "" if value is None else str(value)
    if s.startswith(_FORMULA_START) and not _NUMBER.match(s):
        return "'" + s
    return s


_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_text(value) -> str:
    """Text for an xlsx cell: characters XML cannot hold are escaped visibly."""
    s = "" if value is None else str(value)
    return _XLSX_ILLEGAL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", s)


# --------------------------------------------------------------------------- numbers/dates
def num(value) -> str:
    """A Decimal as people write it: 5, 2.5, -0.5 (no exponent, no trailing zeros)."""
    if value is None:
        return ""
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value))
        except InvalidOperation:
            return str(value)
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def signed(value) -> str:
    """+5 / -2 / 0."""
    if value is None:
        return ""
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    text = num(d)
    return "+" + text if d > 0 else text


def cell_number(value):
    """A Decimal for a spreadsheet cell: int when whole, else float (at the cell only)."""
    if value is None:
        return None
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    if d == d.to_integral_value():
        return int(d)
    return float(d)


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def cn_month_day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def display_width(text: str) -> int:
    """Terminal/spreadsheet width: East Asian wide characters count 2."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# --------------------------------------------------------------------------- the compiled scheme, read for printing
# The renderers read the engine's compiled Scheme (``jifen_cli.core.rules.model``), never
# the raw rules data: what is derived here is only wording for the printed forms.
def scheme_at(ledger, day: date):
    """The compiled scheme in force on ``day`` (``engine.scheme_for``), or None when the
    branch names no rules file for that day.  A rules file that does not compile raises
    the engine's JifenError: nothing is printed from a broken scheme."""
    if ledger.rules_file_for(day) is None:
        return None
    from jifen_cli.core.engine import scheme_for

    return scheme_for(ledger, day)


def class_names(scheme) -> dict[str, str]:
    """Class code → Chinese name (empty without a scheme)."""
    return {code: c.name for code, c in scheme.classes.items()} if scheme is not None else {}


def part_name(scheme, item) -> str:
    """The name of the part (sub-section) an item belongs to, or ""."""
    section = scheme.section(item.section) if item.part else None
    return next((p.name for p in section.parts if p.code == item.part), "") if section else ""


def takes_points(scheme, item) -> bool:
    """True when the item's points are taken away: an item of a deducting section
    (base / penalty) or a ``deduct`` item of an account section."""
    section = scheme.section(item.section)
    return bool(item.deduct or (section is not None and section.deducting))


def value_text(item) -> str:
    """What the scheme says one occurrence of an item is worth, for the card and forms."""
    if item.zero:
        return "该项不得分"
    if item.veto is not None:
        return "一票否决"
    if item.points is not None:
        return f"每{num(item.per)}计{num(item.points)}" if item.per is not None else num(item.points)
    if item.open:
        return f"{num(item.open[0])}—{num(item.open[1])}"
    if item.levels:
        lows = list(item.levels.values())
        highs = [item.level_ranges[k][1] if k in item.level_ranges else v for k, v in item.levels.items()]
        return f"{num(min(lows))}—{num(max(highs))}"
    if item.no_grade:
        return "不定等次"
    if item.grades:
        return "、".join(item.grades.values())
    return ""


def levels_text(item) -> str:
    """Every level with its points (“国家级60、省级50”), or "" for an item without levels."""
    out = []
    for name, low in (item.levels or {}).items():
        rng = item.level_ranges.get(name)
        out.append(f"{name}{num(rng[0])}—{num(rng[1])}" if rng else f"{name}{num(low)}")
    return "、".join(out)


DEDUCTIONS = "扣减分"


def deductions_title(sections) -> str | None:
    """Header of the generic deductions column (``Row.deductions``: points lost in base
    and penalty sections) of a score table whose section columns are ``sections``
    ((code, name, kind), as ``ScoreTable.sections``).

    Usually “扣减分”.  When a penalty section is itself named 扣减分 (preset yimeng:
    年度积分 = 基本分 + 奉献分 + 评议分 − 扣减分), that section *is* the scheme's 扣减分 and
    its column already shows the deductions, so there is no generic column (None): a
    second 扣减分 holding base shortfalls as well would contradict the formula the
    members read.  Another section kind named 扣减分 keeps the generic column as 扣分合计."""
    named = [kind for _, name, kind in sections if name == DEDUCTIONS]
    if not named:
        return DEDUCTIONS
    return None if "penalty" in named else "扣分合计"


def member_public(member, classes: dict[str, str]) -> dict:
    """The fields of a member that may be printed.  ``private`` is never copied: no
    template ever sees a Member object."""
    return {
        "id": member.id,
        "name": member.name,
        "category": classes.get(member.category, member.category or ""),
        "status": member.status,
        "group": member.group or "",
        "posts": list(member.posts or []),
    }


# --------------------------------------------------------------------------- terminal tables
class _WidthShim:
    """East-Asian-width aware ``wcswidth`` for tabulate when the optional ``wcwidth``
    package is absent (tabulate then measures Chinese as one column per character)."""

    @staticmethod
    def wcswidth(text: str) -> int:
        if type(text) is str and text.isascii():
            return len(text)  # every ASCII character is one column (never combining, never wide)
        return sum(map(_char_width, text))


@functools.lru_cache(maxsize=None)
def _char_width(c: str) -> int:
    return 0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1


#: a normal terminal's width: tables that can wrap their text are made to fit it
TERMINAL_WIDTH = 160
#: the narrowest a wrapped text column is made to fit the terminal (6 Chinese characters)
MIN_WRAP = 12


def text_table(headers: list[str], rows: list[list], align: list[str] | None = None,
               widths: list[int | None] | None = None, fit: int | None = None) -> str:
    """A terminal table (tabulate, ``simple_grid`` style) that lines up Chinese text.
    Cells must already be plain text (``text_clean``).

    ``widths`` (terminal columns; a Chinese character counts 2) wraps a column's cells
    and its header.  With ``fit`` the table is made at most that many columns wide if
    wrapping can do it: headers get no padding beyond the grid's one space each side
    (tabulate adds two more), and the column with the largest width gives up columns
    first, none below :data:`MIN_WRAP`."""
    import tabulate as tb

    if tb.wcwidth is None:
        tb.wcwidth = _WidthShim
    tb.WIDE_CHARS_MODE = True
    widths = list(widths) if widths else None

    def render() -> str:
        padding = tb.MIN_PADDING
        if fit:
            tb.MIN_PADDING = 0
        try:
            return tb.tabulate(rows, headers=headers, tablefmt="simple_grid", disable_numparse=True,
                               colalign=align, maxcolwidths=widths, maxheadercolwidths=widths)
        finally:
            tb.MIN_PADDING = padding

    if fit and widths:
        # a limit wider than what a column holds gives nothing back: start from the content
        for i, w in enumerate(widths):
            if w is not None:
                cells = [str(r[i]) for r in rows if i < len(r)] + [str(headers[i])]
                widest = max(display_width(line) for c in cells for line in (c.splitlines() or [""]))
                widths[i] = max(min(w, widest), 1)
    out = render()
    while fit and widths:
        over = display_width(out.split("\n", 1)[0]) - fit
        flexible = [(w, i) for i, w in enumerate(widths) if w is not None and w > MIN_WRAP]
        if over <= 0 or not flexible:
            break
        w, i = max(flexible)
        widths[i] = max(MIN_WRAP, w - over)
        out = render()
    return out
