"""abscore preset (seed 001, 公司 A 分 / B 分) — monthly A base resets, overflow into the
cumulative B score across years."""

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
    ]
    entries = [
        entry("2018-12-10", "e1", "performance", points=5),
        entry("2019-01-10", "e1", "performance", points=15),
        entry("2019-02-10", "e1", "late", times=2),
        entry("2019-02-11", "e1", "overtime"),
        entry("2019-02-12", "e1", "b_good_deed", points=10),
        entry("2019-02-10", "e2", "performance", points=40),
        entry("2019-02-20", "e2", "b_bad_deed", points=5),
        entry("2019-01-10", "e3", "discipline", points=20),
    ]
    return ledger("abscore", members, entries)


@pytest.fixture(scope="module")
def led():
    return build()


def test_compiles_and_checks_clean():
    assert compile_rules(preset_data("abscore"), "rules.yaml")[1] == []
    assert engine.check_rules(build()) == []


def test_month_a_capped_overflow_to_b(led):
    jan = engine.score(led, "2019-01").row("e1")
    # a 分 当月 100 + 15 = 115 → 100, the 15 above 100 goes 1:1 into b 分
    assert jan.total == D("100")
    # b 分 逐月逐年累加: 2018-12 overflow 5 + 2019-01 overflow 15 = 20
    assert jan.accounts["b"] == D("20")


def test_month_resets(led):
    feb = engine.score(led, "2019-02").row("e1")
    # a 分 当月清零: Feb starts again at 100: − 2×2 (late) + 2 (overtime) = 98
    assert feb.total == D("98")
    # b: 20 + good deed 10 = 30 (no overflow in Feb)
    assert feb.accounts["b"] == D("30")


def test_joined_member_and_b_deduction(led):
    feb = engine.score(led, "2019-02").row("e2")
    # 100 + 40 = 140 → A 100, overflow 40 → B 40 − bad deed 5 = 35
    assert feb.total == D("100")
    assert feb.accounts["b"] == D("35")
    assert engine.score(led, "2019-01").row("e2") is None  # not yet employed in January


def test_left_member_out(led):
    jan = engine.score(led, "2019-01").row("e3")
    assert jan.total == D("80")
    assert engine.score(led, "2019-03").row("e3") is None  # 离职后即归零: no longer scored


def test_year_is_average_of_capped_months(led):
    row = engine.score(led, 2019).row("e1")
    # 12 months of A (each capped at 100): Jan 100, Feb 98, Mar–Dec 100 → 1198 ÷ 12 = 99.8333… → 99.83
    assert row.total == D("99.83")
    assert row.accounts["b"] == D("30")
