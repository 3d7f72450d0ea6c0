"""``text_table`` draws its terminal tables itself (``_Grid``); it must draw exactly what
the tabulate-based implementation it replaced draws.  That implementation is kept below,
verbatim, as the oracle: hypothesis throws mixed ASCII / Chinese / full-width text,
spaces, line breaks and empty cells at both, with random alignments, wrap widths and
terminal widths, and the two must agree byte for byte."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jifen_cli.render import common
from jifen_cli.render.common import MIN_WRAP, _WidthShim, display_width, text_table


# --------------------------------------------------------------------------- the oracle
def tabulate_text_table(headers, rows, align=None, widths=None, fit=None) -> str:
    """``text_table`` as it was before ``_Grid`` (tabulate 0.10, ``simple_grid``)."""
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


@contextlib.contextmanager
def shim_widths():
    """The oracle measures with ``_WidthShim`` (what jifen installs when the optional
    wcwidth package is absent), even where wcwidth happens to be installed."""
    import tabulate as tb

    saved = tb.wcwidth, tb.WIDE_CHARS_MODE
    tb.wcwidth = _WidthShim
    try:
        yield
    finally:
        tb.wcwidth, tb.WIDE_CHARS_MODE = saved


def oracle(*args, **kwargs) -> str:
    with shim_widths():
        return tabulate_text_table(*args, **kwargs)


def tabulate_fails(error: Exception) -> bool:
    """tabulate's own failure on a wrapped cell such as "1,000" or "\\n": its thousands
    pattern calls it a number that int()/float() then cannot read.  text_table draws
    the cell as it is instead."""
    return isinstance(error, ValueError) and str(error).startswith(
        ("invalid literal for int() with base 10", "could not convert string to float"))


def same(headers, rows, align=None, widths=None, fit=None) -> str:
    """The table, after checking it is the oracle's (and that neither changed its input)."""
    w_before = list(widths) if widths is not None else None
    got = text_table(headers, rows, align, widths, fit)
    assert widths == w_before, "text_table changed its widths argument"
    try:
        want = oracle(headers, rows, align, widths, fit)
    except ValueError as e:
        if not tabulate_fails(e):
            raise
        return got
    assert got == want, "\n" + got + "\n-- tabulate --\n" + want
    return got


# --------------------------------------------------------------------------- differential
TOKENS = [
    # ASCII words, numbers, hyphens (textwrap breaks at them), long words
    "a", "ab", "Ab", "abc", "hello", "world", "M0001", "12.5", "-3", "—", "x-y", "re-enter", "well--known",
    "-", "A" * 13, "z" * 25, "False", "True",
    # what tabulate reads as a number when it wraps a cell (most of it stays as it is)
    "1,000", "007", "1e999", "+nan", "nan", "inf", "-Infinity", "1" * 320, "0" + "9" * 330, " 12", ".5", "1_0",
    # Chinese, full-width punctuation, the ideographic space
    "党", "员", "党员", "积分", "管理办法", "优秀", "不合格", "甲" * 9, "，", "。", "、", "：", "；",
    "（", "）", "【", "】", "“", "”", "！", "？", "\u3000", "２０２４", "ＡＢＣ",
    # other widths: a combining accent, an accented letter, Cyrillic
    "e\u0301", "é", "я",
    # spaces and line breaks
    " ", " ", "  ", "\n", "\n",
]
cells = st.one_of(
    st.just(""),
    st.sampled_from(["False", "True", " ", "\n", " \n ", "\u3000", "12", "1,000", "1" * 320, "00" + "7" * 320,
                     "１２", "1e999", "NaN", "+inf"]),
    st.lists(st.sampled_from(TOKENS), min_size=1, max_size=14).map("".join),
)
aligns = st.sampled_from(["left", "right", "center", None, "global"])
wrap_widths = st.one_of(st.none(), st.integers(2, 14), st.integers(15, 60))


@st.composite
def tables(draw):
    n = draw(st.integers(1, 8))
    headers = draw(st.lists(cells, min_size=n, max_size=n))
    rows = draw(st.lists(st.lists(cells, min_size=n, max_size=n), max_size=30))
    align = draw(st.one_of(st.none(), st.lists(aligns, min_size=max(0, n - 1), max_size=n + 1)))
    widths = draw(st.one_of(st.none(), st.lists(wrap_widths, min_size=n, max_size=n)))
    fit = draw(st.one_of(st.none(), st.integers(20, 200)))
    return headers, rows, align, widths, fit


@settings(max_examples=400, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tables())
def test_same_table_as_tabulate(table):
    headers, rows, align, widths, fit = table
    same(headers, rows, align, widths, fit)


@settings(max_examples=60, deadline=None, database=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join), st.integers(2, 30))
def test_same_wrapping_as_tabulate(text, width):
    # one long cell, one column: the wrapping alone
    same(["说明"], [[text], [text.replace("\n", " ")]], ["left"], [width])
    same(["说明"], [[text]], ["right"], [width], fit=width + 4)


