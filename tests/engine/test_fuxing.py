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
