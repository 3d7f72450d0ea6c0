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
    """A terminal table (tabulate's ``simple_grid`` style) that lines up Chinese text.
    Cells must already be plain text (``text_clean``).

    ``widths`` (terminal columns; a Chinese character counts 2) wraps a column's cells
    and its header.  With ``fit`` the table is made at most that many columns wide if
    wrapping can do it: headers get no padding beyond the grid's one space each side
    (tabulate adds two more), and the column with the largest width gives up columns
    first, none below :data:`MIN_WRAP`.

    The table is drawn here (:class:`_Grid`), character for character what tabulate 0.10
    draws for the same call (:func:`_tabulate_table`, kept for the input the grid does
    not cover), only faster: each cell is wrapped and measured once per width, and
    fitting re-measures the one column it narrows instead of re-drawing the table."""
    widths = list(widths) if widths else None
    grid = _Grid.make(headers, rows, align, widths)
    if grid is None:
        return _tabulate_table(headers, rows, align, widths, fit)
    if fit and widths:
        grid.fit_start(widths)
    grid.padding = 0 if fit else _TABULATE_MIN_PADDING
    for i in range(grid.n):
        grid.measure(i, widths[i] if widths and i < len(widths) else None)
    while fit and widths:
        # the table's first line is its top border: the columns, their padding and the rules
        over = sum(grid.colwidths) + 3 * grid.n + 1 - fit
        flexible = [(w, i) for i, w in enumerate(widths) if w is not None and w > MIN_WRAP]
        if over <= 0 or not flexible:
            break
        w, i = max(flexible)
        widths[i] = max(MIN_WRAP, w - over)
        if i < grid.n:
            grid.measure(i, widths[i])
    return grid.draw()


def _fit_start(headers, rows, widths) -> None:
    """A limit wider than what a column holds gives nothing back: start from the content."""
    for i, w in enumerate(widths):
        if w is not None:
            cells = [str(r[i]) for r in rows if i < len(r)] + [str(headers[i])]
            widest = max(display_width(line) for c in cells for line in (c.splitlines() or [""]))
            widths[i] = max(min(w, widest), 1)


def _tabulate_table(headers, rows, align, widths, fit) -> str:
    """``text_table`` drawn by tabulate, for the input :class:`_Grid` does not cover."""
    import tabulate as tb

    if tb.wcwidth is None:
        tb.wcwidth = _WidthShim
    tb.WIDE_CHARS_MODE = True

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
        _fit_start(headers, rows, widths)
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


#: tabulate's MIN_PADDING: the extra columns of a header (none when fitting)
_TABULATE_MIN_PADDING = 2
#: what _Grid leaves to tabulate: separating lines (\x01), ANSI escapes (\x1b), tabs,
#: line separators other than \n (str.splitlines splits at them, tabulate's own
#: splitting does not) and the other C0 controls -- text_clean escapes all but U+2028/9
_GRID_UNCOVERED = re.compile("[\x00-\x09\x0b-\x1f\x85\u2028\u2029]")


@functools.lru_cache(maxsize=None)
def _display_char_width(c: str) -> int:
    return 2 if unicodedata.east_asian_width(c) in "WF" else 1


def _width(text: str) -> int:
    """``_WidthShim.wcswidth``: the width tabulate measures (combining characters 0)."""
    return len(text) if text.isascii() else sum(map(_char_width, text))


