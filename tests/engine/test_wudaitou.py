"""wudaitou preset (seed 001, 区局“五带头” 4:1) — hand-computed scores and grades."""

from decimal import Decimal as D

import pytest

from jifen_cli.core import engine
from jifen_cli.core.presets import preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import entry, ledger, member, votes

YEAR = 2019


def build():
    members = [member(f"w{i}") for i in range(1, 6)]
    entries = [
        entry("2019-02-01", "w1", "work_deduct", points=2),
        entry("2019-03-01", "w1", "article", level="市级以上", times=2),
        entry("2019-04-01", "w1", "honour", level="区级", subject="抗洪抢险"),
        entry("2019-05-01", "w1", "honour", level="市级及以上", subject="抗洪抢险"),
        entry("2019-06-01", "w1", "honour", level="党支部", subject="志愿服务"),
        entry("2019-07-01", "w1", "innovation", level="特别突出"),
        entry("2019-02-01", "w2", "complaint"),
        entry("2019-03-01", "w2", "other_deduct", points="2.5"),
        entry("2019-08-01", "w3", "honour", level="市级及以上", subject="表彰"),
        entry("2019-09-01", "w3", "veto"),
        entry("2019-02-01", "w4", "law_deduct", points=20),
        entry("2019-03-01", "w4", "law_deduct", points=5),
        entry("2019-04-01", "w4", "negligence", times=2),
        entry("2019-02-01", "w5", "study_deduct", points=15),
        entry("2019-03-01", "w5", "service_deduct", points=15),
        entry("2019-04-01", "w5", "violation", times=2),
    ]
    evaluations = [
        votes(YEAR, "w1", 全体={"好": 8, "一般": 2}),
        votes(YEAR, "w2", 全体={"好": 10}),
        votes(YEAR, "w3", 全体={"好": 10}),
        votes(YEAR, "w4", 全体={"差": 10}),
        votes(YEAR, "w5", 全体={"一般": 5, "差": 5}),
    ]
    return ledger("wudaitou", members, entries, evaluations)


@pytest.fixture(scope="module")
def result():
    return engine.year_result(build(), YEAR)


def test_compiles_and_checks_clean():
    assert compile_rules(preset_data("wudaitou"), "rules.yaml")[1] == []
    assert engine.check_rules(build()) == []


def test_w1_bonus_caps_and_highest_only(result):
    row = result.member("w1").row
    # 一、daily 80 − 2 = 78
    assert row.sections["daily"] == D("78")
    # (二)1(1) 2 articles × 2 = 4, capped at 3; (2) 抗洪抢险 区级 4 / 市级及以上 5 → 5 (highest only);
    # 志愿服务 党支部 2; (3) 特别突出 5 → 3 + 5 + 2 + 5 = 15
    assert row.sections["bonus"] == D("15")
    # 二、(8×1 + 2×0.8) ÷ 10 × 100 = 96
    assert row.sections["evaluation"] == D("96")
    # (五) (78 + 15 − 0) + 96 × 20% = 93 + 19.2 = 112.2
    assert row.total == D("112.20")


def test_w2_open_deduction(result):
    row = result.member("w2").row
    # (二)2 complaint 3 + other 2.5 = 5.5; (五) 80 − 5.5 + 100 × 20% = 94.5
    assert row.sections["deduct"] == D("5.5")
    assert row.total == D("94.50")


def test_veto_zero(result):
    w3 = result.member("w3")
    # (二)3 一票否决（积分为零）
    assert w3.row.total == D("0") and w3.row.vetoed
    assert w3.grade("等次") == "不合格"


def test_part_limit(result):
    row = result.member("w4").row
    # 带头遵纪守法 20: −20 − 5 loses at most its own 20 → daily 60
    assert row.sections["daily"] == D("60")
    # 60 − 2×3 + (10×0.6 ÷ 10 × 100 = 60) × 20% = 54 + 12 = 66
    assert row.total == D("66")


def test_w5(result):
    # daily 80 − 15 − 15 = 50; − 6; (5×0.8 + 5×0.6)/10×100 = 70 × 20% = 14 → 58
    assert result.member("w5").row.total == D("58")


def test_grades_quota(result):
    g = {m.member: m.grade("等次") for m in result.members}
    # 优秀 ≥ 80 within 20 % of 5 = 1 person: w1 (112.2) yes, w2 (94.5) cut to 合格
    assert g == {"w1": "优秀", "w2": "合格", "w3": "不合格", "w4": "合格", "w5": "不合格"}
    assert "名额" in result.member("w2").grades["等次"].reason
    # 60 分以下 → 诫勉谈话
    assert any("诫勉谈话" in o for o in result.member("w5").outcomes)


# ---- audit addition: the bounds of the grades (80 含, 60 含, 60 以下不含 60) ----------------

def test_grade_bounds():
    members = [member(m) for m in ("x80", "x75", "x70", "x60", "x59")]
    entries = [
        entry("2019-02-01", "x80", "law_deduct", points=16),   # 一、daily 80 − 16 = 64
        entry("2019-02-01", "x75", "law_deduct", points=17),   # 63
        entry("2019-02-01", "x70", "law_deduct", points=20),   # 60 (带头遵纪守法 20 used up)
        entry("2019-03-01", "x70", "study_deduct", points=2),  # 58
        entry("2019-02-01", "x60", "law_deduct", points=20),   # 60
        entry("2019-03-01", "x60", "study_deduct", points=12), # 48
        entry("2019-02-01", "x59", "law_deduct", points=20),   # 60
        entry("2019-03-01", "x59", "study_deduct", points=13), # 47
    ]
    evaluations = [
        votes(YEAR, "x80", 全体={"一般": 10}),   # 二、(10 × 0.8) ÷ 10 × 100 = 80 → × 20% = 16
        votes(YEAR, "x75", 全体={"差": 10}),     # 10 × 0.6 ÷ 10 × 100 = 60 → × 20% = 12
        votes(YEAR, "x70", 全体={"差": 10}),     # 12
        votes(YEAR, "x60", 全体={"差": 10}),     # 12
        votes(YEAR, "x59", 全体={"差": 10}),     # 12
    ]
    res = engine.year_result(ledger("wudaitou", members, entries, evaluations), YEAR)
    # (五) daily + bonus − deduct + evaluation × 20%: 64 + 16 = 80; 63 + 12 = 75; 58 + 12 = 70;
    # 48 + 12 = 60; 47 + 12 = 59
    assert [m.row.total for m in res.members] == [D(80), D(75), D(70), D(60), D(59)]
    g = {m.member: m.grade("等次") for m in res.members}
    # 80 分（含 80 分）以上且排名靠前 (20 % × 5 = 1 place, 支部自定) → 优秀; 60—80 → 合格;
    # 60 分以下（不含 60）→ 不合格 and 诫勉谈话
    assert g == {"x80": "优秀", "x75": "合格", "x70": "合格", "x60": "合格", "x59": "不合格"}
    assert any("诫勉谈话" in o for o in res.member("x59").outcomes)
    assert res.member("x60").outcomes == []
