"""explain(): every entry, cap, multiplier, highest-only choice and rule, in order, ending
at the member's score."""

from decimal import Decimal as D

from jifen_cli.core import engine

from . import test_soe, test_vanguard, test_wudaitou


def lines(steps):
    return [s.format() for s in steps]


def index_of(texts, fragment):
    for i, t in enumerate(texts):
        if fragment in t:
            return i
    raise AssertionError(f"{fragment!r} not in explanation:\n" + "\n".join(texts))


def test_cap_and_highest_only_honour():
    steps = engine.explain(test_wudaitou.build(), "w1", 2019)
    texts = lines(steps)
    # the two articles count 2 × 2 = 4, then the item cap of 3 gives back 1
    assert "2019-03-01 发表调研文章、学术报告、消息通讯（每篇）（市级以上） ×2（+4）" in texts
    cap = index_of(texts, "每期最多计3分（原计4分）")
    assert steps[cap].kind == "cap" and steps[cap].points == D(-1)
    # highest only: the 区级 honour for 抗洪抢险 is not counted, the 市级及以上 one is (5)
    skipped = index_of(texts, "“抗洪抢险”（区级）：同一事项只按最高级别计一次，本条不计")
    counted = index_of(texts, "“抗洪抢险”（市级及以上），按最高级别计（+5）")
    assert steps[skipped].kind == "skip" and steps[counted].kind == "entry"
    # order: entries of the bonus section come before its section total, which is 15
    bonus_total = index_of(texts, "奖分 → 15")
    assert cap < bonus_total and counted < bonus_total
    # the explanation ends at the score, then rank and grade
    total = index_of(texts, "2019年总分（按规则取整） → 112.2")
    assert total > bonus_total
    assert texts[-1] == "等次：优秀"


def test_multipliers_and_liability():
    steps = engine.explain(test_soe.build(), "m2", 2019)
    texts = lines(steps)
    first = index_of(texts, "2019-04-10 组织生活：未按时足额交纳党费（-3）")
    post1 = index_of(texts, "担任职务，加重上浮10%（-0.3）")
    second = index_of(texts, "2019-05-10 组织生活：未按时足额交纳党费（-3）")
    repeat = index_of(texts, "重复违反同一标准，第2次起上浮20%（-0.6）")
    post2 = index_of(texts, "担任职务，加重上浮10%（-0.36）")
    assert first < post1 < second < repeat < post2
    assert steps[repeat].kind == "multiplier"
    assert index_of(texts, "基准分（扣分） → 92.74") > post2
    # the secretary's explanation names the liability charges
    sec = lines(engine.explain(test_soe.build(), "s1", 2019))
    charge = index_of(sec, "连带责任：科长己“组织生活：未按时足额交纳党费”扣3.3分（≥3），按10%连带扣分（-0.33）")
    assert charge < index_of(sec, "总分（按规则取整） → 99.27")


def test_veto_quota_and_sanction_reasons():
    led = test_vanguard.build()
    v8 = lines(engine.explain(led, "v8", 2019))
    assert index_of(v8, "（一票否决）：本期总分为0分 → 0") < index_of(v8, "2019年总分（按规则取整） → 0")
    assert v8[-1].startswith("等次：不合格党员（")
    v2 = lines(engine.explain(led, "v2", 2019))
    assert "名额：先锋党员档第2名/共2人符合" in v2[-1]
    v4 = lines(engine.explain(led, "v4", 2019))
    assert v4[-1] == "等次：不合格党员（留党察看处分 → 不合格党员）"


def test_month_explanation_and_unknown_member():
    steps = engine.explain(test_soe.build(), "m1", "2019-01")
    assert lines(steps)[-1] == "2019年1月总分（按规则取整） → 98"
    import pytest
    from jifen_cli.core.diagnostics import JifenError
    with pytest.raises(JifenError):
        engine.explain(test_soe.build(), "nobody", 2019)


def test_formula_total_names_its_sections():
    """A total written as a formula (vanguard: ``base + bonus - deduct``, 种子001 三) is
    explained with the sections' names and values, not the codes of the rules file."""
    texts = lines(engine.explain(test_vanguard.build(), "v1", 2019))
    assert "总分 = 基本指数78 + 正向加分指数20 - 反向扣分指数0 → 98" in texts
    assert not [t for t in texts if "base" in t or "deduct" in t]
