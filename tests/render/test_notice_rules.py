"""The notice shows what the engine counted: modifiers, joint liability, honours
counted once at their highest level, and running section totals of the year so far."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from renderkit import load

import jifen_cli
from jifen_cli.core.periods import Period

PRESETS = __import__("pathlib").Path(jifen_cli.__file__).parent / "core" / "presets"

BRANCH = """\
format: 1
name: 测试国企党支部
upper: 测试集团党委
secretary: 张书记
recorders: [李记录]
objection_days: 7
rules:
  - from: 2019-01-01
    file: rules/soe.yaml
"""
MEMBERS = """\
members:
  - {id: M001, name: 张书记, category: x, posts: [书记], group: 一组}
  - {id: M002, name: 王组长, category: x, posts: [党小组长], group: 一组}
  - {id: M003, name: 赵党员, category: x, group: 一组}
  - {id: M004, name: 钱领导, category: x, posts: [分管领导]}
"""
MARCH = """\
entries:
  - {id: 2019-03-001, date: 2019-03-05, member: M003, item: discipline_violation, note: 上班期间饮酒}
  - {id: 2019-03-002, date: 2019-03-20, member: M003, item: discipline_violation, note: 再次违反}
  - {id: 2019-03-003, date: 2019-03-21, member: M001, item: dues_late}
  - {id: 2019-03-004, date: 2019-03-22, member: M003, item: honour, level: 单位党委, subject: 先进个人}
  - {id: 2019-03-005, date: 2019-03-23, member: M003, item: honour, level: 地方党委, subject: 先进个人}
"""
APRIL = """\
entries:
  - {id: 2019-04-001, date: 2019-04-02, member: M002, item: absent_meeting}
"""


@pytest.fixture
def soe(tmp_path):
    root = tmp_path / "soe"
    (root / "rules").mkdir(parents=True)
    shutil.copy(PRESETS / "soe.yaml", root / "rules" / "soe.yaml")
    for rel, text in {"branch.yaml": BRANCH, "members.yaml": MEMBERS,
                      "events/2019/2019-03.yaml": MARCH, "events/2019/2019-04.yaml": APRIL}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return load(root)


def test_points_are_the_engines(soe):
    from jifen_cli.render.notices import build_notice

    n = build_notice(soe, Period.parse("2019-03"), date(2019, 4, 5))
    by = {m["name"]: m for m in n["members"]}
    rows = {(r["id"], r["item"]): r for r in by["赵党员"]["rows"]}
    assert rows[("2019-03-001", "党的纪律：违反纪律情节轻微（未受处分）")]["points"] == "-5"
    assert rows[("2019-03-002", "党的纪律：违反纪律情节轻微（未受处分）")]["points"] == "-6"  # repeat +20%
    assert rows[("2019-03-004", "获得荣誉：单位党委")]["points"] == "0"  # same subject: the highest only
    assert "不计分" in rows[("2019-03-004", "获得荣誉：单位党委")]["marks"]
    assert rows[("2019-03-005", "获得荣誉：地方党委")]["points"] == "+6"
    assert by["张书记"]["rows"][0]["points"] == "-3.3"  # post holder +10%
    # joint liability: the group leader and the supervising leader carry a share
    wang = [r for r in by["王组长"]["rows"] if "连带" in r["marks"]]
    # (and for the secretary's own 3.3: 党小组长 of the same group, 10%)
    assert [(r["id"], r["points"]) for r in wang] == [("2019-03-001", "-0.5"), ("2019-03-002", "-0.6"),
                                                      ("2019-03-003", "-0.33")]
    assert by["王组长"]["period_total"] == "-1.43"
    qian = [(r["id"], r["points"]) for r in by["钱领导"]["rows"]]
    assert qian == [("2019-03-001", "-1"), ("2019-03-002", "-1.2")]
    assert n["counts"]["entries"] == 5  # liability shares are not entries
    # running totals: the base section of the year so far
    assert n["running_titles"] == ["基准分（扣分）", "加分"]
    assert by["赵党员"]["running"] == ["89", "6"]


def test_running_totals_ignore_later_entries(soe):
    from jifen_cli.render.notices import build_notice

    march = build_notice(soe, Period.parse("2019-03"), date(2019, 4, 5))
    april = build_notice(soe, Period.parse("2019-04"), date(2019, 5, 5))
    wang_march = next(m for m in march["members"] if m["name"] == "王组长")
    wang_april = next(m for m in april["members"] if m["name"] == "王组长")
    assert wang_march["running"][0] == "98.57"  # 100 − 0.5 − 0.6 − 0.33
    assert wang_april["running"][0] == "96.37"  # and −2 × 1.1 (post holder) in April
