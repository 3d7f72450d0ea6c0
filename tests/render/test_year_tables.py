"""The year tables: one 扣减分 column when the scheme has a section of that name, the
range of forced-only bands, and a graded table that fits a terminal."""

from __future__ import annotations

import csv
import io
import shutil

import pytest

from renderkit import load

import jifen_cli
from jifen_cli.render.common import TERMINAL_WIDTH, display_width

PRESETS = __import__("pathlib").Path(jifen_cli.__file__).parent / "core" / "presets"

BRANCH = """\
format: 1
name: 测试管理局机关党支部
upper: 测试机关党委
secretary: 张三
recorders: [李四]
objection_days: 5
rules:
  - from: 2019-01-01
    file: rules/yimeng.yaml
"""
MEMBERS = """\
members:
  - {id: Y1, name: 张一, category: member}
  - {id: Y2, name: 王二, category: member}
  - {id: Y3, name: 李三, category: member}
  - {id: Y4, name: 赵四, category: member}
  - {id: Y5, name: 钱五, category: member}
"""
MARCH = """\
entries:
  - {id: 2019-03-001, date: 2019-03-05, member: Y1, item: study_absent}
  - {id: 2019-03-002, date: 2019-03-06, member: Y2, item: activity_short, points: 5}
  - {id: 2019-03-003, date: 2019-03-07, member: Y3, item: harm_masses}
"""


@pytest.fixture(scope="module")
def yimeng(tmp_path_factory):
    root = tmp_path_factory.mktemp("yimeng")
    (root / "rules").mkdir()
    shutil.copy(PRESETS / "yimeng.yaml", root / "rules" / "yimeng.yaml")
    for rel, text in {"branch.yaml": BRANCH, "members.yaml": MEMBERS, "events/2019/2019-03.yaml": MARCH}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return load(root)


def _csv_blocks(text: str) -> list[list[list[str]]]:
    return [list(csv.reader(io.StringIO(b))) for b in text.lstrip("\ufeff").split("\r\n\r\n")]


def test_a_penalty_section_named_deductions_is_the_only_deductions_column(yimeng):
    """yimeng: 年度积分 = 基本分 + 奉献分 + 评议分 − 扣减分.  The 扣减分 column is the penalty
    section; a shortfall in 基本分 (王二 −5) shows in 基本分 only, and every row adds up."""
    from jifen_cli.render.year import render_year

    main = _csv_blocks(render_year(yimeng, 2019, "csv", True))[0]
    header = main[0]
    assert header.count("扣减分") == 1 and "扣分合计" not in header
    assert "类别" not in header  # yimeng has no classes: no column of placeholder codes
    assert header[2:7] == ["基本分", "奉献分", "评议分", "扣减分", "年度总积分"]
    rows = {r[1]: r for r in main[1:]}
    assert rows["王二"][2:7] == ["95", "0", "0", "0", "95"]
    assert rows["李三"][2:7] == ["100", "0", "0", "10", "90"]
    for r in main[1:]:
        basic, contribution, evaluation, deduct, total = map(float, r[2:7])
        assert basic + contribution + evaluation - deduct == total, r
    for fmt in ("text", "md", "html"):
        out = render_year(yimeng, 2019, fmt, True)
        header_line = next(line for line in out.splitlines() if "序号" in line)
        assert header_line.count("扣减分") == 1, fmt


def test_score_table_has_the_same_rule(yimeng):
    from jifen_cli.core import engine
    from jifen_cli.render.scores import render_score_table

    out = render_score_table(engine.score(yimeng, 2019), "csv")
    header = next(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    assert header.count("扣减分") == 1 and header[-1] == "总分"


def test_deductions_title():
    from jifen_cli.render.common import deductions_title

    assert deductions_title([("daily", "日常表现积分", "base"), ("negative", "负面清单", "penalty")]) == "扣减分"
    assert deductions_title([("basic", "基本分", "base"), ("deduct", "扣减分", "penalty")]) is None
    assert deductions_title([("deduct", "扣减分", "base")]) == "扣分合计"


def test_forced_only_bands_say_so(yimeng, sample_ledger):
    from jifen_cli.render.year import FORCED_RANGE, build_year

    stats = build_year(yimeng, 2019, True)["stats"][0]
    ranges = {line["band"]: line["range"] for line in stats["lines"]}
    assert ranges == {"优秀": "不限", "合格": FORCED_RANGE, "不合格": FORCED_RANGE}
    assert FORCED_RANGE == "仅由强制或转入"
    # bands reached by score keep their range
    sample = build_year(sample_ledger, 2019, True)["stats"]
    assert all(line["range"] != FORCED_RANGE for st in sample for line in st["lines"])


def test_graded_year_table_fits_a_terminal(sample_ledger):
    from jifen_cli.render.year import build_year, render_year

    out = render_year(sample_ledger, 2019, "text", True)
    assert max(display_width(line) for line in out.splitlines()) <= TERMINAL_WIDTH
    # nothing is cut: every remark is in the 说明 column, wrapped
    flat = out.replace("│", "").replace(" ", "").replace("\n", "")
    for row in build_year(sample_ledger, 2019, True)["rows"]:
        for piece in row["remark"].replace(" ", "").split("；"):
            assert piece[:6] in flat, piece


def test_text_table_fit_narrows_the_widest_wrapped_column():
    from jifen_cli.render.common import MIN_WRAP, text_table

    rows = [["1", "甲" * 30, "乙" * 60]]
    loose = text_table(["序号", "事项", "说明"], rows, widths=[None, 40, 80])
    assert display_width(loose.splitlines()[0]) > 100
    fitted = text_table(["序号", "事项", "说明"], rows, widths=[None, 40, 80], fit=100)
    assert max(display_width(line) for line in fitted.splitlines()) <= 100
    assert fitted.replace("│", "").replace(" ", "").replace("\n", "").count("乙") == 60
    # it never goes below MIN_WRAP: a table that cannot fit stays readable
    tight = text_table(["序号", "事项", "说明"], rows, widths=[None, 40, 80], fit=10)
    widths = {display_width(c.strip()) for line in tight.splitlines()[3:] for c in line.split("│")[1:-1]}
    assert max(widths) >= MIN_WRAP
    # a table that fits is not wrapped further
    assert text_table(["序号", "事项", "说明"], rows, widths=[None, 40, 80], fit=1000) == \
        text_table(["序号", "事项", "说明"], rows, widths=[None, 40, 80], fit=100000)
    assert "乙" * 40 in text_table(["序号", "事项", "说明"], rows, widths=[None, 40, 80], fit=1000)