class _Grid:
    """A ``simple_grid`` table laid out as tabulate 0.10 lays out ``text_table``'s call
    (``disable_numparse=True``, ``colalign``, ``maxcolwidths`` = ``maxheadercolwidths``,
    widths measured by ``_WidthShim``).  Each column is wrapped and measured on its own
    (:meth:`measure`); :meth:`draw` then draws the table once.

    What tabulate does, step by step, and where it is done here:

    * wrapping (``_wrap_text_to_colwidths``): every line of a cell wrapped by
      ``_CustomTextWrap``, blank lines dropped, and a "False" cell read as a bool
      ("True") -- :func:`_wrap_cell`;
    * a cell of a column aligned left/right/center (or any other truthy value) is
      stripped, then padded to the column; a falsy alignment neither strips nor pads.
      Headers are never stripped: "left" and "center" as said, falsy as they are,
      anything else right.  Without rows every header is "left";
    * a column is as wide as its widest (stripped) line, at least its header + MIN_PADDING;
    * as soon as one wrapped cell or header holds a line break, the whole table is drawn
      line by line (str.splitlines): an empty cell then becomes blank lines, and a row
      whose every cell is empty takes no line at all -- :meth:`draw`."""

    __slots__ = ("n", "headers", "columns", "cell_modes", "header_modes", "padding",
                 "colwidths", "cells", "cellwidths", "wrapped_headers", "broken", "_wraps")

    @classmethod
    def make(cls, headers, rows, align, widths) -> "_Grid | None":
        """The grid of this table, or None for input only tabulate draws."""
        if type(headers) not in (list, tuple) or not headers or type(rows) not in (list, tuple):
            return None
        n = len(headers)
        if any(type(h) is not str for h in headers):
            return None
        for r in rows:
            if type(r) not in (list, tuple) or len(r) != n:
                return None
        columns = [list(c) for c in zip(*rows)] if rows else [[] for _ in range(n)]
        for c in columns:
            for s in c:
                if type(s) is not str:
                    return None
        if _GRID_UNCOVERED.search("\n".join(headers) + "".join("".join(c) for c in columns)):
            return None
        if widths is not None and any(w is not None and (type(w) is not int or w < 1) for w in widths):
            return None
        if align is not None and (isinstance(align, str) or not isinstance(align, (list, tuple))):
            return None
        aligns = ["left"] * n
        if align is not None and rows:
            for i, a in enumerate(align[:n]):
                if a == "decimal":
                    return None
                if a != "global":
                    aligns[i] = a
        g = cls()
        g.n = n
        g.headers = list(headers)
        g.columns = columns
        g.cell_modes = ["r" if a == "right" else "c" if a == "center" else "l" if a else ""
                        for a in aligns]
        g.header_modes = ["l" if a == "left" else "c" if a == "center" else "r" if a else ""
                          for a in aligns]
        g.padding = _TABULATE_MIN_PADDING
        g.colwidths = [0] * n
        g.cells = [None] * n
        g.cellwidths = [None] * n
        g.wrapped_headers = [None] * n
        g.broken = [False] * n
        g._wraps = {}
        return g

    def fit_start(self, widths: list) -> None:
        """:func:`_fit_start` for the grid's cells (no line breaks but \n)."""
        for i, w in enumerate(widths):
            if w is None:
                continue
            header = self.headers[i]  # IndexError for a width without a column, as _fit_start
            widest = 0
            for s in self.columns[i]:
                if "\n" in s:
                    d = max(_display_width(x) for x in s.split("\n"))
                elif s.isascii():
                    d = len(s)
                else:
                    d = sum(map(_display_char_width, s))
                if d > widest:
                    widest = d
            widest = max(widest, max(_display_width(x) for x in header.split("\n")))
            widths[i] = max(min(w, widest), 1)

    def measure(self, i: int, width: int | None) -> None:
        """Wrap column ``i`` at ``width`` (None: not at all) and measure it."""
        cells = self.columns[i]
        header = self.headers[i]
        if width is not None:
            cache = self._wraps.setdefault(width, {})
            out = []
            append = out.append
            for s in cells:
                w = cache.get(s)
                if w is None:
                    w = cache[s] = _wrap_cell(s, width)
                append(w)
            cells = out
            header = _wrap_cell(header, width)
        self.wrapped_headers[i] = header
        # a line break in a cell or header, before any stripping: a multi-line table
        self.broken[i] = "\n" in header or any("\n" in s for s in cells)
        widest = max(map(_width, header.split("\n"))) + self.padding
        if self.cell_modes[i]:
            cells = [s.strip() for s in cells]
        ws = []
        append = ws.append
        for s in cells:
            if s.isascii():
                w = max(map(len, s.split("\n"))) if "\n" in s else len(s)
            elif "\n" in s:
                w = max(map(_width, s.split("\n")))
            else:
                w = sum(map(_char_width, s))
            append(w)
            if w > widest:
                widest = w
        self.cells[i] = cells
        self.cellwidths[i] = ws
        self.colwidths[i] = widest

    def draw(self) -> str:
        cws = self.colwidths
        multiline = any(self.broken)
        headers = [_pad_header(h, m, cw) for h, m, cw in zip(self.wrapped_headers, self.header_modes, cws)]
        cols = [_pad_column(c, ws, m, cw, multiline)
                for c, ws, m, cw in zip(self.cells, self.cellwidths, self.cell_modes, cws)]

        def rule(left, mid, right):
            return left + mid.join("─" * (cw + 2) for cw in cws) + right

        sep = rule("├", "┼", "┤")
        lines = [rule("┌", "┬", "┐")]
        if not multiline:
            lines.append("│ " + " │ ".join(headers) + " │")
            lines.append(sep)
            if cols[0]:
                lines.append(("\n" + sep + "\n").join(["│ " + " │ ".join(r) + " │" for r in zip(*cols)]))
        else:
            blanks = [" " * cw for cw in cws]

            def row_lines(cells):
                # _append_multiline_row: as many lines as the tallest cell, blanks below
                split = [c.splitlines() for c in cells]
                for k in range(max(map(len, split))):
                    yield "│ " + " │ ".join(s[k] if k < len(s) else b for s, b in zip(split, blanks)) + " │"

            lines.extend(row_lines(headers))
            lines.append(sep)
            # most rows are one line: only rows with a line break, or with nothing at
            # all (no line), need row_lines
            tall = set()
            empty = None
            for c in cols:
                tall.update(k for k, s in enumerate(c) if "\n" in s)
                e = {k for k, s in enumerate(c) if not s}
                empty = e if empty is None else empty & e
            special = tall | empty
            for k, r in enumerate(zip(*cols)):
                if k:
                    lines.append(sep)
                if k in special:
                    lines.extend(row_lines(r))
                else:
                    lines.append("│ " + " │ ".join(s or b for s, b in zip(r, blanks)) + " │")
        lines.append(rule("└", "┴", "┘"))
        return "\n".join(lines)


