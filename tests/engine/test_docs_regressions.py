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


def test_overflow_with_a_formula_section():
    # §13.1 + §8.5：月度总分由公式板块算出（sum 总分只通过公式板块计入被引用的板块）。
    # 合成年度时曾经按不含公式板块的各月总分封顶（每月 0 分），年度总分成了 0
    data = {"format": 1, "scheme": "回归", "period": "month", "combine": "average",
            "sections": [
                {"code": "base", "name": "A分扣分", "kind": "base", "full": 100,
                 "items": [{"code": "late", "name": "迟到", "points": 5}]},
                {"code": "award", "name": "A分奖分", "kind": "bonus",
                 "items": [{"code": "good", "name": "奖分", "points": 10}]},
                {"code": "a", "name": "A分", "kind": "formula", "formula": "base + award"},
                {"code": "b", "name": "B分", "kind": "account", "items": []}],
            "total": {"method": "sum", "cap": 100, "overflow": "b"}}
    led = ledger(data, [member("M1")], [entry(f"{YEAR}-01-10", "M1", "good", times=2),
                                        entry(f"{YEAR}-02-10", "M1", "late")])
    assert engine.score(led, f"{YEAR}-01").row("M1").total == 100
    assert engine.score(led, f"{YEAR}-02").row("M1").total == 95
    row = engine.year_result(led, YEAR).member("M1").row
    # (100 + 95 + 10 × 100) ÷ 12 = 99.583… → 99.58；B 分 1 月转入 20
    assert (row.total, row.accounts["b"]) == (D("99.58"), 20)


def test_year_rule_does_not_raise_a_lower_forced_grade():
    # §11：处分/调查/年终规则中的强制等次取最低的。曾经：留党察看强制“不合格”后，
    # “末位 → 警示”的年终规则把等次改回了较高的“警示”
    data = {"format": 1, "scheme": "回归", "total": {"method": "sum"},
            "sections": [{"code": "d", "name": "日常", "kind": "base", "full": 100, "items": [
                {"code": "expel", "name": "留党察看处分", "points": 1, "grade": {"等次": "不合格"}}]}],
            "grades": [{"scale": "等次", "bands": [{"name": "优秀", "min": 90}, {"name": "警示", "min": 60, "below": 90},
                                                 {"name": "不合格", "below": 60}]}],
            "rules": [{"name": "末位", "when": {"last": True}, "grade": {"等次": "警示"}, "outcome": "谈话"}]}
    res = engine.year_result(ledger(data, [member("M1"), member("M2")], [entry(f"{YEAR}-02-01", "M1", "expel")]), YEAR)
    assert res.member("M1").grade("等次") == "不合格"
    assert res.member("M1").outcomes == ["末位：谈话"]              # 处置意见照常给出
    assert res.member("M2").grade("等次") == "优秀"


def test_yearly_minimum_settled_for_a_member_who_left():
    # §7.1：年度规则计入本年度最后一个计分期，离开的党员不折算。曾经：6 月离开的党员
    # 不在下半年这个“最后一个计分期”中，年度最低次数的扣分被漏掉了
    data = {"format": 1, "scheme": "回归", "period": "half", "combine": "sum", "total": {"method": "sum"},
            "sections": [{"code": "d", "name": "日常", "kind": "base", "full": 50,
                          "items": [{"code": "meeting", "name": "组织生活", "points": 0}]}],
            "absence": [{"code": "few", "name": "组织生活不足", "kind": "minimum", "items": ["meeting"],
                         "measure": "times", "min": 4, "section": "d", "points": 2}]}
    led = ledger(data, [member("M1", left=f"{YEAR}-06-30"), member("M2")],
                 [entry(f"{YEAR}-02-01", "M1", "meeting", times=2), entry(f"{YEAR}-02-01", "M2", "meeting", times=2)])
    assert engine.score(led, f"{YEAR}-H1").row("M1").sections["d"] == 46     # 差 2 次 × 2，记在上半年
    assert engine.score(led, f"{YEAR}-H1").row("M2").sections["d"] == 50
    assert engine.score(led, f"{YEAR}-H2").row("M2").sections["d"] == 46     # 在册的全年结算在下半年
    res = engine.year_result(led, YEAR)
    assert (res.member("M1").row.total, res.member("M2").row.total) == (46, 96)


def test_forced_member_takes_no_quota_place():
    # §11 名额：被强制等次（调查中、处分、一票否决）的党员不占名额。曾经：调查中的 M2（98 分）占了
    # 2 个优秀名额中的一个，自己被强制为“不合格”，M3 却因“名额已满”落选
    from datetime import date as _date

    from jifen_cli.core.model import Investigation
    data = {"format": 1, "scheme": "回归", "total": {"method": "sum"},
            "sections": [{"code": "d", "name": "日常", "kind": "base", "full": 100,
                          "items": [{"code": "minus", "name": "扣分", "open": [0, 100]},
                                    {"code": "warn", "name": "警告处分", "points": 0, "grade": {"等次": "合格"}}]}],
            "investigation": {"grade": {"等次": "不合格"}, "reason": "正在接受调查"},
            "grades": [{"scale": "等次", "bands": [
                {"name": "优秀", "min": 90, "quota": {"share": "50%"}, "else": "合格"},
                {"name": "合格", "below": 90}, {"name": "不合格", "forced": True}]}]}
    members = [member(f"M{i}") for i in range(1, 7)]
    members[1].investigation = Investigation(_date(YEAR, 3, 1), None, "涉嫌违纪")
    entries = [entry(f"{YEAR}-01-01", f"M{i}", "minus", points=i) for i in range(1, 7)]   # 99 … 94
    entries.append(entry(f"{YEAR}-02-01", "M3", "warn"))                                  # M3 处分 → 合格
    res = engine.year_result(ledger(data, members, entries), YEAR)
    # 6 × 50% = 3 个名额：M2、M3 被强制，不占名额 → M1、M4、M5 优秀
    assert {m.row.member: m.grade("等次") for m in res.members} == {
        "M1": "优秀", "M2": "不合格", "M3": "合格", "M4": "优秀", "M5": "优秀", "M6": "合格"}