def test_real_tables_are_drawn_without_tabulate(monkeypatch):
    # the input jifen gives is covered by _Grid: tabulate is never called
    def no_tabulate(*args, **kwargs):
        raise AssertionError("tabulate was called")

    monkeypatch.setattr(common, "_tabulate_table", no_tabulate)
    text_table(["编号", "姓名", "说明"], [["M0001", "张三", "无故缺席支部党员大会，扣2分"]],
               ["left", "left", "left"], widths=[None, 12, 36], fit=160)


@pytest.mark.parametrize("cell", ["行一\u2028行二", "a\tb", "\x1b[31m红\x1b[0m", "a\rb", "\x85", "\x1c"])
def test_uncovered_input_goes_to_tabulate(cell):
    # separators str.splitlines knows and tabulate does not, tabs, ANSI escapes:
    # tabulate draws them, as before
    same(["甲", "乙"], [[cell, "x"], ["y", cell]], ["left", "right"], [6, None], fit=40)


def test_other_cells_go_to_tabulate():
    same(["序号", "分值"], [[1, 2.5], [None, "3"]], ["right", "right"])
    same(["序号", "分值"], [["1"], ["2", "3"]])  # ragged rows


# --------------------------------------------------------------------------- hand examples
def test_wrapped_chinese_cell():
    # a Chinese run is one long word: broken every 4 characters (8 columns), the header
    # and the first column get 2 columns of header padding
    got = same(["姓名", "说明"], [["张三", "党员积分管理办法试行"]], widths=[None, 8])
    assert got == (
        "┌────────┬──────────┐\n"
        "│ 姓名   │ 说明     │\n"
        "├────────┼──────────┤\n"
        "│ 张三   │ 党员积分 │\n"
        "│        │ 管理办法 │\n"
        "│        │ 试行     │\n"
        "└────────┴──────────┘"
    )


def test_words_wrap_at_spaces_and_long_words_break():
    got = same(["note"], [["ab cd efghijkl"]], widths=[5])
    assert got.splitlines()[3:7] == [
        "│ ab cd  │",
        "│ efghi  │",
        "│ jkl    │",
        "└────────┘",
    ]


def test_fit_shrinks_the_widest_column():
    # 4 + 20 + 60 columns + 10 of grid = 94 > 50: 说明 (the widest limit) gives up 44
    # columns (60 → 16), 事项 keeps its 20; headers get no extra padding when fitting
    got = same(["序号", "事项", "说明"], [["1", "甲" * 10, "乙" * 30]], ["right", "left", "left"],
               widths=[None, 40, 80], fit=50)
    assert got == (
        "┌──────┬──────────────────────┬──────────────────┐\n"
        "│ 序号 │ 事项                 │ 说明             │\n"
        "├──────┼──────────────────────┼──────────────────┤\n"
        "│    1 │ 甲甲甲甲甲甲甲甲甲甲 │ 乙乙乙乙乙乙乙乙 │\n"
        "│      │                      │ 乙乙乙乙乙乙乙乙 │\n"
        "│      │                      │ 乙乙乙乙乙乙乙乙 │\n"
        "│      │                      │ 乙乙乙乙乙乙     │\n"
        "└──────┴──────────────────────┴──────────────────┘"
    )
    assert display_width(got.splitlines()[0]) == 50


def test_empty_table():
    # headers only, left-aligned whatever colalign says (tabulate has no column to align)
    got = same(["编号", "姓名"], [], ["right", "right"])
    assert got == (
        "┌────────┬────────┐\n"
        "│ 编号   │ 姓名   │\n"
        "├────────┼────────┤\n"
        "└────────┴────────┘"
    )


def test_header_longer_than_its_cells():
    # the header sets the width (+2 padding); a right-aligned column right-aligns its header
    got = same(["年度民主评议积分", "等次"], [["5", "优秀"], ["12.5", "合格"]], ["right", "center"])
    assert got == (
        "┌────────────────────┬────────┐\n"
        "│   年度民主评议积分 │  等次  │\n"
        "├────────────────────┼────────┤\n"
        "│                  5 │  优秀  │\n"
        "├────────────────────┼────────┤\n"
        "│               12.5 │  合格  │\n"
        "└────────────────────┴────────┘"
    )


def test_tabulate_quirks_are_kept():
    # a wrapped "False" cell reads as a bool and prints "True"; an empty row of a
    # multi-line table takes no line; an unaligned (None) column is not padded
    assert "True" in same(["值"], [["False"]], widths=[10])
    got = same(["a", "b"], [["x\ny", "1"], ["", ""], ["z", "2"]], ["left", "right"])
    assert got.count("├") == 3 and len(got.splitlines()) == 9
    same(["a", "b"], [["xx", "1"], ["x", "22"]], [None, None])


def test_numbers_tabulate_cannot_read_stay_as_they_are():
    # tabulate raises ValueError on a wrapped "1,000" (its thousands pattern says int,
    # int() says no); text_table draws it
    with pytest.raises(ValueError):
        oracle(["说明"], [["1,000"]], widths=[10])
    assert "│ 1,000  │" in text_table(["说明"], [["1,000"]], widths=[10])
    # what tabulate does read is read the same way: an integer too long for a float
    # is re-printed by int() (leading zeros go), other numbers stay as written
    assert "│ 12" in same(["n"], [["0012" + "3" * 330], ["1e5"], [" 7 "]], ["left"], widths=[400])