def _display_width(text: str) -> int:
    """:func:`display_width` (combining characters 1), faster."""
    return len(text) if text.isascii() else sum(map(_display_char_width, text))


def _pad_header(h: str, mode: str, cw: int) -> str:
    """tabulate's ``_align_header``: every line of the header padded to the column."""
    if not mode:
        return h
    if "\n" in h:
        return "\n".join(_pad(line, mode, cw - _width(line)) for line in h.split("\n"))
    return _pad(h, mode, cw - _width(h))


def _pad(s: str, mode: str, pad: int) -> str:
    if pad <= 0:
        return s
    if mode == "l":
        return s + " " * pad
    if mode == "r":
        return " " * pad + s
    left = pad // 2  # str.format's centring: the odd space goes right
    return " " * left + s + " " * (pad - left)


def _pad_column(cells: list[str], ws: list[int], mode: str, cw: int, multiline: bool) -> list[str]:
    """tabulate's ``_align_column`` for cells (already stripped) of widths ``ws``."""
    if not mode:
        if not multiline:
            return cells
        # a multi-line table pads line by line (str.splitlines: a last empty line goes)
        return ["\n".join(s.splitlines() or s) if "\n" in s else s for s in cells]
    out = []
    append = out.append
    for s, w in zip(cells, ws):
        if "\n" in s:
            append("\n".join(_pad(x, mode, cw - _width(x)) for x in s.splitlines()))
        elif not s and multiline:
            append("")  # no line at all
        elif mode == "l":
            append(s + " " * (cw - w))
        elif mode == "r":
            append(" " * (cw - w) + s)
        else:
            append(_pad(s, mode, cw - w))
    return out


