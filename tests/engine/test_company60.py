"""Preset company60 (公司 党员积分制管理: 基础分 60 + 履职分 40, seed 001) against results computed by hand.

Seed: 001_761709d9094f6f4d.txt, the section "结合公司实际情况，开展党员积分制管理…特制定本办法"
(around lines 225—320).  Clauses: "一" 适用范围 (预备党员、积极分子不评等次), "二(一)1—3" 基础分
sub-items (5 each, "该项不得分"), "二(二)(1)—(8)" 履职分 and 加分 (同一项目以最高级表彰积分),
"二(三)" 一票否决 积分为零, "三(三)" 年度积分 = 基础分 + 履职得分 − 累计扣分, "四(一)" bands and the
预备党员 / 积极分子 thresholds, "四(二)(三)" 排名靠前/靠后.  Deduction points, bonus values and the
前/后 25% are the preset's 支部自定 values.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jifen_cli.core import engine
from jifen_cli.core.presets import preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import entry, ledger, member

LABEL = "company60"
YEAR = 2019


class Book(list):
    """Entries dated in YEAR (day 15 of ``month``) unless told otherwise."""

    def add(self, mid, item, month=6, day=15, *, year=YEAR, **kw) -> str:
        self.append(entry(f"{year}-{month:02d}-{day:02d}", mid, item, **kw))
        return self[-1].id


def branch(members, book=(), evaluations=(), history=None, rules=None):
    return ledger(rules or LABEL, members, book, evaluations, history, start="2017-01-01")


def year_result(led, year=YEAR):
    return engine.year_result(led, year)


def _row(result, mid):
    return result.member(mid).row


def _outcomes(result, mid):
    return " ".join(result.member(mid).outcomes)


# ---- the preset itself ---------------------------------------------------------------

def test_preset_loads_without_diagnostics():
    scheme, diags = compile_rules(preset_data(LABEL), f"rules/{LABEL}.yaml")
    assert scheme is not None
    assert [d.format() for d in diags] == []
    # 二(一)：20 + 25 + 15 = 60 (讲政治 lists 3 × 5: the 4th sub-item is 支部自定); 二(二)：38 + 加分 ≤ 2
    assert [scheme.section(c).full for c in ("politics", "rules", "morality", "duty")] == [20, 25, 15, 38]
    assert [p.full for p in scheme.section("rules").parts] == [5, 5, 5, 5, 5]
    assert [p.full for p in scheme.section("duty").parts] == [10, 5, 5, 5, 5, 5, 3]
    assert scheme.section("bonus").cap == 2
    # 四(一)：五档
    assert [b.name for b in scheme.scale("等次").bands] == ["优秀", "良好", "中等", "合格", "不合格"]


# ---- the branch ----------------------------------------------------------------------

def _shortfalls(b, mid, month, *, training=5, activity=5):
    """Duty shortfalls used by several members: 本职 −10, 联系群众 −5, activities and training."""
    b.add(mid, "job_short", month, points=10)
    b.add(mid, "masses_short", month, points=5)
    b.add(mid, "activity_absent", month, times=activity)
    b.add(mid, "training_absent", month, times=training)


@pytest.fixture(scope="module")
def result():
    members = [
        member("P1", "甲"),
        member("P2", "乙"),
        member("P3", "丙"),
        member("P4", "丁", status="预备"),
        member("P5", "戊", status="预备"),
        member("P6", "己", status="积极分子"),
        member("P7", "庚", status="积极分子"),
        member("P8", "辛"),
        member("P9", "壬"),
        member("P10", "癸"),
    ]
    b = Book()
    # P1: 公司级 and 国家级 honours for the same achievement
    b.add("P1", "honour", 3, level="公司级", subject="安全生产先进")
    b.add("P1", "honour", 11, level="国家级", subject="安全生产先进")
    # P2: superstition and a lavish wedding (two sub-items zeroed); three work errors
    b.add("P2", "superstition", 2)
    b.add("P2", "extravagance", 5)
    b.add("P2", "work_error", 6, times=3)
    # P3: 违反国家法律法规 → 一票否决, despite a 省部级 honour
    b.add("P3", "honour", 4, level="省部级", subject="技术能手")
    b.add("P3", "veto_law", 9)
    # P4 (预备): three missed meetings (6 > 5), dues late twice, duty shortfalls
    b.add("P4", "meeting_absent", 4, times=3)
    b.add("P4", "dues_late", 7, times=2)
    b.add("P4", "job_short", 10, points=10)
    b.add("P4", "training_absent", 10, times=5)
    b.add("P4", "activity_absent", 10, times=2)
    # P5 (预备): 违反组织纪律 → 一票否决
    b.add("P5", "veto_discipline", 6)
    # P6 (积极分子): 公司级 honour
    b.add("P6", "honour", 5, level="公司级", subject="青年岗位能手")
    # P7 (积极分子): 2018 below 70, and 2019 below 70 again
    b.add("P7", "job_short", 12, points=10, year=2018)
    b.add("P7", "masses_short", 12, points=5, year=2018)
    b.add("P7", "activity_absent", 12, times=5, year=2018)
    b.add("P7", "training_absent", 12, times=5, year=2018)
    b.add("P7", "politics_other", 12, points=5, year=2018)
    b.add("P7", "charter_careless", 3)
    b.add("P7", "knowledge_short", 4, times=5)
    b.add("P7", "company_rule", 5, times=3)
    b.add("P7", "job_short", 12, points=10)
    b.add("P7", "masses_short", 12, points=5)
    # P8: nothing
    # P9: duty shortfalls, three trainings missed
    _shortfalls(b, "P9", 11, training=3)
    # P10: duty shortfalls, five company meetings missed, two breaches of morals
    _shortfalls(b, "P10", 11)
    b.add("P10", "company_meeting_absent", 9, times=5)
    b.add("P10", "morals_breach", 8, times=2)
    return year_result(branch(members, b))


def test_highest_honour_within_bonus_cap(result):
    r = _row(result, "P1")
    # 二(二)(8)：同一项目以最高级表彰积分 → 国家级 2 (公司级 0.5 not added); cap 2
    assert r.sections["bonus"] == D(2)
    # 三(三)：60 + 38 + 2 = 100
    assert r.total == D(100)


def test_items_zeroed(result):
    r = _row(result, "P2")
    # 二(一)3(3) 搞封建迷信 → 该项不得分: 讲道德 15 − 5 = 10
    assert r.sections["morality"] == D(10)
    # 二(一)2(1) 大操大办 → 该项不得分: 讲规矩 25 − 5 = 20
    assert r.sections["rules"] == D(20)
    # 二(二)(3) 3 errors × 1 (支部自定): 38 − 3 = 35
    assert r.sections["duty"] == D(35)
    # 20 + 20 + 10 + 35 + 0 = 85
    assert r.total == D(85)


def test_veto_sets_zero(result):
    # 二(三)：违反国家法律法规 → 一票否决，积分为零
    r = _row(result, "P3")
    assert r.vetoed and r.total == D(0)
    # 四(一)：低于 60 分 → 不合格
    assert result.member("P3").grade("等次") == "不合格"
    assert "不合格党员" in _outcomes(result, "P3")


def test_probationary_below_75(result):
    r = _row(result, "P4")
    # 二(一)2(3) 3 × 2 = 6 > 5 → sub-item 0 (−5); 2(4) 2 × 2 = 4 → 讲规矩 25 − 9 = 16
    assert r.sections["rules"] == D(16)
    # 二(二)(1) −10, (2) 5 × 1 → −5, (6) 2 × 1 → −2: 38 − 17 = 21
    assert r.sections["duty"] == D(21)
    # 20 + 16 + 15 + 21 = 72
    assert r.total == D(72)
    # 一：预备党员不参与评定等次;  四(一)：未达到 75 分 → 延长预备期 (not 取消: 72 ≥ 60)
    m = result.member("P4")
    assert not m.graded and m.grade("等次") is None
    assert "延长预备期" in _outcomes(result, "P4") and "取消" not in _outcomes(result, "P4")


def test_probationary_veto_cancels(result):
    # 二(三) 一票否决 → 0; 四(一)：出现一票否决 → 取消预备党员资格
    assert _row(result, "P5").total == D(0)
    assert "取消预备党员资格" in _outcomes(result, "P5")
    assert "延长预备期" not in _outcomes(result, "P5")


def test_activist_priority(result):
    # 60 + 38 + 0.5 (公司级, 支部自定) = 98.5
    assert _row(result, "P6").total == D("98.5")
    # 四(一)：积极分子 ≥ 90 且有加分项目 → 优先列为发展对象; not graded (一)
    assert "优先考虑列为发展对象" in _outcomes(result, "P6")
    assert not result.member("P6").graded


def test_activist_below_70_two_years(result):
    r = _row(result, "P7")
    # 二(一)1(2) 党章考试不合格 → 该项不得分 (−5); 1(3) 5 × 1 → −5: 讲政治 20 − 10 = 10
    assert r.sections["politics"] == D(10)
    # 2(5) 3 × 2 = 6 > 5 → −5: 讲规矩 20
    assert r.sections["rules"] == D(20)
    # 二(二)(1) −10, (5) −5 → 38 − 15 = 23
    assert r.sections["duty"] == D(23)
    # 10 + 20 + 15 + 23 = 68
    assert r.total == D(68)
    # 2018: 讲政治 20 − 5 = 15; duty 38 − 10 − 5 − 5 − 5 = 13 → 15 + 25 + 15 + 13 = 68, also < 70
    o = _outcomes(result, "P7")
    # 四(一)：未达到 70 分 → 谈心谈话; 连续两年未达到 70 分 → 取消入党积极分子资格
    assert "谈心谈话" in o and "取消入党积极分子资格" in o


def test_bands(result):
    # 四(一)：98 → 优秀; 85 → 良好
    assert _row(result, "P8").total == D(98)
    assert result.member("P8").grade("等次") == "优秀"
    assert result.member("P1").grade("等次") == "优秀"
    assert result.member("P2").grade("等次") == "良好"
    # P9: duty 38 − 10 − 5 − 5 − 3 = 15 → 60 + 15 = 75 → 中等 (70—79)
    assert _row(result, "P9").total == D(75)
    assert result.member("P9").grade("等次") == "中等"
    # P10: duty 38 − 10 − 5 − 5 − 5 − 5 = 8; 讲道德 15 − 2 × 2 = 11 → 20 + 25 + 11 + 8 = 64 → 合格 (60—69)
    assert _row(result, "P10").total == D(64)
    assert result.member("P10").grade("等次") == "合格"


def test_rank_outcomes(result):
    # scores: P1 100, P6 98.5, P8 98, P2 85, P9 75, P4 72, P7 68, P10 64, P3 0, P5 0 (10 scored).
    # 四(二) “对积分排名靠前的党员” (前 25%, 支部自定): ranked among 党员 only (rank_among: 正式, 预备;
    # P6 and P7 are activists, not 党员): P1 100, P8 98, P2 85, P9 75, P4 72, P10 64, P3 0, P5 0 →
    # 8 × 25% = 2 → P1 and P8.  P6 has its own 四(一) outcome
    assert "优先作为评先评优的推荐对象" in _outcomes(result, "P1")
    assert "优先作为评先评优的推荐对象" in _outcomes(result, "P8")
    assert "评先评优" not in _outcomes(result, "P6")
    assert "优先考虑列为发展对象" in _outcomes(result, "P6")
    # 四(三) 排名靠后 (后 25% of the 8 党员 = 2): P3 and P5 (both 0)
    assert "诫勉谈话" in _outcomes(result, "P3") and "诫勉谈话" in _outcomes(result, "P5")
    assert result.member("P2").outcomes == [] and result.member("P9").outcomes == []


# ---- band edges (种子001 四(一)), hand-computed ------------------------------------------
# With no entries a member has 讲政治 20 + 讲规矩 25 + 讲道德 15 + 履职 38 = 98 (三(三)); every
# expectation below is 98 − (the duty shortfalls, 支部自定 values) + 加分.

EDGE_SHORTFALLS = {
    # 二(二)(1) 本职 −8 → 90
    "90": [("job_short", {"points": 8})],
    # (1) −8.5 → 89.5
    "89.5": [("job_short", {"points": "8.5"})],
    # (1) −10, (5) −5, (2) 3 × 1 → 98 − 18 = 80
    "80": [("job_short", {"points": 10}), ("masses_short", {"points": 5}), ("training_absent", {"times": 3})],
    # (1) −10, (5) −4.5, (2) 4 × 1 → 98 − 18.5 = 79.5
    "79.5": [("job_short", {"points": 10}), ("masses_short", {"points": "4.5"}),
             ("training_absent", {"times": 4})],
    # (1) −10, (5) −5, (2) −5, (6) −5, (4) 3 × 1 → 98 − 28 = 70
    "70": [("job_short", {"points": 10}), ("masses_short", {"points": 5}), ("training_absent", {"times": 5}),
           ("activity_absent", {"times": 5}), ("company_meeting_absent", {"times": 3})],
    # (1) −9.5, (5) −5, (2) −5, (6) −5, (4) −4 → 98 − 28.5 = 69.5
    "69.5": [("job_short", {"points": "9.5"}), ("masses_short", {"points": 5}), ("training_absent", {"times": 5}),
             ("activity_absent", {"times": 5}), ("company_meeting_absent", {"times": 4})],
    # 履职 (1)—(7) all lost: −10 −5 −5 −5 −5 −5, (7) 未开展党员承诺 → 该项不得分 −3 → 98 − 38 = 60
    "60": [("job_short", {"points": 10}), ("masses_short", {"points": 5}), ("training_absent", {"times": 5}),
           ("work_error", {"times": 5}), ("company_meeting_absent", {"times": 5}), ("activity_absent", {"times": 5}),
           ("promise_none", {})],
    # 75 (预备党员 line): (1) −10, (5) −5, (2) −5, (6) 3 × 1 → 98 − 23 = 75
    "75": [("job_short", {"points": 10}), ("masses_short", {"points": 5}), ("training_absent", {"times": 5}),
           ("activity_absent", {"times": 3})],
    # 74.5: (1) −10, (5) −4.5, (2) −5, (6) −4 → 98 − 23.5 = 74.5
    "74.5": [("job_short", {"points": 10}), ("masses_short", {"points": "4.5"}), ("training_absent", {"times": 5}),
             ("activity_absent", {"times": 4})],
}
# 59.5: the 60 above, 二(一)1(4) 其他政治表现 −1 (支部自定) → 59, 二(二)(8) 公司级表彰 +0.5 → 59.5
EDGE_SHORTFALLS["59.5"] = EDGE_SHORTFALLS["60"] + [("politics_other", {"points": 1}),
                                                   ("honour", {"level": "公司级", "subject": "先进个人"})]
# activist at exactly 90 with a 加分项目: (1) −8.5, 公司级 +0.5 → 98 − 8.5 + 0.5 = 90
EDGE_SHORTFALLS["90+"] = [("job_short", {"points": "8.5"}), ("honour", {"level": "公司级", "subject": "青年标兵"})]
# activist at 89.5 with a 加分项目: (1) −9, 公司级 +0.5 → 89.5
EDGE_SHORTFALLS["89.5+"] = [("job_short", {"points": 9}), ("honour", {"level": "公司级", "subject": "青年标兵"})]

EDGE_MEMBERS = [  # (id, status, which score)
    ("B90", "正式", "90"), ("B89", "正式", "89.5"), ("B80", "正式", "80"), ("B79", "正式", "79.5"),
    ("B70", "正式", "70"), ("B69", "正式", "69.5"), ("B60", "正式", "60"), ("B59", "正式", "59.5"),
    ("R75", "预备", "75"), ("R74", "预备", "74.5"), ("R60", "预备", "60"), ("R59", "预备", "59.5"),
    ("A90", "积极分子", "90+"), ("A89", "积极分子", "89.5+"), ("A70", "积极分子", "70"), ("A69", "积极分子", "69.5"),
]


@pytest.fixture(scope="module")
def edges():
    b = Book()
    for mid, _, key in EDGE_MEMBERS:
        for item, kw in EDGE_SHORTFALLS[key]:
            b.add(mid, item, 6, **kw)
    led = branch([member(mid, mid, status=st) for mid, st, _ in EDGE_MEMBERS], b)
    assert engine.check_rules(led) == []
    return year_result(led)


def test_scores_on_the_band_edges(edges):
    expected = {mid: D(key.rstrip("+")) for mid, _, key in EDGE_MEMBERS}
    assert {mid: _row(edges, mid).total for mid, _, _ in EDGE_MEMBERS} == expected


def test_grade_band_edges(edges):
    # 四(一)：90 分（含 90 分）以上 优秀；80—89（含 80）良好；70—79（含 70）中等；60—69（含 60）合格；低于 60 不合格.
    # Totals keep two decimals (rounding places 2), so 89.5 is below 90 → 良好, 79.5 → 中等, 69.5 → 合格, 59.5 → 不合格
    grades = {mid: edges.member(mid).grade("等次") for mid in ("B90", "B89", "B80", "B79", "B70", "B69", "B60", "B59")}
    assert grades == {"B90": "优秀", "B89": "良好", "B80": "良好", "B79": "中等",
                      "B70": "中等", "B69": "合格", "B60": "合格", "B59": "不合格"}


def test_probationary_thresholds_on_the_edges(edges):
    # 四(一)：预备党员年度积分未达到 75 分 → 延长预备期; 未达到 60 分 → 取消预备党员资格 (一: no 等次)
    assert "延长预备期" not in _outcomes(edges, "R75") and "取消" not in _outcomes(edges, "R75")   # 75: reached
    assert "延长预备期" in _outcomes(edges, "R74")                                                  # 74.5 < 75
    assert "延长预备期" in _outcomes(edges, "R60") and "取消预备党员资格" not in _outcomes(edges, "R60")  # 60 ≥ 60
    assert "取消预备党员资格" in _outcomes(edges, "R59") and "延长预备期" not in _outcomes(edges, "R59")  # 59.5 < 60
    assert all(edges.member(m).grade("等次") is None for m in ("R75", "R74", "R60", "R59"))


def test_activist_thresholds_on_the_edges(edges):
    # 四(一)：积极分子年度积分达到 90 分及以上，同时有加分项目 → 优先考虑列为发展对象: 90 yes, 89.5 no
    assert "优先考虑列为发展对象" in _outcomes(edges, "A90")
    assert "优先考虑列为发展对象" not in _outcomes(edges, "A89")
    # 未达到 70 分 → 谈心谈话: 70 no, 69.5 yes (first year below 70: not 取消)
    assert "谈心谈话" not in _outcomes(edges, "A70")
    assert "谈心谈话" in _outcomes(edges, "A69") and "取消入党积极分子资格" not in _outcomes(edges, "A69")
    assert all(edges.member(m).grade("等次") is None for m in ("A90", "A89", "A70", "A69"))


def test_bonus_cap_reached_exactly():
    # 二(二)(8) 国家级 2 (支部自定) = the cap 2 (履职分 40 − 38): 98 + 2 = 100, the total cap (三(三), 100)
    # 省部级 1.5 + 地市级 1 for two different achievements = 2.5 → capped at 2 → 100 as well
    b = Book()
    b.add("A", "honour", 5, level="国家级", subject="全国劳动模范")
    b.add("B", "honour", 5, level="省部级", subject="技术能手")
    b.add("B", "honour", 8, level="地市级", subject="优秀党员")
    res = year_result(branch([member("A", "甲"), member("B", "乙")], b))
    assert _row(res, "A").sections["bonus"] == D(2) and _row(res, "A").total == D(100)
    assert _row(res, "B").sections["bonus"] == D(2) and _row(res, "B").total == D(100)
