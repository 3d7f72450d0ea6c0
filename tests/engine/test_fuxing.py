"""fuxing preset (seed 001, 复兴镇: two classes, quarterly scores averaged, stars, veto
including “连续6个月不参加组织生活”) — hand-computed."""

from decimal import Decimal as D

import pytest

from jifen_cli.core import engine
from jifen_cli.core.presets import preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import entry, ledger, member

YEAR = 2019


def monthly(mid, life, dues, months=range(1, 13)):
    """Monthly registrations of org life and dues (needed by the 6-month rule)."""
    out = []
    for m in months:
        if life:
            out.append(entry(f"2019-{m:02d}-05", mid, life))
        if dues:
            out.append(entry(f"2019-{m:02d}-06", mid, dues))
    return out


def build():
    members = [
        member("h1", category="home"),
        member("h2", category="home"),
        member("m1", category="mobile", joined="2019-04-10"),
        member("m2", category="mobile"),
    ]
    entries = (monthly("h1", "life_attend", "dues_paid")
               + monthly("h2", "life_attend", "dues_paid", months=range(7, 13))
               + monthly("h2", None, "dues_paid", months=range(1, 7))
               + monthly("m1", "m_life_attend", "m_dues_paid", months=range(4, 13))
               + monthly("m2", "m_life_attend", "m_dues_paid"))
    entries += [
        entry("2019-02-11", "h1", "dues_h_deduct", points=2),
        entry("2019-08-11", "h1", "public_good"),
        entry("2019-08-12", "h1", "suggestion"),
        entry("2019-11-11", "h1", "commended"),
        entry("2019-05-11", "m1", "local_meeting"),
        entry("2019-05-12", "m1", "inflow_activity"),
        entry("2019-06-11", "m1", "hometown", points=20),
        entry("2019-06-12", "m1", "hometown", points=20),
        entry("2019-08-11", "m1", "local_meeting"),
        entry("2019-11-11", "m1", "hometown", points=20),
        entry("2019-03-11", "m2", "veto_vice"),
        entry("2019-03-12", "m2", "local_meeting"),
    ]
    return ledger("fuxing", members, entries)


@pytest.fixture(scope="module")
def result():
    return engine.year_result(build(), YEAR)


def test_compiles_and_checks_clean():
    assert compile_rules(preset_data("fuxing"), "rules.yaml")[1] == []
    assert engine.check_rules(build()) == []


def test_quarter_scores():
    led = build()
    # 在家党员 base 30 + 30 + 30, bonus from 0: Q1 90 − 2 (党费) = 88
    assert engine.score(led, "2019-Q1").row("h1").total == D("88")
    # Q3: 90 + 公益 2 + 建言 2 = 94
    assert engine.score(led, "2019-Q3").row("h1").total == D("94")


def test_home_member_average_of_quarters(result):
    h1 = result.member("h1")
    # 1. 取平均: Q1 88, Q2 90, Q3 94, Q4 90 + 表彰 3 = 93 → (88 + 90 + 94 + 93) ÷ 4 = 91.25
    assert h1.row.total == D("91.25")
    # 3. 90 分以上—95 分 → 四星
    assert h1.grade("星级") == "四星"


def test_mobile_member_joined_mid_year(result):
    m1 = result.member("m1")
    # 流动党员 base 30 + 30 = 60, bonus up to 40 (分项 10 / 10 / 20).
    # Q2: 60 + 10 + 10 + (20 + 20 capped at the part's 20) = 100; Q3: 60 + 10 = 70; Q4: 60 + 20 = 80
    # joined in April: Q1 not counted → (100 + 70 + 80) ÷ 3 = 83.333… → 83.33 → 三星 (80 分以上—90 分)
    assert m1.row.total == D("83.33")
    assert m1.grade("星级") == "三星"


def test_six_months_without_org_life_is_a_veto(result):
    h2 = result.member("h2")
    # (三)4: no 组织生活 January–June (dues paid) → 一票否决 → 0, no star
    assert h2.row.vetoed
    assert h2.row.total == D("0")
    assert h2.grade("星级") == "未评星"
    assert any("连续6个月" in s.text for s in engine.explain(build(), "h2", YEAR))


def test_veto_item(result):
    m2 = result.member("m2")
    # (三)2 吸毒、嫖娼、赌博 → 一票否决, whatever the bonus
    assert m2.row.total == D("0") and m2.row.vetoed


def test_class_sections():
    table = engine.score(build(), YEAR)
    assert set(table.row("m1").sections) == {"life_m", "law_m", "bonus_m", "veto"}
    assert set(table.row("h1").sections) == {"life_h", "duty_h", "law_h", "bonus_h", "veto"}


def test_item_of_other_class_is_reported():
    led = build()
    led.entries.append(entry("2019-05-01", "h1", "local_meeting"))
    codes = [d.code for d in engine.check_rules(led)]
    assert "E604" in codes


