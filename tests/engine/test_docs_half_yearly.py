"""A scheme written from docs/RULES.md alone (no engine code read), results computed by hand.

方案 D「半年计分、年度相加」：
- `period: half` + `combine: sum`（§13）；履职 accrue 50（每半年各自封顶），只适用于班子成员的项目 `classes`（§4）；
- 日常 base 50：记录“未交党费”、酌情扣分 open（§4）、`no_grade`（§4）；
- 奖励 bonus `yearly: true`（§13）；
- 年度最低次数 `measure: times` + `min_by_post`（§7.1），连续 3 个月 `with:`（§7.2）；
- 等次 `quota mode: top`（§11，并列同进同出）；第二张表按板块评定 `of: duty`（§11）；
- 年终规则条件 `item`+`count`、`class`+`score_at_most`、`band`+`grade`（§12 条件表）；
- 6 月底离开的党员只计上半年（§10）。
"""

from __future__ import annotations


from jifen_cli.core import engine
from jifen_cli.core.presets import load_rules_text
from jifen_cli.core.rules import compile_rules

from .helpers import entry, ledger, member

YEAR = 2019

RULES = """\
format: 1
scheme: 文档方案D 半年计分年度相加
period: half
combine: sum
sections:
  - code: duty
    name: 履职
    kind: accrue
    full: 50
    items:
      - {code: meeting, name: 参加组织生活, points: 5}
      - {code: report, name: 向支部述职, points: 10, classes: [cadre]}
  - code: conduct
    name: 日常表现
    kind: base
    full: 50
    items:
      - {code: dues_missed, name: 当月未交党费, points: 5}
      - {code: minor, name: 其他不良表现, open: [1, 5]}
      - {code: investigated, name: 立案调查, no_grade: 正在接受立案调查，暂不确定等次}
  - code: reward
    name: 奖励
    kind: bonus
    cap: 20
    yearly: true
    items:
      - {code: honour, name: 受到表彰, levels: {市级: 10, 区级: 5}}
total: {method: sum}
classes:
  cadre: {name: 班子成员}
  ordinary: {name: 普通党员}
absence:
  - code: few_meetings
    name: 全年参加组织生活次数不足
    kind: minimum
    items: [meeting]
    measure: times
    min: 4
    min_by_post: {书记: 6}
    section: conduct
    points: 2
  - code: dues_3
    name: 连续3个月未交党费
    kind: consecutive
    months: 3
    with: [dues_missed]
    section: conduct
    points: 10
grades:
  - scale: 等次
    bands:
      - {name: 优秀, min: 180, quota: {share: 25%, mode: top}, else: 合格}
      - {name: 合格, min: 150, below: 180}
      - {name: 不合格, below: 150}
  - scale: 履职评价
    of: duty
    bands:
      - {name: 好, min: 90}
      - {name: 一般, below: 90}
rules:
  - {name: 欠费, when: {item: dues_missed, count: 3}, outcome: 催缴党费}
  - {name: 干部低分, when: {class: cadre, score_at_most: 160}, outcome: 约谈}
  - {name: 未进名额, when: {band: {等次: 优秀}, grade: {等次: 合格}}, outcome: 分数达到优秀但排名未进前25%}
"""


def on(mid, item, month, **kw):
    return entry(f"{YEAR}-{month:02d}-10", mid, item, **kw)


