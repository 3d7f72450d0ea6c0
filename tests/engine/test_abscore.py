"""abscore preset (seed 001, 公司积分制管理 A 分 / B 分) — monthly A base resets, overflow into
the cumulative B score across years.

Seed: 001_761709d9094f6f4d.txt, 《党员积分管理制度》 (the company 积分制管理办法, around lines
1395—1545).  Clauses cited below:
  a分 2      “a分当月基础分100分，当月清零不累计，超出100分的1:1计入b分”
  b分 2      “b分终身有效(只要在企业内持续就职)。员工在职期间，b分实行逐月逐年累加，员工离职后即归零”
  汇总 2     “每月汇总统计，结出当月a分排名、当月b分排名、累计b分排名”
  第一部分a分 / 第二部分b分  the point standards (numbered as in the seed)
The year A score (average of the capped months) is the preset's choice, not a seed clause.
"""

from decimal import Decimal as D

import pytest

from jifen_cli.core import engine
from jifen_cli.core.presets import preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import entry, ledger, member


def build():
    members = [
        member("e1"),
        member("e2", joined="2019-02-01"),
        member("e3", left="2019-02-15"),
        member("e4"),
    ]
    entries = [
        # e1: December 2018 overflow, then one month of each kind in 2019
        entry("2018-12-10", "e1", "performance", points=5),
        entry("2019-01-10", "e1", "performance", points=15),
        entry("2019-02-05", "e1", "sick_leave"),
        entry("2019-02-12", "e1", "work_early"),
        entry("2019-02-13", "e1", "b_charity"),
        entry("2019-03-04", "e1", "task_not_done"),
        entry("2019-03-08", "e1", "weekly_done"),
        entry("2019-04-26", "e1", "weekly_done", times=4),
        entry("2019-04-26", "e1", "over_quality"),
        entry("2019-04-10", "e1", "form_error", times=3),
        # e2: joined in February
        entry("2019-02-10", "e2", "performance", points=40),
        entry("2019-02-20", "e2", "b_power_on"),
        # e3: left on 15 February
        entry("2019-01-10", "e3", "personal_leave"),
        # e4: A below zero in January, overflow in February
        entry("2019-01-15", "e4", "out_private", times=3),
        entry("2019-02-28", "e4", "full_attendance"),
        entry("2019-02-28", "e4", "client_praise", level="项目负责人"),
    ]
    return ledger("abscore", members, entries)


@pytest.fixture(scope="module")
def led():
    return build()


def test_compiles_and_checks_clean():
    assert compile_rules(preset_data("abscore"), "rules.yaml")[1] == []
    assert engine.check_rules(build()) == []


# Fixed point values copied from the seed (第一部分a分 / 第二部分b分), code → (section, points).
SEED_POINTS = {
    "work_overdue": ("a_penalty", 5),      # (一)2 工作没有按时完成，一天扣5分
    "task_not_done": ("a_penalty", 20),    # (一)5 上级安排的工作没有执行的，一次扣20分
    "form_error": ("a_penalty", 2),        # (一)7 每处错扣2分
    "request_late": ("a_penalty", 5),      # (一)10 没有按时提交的扣5分
    "quota_unissued": ("a_penalty", 15),   # (一)12 没有发放完则扣15分
    "overtime_refused": ("a_penalty", 15),  # (二)5 领导要求参加的加班不参加的扣15分
    "overtime_excused": ("a_penalty", 5),  # (二)5 经批准不参加的扣5分
    "sick_leave": ("a_penalty", 10),       # (二)9 病假一天扣10分
    "personal_leave": ("a_penalty", 20),   # (二)10 事假每天扣20分
    "out_private": ("a_penalty", 50),      # (二)13 一次扣50分
    "messy_desk": ("a_penalty", 10),       # (二)14 一次扣10分
    "smoking": ("a_penalty", 20),          # (二)15 一次扣20分
    "weekly_done": ("a_award", 20),        # (一)1 加20分
    "work_early": ("a_award", 5),          # (一)2 每提前一天加5分
    "over_quality": ("a_award", 20),       # (一)3 一次加20分
    "request_on_time": ("a_award", 5),     # (一)10 按时提交的加5分
    "quota_issued": ("a_award", 30),       # (一)12 全部发放则部门负责人加30分
    "full_attendance": ("a_award", 50),    # (二)7 当月考勤无迟到、早退，无事假、病假者加50分
    "report_smoking": ("a_award", 50),     # (二)15 发现并举报者奖50分
    "b_method": ("b", 50),                 # (一)6 奖励50分
    "b_demoted": ("b", 10),                # (二)5 员工降职，其直接上级扣10分
    "b_resigned": ("b", 10),               # (二)6 员工辞职，其直接上级扣10分
    "b_suggestion": ("b", 200),            # (三)3 奖200分
    "b_charity": ("b", 50),                # (四)1 符合一项奖50分
    "b_guest_praise": ("b", 10),           # (四)5 加10分
    "b_sick_work": ("b", 30),              # (四)7 奖30分
    "b_quarrel": ("b", 200),               # (四)10 发现一次扣200分
    "b_phone": ("b", 5), "b_reception": ("b", 5),   # (四)11、12
    "b_power_on": ("b", 5), "b_power_help": ("b", 5),   # (四)13
    "b_lock_up": ("b", 5), "b_first_in": ("b", 5), "b_morning": ("b", 5),   # (四)14、16、17
    "b_floor": ("b", 5), "b_meeting_set": ("b", 5), "b_meeting_clear": ("b", 5),   # (四)18、19、20
    "b_water": ("b", 2), "b_water_clean": ("b", 10),   # (四)21
    "b_tally": ("b", 10),                  # (四)22
}