def _wrap_cell(cell: str, width: int) -> str:
    """tabulate's ``maxcolwidths`` wrapping of one cell (``_wrap_text_to_colwidths``):
    the cell read as tabulate reads it (:func:`_wrap_cast`), then each of its lines
    wrapped on its own (``_CustomTextWrap``), blank lines dropped."""
    if not cell:
        return ""
    cell = _wrap_cast(cell)
    if "\n" not in cell:
        if not cell.strip():
            return ""
        return "\n".join(_wrap_line(cell, width))
    return "\n".join("\n".join(_wrap_line(line, width)) for line in cell.splitlines() if line.strip() != "")


#: the first character of a string float() may read (after spaces and decimal digits)
_FLOAT_START = frozenset("0123456789+-.iInN")


def _wrap_cast(cell: str) -> str:
    """``str(_type(cell, numparse)(cell))``, what tabulate 0.10 wraps in place of a
    non-number cell: "True" and "False" read as a bool (both print "True"), an integer
    too big for a float is re-printed by int(); anything else stays as it is.  (Where
    tabulate fails instead -- a cell float() cannot read that matches its thousands
    pattern, "1,000" or "\n" -- the cell also stays as it is.)"""
    c = cell[0]
    if c == "T" or c == "F":
        return "True" if cell == "True" or cell == "False" else cell
    if not (c in _FLOAT_START or c.isspace() or c.isdecimal()):
        return cell
    try:
        f = float(cell)
    except ValueError:
        return cell
    if f - f == 0 or cell.lower() in ("inf", "-inf", "nan"):  # finite, or written as inf/nan
        return cell
    try:
        return str(int(cell))  # more digits than a float holds
    except ValueError:
        return cell


_WORDS = None


def _wrap_line(line: str, width: int) -> list[str]:
    """tabulate 0.10's ``_CustomTextWrap(width=width).wrap(line)``: textwrap's splitting
    into words and runs of spaces (break_on_hyphens), tabulate's filling of the lines
    (widths by ``_WidthShim``, words too long for a line broken, break_long_words)."""
    if _width(line) <= width:
        # it all fits on the first line: only a last run of spaces goes
        last = line[-1]
        if last == " ":
            return [line.rstrip(" ")]
        if not last.isspace():
            return [line]
    global _WORDS
    if _WORDS is None:
        import textwrap

        _WORDS = textwrap.TextWrapper(break_long_words=True, break_on_hyphens=True)
    chunks = _WORDS._split_chunks(line)
    chunks.reverse()
    lines: list[str] = []
    while chunks:
        cur_line: list[str] = []
        cur_len = 0
        # a line's first chunk is dropped if it is whitespace, except on the first line
        if chunks[-1].strip() == "" and lines:
            del chunks[-1]
        while chunks:
            chunk_len = _width(chunks[-1])
            if cur_len + chunk_len <= width:
                cur_line.append(chunks.pop())
                cur_len += chunk_len
            else:
                break
        if chunks and _width(chunks[-1]) > width:
            # a word too long for any line: as much of it as fits goes on this one
            space_left = width - cur_len
            if space_left > 0:
                chunk = chunks[-1]
                i = used = 0
                for c in chunk:
                    used += _char_width(c)
                    if used > space_left:
                        break
                    i += 1
                if i == 0 and not cur_line:
                    i = 1  # a character wider than the column: tabulate loops forever here
                cur_line.append(chunk[:i])
                chunks[-1] = chunk[i:]
            elif not cur_line:
                cur_line.append(chunks.pop())
            cur_len = sum(map(_width, cur_line))
        if cur_line and cur_line[-1].strip() == "":
            cur_len -= _width(cur_line[-1])
            del cur_line[-1]
        if cur_line:
            lines.append("".join(cur_line))
    return lines
