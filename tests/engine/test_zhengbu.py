"""Preset zhengbu (征补办党支部 党员积分制管理实施细则, 3:1, seed 001) against results computed by hand.

Seed: 001_761709d9094f6f4d.txt, the section "征补办党支部…党员积分制管理实施细则" (around lines
183—225).  Clauses: "三" 3:1 构成 100 分、贡献积分为加分项目, "三(一)1—5" 日常行为 75 (五个“带头”各 15),
"三(二)" 年度评议 25 by band (优秀 23—25, 合格 15—22, 基本合格 ≤ 14, 不合格 0), "三(三)" 贡献积分 ≤ 10
(住建局 1, 县级 2, 市级 3, 省级及以上 5—10, 其他 ≤ 3), "五(二)" 弄虚作假 → 取消评优评先资格.
The seed has no grade table for the year total; deduction points are the preset's 支部自定 values.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jifen_cli.core import engine
from jifen_cli.core.presets import preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import band, entry, ledger, member

LABEL = "zhengbu"
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
    # 三(一)：75 = 5 × 15;  三(二)：25;  三(三)：≤ 10
    assert scheme.section("daily").full == 75
    assert [p.full for p in scheme.section("daily").parts] == [15] * 5
    assert scheme.section("evaluation").full == 25
    assert scheme.section("contribution").cap == 10
    # 三(三)：one level table, high to low, 省级及以上 a 5—10 range
    honour = scheme.items["honour"]
    assert list(honour.levels) == ["省级及以上", "市级", "县级", "住建局"]
    assert honour.level_ranges == {"省级及以上": (D(5), D(10))}
    assert "honour_province" not in scheme.items
    assert scheme.scales == []


# ---- the branch ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def result():
    members = [member("Z1", "甲"), member("Z2", "乙"), member("Z3", "丙"), member("Z4", "丁"), member("Z5", "戊")]
    b = Book()
    # Z1: 市级 3 + 县级 2 + 省级 8 (支委会酌定 within 5—10) = 13
    b.add("Z1", "honour", 3, level="市级", subject="市级优秀共产党员")
    b.add("Z1", "honour", 6, level="县级", subject="县级征收工作先进个人")
    b.add("Z1", "honour", 11, level="省级及以上", points=8, subject="省级住建系统先进工作者")
    # Z2: six missed meetings (18 > 15); two 其他先锋模范 awards of 2
    b.add("Z2", "meeting_absent", 3, times=6)
    b.add("Z2", "pioneer", 3, points=2)
    b.add("Z2", "pioneer", 9, points=2)
    # Z3: 弄虚作假 (sub-item zeroed) and dues late once
    b.add("Z3", "fraud", 7)
    b.add("Z3", "dues_late", 8)
    # Z5: extravagance and superstition; twice absent from community service; no evaluation record
    b.add("Z5", "extravagance", 2)
    b.add("Z5", "superstition", 4)
    b.add("Z5", "service_absent", 10, times=2)
    evals = [
        band(YEAR, "Z1", "优秀", 24),
        band(YEAR, "Z2", "合格", 20),
        band(YEAR, "Z3", "基本合格", 10),
        band(YEAR, "Z4", "不合格"),
    ]
    return year_result(branch(members, b, evals))


def test_contribution_capped_at_10(result):
    r = _row(result, "Z1")
    # 三(三)：3 + 2 + 8 = 13 → 最高不超过 10 分
    assert r.sections["contribution"] == D(10)
    # 三(二)：优秀 23—25, given 24
    assert r.sections["evaluation"] == D(24)
    # 三：75 + 24 + 10 = 109
    assert r.total == D(109)


def test_sub_item_floor_and_item_cap(result):
    r = _row(result, "Z2")
    # 三(一)1 带头学习提高 15: 6 × 3 = 18 → loses at most 15 → daily 60
    assert r.sections["daily"] == D(60)
    # 三(三)：其他发挥先锋模范作用 2 + 2 = 4 → 最高不超过 3 分
    assert r.sections["contribution"] == D(3)
    # 60 + 20 + 3 = 83
    assert r.total == D(83)


def test_fraud_zeroes_sub_item_and_costs_honours(result):
    r = _row(result, "Z3")
    # 三(一)5 弄虚作假 → 带头弘扬正气 0 (−15); 三(一)4 dues late −3 → 75 − 18 = 57
    assert r.sections["daily"] == D(57)
    # 三(二)：基本合格 (≤ 14), given 10 → 57 + 10 = 67
    assert r.total == D(67)
    # 五(二)：弄虚作假 → 取消年度评优评先资格
    assert "取消其年度评优评先资格" in _outcomes(result, "Z3")
    assert result.member("Z1").outcomes == []


def test_unqualified_evaluation_scores_nothing(result):
    r = _row(result, "Z4")
    # 三(二)：“不合格”等次的不得分 → 75 + 0 = 75
    assert r.sections["evaluation"] == D(0)
    assert r.total == D(75)


def test_several_deductions_no_evaluation(result):
    r = _row(result, "Z5")
    # 三(一)5：15 − 5 − 5 = 5;  三(一)3：2 × 2 = 4 → daily 75 − 10 − 4 = 61; no evaluation record → 0
    assert r.sections["daily"] == D(61)
    assert r.sections["evaluation"] == D(0)
    assert r.total == D(61)


def test_ranking(result):
    # 四 3：计算年度总得分 → Z1 109, Z2 83, Z4 75, Z3 67, Z5 61
    assert [result.member(m).rank for m in ("Z1", "Z2", "Z4", "Z3", "Z5")] == [1, 2, 3, 4, 5]


# ---- 省级及以上 5—10 分 inside the level table (种子001 三(三)) ----------------------------------

def test_level_with_range():
    # 三(三)：省级及以上 5—10 分 (支委会 gives 6) + 住建局党组表彰 1 = 7 (≤ 10, no cap);
    # 三(二) 合格 20;  三：75 + 20 + 7 = 102
    b = Book()
    b.add("A", "honour", 5, level="省级及以上", points=6, subject="省级先进工作者")
    b.add("A", "honour", 9, level="住建局", subject="住建局优秀党员")
    led = branch([member("A", "甲")], b, [band(YEAR, "A", "合格", 20)])
    r = _row(year_result(led), "A")
    assert r.sections["contribution"] == D(7)
    assert r.total == D(102)
    assert engine.check_rules(led) == []


def test_level_range_bounds_are_checked():
    # 三(三)：省级及以上 “加5—10分”: 12 is outside → E606, and counts 10 at most (RULES.md §4: range bound);
    # a 省级及以上 entry without points → E606 too.  B: 75 + 15 (合格, low end of 15—22) + 10 = 100
    b = Book()
    b.add("B", "honour", 5, level="省级及以上", points=12, subject="省级劳动模范")
    b.add("C", "honour", 5, level="省级及以上", subject="省级先进个人")
    led = branch([member("B", "乙"), member("C", "丙")], b, [band(YEAR, "B", "合格", 15)])
    assert _row(year_result(led), "B").total == D(100)
    assert [(d.code, d.path) for d in engine.check_rules(led) if d.is_error] == [("E606", ("points",)),
                                                                               ("E606", ("points",))]


# ---- edges (种子001 三(一)—(三), 五(二)), hand-computed ------------------------------------------

def test_evaluation_band_edges():
    # 三(二)：优秀 23—25, 合格 15—22, 基本合格 “14 分以下” (0—14), 不合格 不得分 (0): every edge accepted, no E605.
    # 三：75 + 评议分
    evals = [band(YEAR, "A", "优秀", 25), band(YEAR, "B", "优秀", 23), band(YEAR, "C", "合格", 22),
             band(YEAR, "D", "合格", 15), band(YEAR, "E", "基本合格", 14), band(YEAR, "F", "基本合格", 0)]
    led = branch([member(m) for m in "ABCDEF"], Book(), evals)
    assert engine.check_rules(led) == []
    res = year_result(led)
    assert {m: _row(res, m).total for m in "ABCDEF"} == \
        {"A": D(100), "B": D(98), "C": D(97), "D": D(90), "E": D(89), "F": D(75)}


def test_evaluation_score_outside_its_band():
    # 三(二)：基本合格 is “14 分以下”; a 基本合格 record with 15 (合格's floor) → E605, counted at the band's low end 0
    # (RULES.md §8.2) → 75 + 0 = 75
    led = branch([member("A", "甲")], Book(), [band(YEAR, "A", "基本合格", 15)])
    assert [d.code for d in engine.check_rules(led)] == ["E605"]
    assert _row(year_result(led), "A").total == D(75)


def test_caps_reached_exactly():
    # 三(三)：A 省级及以上 10 (the top of 5—10) = 最高不超过 10 分 exactly → 10; 75 + 10 = 85 (no evaluation record)
    # 三(三)：B 其他发挥先锋模范作用 3 = “最高不超过 3 分” exactly → 3; 75 + 3 = 78
    # 三(一)1 C 5 missed meetings × 3 (支部自定) = 15 = 带头学习提高 15 exactly → 0; 75 − 15 = 60
    b = Book()
    b.add("A", "honour", 5, level="省级及以上", points=10, subject="省级劳动模范")
    b.add("B", "pioneer", 5, points=3)
    b.add("C", "meeting_absent", 5, times=5)
    led = branch([member(m) for m in "ABC"], b)
    assert engine.check_rules(led) == []
    res = year_result(led)
    assert _row(res, "A").sections["contribution"] == D(10) and _row(res, "A").total == D(85)
    assert _row(res, "B").sections["contribution"] == D(3) and _row(res, "B").total == D(78)
    assert _row(res, "C").sections["daily"] == D(60) and _row(res, "C").total == D(60)


def test_perfunctory_costs_the_honours_not_points():
    # 五(二)：工作落实不力、流于形式 → 通报批评，取消年度评优评先资格; the record itself scores 0 (只作记录): 75 + 20 = 95
    b = Book()
    b.add("A", "perfunctory", 9)
    led = branch([member("A", "甲")], b, [band(YEAR, "A", "合格", 20)])
    res = year_result(led)
    assert _row(res, "A").total == D(95)
    assert "取消其年度评优评先资格" in _outcomes(res, "A")
