"""village preset (seed 001, 徐家堰村 / 农村党员积分制管理) — class weights, quarterly average,
top-15 % quota, reward points above 100, counted 不合格 dispositions."""

from decimal import Decimal as D

import pytest

from jifen_cli.core import engine
from jifen_cli.core.presets import preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import entry, ledger, member, scored

YEAR = 2019
Q = {1: "2019-02-10", 2: "2019-05-10", 3: "2019-08-10", 4: "2019-11-10"}


def dedication_25(mid):
    """Q1 30 + 20 = 50, Q2 20, Q3 0, Q4 20 + 10 = 30 → average 25."""
    return [entry(Q[1], mid, "emergency"), entry(Q[1], mid, "post_claim"), entry(Q[2], mid, "post_claim"),
            entry(Q[4], mid, "poverty_help"), entry(Q[4], mid, "volunteer")]


def build():
    members = [
        member("c1", category="committee"),
        member("o1"), member("o2"), member("o3"), member("o4"), member("o5"),
        member("p1", status="预备"),
        member("old1", category="old"),
    ]
    entries = dedication_25("c1") + dedication_25("o1")
    for q in Q.values():
        entries.append(entry(q, "o2", "emergency", times=4))
        entries += [entry(q, "o3", "emergency"), entry(q, "o3", "poverty_help"), entry(q, "o3", "post_claim"),
                    entry(q, "o3", "volunteer")]
    entries += [
        entry(Q[1], "o4", "dues_late", times=2),
        entry("2019-06-01", "o4", "violation", points=10),
        entry("2019-09-01", "o5", "no_contact"),
    ]
    evaluations = [scored(YEAR, "c1", 95), scored(YEAR, "o1", 95), scored(YEAR, "o2", 100),
                   scored(YEAR, "o3", 90), scored(YEAR, "o4", 60), scored(YEAR, "o5", 0),
                   scored(YEAR, "p1", 80), scored(YEAR, "old1", 85)]
    history = {2017: {"o4": "不合格"}, 2018: {"o4": "不合格"}}
    return ledger("village", members, entries, evaluations, history=history)


@pytest.fixture(scope="module")
def result():
    return engine.year_result(build(), YEAR)


def test_compiles_and_checks_clean():
    assert compile_rules(preset_data("village"), "rules.yaml")[1] == []
    assert engine.check_rules(build()) == []


def test_class_weights(result):
    c1, o1 = result.member("c1").row, result.member("o1").row
    # 1.4 quarterly, ÷ 4: dedication (50 + 20 + 0 + 30) ÷ 4 = 25 for both
    assert c1.sections["dedication"] == D("25") == o1.sections["dedication"]
    # 二、二是 班子成员 30/50/20: 100×30% + 25×50% + 95×20% = 30 + 12.5 + 19 = 61.5
    assert c1.total == D("61.50")
    # 其他党员 50/30/20: 100×50% + 25×30% + 19 = 50 + 7.5 + 19 = 76.5
    assert o1.total == D("76.50")
    assert result.member("c1").grade() == "基本合格"
    assert result.member("o1").grade() == "合格"


def test_reward_points_above_100(result):
    o2 = result.member("o2")
    # 4 × 30 = 120 each quarter (no cap) → 50 + 120×30% + 20 = 106; 1.5 超出分值作为奖励积分
    assert o2.row.total == D("106")
    assert o2.grade() == "优秀"
    assert any("奖励积分" in o for o in o2.outcomes)


def test_top_15_percent(result):
    o3 = result.member("o3")
    # 50 + 80×30% + 90×20% = 50 + 24 + 18 = 92 ≥ 90, but rank 2 and 15 % of 8 = 1.2 → 1 → 合格
    assert o3.row.total == D("92")
    assert o3.rank == 2
    assert o3.grade() == "合格"
    assert "排名在前15%" in o3.grades["等次"].reason


def test_third_time_below_basic(result):
    o4 = result.member("o4")
    # daily: Q1 100 − 2×10 = 80, others 100 → 95; eval 60: 47.5 + 0 + 12 = 59.5; 倒扣分 10 (yearly, unbounded) → 49.5
    assert o4.row.sections["daily"] == D("95")
    assert o4.row.total == D("49.50")
    assert o4.grade() == "不合格"
    # 1.5 三次低于基本合格 (2017, 2018 history + 2019) → 组织处理 only (stop: no 二次/一次 outcome)
    assert len(o4.outcomes) == 1 and "组织处理" in o4.outcomes[0]


def test_first_time_below_basic(result):
    o5 = result.member("o5")
    # 50 + 0 + 0 − 5 = 45 → 不合格, first time → 三个月限期改正
    assert o5.row.total == D("45")
    assert o5.outcomes == ["低于基本合格：支部给予教育，责令三个月内限期改正"]


def test_probationary_basic_extends(result):
    p1 = result.member("p1")
    # 50 + 0 + 80×20% = 66 → 基本合格 → 延长预备期
    assert p1.row.total == D("66")
    assert p1.grade() == "基本合格"
    assert any("延长预备期" in o for o in p1.outcomes)


def test_old_member_evaluation_only(result):
    old = result.member("old1")
    # 年老体弱: only 民主评议 → 85 ÷ 100 × 100 = 85 → 合格
    assert old.row.evaluation_only
    assert old.row.total == D("85")
    assert old.grade() == "合格"


def test_times_count_years_not_in_a_row():
    led = build()
    # 1.5 “二次低于基本合格” counts occurrences, not consecutive years: 2016 and 2019 → second time
    led.history = {2016: {"o5": "不合格"}, 2017: {"o5": "合格"}}
    o5 = engine.year_result(led, YEAR).member("o5")
    assert o5.outcomes == ["二次低于基本合格：镇党委实行诫勉谈话"]
