"""vanguard preset (seed 001, 政务服务中心“先锋指数”) — hand-computed scores and grades."""

from decimal import Decimal as D

import pytest

from jifen_cli.core import engine
from jifen_cli.core.presets import preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import entry, ledger, member

YEAR = 2019


def educated(mid):
    """Two party-education sessions: meets 三(一)1(1) “每年接受党性教育不少于2次”."""
    return [entry("2019-03-10", mid, "party_education"), entry("2019-09-10", mid, "party_education")]


DEFAULT_HISTORY = {2018: {"v6": "警示党员"}}


def build(history=DEFAULT_HISTORY):
    members = [member(f"v{i}") for i in range(1, 10)]
    members[4] = member("v5", status="预备")
    members[6] = member("v7", investigation="2019-10-01")
    entries = []
    for mid in ("v1", "v2", "v3", "v4", "v6", "v7", "v8", "v9"):
        entries += educated(mid)
    entries += [
        entry("2019-02-01", "v1", "truant"),
        entry("2019-04-01", "v1", "bonus_award", points=15),
        entry("2019-05-01", "v1", "bonus_award", points=10),
        entry("2019-04-01", "v2", "bonus_award", points=12),
        entry("2019-02-01", "v3", "rumor_minor"),
        entry("2019-03-01", "v3", "rumor_severe"),
        entry("2019-04-01", "v3", "bonus_award", points=20),
        entry("2019-05-01", "v3", "bonus_award", points=2),
        entry("2019-06-01", "v4", "party_probation"),
        entry("2019-02-01", "v5", "illegal_petition", times=2),
        entry("2019-03-01", "v5", "dues_late"),
        entry("2019-04-01", "v5", "party_warning"),
        entry("2019-02-01", "v6", "admin_detention"),
        entry("2019-03-01", "v6", "admin_fine"),
        entry("2019-04-01", "v8", "bonus_award", points=20),
        entry("2019-05-01", "v8", "veto"),
        entry("2019-02-01", "v9", "party_probation"),
        entry("2019-03-01", "v9", "admin_detention", times=5),
    ]
    return ledger("vanguard", members, entries, history=history)


@pytest.fixture(scope="module")
def result():
    return engine.year_result(build(), YEAR)


def test_compiles_and_checks_clean():
    assert compile_rules(preset_data("vanguard"), "rules.yaml")[1] == []
    assert engine.check_rules(build()) == []


def totals(result):
    return {m.member: m.row.total for m in result.members}


def test_scores(result):
    t = totals(result)
    # 三(一) base 80; 纪律(1) 无故旷会 −2 → 78; 三(二) bonus 15 + 10 = 25 capped at 20 → 98
    assert t["v1"] == D("98")
    # 80 + 12 = 92
    assert t["v2"] == D("92")
    # 信念(2) rumor −5 then 情节严重 “该项不得分” → part 0 (80 − 10 = 70); bonus 22 → 20 → 90
    assert t["v3"] == D("90")
    assert result.member("v3").row.sections["base"] == D("70")
    # 三(三)7 留党察看 −20: 80 − 20 = 60
    assert t["v4"] == D("60")
    # no party education: 2 missing × 2 = −4 in 信念(1) → 76; 非访 2×5 + 党费 2 + 警告 5 = 17 → 59
    assert result.member("v5").row.sections["base"] == D("76")
    assert result.member("v5").row.sections["deduct"] == D("17")
    assert t["v5"] == D("59")
    # 拘留 15 + 罚款 10 = 25 → 55
    assert t["v6"] == D("55")
    assert t["v7"] == D("80")
    # 三(四) one-vote veto → 0 whatever the bonus
    assert t["v8"] == D("0") and result.member("v8").row.vetoed
    # 80 − (20 + 5×15) = −15, clamped to the minimum 0 (三: 最低分为 0 分); deductions unbounded (三(三))
    assert result.member("v9").row.sections["deduct"] == D("95")
    assert t["v9"] == D("0")


def test_vanguard_quota_and_base_condition(result):
    g = {m.member: m.grade("等次") for m in result.members}
    # 五: ≥ 90 and base ≥ 75, at most 20 % of 9 = 1.8 → 1 → only v1
    assert g["v1"] == "先锋党员"
    assert g["v2"] == "合格党员"
    reason = result.member("v2").grades["等次"].reason
    assert "名额" in reason and "第2名" in reason and "取1名" in reason
    # v3 has 90 but base 70 < 75 → 合格党员
    assert g["v3"] == "合格党员"
    assert "基本指数不低于75分" in result.member("v3").grades["等次"].reason


def test_sanctions_investigation_veto(result):
    g = {m.member: m.grade("等次") for m in result.members}
    assert g["v4"] == "不合格党员"  # 留党察看 → 不合格 though 60 is 合格 by score
    assert "留党察看" in result.member("v4").grades["等次"].reason
    assert g["v7"] == "不合格党员"  # under investigation → 不合格 until decided
    assert g["v8"] == "不合格党员"  # veto
    assert g["v9"] == "不合格党员"


def test_probationary_warning_extends_probation(result):
    v5 = result.member("v5")
    # 59 < 60 → 警示党员 (and the 警告 sanction forces 警示 too); 预备党员警示 → 延长预备期一年
    assert v5.grade("等次") == "警示党员"
    assert any("延长预备期一年" in o for o in v5.outcomes)


def test_two_years_warning_becomes_unqualified(result):
    v6 = result.member("v6")
    # 55 → 警示党员; 2018 (history) 警示党员 → 连续两年警示 → 不合格党员
    assert v6.grade("等次") == "不合格党员"
    assert "连续2年" in v6.grades["等次"].reason


def test_one_year_warning_stays_warning():
    result = engine.year_result(build(history={}), YEAR)
    assert result.member("v6").grade("等次") == "警示党员"


def test_two_years_from_ledger_not_history():
    led = build(history={})
    # a 2018 ledger year where v6 also scored below 60 (80 − 15 − 10 = 55, education missing −4 → 51)
    led.entries += [entry("2018-02-01", "v6", "admin_detention"), entry("2018-03-01", "v6", "admin_fine")]
    result = engine.year_result(led, YEAR)
    assert result.member("v6").grade("等次") == "不合格党员"
