"""xingshi preset (seed 000, 兴市集团 6:3:1) — hand-computed scores and grades.

Point values of individual items and vote options are the preset's 支部自定 choices
(xingshi.yaml); the structure (6:3:1, 2.5/2.5/5 %, bands, stars, status rules) is seed 000.
"""

from decimal import Decimal as D

import pytest

from jifen_cli.core import engine
from jifen_cli.core.presets import preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import entry, ledger, member, votes

YEAR = 2019
ALL_EXCELLENT = dict(群众={"优秀": 10}, 党员={"优秀": 10}, 支委={"优秀": 5})


def build():
    members = [
        member("a", "张甲"),
        member("s", "李五星"),
        member("t", "王四星"),
        member("p", "赵预备", status="预备"),
        member("i", "钱调查", investigation="2019-11-01"),
        member("x", "孙年老", category="old", exempt="2019-01-10"),
        member("n", "周负面"),
    ]
    entries = [
        entry("2019-03-01", "a", "absent", times=2),
        entry("2019-05-01", "a", "honour", level="都江堰市级"),
        entry("2019-06-01", "a", "honour", level="支部"),
        entry("2019-07-01", "a", "volunteer", level="集团"),
        entry("2019-08-01", "a", "honour", level="国家级", status="pending"),  # declared, not confirmed
        entry("2019-04-01", "s", "honour", level="国家级"),
        entry("2019-04-02", "s", "bravery", level="省级"),
        entry("2019-04-01", "t", "emergency", level="国家级"),
        entry("2019-04-01", "t", "volunteer", level="国家级"),
        entry("2019-02-01", "p", "leave"),
        entry("2019-02-01", "n", "negative_list"),
    ]
    evaluations = [
        votes(YEAR, "a", 群众={"优秀": 8, "合格": 2}, 党员={"优秀": 10}, 支委={"优秀": 5}),
        votes(YEAR, "s", **ALL_EXCELLENT),
        votes(YEAR, "t", **ALL_EXCELLENT),
        votes(YEAR, "p", **ALL_EXCELLENT),
        votes(YEAR, "i", **ALL_EXCELLENT),
        votes(YEAR, "x", 群众={"合格": 10}, 党员={"合格": 10}, 支委={"优秀": 5}),
        votes(YEAR, "n", **ALL_EXCELLENT),
    ]
    return ledger("xingshi", members, entries, evaluations)


@pytest.fixture(scope="module")
def result():
    return engine.year_result(build(), YEAR)


def test_preset_compiles_cleanly():
    scheme, diags = compile_rules(preset_data("xingshi"), "rules.yaml")
    assert diags == []
    assert scheme.total.weights == {"daily": D("0.6"), "vanguard": D("0.3"), "evaluation": D("0.1"),
                                    "negative": D(1)}


def test_check_rules_clean():
    assert engine.check_rules(build()) == []


def test_member_a_sections_and_total(result):
    row = result.member("a").row
    # seed 000 4(2) base deduct: 100 − 2 × 5 (absent, 支部自定 5 each) = 90
    assert row.sections["daily"] == D("90")
    # seed 000 4(3) same type once at highest level: honour 都江堰市级 30 (支部 10 dropped) + volunteer 集团 10
    # = 40; the pending 国家级 declaration does not count
    assert row.sections["vanguard"] == D("40")
    # seed 000 4(4) 群众 (8×100 + 2×80)/10 = 96 × 25% = 24; 党员 100 × 25% = 25; 支委 100 × 50% = 50 → 99
    assert row.sections["evaluation"] == D("99")
    # seed 000 二3 6:3:1: 90×0.6 + 40×0.3 + 99×0.1 = 54 + 12 + 9.9 = 75.9
    assert row.total == D("75.90")
    assert row.deductions == D("10")


def test_member_a_grades_合格_no_star(result):
    a = result.member("a")
    # seed 000 4(5): 70–89 合格; below 80 no star
    assert a.grade("等次") == "合格"
    assert a.grade("星级") == "未评星"
    assert a.grades["等次"].reason is None


def test_five_stars_needs_city_honour(result):
    s = result.member("s")
    # vanguard: honour 国家级 60 + bravery 省级 50 = 110, capped at 100 (section cap)
    assert s.row.sections["vanguard"] == D("100")
    # 100×0.6 + 100×0.3 + 100×0.1 = 100 → 优秀; ≥ 95 with a 都江堰市级-or-higher honour → 五星级
    assert s.row.total == D("100")
    assert s.grade("等次") == "优秀"
    assert s.grade("星级") == "五星级"


def test_without_honour_five_star_falls_to_four(result):
    t = result.member("t")
    # emergency 国家级 60 + volunteer 国家级 40 = 100 but no 表彰 (honour) entry
    assert t.row.total == D("100")
    assert t.grade("星级") == "四星级"
    assert "都江堰市级" in t.grades["星级"].reason


def test_probationary_scored_not_graded(result):
    p = result.member("p")
    # seed 000 4(5): 预备党员只评定积分; 100 − 1 (leave) = 99 → 59.4 + 0 + 10 = 69.4
    assert p.row.total == D("69.40")
    assert p.grade("等次") is None and p.grade("星级") is None
    assert "预备党员" in p.grades["等次"].reason


def test_under_investigation_not_graded(result):
    i = result.member("i")
    # 100×0.6 + 0 + 100×0.1 = 70, but under investigation at year end → no grade (seed 000 4(5))
    assert i.row.total == D("70")
    assert i.grade("等次") is None
    assert "调查" in i.grades["等次"].reason


def test_exempt_member_graded_from_evaluation_alone(result):
    x = result.member("x")
    # seed 000 二2: 年老体弱 exempt → 民主评议 alone: 80×25% + 80×25% + 100×50% = 90 of 100 → 90
    assert x.row.evaluation_only
    assert x.row.total == D("90")
    assert x.grade("等次") == "优秀"
    assert x.grade("星级") == "四星级"


def test_negative_list_forces_不合格(result):
    n = result.member("n")
    # 60 + 0 + 10 = 70 would be 合格, but the 负面清单 (seed 000 4(6)) forces 不合格
    assert n.row.total == D("70")
    assert n.grade("等次") == "不合格"
    assert n.grades["等次"].forced and "负面清单" in n.grades["等次"].reason
    assert any("组织处置" in o for o in n.outcomes)


def test_ranks(result):
    ranks = {m.member: m.rank for m in result.members}
    # totals: s 100, t 100, x 90, a 75.9, i 70, n 70, p 69.4 → 1,1,3,4,5,5,7
    assert ranks == {"s": 1, "t": 1, "x": 3, "a": 4, "i": 5, "n": 5, "p": 7}


def test_month_score_is_a_partial_view():
    table = engine.score(build(), "2019-03")
    # in March only a's two absences: 100 − 10 = 90 daily; no evaluation in a month
    assert table.row("a").sections["daily"] == D("90")
    assert table.row("a").sections["evaluation"] == D("0")
