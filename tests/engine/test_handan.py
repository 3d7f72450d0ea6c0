"""Preset handan (邯郸公司 党员积分管理办法, seed 001) against results computed by hand.

Seed: 001_761709d9094f6f4d.txt, the 邯郸公司 办法 (around lines 398—470).  Clauses: "第二条" 适用范围,
"第五条(三)" 一月一积、年底统计, "第五条(四)1 a)/b)" 抽查 (一处取消该项成绩, 3 处 → 评议等级不合格),
"第五条(四)2" 未按要求参与积分管理 → 不得参加先进评选,
"第五条(五)2 a)" 积分 80% + 群众 10% + 互评 10% (各按 100 分), "b)" ≥ 90 且前 30% 优秀, "e)" < 60 不合格,
"f)" 诫勉谈话, "第五条(五)3 a)" 基本合格/不合格不能参加先进评选.  The 附件a item values are not in the
seed: monthly basic 5 (60 a year), item points and the 合格/基本合格 lines are the preset's 支部自定 values.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jifen_cli.core import engine
from jifen_cli.core.presets import preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import entry, ledger, member, votes

LABEL = "handan"
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
    # 第五条(三)：一月一积、年底统计
    assert (scheme.period, scheme.combine) == ("month", "sum")
    # 第五条(五)2 a)：80% + 10% + 10%
    assert scheme.section("evaluation").evaluation.groups == {"群众": D("0.5"), "党员": D("0.5")}
    assert scheme.section("points").cap == 100


# ---- the branch ----------------------------------------------------------------------

def _votes(masses, members):
    return {"群众": masses, "党员": members}


def _branch():
    members = [
        member("H1", "甲"), member("H2", "乙"), member("H3", "丙"), member("H4", "丁"), member("H5", "戊"),
        member("H6", "己"), member("H7", "庚", status="预备"),
        member("H8", "辛", exempt="2019-01-08"),
        member("H9", "壬"),
    ]
    b = Book()
    # H1: 省级 15 + 5 + 5 + 志愿 10 × 1 + 建议 5 × 2 = 45
    b.add("H1", "honour", 5, level="省级", subject="省级劳动模范")
    b.add("H1", "production", 4, points=5)
    b.add("H1", "production", 9, points=5)
    for m in range(1, 11):
        b.add("H1", "volunteer", m)
    b.add("H1", "suggestion", 6, times=5)
    # H2: three missed meetings in March (6 > that month's 5); 市级 10 + 5 × 5 = 35
    b.add("H2", "org_absent", 3, times=3)
    b.add("H2", "honour", 7, level="市级", subject="市级优秀党员")
    for m in (2, 4, 6, 8, 10):
        b.add("H2", "production", m, points=5)
    # H3: 5 × 4 + 建议 6 × 2 = 32
    for m in (1, 4, 7, 10):
        b.add("H3", "production", m, points=5)
    b.add("H3", "suggestion", 11, times=6)
    # H4: 市级 10 + 5 × 4 = 30 justified; three more bonuses found unjustified in a spot check
    b.add("H4", "honour", 3, level="市级", subject="市级技术能手")
    for m in (2, 5, 8, 12):
        b.add("H4", "production", m, points=5)
    bad = [b.add("H4", "honour", 6, level="省级", subject="省级青年岗位能手"),
           b.add("H4", "production", 6, 20, points=5),
           b.add("H4", "suggestion", 7)]
    for eid in bad:
        b.add("H4", "spot_fail", 11, corrects=eid)
    # H5: one 国家级 honour found unjustified
    bad = b.add("H5", "honour", 4, level="国家级", subject="全国劳动模范")
    b.add("H5", "spot_fail", 11, corrects=bad)
    # H6: 一票否决, despite a bonus
    b.add("H6", "production", 3, points=5)
    b.add("H6", "veto", 9)
    # H7 (预备): two safety violations, one bonus
    b.add("H7", "safety_violation", 5, times=2)
    b.add("H7", "production", 8, points=5)
    # H9: 5 × 6 = 30
    for m in (1, 3, 5, 7, 9, 11):
        b.add("H9", "production", m, points=5)
    good, fair = {"优秀": 10}, {"合格": 10}
    evals = [
        votes(YEAR, "H1", **_votes(good, {"优秀": 8, "合格": 2})),
        votes(YEAR, "H2", **_votes(good, good)),
        votes(YEAR, "H3", **_votes(fair, fair)),
        votes(YEAR, "H4", **_votes(good, good)),
        votes(YEAR, "H5", **_votes(fair, fair)),
        votes(YEAR, "H6", **_votes(fair, fair)),
        votes(YEAR, "H7", **_votes(fair, fair)),
        votes(YEAR, "H9", **_votes(good, {"优秀": 5, "合格": 5})),
    ]
    return branch(members, b, evals)


@pytest.fixture(scope="module")
def result():
    return year_result(_branch())


def test_points_capped_at_100_and_weighted(result):
    r = _row(result, "H1")
    # 第五条(三)：12 months × 5 = 60; bonus 15 + 5 + 5 + 10 + 10 = 45
    assert r.sections["basic"] == D(60)
    assert r.sections["bonus"] == D(45)
    # 第五条(五)2 a)：按 100 分折取 → points min(60 + 45, 100) = 100 (支部自定)
    assert r.sections["points"] == D(100)
    # 群众 100; 党员 (8 × 100 + 2 × 80) / 10 = 96 → (100 + 96) / 2 = 98
    assert r.sections["evaluation"] == D(98)
    # 100 × 80% + 98 × 20% = 80 + 19.6 = 99.6
    assert r.total == D("99.6")


def test_monthly_base_resets(result):
    # 第五条(三) 一月一积: March basic 5 − 3 × 2 = −1 → 0 (that month's 5 is all it can lose)
    march = engine.score(_branch(), "2019-03").row("H2")
    assert march.sections["basic"] == D(0)
    # April starts again from 5
    assert engine.score(_branch(), "2019-04").row("H2").sections["basic"] == D(5)
    r = _row(result, "H2")
    # year: 11 × 5 + 0 = 55; bonus 10 + 25 = 35; points 90
    assert r.sections["basic"] == D(55)
    assert r.sections["points"] == D(90)
    # 90 × 80% + 100 × 20% = 72 + 20 = 92
    assert r.total == D(92)


def test_three_unjustified_bonuses(result):
    r = _row(result, "H4")
    # 第五条(四)1 a)：each unjustified bonus is cancelled → bonus 10 + 20 = 30; points 90
    assert r.sections["bonus"] == D(30)
    # 72 + 20 = 92
    assert r.total == D(92)
    # 第五条(四)1 b)：3 处不符合情况加分 → 评议等级为不合格, whatever the score
    g = result.member("H4").grades["评议等级"]
    assert g.band == "不合格" and g.forced
    assert "诫勉谈话" in _outcomes(result, "H4")


def test_one_unjustified_bonus(result):
    r = _row(result, "H5")
    # 第五条(四)1 a)：the 国家级 honour is cancelled → points 60
    assert r.sections["bonus"] == D(0)
    # 60 × 80% + 80 × 20% = 48 + 16 = 64 → 基本合格 (60—<70, 支部自定), not forced
    assert r.total == D(64)
    assert result.member("H5").grade("评议等级") == "基本合格"
    # 第五条(五)3 a)：基本合格 → 不能参加当年度各类先进评选
    assert "不能参加当年度各类先进评选" in _outcomes(result, "H5")


def test_veto(result):
    r = _row(result, "H6")
    # 第五条(二) 一票否决 → 0 and 不合格 (支部自定)
    assert r.vetoed and r.total == D(0)
    assert result.member("H6").grade("评议等级") == "不合格"
    o = _outcomes(result, "H6")
    assert "诫勉谈话" in o and "不能参加当年度各类先进评选" in o


def test_probationary_member_with_deductions(result):
    r = _row(result, "H7")
    # 第二条：预备党员 also scored and graded.  points 60 + 5 − 2 × 5 = 55
    assert r.sections["deduct"] == D(10)
    assert r.sections["points"] == D(55)
    # 55 × 80% + 80 × 20% = 44 + 16 = 60 → 基本合格 (60 inclusive)
    assert r.total == D(60)
    assert result.member("H7").grade("评议等级") == "基本合格"


def test_exempt_member_left_out(result):
    # 第二条：长期病假经同意可不参加积分管理
    assert result.member("H8") is None


def test_top_30_percent(result):
    # H3: points 60 + 32 = 92 → 73.6 + 16 = 89.6 → 合格;  H9: points 90 → 72 + 95 × 20% = 91
    assert _row(result, "H3").total == D("89.6")
    assert _row(result, "H9").total == D(91)
    # ranks: H1 99.6 (1), H2 92 (2), H4 92 (2), H9 91 (4), H3 89.6 (5), H5 64, H7 60, H6 0 — 8 scored
    # 第五条(五)2 b)：≥ 90 且前 30%: 8 × 30% = 2.4 → 2 → ranks 1—2
    assert result.member("H1").grade("评议等级") == "优秀"
    assert result.member("H2").grade("评议等级") == "优秀"
    # H9 91 ≥ 90 but rank 4 → 合格, with the reason
    assert result.member("H9").grade("评议等级") == "合格"
    assert result.member("H9").grades["评议等级"].reason
    assert result.member("H3").grade("评议等级") == "合格"
    assert result.member("H1").outcomes == [] and result.member("H9").outcomes == []


# ---- band edges, the 30 % line and the spot-check count --------------------------------

def _edge_branch(with_x6=True):
    ids = ["X1", "X2", "X3", "X4", "X5", "X7", "X8", "X9", "X10"] + (["X6"] if with_x6 else [])
    members = [member(i, i) for i in ids]
    b = Book()
    # X1, X2: 国家级 20 × 2 (two different honours) = 40 → points min(60 + 40, 100) = 100
    for mid in ("X1", "X2"):
        b.add(mid, "honour", 2, level="国家级", subject="全国劳动模范")
        b.add(mid, "honour", 3, level="国家级", subject="全国优秀共产党员")
    # X3, X4: 国家级 20 + 市级 10 = 30 → points 90
    for mid in ("X3", "X4"):
        b.add(mid, "honour", 2, level="国家级", subject="全国劳动模范")
        b.add(mid, "honour", 5, level="市级", subject="市级优秀党员")
    # X5: 国家级 20 + 省级 15 + 市级 10, two of them found unjustified (2 处 < 3) → bonus 10 → points 70
    bad = [b.add("X5", "honour", 3, level="国家级", subject="全国技术能手"),
           b.add("X5", "honour", 4, level="省级", subject="省级技术能手")]
    b.add("X5", "honour", 5, level="市级", subject="市级技术能手")
    for eid in bad:
        b.add("X5", "spot_fail", 11, corrects=eid)
    # X7: 违反公司规章制度 2 × 3 = 6 → points 60 − 6 = 54
    b.add("X7", "rule_breach", 8, times=2)
    # X8: 先锋作用 2.5 → points 62.5;  X9: 2 → points 62
    b.add("X8", "production", 6, points="2.5")
    b.add("X9", "production", 6, points=2)
    # X10: 未按要求参与行为量化积分 (支部认定, 0 分)
    b.add("X10", "not_participating", 12)
    good, fair = {"优秀": 10}, {"合格": 10}
    evals = [
        votes(YEAR, "X1", **_votes(good, good)),                            # 100
        votes(YEAR, "X2", **_votes(good, {"优秀": 5, "合格": 5})),          # (100 + 90) / 2 = 95
        votes(YEAR, "X3", **_votes(good, fair)),                            # (100 + 80) / 2 = 90
        votes(YEAR, "X4", **_votes(good, fair)),                            # 90
        votes(YEAR, "X5", **_votes(fair, fair)),                            # 80
        votes(YEAR, "X7", **_votes(fair, fair)),                            # 80
        votes(YEAR, "X8", **_votes(good, good)),                            # 100
        votes(YEAR, "X9", **_votes(good, good)),                            # 100
        votes(YEAR, "X10", **_votes(fair, fair)),                           # 80
        votes(YEAR, "X6", **_votes(fair, fair)),                            # 80
    ]
    return branch(members, b, [e for e in evals if e.member in ids])


@pytest.fixture(scope="module")
def edges():
    return year_result(_edge_branch())


def test_edge_totals(edges):
    # 第五条(五)2 a)：total = points × 80% + evaluation × 20%
    expected = {
        "X1": D(100),       # 100 × 0.8 + 100 × 0.2 = 80 + 20
        "X2": D(99),        # 80 + 95 × 0.2 = 80 + 19
        "X3": D(90),        # 90 × 0.8 + 90 × 0.2 = 72 + 18
        "X4": D(90),
        "X5": D(72),        # 70 × 0.8 + 16 = 56 + 16
        "X8": D(70),        # 62.5 × 0.8 + 20 = 50 + 20
        "X9": D("69.6"),    # 62 × 0.8 + 20 = 49.6 + 20
        "X6": D(64),        # 60 × 0.8 + 16 = 48 + 16
        "X10": D(64),
        "X7": D("59.2"),    # 54 × 0.8 + 16 = 43.2 + 16
    }
    assert {m: _row(edges, m).total for m in expected} == expected


def test_ninety_inclusive_and_tie_on_the_30_percent_line(edges):
    # ranks: X1 100 (1), X2 99 (2), X3 90 (3), X4 90 (3), X5 72 (5), X8 70 (6), X9 69.6 (7), X6/X10 64 (8), X7 (10)
    # 第五条(五)2 b)：总分 90 分以上 (90 itself counts) 且排序在本支部前 30%: 10 × 30% = 3 → ranks ≤ 3;
    # X3 and X4 tie at rank 3: both are within the first 30 % → 4 优秀 (mode top: ties go in together)
    assert [edges.member(m).grade("评议等级") for m in ("X1", "X2", "X3", "X4")] == ["优秀"] * 4


def test_thirty_percent_rounds_down():
    # without X6, 9 scored: 9 × 30% = 2.7 → 2 (rank ≤ 2.7 means ranks 1—2); X3/X4 (90, rank 3) → 合格
    res = year_result(_edge_branch(with_x6=False))
    assert [res.member(m).grade("评议等级") for m in ("X1", "X2", "X3", "X4")] == ["优秀", "优秀", "合格", "合格"]
    assert res.member("X3").grades["评议等级"].reason


def test_two_unjustified_bonuses_do_not_fail(edges):
    # 第五条(四)1 a)：the two cancelled honours score nothing (bonus 10);  b) needs 3 处: 2 → graded by score
    assert _row(edges, "X5").sections["bonus"] == D(10)
    g = edges.member("X5").grades["评议等级"]
    assert (g.band, g.forced) == ("合格", False)                     # 72 in 70—<90 (支部自定)


def test_lower_band_edges(edges):
    # 合格 70—<90 (支部自定): X8 70 → 合格;  基本合格 60—<70: X9 69.6;  e) 60 分以下: X7 59.2 → 不合格
    assert edges.member("X8").grade("评议等级") == "合格"
    assert edges.member("X9").grade("评议等级") == "基本合格"
    g = edges.member("X7").grades["评议等级"]
    assert (g.band, g.forced) == ("不合格", False)
    # f) 不合格 → 诫勉谈话;  第五条(五)3 a) 不合格/基本合格 → 不能参加先进评选
    assert "诫勉谈话" in _outcomes(edges, "X7")
    assert "不能参加当年度各类先进评选" in _outcomes(edges, "X9")


def test_not_taking_part_bars_from_awards(edges):
    # 第五条(四)2：应参加积分管理但未能按要求参与的，不得参加年度各类先进评选 (no points lost: 64 as X6)
    assert _row(edges, "X10").total == D(64)
    assert "不得参加年度各类先进评选（第五条(四)2）" in _outcomes(edges, "X10")
    assert "第五条(四)2" not in _outcomes(edges, "X6")
