"""A scheme written from docs/RULES.md alone (no engine code read), results computed by hand.

方案 B「月度 A 分、超出转入 B 分」：
- 每月 A 分从 100 起扣（§3.1），奖分 bonus（§3.3），按数量计分 per 2（§3.3），等级表 highest_only: subject（§4.1）；
- 总分 sum，cap 100，超出部分 overflow 转入 account 板块 B 分（§13.1），B 分跨年累计，兑换 `deduct: true`；
- 年度 combine: average（各月已封顶 A 分的平均，§13.1）；
- 重复 +20%、职务（书记、委员）+10%，相乘（§5）；`modifiers: false` 的项目不加重；
- 连带扣分（§6）：单条 ≥ 5 → 同组组长 10%（找不到用书记）；单条 ≥ 10 → 点名 B1 20%；
- 预备党员不定等次（§10），4 月加入的党员只平均在册的 9 个月（§10），免于积分 excluded（§10）。
"""

from __future__ import annotations

from decimal import Decimal as D

from jifen_cli.core import engine
from jifen_cli.core.presets import load_rules_text
from jifen_cli.core.rules import compile_rules

from .helpers import entry, ledger, member

YEAR = 2019

RULES = """\
format: 1
scheme: 文档方案B 月度A分B分
rounding: {places: 2, mode: half_up}
period: month
combine: average
sections:
  - code: a_base
    name: A分扣分
    kind: base
    full: 100
    items:
      - {code: late, name: 迟到, points: 5}
      - {code: absent, name: 无故缺席, points: 10}
      - {code: mistake, name: 工作失误, points: 2, modifiers: false}
  - code: a_award
    name: A分奖分
    kind: bonus
    items:
      - {code: good_deed, name: 好人好事, points: 5}
      - {code: volunteer, name: 志愿服务时长, points: 1, per: 2}
      - {code: honour, name: 受到表彰, levels: {市级: 8, 区级: 5, 单位: 2}, highest_only: subject}
  - code: b
    name: B分
    kind: account
    items:
      - {code: b_spend, name: B分兑换, points: 10, deduct: true}
total: {method: sum, cap: 100, overflow: b}
modifiers:
  repeat: {rate: 20%, sections: [a_base]}
  post: {rate: 10%, posts: [书记, 委员], sections: [a_base]}
liability:
  - min: 5
    section: a_base
    charge:
      - {post: 组长, same_group: true, fallback: 书记, share: 10%}
  - min: 10
    section: a_base
    charge:
      - {member: B1, share: 20%}
statuses:
  预备: {graded: false, reason: 预备党员只评定积分，不确定等次}
exempt: {method: excluded}
grades:
  - scale: 等次
    bands:
      - {name: 优秀, min: 99.5}
      - {name: 合格, min: 98.5, below: 99.5}
      - {name: 基本合格, min: 98, below: 98.5}
      - {name: 不合格, below: 98}
"""


def e(when, who, item, **kw):
    """``when``: "MM" (day 15), "MM-DD" or a full date."""
    if len(when) == 2:
        when += "-15"
    return entry(when if len(when) == 10 else f"{YEAR}-{when}", who, item, **kw)


def build():
    members = [
        member("B1", "书记甲", posts=["书记"], group="g1"),
        member("B2", "组长乙", posts=["组长"], group="g1"),
        member("B3", "党员丙", group="g1"),
        member("B4", "党员丁", group="g2"),
        member("B5", "委员戊", posts=["委员"], group="g2", status="预备"),
        member("B6", "党员己", group="g2", joined=f"{YEAR}-04-01"),
        member("B7", "党员庚", exempt=f"{YEAR}-01-01"),
    ]
    b = [
        # B3 2018-12 好人好事 5 → 105，封顶 100，5 转入 B 分（B 分跨年累计）
        e("2018-12-15", "B3", "good_deed"),
        # B3：1 月迟到 5 分（≥5 → 组长 B2 连带 0.5）；好人好事 ×2 = 10 → 95 + 10 = 105 → 100，转入 5
        e("01", "B3", "late"), e("01", "B3", "good_deed", times=2),
        # B3：2 月再次迟到，重复 ×1.2 = 6（B2 连带 0.6）→ 94
        e("02", "B3", "late"),
        # B3：3 月缺席 10（B2 连带 1；≥10 → B1 连带 2）→ 90；志愿 5 小时 → 每满 2 小时 1 分 = 2；好人好事 5 → 97
        e("03", "B3", "absent"), e("03", "B3", "volunteer", quantity=5), e("03", "B3", "good_deed"),
        # B4（g2 无组长 → 书记 B1）：2 月一条迟到 ×2：第 1 次 5、第 2 次重复 6 = 11 → 89；
        #     连带：≥5 → B1 10% = 1.1；≥10 → B1 20% = 2.2
        e("02", "B4", "late", times=2),
        # B4：1 月志愿 3 + 3 小时（同月先累加 6 → 3 分）→ 103 → 100，转入 3
        e("01-05", "B4", "volunteer", quantity=3), e("01-25", "B4", "volunteer", quantity=3),
        # B5 委员（预备）：1 月缺席 10 × 1.1 = 11 → 89，B1 连带 1.1 + 2.2 = 3.3；
        #     3 月再次缺席 10 × 1.2 × 1.1 = 13.2 → 86.8，B1 连带 1.32 + 2.64 = 3.96
        e("01", "B5", "absent"), e("03", "B5", "absent"),
        # B1 书记：4 月工作失误 ×2（不加重）= 4（<5 无连带）；5 月迟到 5 × 1.1 = 5.5 → 组长 B2 连带 0.55
        e("04", "B1", "mistake", times=2), e("05", "B1", "late"),
        # B2 组长：6 月 抗洪 区级 5 + 市级 8（同一事项只计最高 8）+ 献血 单位 2 = 10 → 110 → 100，转入 10；
        #          7 月 抗洪 区级 5（另一个计分期）→ 105 → 100，转入 5；12 月 B 分兑换 10
        e("06-10", "B2", "honour", level="区级", subject="抗洪"),
        e("06-20", "B2", "honour", level="市级", subject="抗洪"),
        e("06-25", "B2", "honour", level="单位", subject="献血"),
        e("07", "B2", "honour", level="区级", subject="抗洪"),
        e("12", "B2", "b_spend"),
        # B6（4 月加入）：3 月的条目不计；4 月迟到 5 → 95（g2 无组长 → B1 连带 0.5）
        e("03", "B6", "late"), e("04", "B6", "late"),
        # B7 免于积分（excluded）：条目不计
        e("01", "B7", "absent"),
    ]
    return ledger(load_rules_text(RULES), members, b, start="2018-01-01")


