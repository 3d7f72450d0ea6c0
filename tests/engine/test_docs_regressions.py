"""Regression tests for engine defects found while checking docs/RULES.md against the engine."""

from __future__ import annotations

from decimal import Decimal as D

from jifen_cli.core import engine

from .helpers import entry, ledger, member

YEAR = 2019


def _rules(item, kind="bonus", **extra):
    data = {"format": 1, "scheme": "回归", "total": {"method": "sum"},
            "sections": [{"code": "s", "name": "板块", "kind": kind, "items": [item]}]}
    data.update(extra)
    return data


def _total(data, entries, members=(member("M1"),)):
    return engine.year_result(ledger(data, list(members), entries), YEAR).member("M1").row.sections["s"]


def test_max_count_applies_to_level_items():
    # §4 max_count “本项目每个计分期最多计几次”：等级表项目曾经不受限制（4 条都计 = 5）
    item = {"code": "article", "name": "发表文章", "levels": {"市级": 2, "区级": 1}, "max_count": 3}
    entries = [entry(f"{YEAR}-0{m}-01", "M1", "article", level=lv)
               for m, lv in ((1, "区级"), (2, "区级"), (3, "区级"), (4, "市级"))]
    assert _total(_rules(item), entries) == 3            # 只计前 3 次（按日期）
    # 同一条目 times 超过剩余次数时只计剩余次数
    assert _total(_rules(item), [entry(f"{YEAR}-01-01", "M1", "article", level="市级", times=5)]) == 6


def test_modifiers_apply_to_level_items():
    # §5 修正系数适用于 base/penalty 板块的所有项目（写 modifiers: false 的除外）；等级表项目曾经不加重
    item = {"code": "sanction", "name": "处分", "levels": {"严重警告": 10, "警告": 5}}
    extra = {"modifiers": {"repeat": {"rate": "20%"}, "post": {"rate": "10%", "posts": "any"}}}
    entries = [entry(f"{YEAR}-01-01", "M1", "sanction", level="警告"),
               entry(f"{YEAR}-05-01", "M1", "sanction", level="严重警告")]
    # 5 × 1.1 = 5.5；第二次 10 × 1.2 × 1.1 = 13.2 → 18.7
    assert _total(_rules(item, kind="penalty", **extra), entries, [member("M1", posts=["委员"])]) == D("18.7")
    # 加分板块不适用
    assert _total(_rules(item, **extra), entries, [member("M1", posts=["委员"])]) == 15
