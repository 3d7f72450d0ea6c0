"""soe preset (seed 001, 国企党员积分管理办法 第十—十二条) — repeat and post multipliers and
joint liability, hand-computed."""

from decimal import Decimal as D

import pytest

from jifen_cli.core import engine
from jifen_cli.core.presets import preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import entry, ledger, member

YEAR = 2019


def build():
    members = [
        member("s1", "书记甲", posts=["书记"], group="g1"),
        member("gl", "组长乙", posts=["党小组长"], group="g1"),
        member("f", "分管丙", posts=["分管领导"], group="g3"),
        member("c", "联系丁", posts=["联系点领导"], group="g3"),
        member("m1", "党员戊", group="g1"),
        member("m2", "科长己", posts=["科长"], group="g2"),
    ]
    entries = [
        entry("2019-01-10", "m1", "absent_meeting"),
        entry("2019-02-10", "m1", "absent_meeting"),
        entry("2019-03-10", "m1", "discipline_violation"),
        entry("2019-04-10", "m2", "dues_late"),
        entry("2019-05-10", "m2", "dues_late"),
        entry("2019-06-10", "m2", "honour", level="地方党委", subject="先进个人"),
        entry("2019-07-10", "m2", "honour", level="单位党委", subject="先进个人"),
        entry("2019-08-10", "m2", "news", level="省市媒体"),
    ]
    return ledger("soe", members, entries)


@pytest.fixture(scope="module")
def table():
    return engine.score(build(), YEAR)


def test_compiles_and_checks_clean():
    assert compile_rules(preset_data("soe"), "rules.yaml")[1] == []
    assert engine.check_rules(build()) == []


def test_repeat_multiplier(table):
    # 第十一条(一)(二): 2 (first) + 2 × 1.2 (second, 再次违反 +20%) + 5 (纪律) = 9.4 → 100 − 9.4 = 90.6
    assert table.row("m1").sections["base"] == D("90.6")
    assert table.row("m1").total == D("90.60")


def test_post_and_repeat_multiply(table):
    row = table.row("m2")
    # 第十一条(三) 科长 holds a post: 3 × 1.1 = 3.3; second time 3 × 1.2 × 1.1 = 3.96 → 100 − 7.26 = 92.74
    assert row.sections["base"] == D("92.74")
    # 第十二条 honours: 先进个人 counts once at 地方党委 6; news 省市媒体 3 → 9
    assert row.sections["bonus"] == D("9")
    assert row.total == D("101.74")


def test_joint_liability(table):
    # 第十一条(四): m1's 5-point deduction (≥ 3) → his group leader gl 10 % = 0.5;
    # (≥ 5) → 分管领导 20 % = 1, 联系点领导 10 % = 0.5. m1's 2 and 2.4 are below 3: no charge.
    assert table.row("gl").sections["base"] == D("99.5")
    assert table.row("f").sections["base"] == D("99")
    assert table.row("c").sections["base"] == D("99.5")
    # m2's 3.3 and 3.96 (≥ 3) → group g2 has no 党小组长 → 书记 s1: 0.33 + 0.396 = 0.726 → 99.274 → 99.27
    assert table.row("s1").total == D("99.27")


def test_rank(table):
    ranked = engine.rank(build(), YEAR)
    order = [(r.member, r.rank) for r in ranked]
    # 101.74, 99.5, 99.5, 99.27, 99, 90.6
    assert order == [("m2", 1), ("c", 2), ("gl", 2), ("s1", 4), ("f", 5), ("m1", 6)]


def test_no_grades_in_this_scheme():
    result = engine.year_result(build(), YEAR)
    assert result.scales == []
    assert all(m.grades == {} for m in result.members)


# ---- audit addition: “3 分及以上” includes 3; 第十一条(五) 其他扣分 (> 5 分, 议定) also carries liability ----

def test_liability_thresholds_inclusive_and_other_deduction():
    members = [
        member("s1", "书记甲", posts=["书记"], group="g1"),
        member("gl", "组长乙", posts=["党小组长"], group="g1"),
        member("f", "分管丙", posts=["分管领导"], group="g3"),
        member("c", "联系丁", posts=["联系点领导"], group="g3"),
        member("m3", "党员庚", group="g1"),
        member("m4", "党员辛", group="g1"),
    ]
    entries = [
        entry("2019-03-10", "m3", "duty_fail"),                 # 3 (支部自定), no post, first time
        entry("2019-04-10", "m4", "other_deduct", points=8),    # 第十一条(五) 议定 8 (> 5)
    ]
    led = ledger("soe", members, entries)
    assert engine.check_rules(led) == []
    t = engine.score(led, YEAR)
    # 第十一条(一): m3 100 − 3 = 97; m4 100 − 8 = 92
    assert t.row("m3").total == D("97")
    assert t.row("m4").total == D("92")
    # 第十一条(四) “扣除 3 分及以上” → 3 counts: group leader 3 × 10 % = 0.3; m4's 8: 8 × 10 % = 0.8
    # → gl 100 − 1.1 = 98.9; the secretary is not charged (g1 has a 党小组长)
    assert t.row("gl").total == D("98.9")
    assert t.row("s1").total == D("100")
    # “5 分及以上”: only m4's 8 → 分管领导 8 × 20 % = 1.6, 联系点领导 8 × 10 % = 0.8
    assert t.row("f").total == D("98.4")
    assert t.row("c").total == D("99.2")


def test_exempt_member_left_out():
    # 第四条：借调、退休及长期生病等原因无法正常参加党组织生活的党员，可不列入积分管理范围
    members = [member("m1", "党员戊", group="g1"), member("r1", "退休壬", exempt="2019-01-05")]
    led = ledger("soe", members, [entry("2019-03-10", "r1", "duty_fail")])
    result = engine.year_result(led, YEAR)
    assert result.member("r1") is None
    assert "r1" in [x.member for x in result.table.excluded]
    assert result.member("m1").row.total == D("100")
