"""Shared helpers of the renderers: templates, escaping, number and date formatting,
and a read-only view of the rules file (item names, sections) for the printed forms.

Nothing here imports jinja2, tabulate or openpyxl at module level: they are imported
inside the functions that need them, so ``jifen --help`` and ``jifen check`` never pay
for them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
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


# --------------------------------------------------------------------------- the scheme, read for printing
#: party and administrative sanction levels (党纪处分、政务处分、行政处罚)
SANCTION_LEVELS = frozenset(("警告", "严重警告", "撤销党内职务", "撤职", "留党察看", "开除党籍", "记过",
                             "记大过", "降级", "开除", "罚款", "拘留", "行政拘留"))
_SANCTION_WORDS = re.compile("处分|处罚|否决|负面清单")


@dataclass
class ItemView:
    code: str
    name: str
    section: str
    section_name: str
    section_kind: str
    part: str | None = None
    part_name: str | None = None
    raw: dict = field(default_factory=dict)

    @property
    def deducting(self) -> bool:
        return self.section_kind in ("base", "penalty")

    @property
    def sanction(self) -> bool:
        """Sanction/veto-related: its note is hidden in public notices when the branch
        sets ``notice.hide_sanction_notes``.  That is an item with ``veto``, ``grade`` or
        ``no_grade``, and also one that is plainly a disciplinary sanction even without
        them: a name speaking of 处分/否决/负面清单, or a level table of sanction
        levels (警告、严重警告、留党察看 …), as branches often write “受到党纪处分”
        with levels and no forced grade."""
        r = self.raw
        if any(r.get(k) not in (None, False) for k in ("veto", "grade", "no_grade")):
            return True
        if _SANCTION_WORDS.search(self.name):
            return True
        levels = r.get("levels")
        return isinstance(levels, dict) and any(str(k) in SANCTION_LEVELS for k in levels)

    def value_text(self) -> str:
        """What the scheme says one occurrence is worth, for the card and forms."""
        r = self.raw
        if r.get("zero"):
            return "该项不得分"
        if r.get("veto") not in (None, False):
            return "一票否决"
        if r.get("points") is not None:
            base = num(_dec(r.get("points")))
            per = r.get("per")
            return f"每{num(_dec(per))}计{base}" if per else base
        if r.get("open"):
            lo, hi = (list(r["open"]) + [None, None])[:2]
            return f"{num(_dec(lo))}—{num(_dec(hi))}"
        if isinstance(r.get("levels"), dict):
            vals = [_dec(v) for v in r["levels"].values()]
            vals = [v for v in vals if v is not None]
            if vals:
                return f"{num(min(vals))}—{num(max(vals))}"
        if r.get("no_grade"):
            return "不定等次"
        if isinstance(r.get("grade"), dict) and r["grade"]:
            return "、".join(str(v) for v in r["grade"].values())
        return ""


@dataclass
class SectionView:
    code: str
    name: str
    kind: str
    full: Decimal | None
    cap: Decimal | None
    items: list[ItemView]
    parts: list[tuple[str, str, Decimal | None]]  # (code, name, full)


@dataclass
class SchemeView:
    name: str
    sections: list[SectionView]
    items: dict[str, ItemView]
    raw: dict

    def item(self, code: str) -> ItemView | None:
        return self.items.get(code)


def _dec(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    pct = text.endswith("%")
    try:
        d = Decimal(text.rstrip("%"))
    except InvalidOperation:
        return None
    return d / 100 if pct else d


def scheme_view(raw: dict | None) -> SchemeView:
    """A read-only view of a rules file (plain data as loaded): sections in order,
    items with their section and part.  Tolerant: a malformed piece is skipped (the
    checks report it), never fatal for printing."""
    raw = raw if isinstance(raw, dict) else {}
    sections: list[SectionView] = []
    items: dict[str, ItemView] = {}
    for s in raw.get("sections") or []:
        if not isinstance(s, dict) or not s.get("code"):
            continue
        code, name, kind = str(s["code"]), str(s.get("name") or s["code"]), str(s.get("kind") or "")
        sec_items: list[ItemView] = []
        parts = []

        def add(it, part=None, part_name=None):
            if not isinstance(it, dict) or not it.get("code"):
                return
            view = ItemView(str(it["code"]), str(it.get("name") or it["code"]), code, name, kind,
                            part, part_name, it)
            sec_items.append(view)
            items.setdefault(view.code, view)

        for p in s.get("parts") or []:
            if not isinstance(p, dict) or not p.get("code"):
                continue
            parts.append((str(p["code"]), str(p.get("name") or p["code"]), _dec(p.get("full"))))
            for it in p.get("items") or []:
                add(it, str(p["code"]), str(p.get("name") or p["code"]))
        for it in s.get("items") or []:
            add(it)
        sections.append(SectionView(code, name, kind, _dec(s.get("full")), _dec(s.get("cap")),
                                    sec_items, parts))
    return SchemeView(str(raw.get("scheme") or ""), sections, items, raw)


def scheme_for(ledger, day: date) -> SchemeView:
    """The scheme in force on ``day`` (empty view when no rules file applies)."""
    ref = ledger.rules_file_for(day)
    return scheme_view(ledger.rules.get(ref.file) if ref else None)


def class_names(scheme: SchemeView) -> dict[str, str]:
    classes = scheme.raw.get("classes")
    out = {}
    if isinstance(classes, dict):
        for code, v in classes.items():
            out[str(code)] = str(v.get("name", code)) if isinstance(v, dict) else str(code)
    return out


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
        return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
                   for c in text)


def text_table(headers: list[str], rows: list[list], align: list[str] | None = None,
               widths: list[int | None] | None = None) -> str:
    """A terminal table (tabulate, ``simple_grid`` style) that lines up Chinese text.
    Cells must already be plain text (``text_clean``)."""
    import tabulate as tb

    if tb.wcwidth is None:
        tb.wcwidth = _WidthShim
    tb.WIDE_CHARS_MODE = True
    return tb.tabulate(rows, headers=headers, tablefmt="simple_grid", disable_numparse=True,
                       colalign=align, maxcolwidths=widths)