def build():
    members = [
        member("D1", "书记", category="cadre", posts=["书记"]),
        member("D2", "乙"), member("D3", "丙"), member("D4", "丁"),
        member("D5", "戊", left=f"{YEAR}-06-30"),
        member("D6", "己"),
        member("D7", "庚", category="cadre"),
        member("D8", "辛", category="cadre"),
    ]
    b = [
        # D1 书记：组织生活上半年 2 次、下半年 3 次，共 5 < 6 → 差 1 次扣 2，记入最后一个计分期（下半年）
        #     履职 H1 10 + 述职 30 = 40；H2 15 + 30 = 45 → 85；日常 50 + 48 = 98；市级 10 → 193
        on("D1", "meeting", 3, times=2), on("D1", "meeting", 9, times=3),
        on("D1", "report", 4, times=3), on("D1", "report", 10, times=3),
        on("D1", "honour", 7, level="市级"),
        # D2 普通党员：每半年组织生活 10 次 → 50（封顶）×2 = 100；述职不适用于普通党员，不计；区级 5 → 205
        on("D2", "meeting", 2, times=10), on("D2", "meeting", 8, times=10), on("D2", "report", 5),
        on("D2", "honour", 6, level="区级"),
        # D3 = D4：履职 100；上半年酌情扣 3 → 47 + 50；市级 10 → 207
        on("D5", "meeting", 2, times=2),
        # D5（6 月 30 日离开）：只计上半年。组织生活 2 次 → 履职 10；全年 2 < 4 → 扣 4（不折算）→ 日常 46 → 56
        on("D6", "meeting", 2, times=10), on("D6", "meeting", 8, times=10),
        # D6：3、4、5 月每月未交党费 → 15，连续 3 个月（5 月，上半年）再扣 10 → 上半年日常 25；合计 100 + 75 = 175
        on("D6", "dues_missed", 3), on("D6", "dues_missed", 4), on("D6", "dues_missed", 5),
        # D7 班子成员：每半年组织生活 5 次 25 + 述职 2 次 20 = 45 → 90；日常 100 → 190
        on("D7", "meeting", 3, times=5), on("D7", "meeting", 9, times=5),
        on("D7", "report", 4, times=2), on("D7", "report", 10, times=2),
        # D8 班子成员：组织生活 3 + 3 = 6 次 → 30；日常 100 → 130；立案调查 → 不定等次
        on("D8", "meeting", 3, times=3), on("D8", "meeting", 9, times=3),
        on("D8", "investigated", 11),
    ]
    for mid in ("D3", "D4"):
        b += [on(mid, "meeting", 2, times=10), on(mid, "meeting", 8, times=10),
              on(mid, "minor", 4, points=3), on(mid, "honour", 6, level="市级")]
    return ledger(load_rules_text(RULES), members, b)


def test_rules_compile_clean():
    _, diags = compile_rules(load_rules_text(RULES), "rules.yaml")
    assert [d.format() for d in diags] == []


def test_halves():
    led = build()
    h1, h2 = engine.score(led, f"{YEAR}-H1"), engine.score(led, f"{YEAR}-H2")
    assert (h1.row("D1").sections["duty"], h2.row("D1").sections["duty"]) == (40, 45)
    assert (h1.row("D1").sections["conduct"], h2.row("D1").sections["conduct"]) == (50, 48)
    assert h1.row("D6").sections["conduct"] == 25
    assert h2.row("D5") is None                       # 下半年不在册


def test_year():
    res = engine.year_result(build(), YEAR)
    got = {m.row.member: (m.row.sections["duty"], m.row.total, m.rank) for m in res.members}
    assert got == {
        "D1": (85, 193, 4), "D2": (100, 205, 3), "D3": (100, 207, 1), "D4": (100, 207, 1),
        "D5": (10, 56, 8), "D6": (100, 175, 6), "D7": (90, 190, 5), "D8": (30, 130, 7),
    }
    grades = {m.row.member: (m.grade("等次"), m.grade("履职评价")) for m in res.members}
    assert grades == {
        # 8 × 25% = 2：名次 ≤ 2 的 D3、D4（并列第 1）；D2 205 排第 3 → else 合格
        "D3": ("优秀", "好"), "D4": ("优秀", "好"), "D2": ("合格", "好"),
        "D1": ("合格", "一般"), "D7": ("合格", "好"), "D6": ("合格", "好"),
        "D5": ("不合格", "一般"),
        "D8": (None, None),
    }
    outcomes = {m.row.member: m.outcomes for m in res.members if m.outcomes}
    assert outcomes == {
        "D6": ["欠费：催缴党费"],
        "D8": ["干部低分：约谈"],
        "D1": ["未进名额：分数达到优秀但排名未进前25%"],
        "D2": ["未进名额：分数达到优秀但排名未进前25%"],
        "D7": ["未进名额：分数达到优秀但排名未进前25%"],
    }
