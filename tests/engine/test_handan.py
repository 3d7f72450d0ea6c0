"""Preset handan (邯郸公司 党员积分管理办法, seed 001) against results computed by hand.

Seed: 001_761709d9094f6f4d.txt, the 邯郸公司 办法 (around lines 398—470).  Clauses: "第二条" 适用范围,
"第五条(三)" 一月一积、年底统计, "第五条(四)1 a)/b)" 抽查 (一处取消该项成绩, 3 处 → 评议等级不合格),
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