# ---- star edges (评定 3.) and the six-month rule's edge (三)4 -----------------------------
#
# 评定 3.：60—70 分一星，70 分以上—80 分二星，80 分以上—90 分三星，90 分以上—95 分四星，95 分以上—100 分五星.
# The ranges share their ends, so “X 分以上” cannot include X: 70 is 一星, 70.01 二星 … 95 四星, 95.01 五星
# (scores kept to 2 places).  Each quarter a 在家党员 starts at 30 + 30 + 30 = 90 plus 加分 from 0;
# 评定 1. the year is the average of the four quarters.

QUARTER_MONTH = {1: 2, 2: 5, 3: 8, 4: 11}
ALL_BONUS = ("public_good", "suggestion", "outstanding", "commended")     # 加分 2 + 2 + 3 + 3 = 10


def _quarters(mid, plan):
    """plan: {quarter: (bonus items, {deduct item: points})}."""
    out = []
    for q, (bonus, deducts) in plan.items():
        m = QUARTER_MONTH[q]
        out += [entry(f"2019-{m:02d}-20", mid, item) for item in bonus]
        out += [entry(f"2019-{m:02d}-21", mid, item, points=pts) for item, pts in deducts.items()]
    return out


def _same(bonus=(), deducts=None):
    return {q: (bonus, deducts or {}) for q in (1, 2, 3, 4)}


STAR_PLANS = {
    # member: (plan, hand-computed average, star)
    "s100": (_same(ALL_BONUS), "100", "五星"),                                   # 4 × 100 ÷ 4
    "s9525": ({1: (ALL_BONUS, {}), 2: (ALL_BONUS, {}), 3: (ALL_BONUS, {}),
               4: ((), {"dues_h_deduct": 9})}, "95.25", "五星"),                # (3 × 100 + 81) ÷ 4
    "s95": ({1: (ALL_BONUS, {}), 2: (ALL_BONUS, {}), 3: ((), {}), 4: ((), {})}, "95", "四星"),   # (200 + 180) ÷ 4
    "s9025": ({1: (("public_good",), {"dues_h_deduct": 1}), 2: ((), {}), 3: ((), {}), 4: ((), {})},
              "90.25", "四星"),                                                  # (91 + 3 × 90) ÷ 4
    "s90": (_same(), "90", "三星"),
    "s80": (_same(deducts={"dues_h_deduct": 10}), "80", "二星"),                 # 90 − 10
    "s70125": ({1: ((), {"meet_h_deduct": "19.5"}), 2: ((), {"meet_h_deduct": 20}),
                3: ((), {"meet_h_deduct": 20}), 4: ((), {"meet_h_deduct": 20})},
               "70.13", "二星"),                                                 # (70.5 + 3 × 70) ÷ 4 = 70.125 → 70.13
    "s70": (_same(deducts={"meet_h_deduct": 20}), "70", "一星"),                 # 90 − 20
    "s60": (_same(deducts={"meet_h_deduct": 20, "dues_h_deduct": 10}), "60", "一星"),   # 90 − 30
    "s5988": ({1: ((), {"meet_h_deduct": 20, "dues_h_deduct": 10, "duty_h1_deduct": "0.5"}),
               2: ((), {"meet_h_deduct": 20, "dues_h_deduct": 10}),
               3: ((), {"meet_h_deduct": 20, "dues_h_deduct": 10}),
               4: ((), {"meet_h_deduct": 20, "dues_h_deduct": 10})},
              "59.88", "未评星"),                                                # (59.5 + 180) ÷ 4 = 59.875 → 59.88
}


def build_edges():
    members = [member(mid, category="home") for mid in STAR_PLANS]
    members += [member("f5", category="home"), member("f6", category="home")]
    entries = []
    for mid, (plan, _, _) in STAR_PLANS.items():
        entries += monthly(mid, "life_attend", "dues_paid") + _quarters(mid, plan)
    # f5: no 组织生活 January—May (five months), then every month; dues every month
    entries += monthly("f5", None, "dues_paid") + monthly("f5", "life_attend", None, months=range(6, 13))
    # f6: dues not paid March—August (six months); org life every month
    entries += (monthly("f6", "life_attend", None) + monthly("f6", None, "dues_paid", months=(1, 2, 9, 10, 11, 12)))
    return ledger("fuxing", members, entries)


@pytest.fixture(scope="module")
def edges():
    return engine.year_result(build_edges(), YEAR)


@pytest.mark.parametrize("mid", list(STAR_PLANS))
def test_star_edges(edges, mid):
    _, total, star = STAR_PLANS[mid]
    m = edges.member(mid)
    assert not m.row.vetoed
    assert (m.row.total, m.grade("星级")) == (D(total), star)


def test_six_month_edge(edges):
    # (三)4：five months without 组织生活 is not yet 连续6个月 → 90, 三星 (90 分 is not “90 分以上”)
    f5 = edges.member("f5")
    assert not f5.row.vetoed and f5.row.total == D(90) and f5.grade("星级") == "三星"
    # 连续6个月不交纳党费 (March—August) on its own is a veto (党章第九条: 或不交纳党费)
    f6 = edges.member("f6")
    assert f6.row.vetoed and f6.row.total == D(0) and f6.grade("星级") == "未评星"