def test_item_points_follow_the_seed():
    data = preset_data("abscore")
    got = {i["code"]: (s["code"], i.get("points")) for s in data["sections"] for i in s["items"]}
    for code, (section, points) in SEED_POINTS.items():
        assert got[code] == (section, points), code
    items = {i["code"]: i for s in data["sections"] for i in s["items"]}
    # (一)6 项目负责人加30分，组员加15分; (一)4 5-20分; (二)7 每次考试加10分-20分
    assert items["client_praise"]["levels"] == {"项目负责人": 30, "组员": 15}
    assert items["over_quantity"]["open"] == [5, 20] and items["b_exam"]["open"] == [10, 20]
    # deductions from B are marked deduct (降职、辞职、吵架、没有关闭电源; 坏人坏事)
    assert {c for c, i in items.items() if i.get("deduct")} == {
        "b_bad_deed", "b_demoted", "b_resigned", "b_quarrel", "b_power_on"}


def test_month_a_capped_overflow_to_b(led):
    jan = engine.score(led, "2019-01").row("e1")
    # a分 2: 当月 100 + 15 = 115 → A 100, the 15 above 100 goes 1:1 into b 分
    assert jan.total == D("100")
    # b分 2 逐月逐年累加: 2018-12 overflow (100 + 5 → 5) + 2019-01 overflow 15 = 20
    assert jan.accounts["b"] == D("20")


def test_month_below_100_after_a_bonus_resets_and_does_not_draw_on_b(led):
    feb = engine.score(led, "2019-02").row("e1")
    # a分 2 当月清零: February starts again at 100: − 10 (病假一天, (二)9) + 5 (提前一天, (一)2) = 95;
    # nothing is taken back from B to top A up to 100
    assert feb.sections["a_penalty"] == D("90") and feb.sections["a_award"] == D("5")
    assert feb.total == D("95")
    # B: 20 + 好人好事 50 ((四)1) = 70, no overflow in February
    assert feb.accounts["b"] == D("70")


def test_month_exactly_100_carries_nothing(led):
    mar = engine.score(led, "2019-03").row("e1")
    # 100 − 20 (工作没有执行, (一)5) + 20 (按时完成, (一)1) = 100: not “超出100分” → overflow 0
    assert mar.total == D("100")
    assert mar.accounts["b"] == D("70")


def test_large_overflow(led):
    apr = engine.score(led, "2019-04").row("e1")
    # 100 − 3×2 (表册错误, (一)7) + 4×20 ((一)1) + 20 (超质量, (一)3) = 194 → A 100, overflow 94
    assert apr.total == D("100")
    # B: 70 + 94 = 164
    assert apr.accounts["b"] == D("164")


def test_joined_member_and_b_deduction(led):
    feb = engine.score(led, "2019-02").row("e2")
    # 100 + 40 = 140 → A 100, overflow 40 → B 40 − 没有关闭电源 5 ((四)13) = 35
    assert feb.total == D("100")
    assert feb.accounts["b"] == D("35")
    assert engine.score(led, "2019-01").row("e2") is None  # not yet employed in January


def test_left_member_out(led):
    jan = engine.score(led, "2019-01").row("e3")
    # 100 − 20 (事假一天, (二)10) = 80
    assert jan.total == D("80")
    assert engine.score(led, "2019-02").row("e3").total == D("100")   # still employed until 15 Feb
    assert engine.score(led, "2019-03").row("e3") is None  # b分 2 离职后即归零: no longer scored
    # year: only the months employed: (80 + 100) ÷ 2 = 90
    assert engine.score(led, 2019).row("e3").total == D("90")


def test_a_below_zero_and_overflow_never_negative(led):
    jan = engine.score(led, "2019-01").row("e4")
    # 100 − 3×50 (外出干私事, (二)13) = −50: the seed sets no floor for A (floor: none)
    assert jan.total == D("-50")
    assert jan.accounts["b"] == D("0")    # a deficit is not taken from B
    feb = engine.score(led, "2019-02").row("e4")
    # 100 + 50 (全勤, (二)7) + 30 (客户肯定·项目负责人, (一)6) = 180 → A 100, overflow 80 → B 80
    assert feb.total == D("100")
    assert feb.accounts["b"] == D("80")


def test_year_is_average_of_capped_months(led):
    row = engine.score(led, 2019).row("e1")
    # 12 months of A, each capped at 100: Jan 100 (not 115), Feb 95, Mar 100, Apr 100 (not 194),
    # May–Dec 100 → 1195 ÷ 12 = 99.58333… → 99.58
    assert row.total == D("99.58")
    assert row.accounts["b"] == D("164")
    # e4: (−50 + 11×100) ÷ 12 = 1050 ÷ 12 = 87.5
    assert engine.score(led, 2019).row("e4").total == D("87.5")
    # e2: employed February–December, all 100 → 100
    assert engine.score(led, 2019).row("e2").total == D("100")


def test_b_carries_into_the_next_year(led):
    # b分 2 逐月逐年累加: the 2019 balance is still there in January 2020 (no yearly reset)
    assert engine.score(led, "2020-01").row("e1").accounts["b"] == D("164")
