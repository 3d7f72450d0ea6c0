"""User text is text in every format; private fields never leave the ledger; the
notice settings and workflow marks do what branch.yaml says."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from renderkit import PRIVATE_MARKERS, XSS, hostile_branch, load, md_text

from jifen_cli.core.periods import Period

JAN = Period.parse("2019-01")
ON = date(2019, 2, 5)
NOTE_TEMPLATE = "{{ 7*7 }} 与 {% if true %}x{% endif %}"


@pytest.fixture
def hostile(tmp_path):
    return load(hostile_branch(tmp_path / "b"))


def all_outputs(ledger) -> dict[str, str]:
    """Every text output of the renderers for the hostile branch."""
    from jifen_cli.render.cards import render_card, render_declaration_form
    from jifen_cli.render.notices import render_notice
    from jifen_cli.render.year import render_year

    out = {}
    for fmt in ("text", "md", "html"):
        out[f"notice.{fmt}"] = render_notice(ledger, JAN, fmt, ON)
        out[f"quarter.{fmt}"] = render_notice(ledger, Period.parse("2019-Q1"), fmt, ON)
        out[f"year.{fmt}"] = render_year(ledger, 2019, fmt, True)
        out[f"card.{fmt}"] = render_card(ledger, "M002", 2019, fmt)
        out[f"form.{fmt}"] = render_declaration_form(ledger, fmt)
    out["year.csv"] = render_year(ledger, 2019, "csv", True)
    return out


def test_script_name_and_template_note_are_text_in_html(hostile):
    outs = all_outputs(hostile)
    for name in ("notice.html", "quarter.html", "year.html", "card.html"):
        html = outs[name]
        assert "<script>" not in html, name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, name
    for name in ("notice.html", "quarter.html"):
        assert NOTE_TEMPLATE in outs[name]  # printed as typed, never evaluated
        assert "49 与" not in outs[name]


def test_script_name_and_template_note_are_text_in_markdown(hostile):
    outs = all_outputs(hostile)
    for name in ("notice.md", "quarter.md", "year.md", "card.md"):
        md = outs[name]
        assert "<script>" not in md, name           # no raw HTML for a Markdown renderer
        assert XSS in md_text(md), name             # ...but the reader sees the name
    assert NOTE_TEMPLATE in md_text(outs["notice.md"])
    assert "王\\|五" in outs["notice.md"]            # a | in user text does not split the cell
    # every table row of the notice has the same number of unescaped cell separators
    rows = [ln for ln in outs["notice.md"].splitlines() if ln.startswith("|")]
    counts = {ln.replace("\\|", "").count("|") for ln in rows}
    assert len(counts) == 1, counts


def test_text_output_has_no_control_characters(hostile):
    outs = all_outputs(hostile)
    for name, text in outs.items():
        if name.endswith(".csv"):
            text = text.replace("\r\n", "\n")  # CSV records end with CRLF (RFC 4180)
        bad = [c for c in text if (ord(c) < 32 and c not in "\n") or 0x7f <= ord(c) < 0xa0]
        assert not bad, (name, bad[:3])
    assert "\\x1b[31m红字" in outs["notice.text"]   # the ESC is shown, not obeyed
    assert XSS in outs["notice.text"].replace("\n", "") or "<script>alert(" in outs["notice.text"]
    assert NOTE_TEMPLATE.split(" 与")[0] in outs["notice.text"]


def test_private_fields_never_appear(hostile, tmp_path):
    outs = all_outputs(hostile)
    from jifen_cli.render.year import render_year

    xlsx = render_year(hostile, 2019, "xlsx", True)
    import zipfile

    blob = "".join(zipfile.ZipFile(io.BytesIO(xlsx)).read(n).decode("utf-8", "replace")
                   for n in zipfile.ZipFile(io.BytesIO(xlsx)).namelist())
    for marker in PRIVATE_MARKERS:
        for name, text in outs.items():
            assert marker not in text, (marker, name)
        assert marker not in blob


def test_csv_formula_prefixes_are_neutralised(hostile):
    from jifen_cli.render.common import csv_safe
    from jifen_cli.render.year import render_year

    text = render_year(hostile, 2019, "csv", True)
    assert text.startswith("\ufeff")  # Excel opens UTF-8 Chinese correctly
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    names = [r[1] for r in rows[1:] if len(r) > 1]
    assert "'=HYPERLINK(\"http://x\")" in names
    for r in rows:
        for cell in r:
            assert not cell.startswith(("=", "+", "@")), cell
            if cell.startswith("-"):
                Decimal(cell)  # only genuine numbers may start with a minus
    assert [csv_safe(v) for v in ("=1+1", "+1+cmd", "-2", "-2+3", "@SUM(A1)", "-0.5", "+3", "普通")] == \
        ["'=1+1", "'+1+cmd", "-2", "'-2+3", "'@SUM(A1)", "-0.5", "+3", "普通"]


def test_xlsx_opens_and_numbers_equal_csv(sample_ledger):
    from openpyxl import load_workbook

    from jifen_cli.render.year import render_year

    text = render_year(sample_ledger, 2019, "csv", True).lstrip("\ufeff")
    blocks = [list(csv.reader(io.StringIO(b))) for b in text.split("\r\n\r\n")]
    wb = load_workbook(io.BytesIO(render_year(sample_ledger, 2019, "xlsx", True)))
    assert len(wb.worksheets) == len(blocks) == 3  # 汇总表 + 等次 + 星级
    for ws, block in zip(wb.worksheets, blocks):
        if block[0] and not any(block[0][1:]):  # a statistics block starts with its title
            block = block[1:]
        header, body = block[0], block[1:]
        assert [c.value for c in ws[3]] == header  # Chinese headers on row 3
        assert ws.column_dimensions["B"].width >= 6
        xrows = [[c.value for c in r] for r in ws.iter_rows(min_row=4, max_row=3 + len(body))]
        assert len(xrows) == len(body)
        numbers = 0
        for xrow, crow in zip(xrows, body):
            for xv, cv in zip(xrow, crow):
                if isinstance(xv, (int, float)):
                    numbers += 1
                    assert Decimal(str(xv)) == Decimal(cv), (ws.title, xv, cv)
                else:
                    assert (xv or "") == cv, (ws.title, xv, cv)
        assert numbers > 0
    # numbers are numbers, text is text
    main = wb.worksheets[0]
    assert main["A4"].data_type == "n" and isinstance(main["I4"].value, (int, float))


def test_xlsx_text_is_never_a_formula(hostile):
    from openpyxl import load_workbook

    from jifen_cli.render.year import render_year

    wb = load_workbook(io.BytesIO(render_year(hostile, 2019, "xlsx", True)))
    cells = [c for r in wb.worksheets[0].iter_rows() for c in r if c.value is not None]
    formula = [c for c in cells if c.data_type == "f"]
    assert not formula
    assert any(c.value == '=HYPERLINK("http://x")' and c.data_type == "s" for c in cells)


def test_sanction_notes_hidden_only_when_the_branch_says_so(tmp_path):
    from jifen_cli.render.notices import render_notice

    hidden = load(hostile_branch(tmp_path / "h", hide=True))
    shown = load(hostile_branch(tmp_path / "s", hide=False))
    for fmt in ("text", "md", "html"):
        h = render_notice(hidden, JAN, fmt, ON)
        s = render_notice(shown, JAN, fmt, ON)
        assert "秘密的处分细节" not in h
        assert "属不合格党员" in h      # the item is still named
        assert "秘密的处分细节" in s
        assert "党费迟交" in h          # ordinary notes stay


def test_empty_members_follow_the_setting(tmp_path):
    from jifen_cli.render.notices import render_notice

    with_empty = render_notice(load(hostile_branch(tmp_path / "a", show_empty=True)), JAN, "md", ON)
    without = render_notice(load(hostile_branch(tmp_path / "b", show_empty=False)), JAN, "md", ON)
    assert "赵六" in with_empty and "本期无积分记录" in with_empty
    assert "赵六" not in without and "本期无积分记录" not in without


@pytest.mark.parametrize("days,closing", [(5, "2019年2月10日"), (7, "2019年2月12日"), (30, "2019年3月7日")])
def test_objection_window_closes_after_the_branch_days(tmp_path, days, closing):
    from jifen_cli.render.notices import render_notice

    ledger = load(hostile_branch(tmp_path / "b", days=days))
    for fmt in ("text", "md", "html"):
        out = render_notice(ledger, JAN, fmt, ON)
        assert f"2019年2月5日至{closing}（{days}天）" in out
        assert f"请于{closing}前" in out


def test_workflow_marks(hostile):
    from jifen_cli.render.notices import build_notice

    n = build_notice(hostile, JAN, ON)
    rows = {r["id"]: r for m in n["members"] for r in m["rows"]}
    assert rows["2019-01-004"]["marks"] == ["待认定"] and rows["2019-01-004"]["points"] == "（+20）"
    assert not rows["2019-01-004"]["counted"]
    assert "异议核实中" in rows["2019-01-007"]["marks"]
    assert rows["2019-01-006"]["marks"] == ["已作废"] and "2019-01-005" in rows["2019-01-006"]["correction"]
    assert "2019-01-005" not in rows  # shown through the entry that voided it
    assert [p["id"] for p in n["pending"]] == ["2019-01-004"]
    assert [(o["id"], o["entry"]) for o in n["objections"]] == [("Y2019-001", "2019-01-007")]
    zhang = next(m for m in n["members"] if m["name"] == "张三")
    assert zhang["period_total"] == "-5"  # the pending declaration does not count
    assert n["running_titles"][0] == "日常表现积分" and zhang["running"][0] == "95"


def test_notice_is_deterministic_and_depends_on_the_date(hostile):
    from jifen_cli.render.notices import render_notice

    a = render_notice(hostile, JAN, "html", ON)
    assert a == render_notice(hostile, JAN, "html", ON)
    b = render_notice(hostile, JAN, "html", date(2019, 2, 6))
    assert a != b and "2019年2月6日" in b


def test_title_template(tmp_path):
    from jifen_cli.render.notices import render_notice

    root = hostile_branch(tmp_path / "b")
    text = (root / "branch.yaml").read_text(encoding="utf-8")
    (root / "branch.yaml").write_text(text + '  title: "{支部}{期间}党员积分情况公示"\n', encoding="utf-8")
    out = render_notice(load(root), JAN, "md", ON)
    assert out.startswith("# 测试第一党支部2019年1月党员积分情况公示\n")


def test_bad_format_is_a_chinese_error(hostile):
    from jifen_cli.core.diagnostics import JifenError
    from jifen_cli.render.notices import render_notice

    with pytest.raises(JifenError, match="不支持的输出格式"):
        render_notice(hostile, JAN, "pdf", ON)


def test_xlsx_without_openpyxl_says_how_to_install(hostile, monkeypatch):
    import builtins

    from jifen_cli.core.diagnostics import JifenError
    from jifen_cli.render.year import render_year

    real = builtins.__import__

    def no_openpyxl(name, *a, **kw):
        if name == "openpyxl" or name.startswith("openpyxl."):
            raise ImportError("No module named 'openpyxl'")
        return real(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", no_openpyxl)
    with pytest.raises(JifenError) as exc:
        render_year(hostile, 2019, "xlsx", True)
    assert "openpyxl" in exc.value.message and "pip install" in (exc.value.hint or "")


def test_sample_branch_hides_the_party_sanction_note(sample_ledger):
    """sample_branch sets hide_sanction_notes; its 受到党纪处分 item has levels
    (警告 …), no forced grade, and ``sanction: true`` in its rules file."""
    from jifen_cli.render.notices import render_notice

    entry = next(e for e in sample_ledger.entries if e.item == "sanction")
    assert "八项规定" in entry.note
    for fmt in ("text", "md", "html"):
        out = render_notice(sample_ledger, Period.of_month(entry.date), fmt, date(2019, 6, 5))
        assert "八项规定" not in out and "受到党纪处分" in out
        assert "违规接受" not in out


SANCTION_ENTRY = """\
  - id: 2019-01-010
    date: 2019-01-25
    member: M005
    item: sanction
    level: 警告
    note: 处分决定书的细节
