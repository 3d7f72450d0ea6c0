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


# ---- band edges, a tie inside the 15 %, reward points (种子001 二、三是, 1.5), hand-computed ----

def _dedication_100(mid, extra_q1=()):
    """Every quarter 带头处置突发事件 2 × 30 + 主动认领岗位 2 × 20 = 100 (支部自定 values); plus ``extra_q1`` items in Q1."""
    out = []
    for q in Q.values():
        out += [entry(q, mid, "emergency", times=2), entry(q, mid, "post_claim", times=2)]
    out += [entry(Q[1], mid, item) for item in extra_q1]
    return out


def edge_branch():
    # 8 普通党员, daily 100 each quarter (no deductions): total = 100×50% + 奉献×30% + 评议×20% (二、二是)
    ids = ["A", "B", "D", "E", "F", "G", "J", "K"]
    evaluation = {"A": 50, "B": 50, "D": 100, "E": "97.5", "F": 50, "G": "49.5", "J": 80, "K": 0}
    entries = _dedication_100("A") + _dedication_100("B")
    evals = [scored(YEAR, m, v) for m, v in evaluation.items()]
    return ledger("village", [member(m) for m in ids], entries, evals)


@pytest.fixture(scope="module")
def edges():
    return engine.year_result(edge_branch(), YEAR)


def test_edge_totals(edges):
    # A, B: 奉献 (100 × 4) ÷ 4 = 100 → 50 + 30 + 50×20% = 90
    # D: 50 + 0 + 100×20% = 70;  E: 50 + 97.5×20% = 69.5;  F: 50 + 10 = 60;  G: 50 + 49.5×20% = 59.9
    # J: 50 + 16 = 66;  K: 50 + 0 = 50
    totals = {m: edges.member(m).row.total for m in ("A", "B", "D", "E", "F", "G", "J", "K")}
    assert totals == {"A": D(90), "B": D(90), "D": D(70), "E": D("69.5"), "F": D(60), "G": D("59.9"),
                      "J": D(66), "K": D(50)}
    assert engine.check_rules(edge_branch()) == []


def test_edge_grades(edges):
    # 二、三是 90 分及以上且排名在本支部党员总数 15% 以内 → 优秀: 8 × 15% = 1.2 → 1 place;
    # A and B are exactly 90 and tied at rank 1 ≤ 1 → both 优秀 (mode top: 并列同进同出)
    assert edges.member("A").rank == edges.member("B").rank == 1
    assert edges.member("A").grade() == edges.member("B").grade() == "优秀"
    # 70 分及以上 合格 (D exactly 70); 60—69 基本合格 (E 69.5, J 66, F exactly 60); 59 分及以下 不合格 (G 59.9, K 50)
    grades = {m: edges.member(m).grade() for m in ("D", "E", "J", "F", "G", "K")}
    assert grades == {"D": "合格", "E": "基本合格", "J": "基本合格", "F": "基本合格", "G": "不合格", "K": "不合格"}


def test_edge_outcomes(edges):
    # 二、四是 优秀 → 奖励、评先选优推荐; 基本合格 → 谈心谈话、批评教育、结对帮带; 1.5 不合格 (first time) → 限期改正
    assert any("评先选优" in o for o in edges.member("A").outcomes)
    for m in ("E", "J", "F"):
        assert any("谈心谈话" in o and "结对帮带" in o for o in edges.member(m).outcomes), m
    for m in ("G", "K"):
        assert edges.member(m).outcomes == ["低于基本合格：支部给予教育，责令三个月内限期改正"], m
    assert edges.member("D").outcomes == []
    # 90 exactly is not above 100: no reward points
    assert not any("奖励积分" in o for o in edges.member("A").outcomes)


def test_reward_points_only_above_100():
    # H: 奉献 100, 评议 100 → 50 + 30 + 20 = 100 exactly → no 奖励积分 (1.5 “超出分值”)
    # I: Q1 100 + 志愿服务 10 = 110, Q2—Q4 100 → (110 + 300) ÷ 4 = 102.5 → 50 + 30.75 + 20 = 100.75 → 奖励积分
    # 2 members × 15% = 0.3 → 0 places: neither is 优秀 although both ≥ 90 (二、三是 “排名在…15% 以内”)
    entries = _dedication_100("H") + _dedication_100("I", extra_q1=["volunteer"])
    res = engine.year_result(ledger("village", [member("H"), member("I")], entries,
                                    [scored(YEAR, "H", 100), scored(YEAR, "I", 100)]), YEAR)
    assert res.member("H").row.total == D(100) and res.member("I").row.total == D("100.75")
    assert not any("奖励积分" in o for o in res.member("H").outcomes)
    assert any("奖励积分" in o for o in res.member("I").outcomes)
    assert res.member("H").grade() == res.member("I").grade() == "合格"