# 各月 A 分（已封顶），未列出的月份 100
MONTHS = {
    # B1：1 月 100−3.3；2 月 100−1.1−2.2；3 月 100−2−3.96；4 月 100−4−0.5；5 月 100−5.5
    "B1": {1: D("96.7"), 2: D("96.7"), 3: D("94.04"), 4: D("95.5"), 5: D("94.5")},
    # B2：1 月 −0.5；2 月 −0.6；3 月 −1；5 月 −0.55
    "B2": {1: D("99.5"), 2: D("99.4"), 3: D("99"), 5: D("99.45")},
    "B3": {1: D(100), 2: D(94), 3: D(97)},
    "B4": {1: D(100), 2: D(89)},
    "B5": {1: D(89), 3: D("86.8")},
    "B6": {4: D(95)},
}


def test_rules_compile_clean():
    scheme, diags = compile_rules(load_rules_text(RULES), "rules.yaml")
    assert [d.format() for d in diags] == []


def test_monthly_totals():
    led = build()
    for month in range(1, 13):
        table = engine.score(led, f"{YEAR}-{month:02d}")
        for mid, months in MONTHS.items():
            if mid == "B6" and month < 4:
                assert table.row(mid) is None or table.row(mid).total == 0, (mid, month)
                continue
            assert table.row(mid).total == months.get(month, D(100)), (mid, month)


def test_year_totals_and_grades():
    res = engine.year_result(build(), YEAR)
    totals = {m.row.member: m.row.total for m in res.members}
    assert totals == {
        # (96.7 + 96.7 + 94.04 + 95.5 + 94.5 + 7×100) ÷ 12 = 1177.44 ÷ 12 = 98.12
        "B1": D("98.12"),
        # (99.5 + 99.4 + 99 + 99.45 + 8×100) ÷ 12 = 1197.35 ÷ 12 = 99.779… → 99.78
        "B2": D("99.78"),
        # 各月已封顶 A 分平均：(100 + 94 + 97 + 9×100) ÷ 12 = 99.25
        "B3": D("99.25"),
        # (100 + 89 + 10×100) ÷ 12 = 99.083… → 99.08
        "B4": D("99.08"),
        # (89 + 86.8 + 10×100) ÷ 12 = 97.983… → 97.98
        "B5": D("97.98"),
        # 只平均在册的 4—12 月：(95 + 8×100) ÷ 9 = 99.444… → 99.44
        "B6": D("99.44"),
    }
    assert [x.member for x in res.table.excluded] == ["B7"]
    grades = {m.row.member: m.grade("等次") for m in res.members}
    assert grades == {"B1": "基本合格", "B2": "优秀", "B3": "合格", "B4": "合格", "B5": None, "B6": "合格"}
    assert res.member("B5").grades["等次"].reason == "预备党员只评定积分，不确定等次"


def test_year_sections_are_monthly_averages():
    row = engine.year_result(build(), YEAR).member("B3").row
    # a_base：(95 + 94 + 90 + 9×100) ÷ 12 = 98.25；a_award：(10 + 7) ÷ 12 = 1.416… → 1.42
    assert row.sections["a_base"] == D("98.25")
    assert row.sections["a_award"] == D("1.42")


def test_account_balances():
    res = engine.year_result(build(), YEAR)
    # B3：2018-12 转入 5 + 2019-01 转入 5 = 10（不随年度清零）
    assert res.member("B3").row.accounts["b"] == 10
    # B2：6 月转入 10 + 7 月转入 5 − 12 月兑换 10 = 5
    assert res.member("B2").row.accounts["b"] == 5
    # B4：1 月转入 3
    assert res.member("B4").row.accounts["b"] == 3
    assert engine.score(build(), f"{YEAR}-06").row("B2").accounts["b"] == 10


def test_exempt_member_causes_no_liability():
    # 回归：免于积分（excluded）的 B7 1 月“无故缺席”不计分，也不应让书记 B1 连带（曾经连带 1 + 2）
    steps = [s.format() for s in engine.explain(build(), "B1", f"{YEAR}-01")]
    assert not [s for s in steps if "党员庚" in s]
    assert engine.score(build(), f"{YEAR}-01").row("B1").total == D("96.7")