"""


def test_sanction_is_what_the_rules_file_says(tmp_path):
    """A note is hidden only for an item the compiled scheme marks ``is_sanction``
    (``sanction: true``, veto, forced grade, no grade); neither its name nor its
    levels (警告、留党察看 …) make it one."""
    from jifen_cli.render.notices import render_notice

    def notice(root):
        events = root / "events/2019/2019-01.yaml"
        events.write_text(events.read_text(encoding="utf-8") + SANCTION_ENTRY, encoding="utf-8")
        return render_notice(load(root), JAN, "md", ON)

    flagged = hostile_branch(tmp_path / "flagged")
    assert "处分决定书的细节" not in notice(flagged)
    unflagged = hostile_branch(tmp_path / "unflagged")
    rules = unflagged / "rules/xingshi.yaml"
    text = rules.read_text(encoding="utf-8")
    assert text.count("        sanction: true\n") == 1
    rules.write_text(text.replace("        sanction: true\n", ""), encoding="utf-8")
    out = notice(unflagged)
    assert "处分决定书的细节" in out            # “受到党纪处分” with 警告… but not marked
    assert "秘密的处分细节" not in out          # negative_list forces a grade: still hidden


def test_what_counts_as_a_sanction():
    from jifen_cli.core.rules import compile_rules

    items = {
        "veto": {"name": "一票否决事项", "veto": {"score": 0}},
        "forced": {"name": "负面清单", "grade": {"等次": "不合格"}},
        "inquiry": {"name": "接受调查", "no_grade": "调查中"},
        "marked": {"name": "违纪", "points": 5, "sanction": True},
        "levels": {"name": "受到党纪处分", "levels": {"警告": 10, "留党察看": 40}},
        "words": {"name": "政务处分", "points": 5},
        "plain": {"name": "无故缺席组织生活", "points": 2},
    }
    raw = {"format": 1, "scheme": "测试", "sections": [
        {"code": "s", "name": "扣分", "kind": "penalty",
         "items": [{"code": code, **spec} for code, spec in items.items()]}],
        "total": {"method": "sum"},
        "grades": [{"scale": "等次", "bands": [{"name": "合格", "min": 60}, {"name": "不合格", "below": 60}]}]}
    scheme, diags = compile_rules(raw, "rules/t.yaml")
    assert scheme is not None and not [d for d in diags if d.is_error], [d.format() for d in diags]
    assert {code for code, it in scheme.items.items() if it.is_sanction} == {"veto", "forced", "inquiry",
                                                                           "marked"}
