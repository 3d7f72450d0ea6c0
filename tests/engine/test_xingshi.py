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


# ---- audit addition: band edges of seed 000 4(5), the five-star condition and the floors ------
#
# seed 000 4(5): “得分在 90 分及以上的，可评为优秀 … 其中，95 分以上且获得都江堰市级及以上表彰（表扬）的党员
# 可评定为五星级党员，其余为四星级党员；得分在 70 分—89 分的，评为合格，其中，80 分—89 分可评定为三星级党员；
# 得分在 60—69 分的，评为基本合格；低于 60 分的，可评为不合格”.  “以上” includes the number itself (the usual
# reading in Chinese regulations, e.g. 民法典 第1259条), so 95.00 is 五星 and 90.00 优秀; the integer ranges
# “70—89”, “80—89”, “60—69” are read as [70, 90), [80, 90), [60, 70) since totals have decimals.
# total = daily×60% + vanguard×30% + evaluation×10% (二、3); evaluation = 群众×25% + 党员×25% + 支委×50%
# (4(4): 2.5 % : 2.5 % : 5 %); item and vote values are the preset's 支部自定 choices.

ALL_QUALIFIED = dict(群众={"合格": 10}, 党员={"合格": 10}, 支委={"合格": 5})          # 80
ALL_BASIC = dict(群众={"基本合格": 10}, 党员={"基本合格": 10}, 支委={"基本合格": 5})  # 60
ALL_FAIL = dict(群众={"不合格": 10}, 党员={"不合格": 10}, 支委={"不合格": 5})         # 0
EVAL_85 = dict(群众={"优秀": 10}, 党员={"合格": 10}, 支委={"合格": 5})     # 25 + 20 + 40 = 85
EVAL_65 = dict(群众={"合格": 10}, 党员={"基本合格": 10}, 支委={"基本合格": 5})  # 20 + 15 + 30 = 65
EVAL_90 = dict(群众={"合格": 10}, 党员={"合格": 10}, 支委={"优秀": 5})     # 20 + 20 + 50 = 90

#: member → (evaluation votes, entries (item, level or None), total, 等次, 星级)
EDGES = {
    # 60 + (都江堰市级 honour 30 + 国家级 emergency 60)×.3 + 80×.1 = 60 + 27 + 8 = 95 → 五星 (95 included,
    # 都江堰市级 is the lowest level that qualifies)
    "b95": (ALL_QUALIFIED, [("honour", "都江堰市级"), ("emergency", "国家级")], "95.00", "优秀", "五星级"),
    # 95 again but the honour is only 集团 (below 都江堰市级): 60 + (20 + 60 + bravery 支部 10)×.3 + 8 = 95 → 四星
    "b95g": (ALL_QUALIFIED, [("honour", "集团"), ("emergency", "国家级"), ("bravery", "支部")],
             "95.00", "优秀", "四星级"),
    # 99×.6 + 90×.3 + 85×.1 = 59.4 + 27 + 8.5 = 94.9: honour present but below 95 → 四星
    "b949": (EVAL_85, [("leave", None), ("honour", "都江堰市级"), ("emergency", "国家级")],
             "94.90", "优秀", "四星级"),
    # 60 + (国家级 emergency 60 + 集团 bravery 20)×.3 + 60×.1 = 60 + 24 + 6 = 90 → 优秀 (90 分及以上), 四星
    "b90": (ALL_BASIC, [("emergency", "国家级"), ("bravery", "集团")], "90.00", "优秀", "四星级"),
    # 99×.6 + 80×.3 + 65×.1 = 59.4 + 24 + 6.5 = 89.9 → 合格, 三星 (80—89)
    "b899": (EVAL_65, [("leave", None), ("emergency", "国家级"), ("bravery", "集团")], "89.90", "合格", "三星级"),
    # 60 + 成都市级 emergency 40×.3 + 80×.1 = 60 + 12 + 8 = 80 → 合格, 三星 (80 included)
    "b80": (ALL_QUALIFIED, [("emergency", "成都市级")], "80.00", "合格", "三星级"),
    # 99×.6 + 40×.3 + 85×.1 = 59.4 + 12 + 8.5 = 79.9 → 合格, no star
    "b799": (EVAL_85, [("leave", None), ("emergency", "成都市级")], "79.90", "合格", "未评星"),
    # 60 + 0 + 100×.1 = 70 → 合格 (70 included)
    "b70": (ALL_EXCELLENT, [], "70.00", "合格", "未评星"),
    # 99×.6 + 支部 volunteer 5×.3 + 90×.1 = 59.4 + 1.5 + 9 = 69.9 → 基本合格
    "b699": (EVAL_90, [("leave", None), ("volunteer", "支部")], "69.90", "基本合格", "未评星"),
    # 60 + 0 + 0 = 60 → 基本合格 (60 included)
    "b60": (ALL_FAIL, [], "60.00", "基本合格", "未评星"),
    # 99×.6 + 0 + 0 = 59.4 → 不合格 (低于 60 分)
    "b594": (ALL_FAIL, [("leave", None)], "59.40", "不合格", "未评星"),
    # 25 absences × 5 = 125 > 100: 日常 stops at 0 (基础分倒扣, floor 0); 0 + 0 + 100×.1 = 10 → 不合格
    "bfloor": (ALL_EXCELLENT, [("absent", None)] * 25, "10.00", "不合格", "未评星"),
    # 日常 0, 评议 10, minus sanction 留党察看 40 (支部自定) = −30 → total floor 0
    "bzero": (ALL_EXCELLENT, [("absent", None)] * 25 + [("sanction", "留党察看")], "0.00", "不合格", "未评星"),
}


@pytest.fixture(scope="module")
def edges():
    members = [member(m) for m in EDGES]
    entries, evaluations = [], []
    for mid, (vote, items, *_rest) in EDGES.items():
        evaluations.append(votes(YEAR, mid, **vote))
        for n, (item, level) in enumerate(items):
            entries.append(entry(f"2019-{n % 12 + 1:02d}-10", mid, item, level=level))
    led = ledger("xingshi", members, entries, evaluations)
    assert engine.check_rules(led) == []
    return engine.year_result(led, YEAR)


def test_band_and_star_edges(edges):
    got = {m.member: (str(m.row.total.quantize(D("0.01"))), m.grade("等次"), m.grade("星级")) for m in edges.members}
    assert got == {mid: tuple(spec[2:]) for mid, spec in EDGES.items()}


def test_daily_floor_and_total_floor(edges):
    assert edges.member("bfloor").row.sections["daily"] == D("0")
    # vanguard stays 0; the sanction (penalty section, weight 1) takes the total below 0 → floor 0 (二、3 百分制)
    assert edges.member("bzero").row.sections["negative"] == D("40")
    assert edges.member("bzero").row.total == D("0")
