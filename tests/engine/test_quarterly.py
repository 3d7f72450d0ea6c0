"""Preset quarterly (总公司 党员积分制管理: 季度评分、四季度平均, seed 001) against results computed by hand.

Seed: 001_761709d9094f6f4d.txt, the section "xx公司党委决定对所管理的党员施行积分制管理"
(around lines 320—395).  Clauses: "赋分标准 1—5" (基础分 50、业绩分 40、承诺 3、评议 3 (优秀3/良好2/
一般1/差0)、奖励 4 (国家级4/省部级3/厅局级2/总公司1/本部门0.5)), "年终评定 2" (四个季度平均 + 承诺 +
评议 + 奖励), "年终评定 3" (bands, 违纪违法被组织处理 → 不合格, 优秀 ≤ 15%), "运用 3" (连续两年不合格).
Deduction points are the preset's 支部自定 values.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jifen_cli.core import engine
from jifen_cli.core.presets import preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import band, entry, ledger, member

LABEL = "quarterly"
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
    # 赋分标准：50 + 40 + 3 + 3 + 4 = 100
    assert [(s.code, s.full if s.full is not None else s.cap) for s in scheme.sections] == [
        ("basic", 50), ("performance", 40), ("commitment", 3), ("evaluation", 3), ("award", 4)]
    # 季度评分、年终四季度平均
    assert (scheme.period, scheme.combine) == ("quarter", "average")
    assert scheme.section("evaluation").evaluation.bands["优秀"][0] == 3


# ---- the branch ----------------------------------------------------------------------

def _branch():
    members = [
        member("Q1", "甲"),
        member("Q2", "乙"),
        member("Q3", "丙"),
        member("Q4", "丁", joined="2019-07-01"),
        member("Q5", "戊"),
        member("Q6", "己"),
        member("Q7", "庚"),
    ]
    b = Book()
    # Q1: full marks all year, 国家级 award
    b.add("Q1", "honour", 6, level="国家级", subject="全国五一劳动奖章")
    # Q2: Q1 missed org life; Q2 performance short by 6; 省部级 + 厅局级 awards
    b.add("Q2", "org_absent", 2)
    b.add("Q2", "perf_short", 5, points=6)
    b.add("Q2", "honour", 4, level="省部级", subject="省部级劳动模范")
    b.add("Q2", "honour", 9, level="厅局级", subject="厅局级先进个人")
    # Q3: 违纪违法被组织处理
    b.add("Q3", "disciplined", 8)
    # Q4 (joined 1 July): Q3 dues late; Q4 performance short by 10; one commitment not kept; 本部门 award
    b.add("Q4", "dues_late", 8)
    b.add("Q4", "perf_short", 11, points=10)
    b.add("Q4", "promise_unkept", 12)
    b.add("Q4", "honour", 12, level="本部门", subject="部门先进")
    # Q5: no commitment made; duty short by 10 in Q2 and Q4; performance short by 15 every quarter
    b.add("Q5", "promise_none", 12)
    b.add("Q5", "duty_short", 4, points=10)
    b.add("Q5", "duty_short", 10, points=10)
    for m in (2, 5, 8, 11):
        b.add("Q5", "perf_short", m, points=15)
    # Q6: four missed org-life sessions and performance short by 25 every quarter
    for m in (2, 5, 8, 11):
        b.add("Q6", "org_absent", m, times=4)
        b.add("Q6", "perf_short", m, points=25)
    evals = [
        band(YEAR, "Q1", "优秀"),
        band(YEAR, "Q2", "良好"),
        band(YEAR, "Q3", "一般"),
        band(YEAR, "Q4", "良好"),
        band(YEAR, "Q5", "差"),
        band(YEAR, "Q6", "差"),
        band(YEAR, "Q7", "良好"),
    ]
    # 运用 3: Q3 was 不合格 in 2018 (a year kept outside this ledger)
    return branch(members, b, evals, history={2018: {"Q3": "不合格"}})


@pytest.fixture(scope="module")
def result():
    return year_result(_branch())


def test_full_marks(result):
    r = _row(result, "Q1")
    # 赋分标准 5: 国家级 4;  年终评定 2: 50 + 40 + 3 + 3 + 4 = 100
    assert r.sections["award"] == D(4)
    assert r.total == D(100)


def test_quarter_scores_are_averaged(result):
    # 季度评分: Q2's first quarter basic = 50 − 5 = 45
    q1 = engine.score(_branch(), "2019-Q1").row("Q2")
    assert q1.sections["basic"] == D(45)
    q2 = engine.score(_branch(), "2019-Q2").row("Q2")
    assert q2.sections["performance"] == D(34)
    r = _row(result, "Q2")
    # 年终评定 2: basic (45 + 50 + 50 + 50) / 4 = 48.75;  performance (40 + 34 + 40 + 40) / 4 = 38.5
    assert r.sections["basic"] == D("48.75")
    assert r.sections["performance"] == D("38.5")
    # 赋分标准 5: 省部级 3 + 厅局级 2 = 5 → 奖励分 4 分 cap
    assert r.sections["award"] == D(4)
    # 48.75 + 38.5 + 3 + 2 (良好) + 4 = 96.25
    assert r.total == D("96.25")


def test_member_joining_mid_year_averages_own_quarters(result):
    r = _row(result, "Q4")
    # joined 1 July: only Q3 and Q4 are averaged.  basic (45 + 50) / 2 = 47.5; performance (40 + 30) / 2 = 35
    assert r.sections["basic"] == D("47.5")
    assert r.sections["performance"] == D(35)
    # 承诺 3 − 1 = 2 (支部自定); 评议 良好 2; 奖励 本部门 0.5
    assert r.sections["commitment"] == D(2)
    assert r.sections["award"] == D("0.5")
    # 47.5 + 35 + 2 + 2 + 0.5 = 87
    assert r.total == D(87)


def test_no_commitment_and_poor_evaluation(result):
    r = _row(result, "Q5")
    # 承诺事项分 zeroed (未提出承诺, 支部自定); basic (50 + 40 + 50 + 40) / 4 = 45; performance 25
    assert r.sections["commitment"] == D(0)
    assert r.sections["basic"] == D(45)
    assert r.sections["performance"] == D(25)
    # 评议 差 0;  45 + 25 + 0 + 0 + 0 = 70
    assert r.sections["evaluation"] == D(0)
    assert r.total == D(70)


def test_low_score(result):
    r = _row(result, "Q6")
    # each quarter basic 50 − 4 × 5 = 30, performance 40 − 25 = 15;  30 + 15 + 3 + 0 + 0 = 48
    assert r.total == D(48)


def test_grades_and_quota(result):
    # ranks: Q1 100, Q2 96.25, Q7 95 (90 + 3 + 2), Q3 94 (90 + 3 + 1), Q4 87, Q5 70, Q6 48
    assert _row(result, "Q7").total == D(95)
    assert _row(result, "Q3").total == D(94)
    # 年终评定 3: 优秀 ≤ 15% of 7 = 1.05 → 1
    assert result.member("Q1").grade("等次") == "优秀"
    # 96.25 and 95 are ≥ 90 but over the quota → 良好, with the reason
    assert result.member("Q2").grade("等次") == "良好"
    assert result.member("Q2").grades["等次"].reason
    assert result.member("Q7").grade("等次") == "良好"
    assert result.member("Q4").grade("等次") == "良好"      # 80—89
    assert result.member("Q5").grade("等次") == "合格"      # 60—79 (70)
    assert result.member("Q6").grade("等次") == "不合格"    # < 60


def test_disciplined_member_is_unqualified(result):
    # 年终评定 3: 违纪违法被组织处理 → 不合格 whatever the score (94)
    g = result.member("Q3").grades["等次"]
    assert g.band == "不合格" and g.forced


def test_unqualified_outcomes_and_two_years(result):
    # 运用 3: 不合格 → 帮教、诫勉谈话; Q3 also 不合格 in 2018 (history) → 连续两年 → 组织处理
    assert "诫勉谈话" in _outcomes(result, "Q3") and "组织处理" in _outcomes(result, "Q3")
    # Q6: first year 不合格 → talk only
    assert "诫勉谈话" in _outcomes(result, "Q6") and "组织处理" not in _outcomes(result, "Q6")
    assert result.member("Q1").outcomes == []


# ---- audit addition: bounds of 年终评定 3 on quarter-averaged scores ------------------------

def test_band_bounds_on_averaged_scores():
    ids = ("R90", "R8975", "R60", "R5975", "F1", "F2", "F3")
    members = [member(m) for m in ids]
    b = Book()
    b.add("R90", "perf_short", 2, points=24)      # performance (16 + 40 + 40 + 40) / 4 = 34
    b.add("R8975", "perf_short", 2, points=25)    # (15 + 40 + 40 + 40) / 4 = 33.75
    for who in ("R60", "R5975"):
        for m in (2, 5, 8, 11):
            b.add(who, "perf_short", m, points=30)   # 10 every quarter → 10
        b.add(who, "promise_none", 12)               # 承诺事项分 0 (支部自定)
    b.add("R5975", "duty_short", 3, points=1)     # basic (49 + 50 + 50 + 50) / 4 = 49.75
    for who in ("F1", "F2", "F3"):
        b.add(who, "perf_short", 2, points=20)    # (20 + 40 + 40 + 40) / 4 = 35
    evals = [band(YEAR, "R90", "优秀"), band(YEAR, "R8975", "优秀"), band(YEAR, "R60", "差"),
             band(YEAR, "R5975", "差")] + [band(YEAR, f, "一般") for f in ("F1", "F2", "F3")]
    res = year_result(branch(members, b, evals))
    # 年终评定 2: R90 50 + 34 + 3 + 3 = 90; R8975 50 + 33.75 + 3 + 3 = 89.75; R60 50 + 10 + 0 + 0 = 60;
    # R5975 49.75 + 10 = 59.75; F 50 + 35 + 3 + 1 = 89
    assert [_row(res, m).total for m in ids] == [
        D(90), D("89.75"), D(60), D("59.75"), D(89), D(89), D(89)]
    g = {m: res.member(m).grade("等次") for m in ids}
    # 年终评定 3: 90 分以上 (含 90) 优秀, 15 % × 7 = 1.05 → 1 place; 80—89 良好 (89.75 too);
    # 60—79 合格 (60 included); 60 分以下 不合格
    assert g == {"R90": "优秀", "R8975": "良好", "R60": "合格", "R5975": "不合格",
                 "F1": "良好", "F2": "良好", "F3": "良好"}


# ---- audit additions: quota edges (年终评定 3), 良好/合格 edge, award cap, activists -----------------
#
# A member with no entries, 承诺 kept and 评议 优秀 scores 50 + 40 + 3 + 3 = 96 (年终评定 2).

def _full(mid, b, award=None, subject="奖励"):
    if award:
        b.add(mid, "honour", 9, level=award, subject=subject)


def test_quota_tie_at_the_last_place_leaves_it_empty():
    # 14 members: 15 % × 14 = 2.1 → 2 places (年终评定 3 “不能超过 … 15%”, rounded down)
    members = [member(f"T{i}") for i in range(1, 15)]
    b = Book()
    _full("T1", b, "国家级")                       # 96 + 4 = 100
    for i in range(5, 15):
        b.add(f"T{i}", "perf_short", 2, points=20)  # performance (20 + 40 + 40 + 40) / 4 = 35
    evals = [band(YEAR, f"T{i}", "优秀") for i in (1, 2, 3)] + [band(YEAR, "T4", "良好")] + \
        [band(YEAR, f"T{i}", "一般") for i in range(5, 15)]
    res = year_result(branch(members, b, evals))
    # T1 100; T2, T3 96 (tie); T4 50 + 40 + 3 + 2 = 95; T5…T14 50 + 35 + 3 + 1 = 89
    assert [_row(res, f"T{i}").total for i in range(1, 6)] == [D(100), D(96), D(96), D(95), D(89)]
    g = {f"T{i}": res.member(f"T{i}").grade("等次") for i in range(1, 15)}
    # T1 takes the first place; T2 and T3 tie for the last one: giving it to both would make 3 优秀 > 2,
    # so neither gets it (the quota is a ceiling), and T4 (95) is not moved up either → 良好
    assert g["T1"] == "优秀"
    assert g["T2"] == g["T3"] == g["T4"] == "良好"
    assert "15%" in res.member("T2").grades["等次"].reason
    assert list(g.values()).count("优秀") == 1


def test_quota_exactly_fifteen_percent():
    # 20 members: 15 % × 20 = 3 places exactly
    members = [member(f"U{i:02d}") for i in range(1, 21)]
    b = Book()
    for mid, level in (("U01", "国家级"), ("U02", "省部级"), ("U03", "厅局级"), ("U04", "总公司")):
        _full(mid, b, level)
    for i in range(5, 21):
        b.add(f"U{i:02d}", "perf_short", 2, points=20)   # 50 + 35 + 3 + 1 = 89
    evals = [band(YEAR, f"U{i:02d}", "优秀") for i in range(1, 5)] + \
        [band(YEAR, f"U{i:02d}", "一般") for i in range(5, 21)]
    res = year_result(branch(members, b, evals))
    # 赋分标准 5: 96 + 4 / 3 / 2 / 1 = 100, 99, 98, 97
    assert [_row(res, f"U0{i}").total for i in range(1, 5)] == [D(100), D(99), D(98), D(97)]
    assert [res.member(f"U0{i}").grade("等次") for i in range(1, 5)] == ["优秀", "优秀", "优秀", "良好"]


def test_good_and_qualified_edge():
    members = [member("V80"), member("V7975")]
    b = Book()
    for who in ("V80", "V7975"):
        for m in (2, 5, 8, 11):
            b.add(who, "perf_short", m, points=13)   # performance 27 every quarter → 27
    b.add("V7975", "duty_short", 3, points=1)        # basic (49 + 50 + 50 + 50) / 4 = 49.75
    evals = [band(YEAR, "V80", "差"), band(YEAR, "V7975", "差")]
    res = year_result(branch(members, b, evals))
    # 年终评定 2: 50 + 27 + 3 + 0 = 80; 49.75 + 27 + 3 + 0 = 79.75
    assert (_row(res, "V80").total, _row(res, "V7975").total) == (D(80), D("79.75"))
    # 年终评定 3: 80—89 良好 (80 included); 60—79 合格 (79.75 is below 80)
    assert res.member("V80").grade("等次") == "良好"
    assert res.member("V7975").grade("等次") == "合格"


def test_award_cap_and_highest_level_per_award():
    members = [member("W1"), member("W2"), member("W3")]
    b = Book()
    # W1: 省部级 3 + 本部门 0.5 + 本部门 0.5 (two different awards) = 4 → exactly the 4-point cap
    b.add("W1", "honour", 3, level="省部级", subject="省劳模")
    b.add("W1", "honour", 4, level="本部门", subject="部门先进")
    b.add("W1", "honour", 5, level="本部门", subject="优秀员工")
    # W2: 国家级 4 + 总公司 1 = 5 → cap 4
    b.add("W2", "honour", 3, level="国家级", subject="全国劳模")
    b.add("W2", "honour", 7, level="总公司", subject="总公司先进")
    # W3: the same award at 厅局级 (March) and 省部级 (October): counted once, at the higher 3 —
    # even though the two entries fall in different quarters (the award section is yearly)
    b.add("W3", "honour", 3, level="厅局级", subject="抢险先进")
    b.add("W3", "honour", 10, level="省部级", subject="抢险先进")
    res = year_result(branch(members, b, [band(YEAR, m, "优秀") for m in ("W1", "W2", "W3")]))
    assert [_row(res, m).sections["award"] for m in ("W1", "W2", "W3")] == [D(4), D(4), D(3)]
    # 96 + 4 = 100; 96 + 3 = 99
    assert [_row(res, m).total for m in ("W1", "W2", "W3")] == [D(100), D(100), D(99)]


def test_activist_scored_not_graded():
    members = [member("X1"), member("X2", status="预备"), member("X3", status="积极分子")]
    evals = [band(YEAR, m, "优秀") for m in ("X1", "X2", "X3")]
    res = year_result(branch(members, (), evals))
    # all three 50 + 40 + 3 + 3 = 96; the seed grades 党员 (正式 and 预备), not 入党积极分子
    assert [_row(res, m).total for m in ("X1", "X2", "X3")] == [D(96)] * 3
    assert res.member("X3").grade("等次") is None and "积极分子" in res.member("X3").grades["等次"].reason
    # 15 % × 3 scored = 0.45 → 0 places: nobody is 优秀 in a branch this small; the probationary member
    # is graded like a full member
    assert res.member("X1").grade("等次") == "良好" and res.member("X2").grade("等次") == "良好"
