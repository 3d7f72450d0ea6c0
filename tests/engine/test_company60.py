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
    # ranks: P1 100, P6 98.5, P8 98, P2 85, P9 75, P4 72, P7 68, P10 64, P3 0, P5 0 (10 scored)
    # 四(二) 排名靠前 (前 25%, 支部自定): 10 × 25% = 2.5 → 2 → P1, P6
    assert "优先作为评先评优的推荐对象" in _outcomes(result, "P1")
    assert "优先作为评先评优的推荐对象" in _outcomes(result, "P6")
    assert result.member("P8").outcomes == []
    # 四(三) 排名靠后 (后 25%): 2 → P3 and P5 (both 0)
    assert "诫勉谈话" in _outcomes(result, "P3") and "诫勉谈话" in _outcomes(result, "P5")
    assert result.member("P2").outcomes == [] and result.member("P9").outcomes == []
