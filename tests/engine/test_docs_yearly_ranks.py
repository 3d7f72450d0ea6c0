"""A scheme written from docs/RULES.md alone (no engine code read), results computed by hand.

方案 C「年度计分、排名词、半年评议」：
- 日常表现 base 60，两个分项各 30（§3.2），“该项不得分” zero（§4）；年度培训学时不足按差额扣（§7.1，领导 20、其他 12）；
- 贡献 bonus cap 15：等级表含范围 `[5, 8]`、highest_only: item（§4、§4.1），酌情分 open（§4，超出范围按边界）；
- 处分扣分 penalty：警告 5 分且强制“警示”（§4.4），一票否决（§4.3）；
- 民主评议每半年一次（§8.3a，`period: H1/H2`），按档次（§8.2，含范围档）；
- 等次表：先锋 ≥ 90 且排名前 10%，否则合格（else）；警示 60—70 且排名后 40%，否则转入**更高**的合格（§11 else）；
  第二张表“评价”只有排名条件和 forced 档（§11）；
- 年终规则：末位、累计三次/二次/一次低于 60（times + stop，往年按台账重算，§12）、预备党员警示；
- 调查中不定等次（§10），免于积分按评议计分（§10 exempt evaluation）。
"""

from __future__ import annotations

from decimal import Decimal as D

from jifen_cli.core import engine
from jifen_cli.core.model import Evaluation, Loc
from jifen_cli.core.presets import load_rules_text
from jifen_cli.core.rules import compile_rules

from .helpers import entry, ledger, member

YEAR = 2019

RULES = """\
format: 1
scheme: 文档方案C 年度计分排名
rounding: {places: 2, mode: half_up}
period: year
sections:
  - code: daily
    name: 日常表现
    kind: base
    full: 60
    parts:
      - code: org
        name: 组织生活
        full: 30
        items:
          - {code: absent, name: 无故缺席组织生活, points: 3}
          - {code: dues_zero, name: 连续6个月未交党费, zero: true}
      - code: conduct
        name: 日常行为
        full: 30
        items:
          - {code: misconduct, name: 行为不端, points: 10}
          - {code: training, name: 培训学时（登记）, points: 0, per: 1}
  - code: contrib
    name: 贡献加分
    kind: bonus
    cap: 15
    items:
      - {code: honour, name: 受到表彰, levels: {国家级: 10, 省级: [5, 8], 市级: 3}, highest_only: item}
      - {code: article, name: 发表文章, open: [1, 3]}
  - code: sanction
    name: 处分扣分
    kind: penalty
    items:
      - {code: warning, name: 党内警告处分, points: 5, grade: {等次: 警示}}
      - {code: veto_law, name: 违纪违法, veto: {score: 0, grade: {等次: 不合格, 评价: 不称职}}}
  - code: evaluation
    name: 民主评议
    kind: evaluation
    full: 25
    method: band
    bands: {优秀: [23, 25], 合格: 20, 基本合格: 12, 不合格: 0}
    periods: half
    combine: average
total: {method: sum, cap: 100, floor: 0}
classes:
  leader: {name: 领导干部}
  ordinary: {name: 普通党员}
absence:
  - code: training_short
    name: 年度培训学时不足
    kind: minimum
    items: [training]
    measure: quantity
    min: 12
    min_by_class: {leader: 20}
    section: daily
    part: conduct
    points: 1
exempt: {method: evaluation, section: evaluation}
investigation: {grade: none, reason: 正在接受调查，待作出处理后再确定等次}
grades:
  - scale: 等次
    bands:
      - {name: 先锋, min: 90, require: [{rank_top: 10%}], else: 合格}
      - {name: 合格, min: 70, below: 90}
      - {name: 警示, min: 60, below: 70, require: [{rank_bottom: 40%}], else: 合格}
      - {name: 不合格, below: 60}
  - scale: 评价
    bands:
      - {name: 优秀, require: [{rank_top: 20%}], else: 称职}
      - {name: 称职, forced: true}
      - {name: 不称职, forced: true}
rules:
  - {name: 末位, when: {last: true}, grade: {评价: 不称职}, outcome: 支部谈话}
  - {name: 三次低于60, when: {score_below: 60, times: 3}, outcome: 组织处理, stop: true}
  - {name: 二次低于60, when: {score_below: 60, times: 2}, outcome: 诫勉谈话, stop: true}
  - {name: 低于60, when: {score_below: 60}, outcome: 限期改正, stop: true}
  - {name: 预备党员警示, when: {grade: {等次: 警示}, status: 预备}, outcome: 延长预备期}
"""


def half(who, period, name, score=None, year=YEAR):
    return Evaluation(year=year, member=who, votes={}, band=name, score=D(str(score)) if score is not None else None,
                      note="", loc=Loc("evaluations.yaml"), period=period)


def build():
    joined = f"{YEAR}-01-01"
    members = [
        member("C1", "甲", category="leader", joined=joined),
        member("C2", "乙", joined=joined),
        member("C3", "丙", joined=joined),
        member("C4", "丁", joined=joined),
        member("C5", "戊", joined="2016-01-01"),
        member("C6", "己", joined="2018-01-01", status="预备"),
        member("C7", "庚", joined=joined),
        member("C8", "辛", joined=joined, status="预备"),
        member("C9", "壬", joined=joined, investigation=f"{YEAR}-06-01"),
        member("C10", "癸", joined=joined, exempt=f"{YEAR}-01-01"),
    ]
    b = []
    training = {"C1": 20, "C2": 12, "C3": 8, "C4": 12, "C5": 12, "C6": 12, "C7": 12, "C8": 12, "C9": 12}
    for mid, hours in training.items():
        b.append(entry(f"{YEAR}-03-01", mid, "training", quantity=hours // 2))
        b.append(entry(f"{YEAR}-09-01", mid, "training", quantity=hours - hours // 2))
    b += [
        # C1 领导：学时 20 够；表彰 省级 7（范围内）与 市级 3，highest_only: item → 7；文章 2 + 5（超出 [1,3] → 3）→ 贡献 12
        entry(f"{YEAR}-04-01", "C1", "honour", level="省级", points=7),
        entry(f"{YEAR}-05-01", "C1", "honour", level="市级"),
        entry(f"{YEAR}-06-01", "C1", "article", points=2),
        entry(f"{YEAR}-07-01", "C1", "article", points=5),
        # C2：缺席 1 次 → 组织生活 27 → 日常 57；国家级 10
        entry(f"{YEAR}-02-01", "C2", "absent"),
        entry(f"{YEAR}-08-01", "C2", "honour", level="国家级"),
        # C3：学时 8，差 4 → 日常行为 26；连续未交党费 → 组织生活 0 → 日常 26
        entry(f"{YEAR}-10-01", "C3", "dues_zero"),
        # C4：警告处分 扣 5，强制警示；市级 3
        entry(f"{YEAR}-05-01", "C4", "warning"),
        entry(f"{YEAR}-06-01", "C4", "honour", level="市级"),
        # C5：2017、2018 年一票否决（年度 0 分）；2019 行为不端 ×2 → 日常行为 10 → 日常 40
        entry("2017-05-01", "C5", "veto_law"),
        entry("2018-05-01", "C5", "veto_law"),
        entry(f"{YEAR}-05-01", "C5", "misconduct", times=2),
        # C6（2018 年加入，预备）：2019 行为不端 ×2 → 40
        entry(f"{YEAR}-05-01", "C6", "misconduct", times=2),
        # C7：缺席 4 次 → 组织生活 18 → 48；C8：缺席 3 次 → 21 → 51
        entry(f"{YEAR}-05-01", "C7", "absent", times=4),
        entry(f"{YEAR}-05-01", "C8", "absent", times=3),
    ]
    ev = [
        half("C1", "H1", "优秀", 24), half("C1", "H2", "优秀", 25),      # 24.5
        half("C2", "H1", "优秀", 25), half("C2", "H2", "优秀", 25),      # 25
        half("C3", "H1", "合格"), half("C3", "H2", "合格"),              # 20
        half("C4", "H1", "合格"), half("C4", "H2", "合格"),              # 20
        half("C5", "H1", "基本合格"),                                     # 只有上半年一条：12
        half("C6", "H1", "基本合格"), half("C6", "H2", "基本合格"),      # 12
        half("C7", "H1", "合格"), half("C7", "H2", "合格"),              # 20
        half("C8", "H1", "合格"), half("C8", "H2", "基本合格"),          # 16
        half("C9", "H1", "合格"), half("C9", "H2", "合格"),              # 20
        half("C10", "H1", "优秀", 24), half("C10", "H2", "合格"),        # 22
    ]
    return ledger(load_rules_text(RULES), members, b, ev, start="2016-01-01")


TOTALS = {
    "C1": D("96.5"),   # 60 + 12 + 24.5
    "C2": D("92"),     # 57 + 10 + 25
    "C3": D("46"),     # 26 + 0 + 20
    "C4": D("78"),     # 60 + 3 + 20 − 5
    "C5": D("52"),     # 40 + 0 + 12
    "C6": D("52"),     # 40 + 0 + 12
    "C7": D("68"),     # 48 + 20
    "C8": D("67"),     # 51 + 16
    "C9": D("80"),     # 60 + 20
    "C10": D("88"),    # 免于积分按评议：22 ÷ 25 × 100
}


def test_rules_compile_clean():
    scheme, diags = compile_rules(load_rules_text(RULES), "rules.yaml")
    assert [d.format() for d in diags] == []


def test_sections():
    res = engine.year_result(build(), YEAR)
    row = res.member("C1").row
    assert (row.sections["daily"], row.sections["contrib"], row.sections["evaluation"]) == (60, 12, D("24.5"))
    row = res.member("C3").row
    assert (row.sections["daily"], row.sections["evaluation"]) == (26, 20)
    assert res.member("C4").row.sections["sanction"] == 5
    assert res.member("C8").row.sections["evaluation"] == 16
    assert res.member("C10").row.sections == {"evaluation": D(22)}


def test_totals_and_ranks():
    res = engine.year_result(build(), YEAR)
    assert {m.row.member: m.row.total for m in res.members} == TOTALS
    # 96.5, 92, 88, 80, 78, 68, 67, 52, 52, 46
    assert {m.row.member: m.rank for m in res.members} == {
        "C1": 1, "C2": 2, "C10": 3, "C9": 4, "C4": 5, "C7": 6, "C8": 7, "C5": 8, "C6": 8, "C3": 10}


def test_grades():
    res = engine.year_result(build(), YEAR)
    grades = {m.row.member: (m.grade("等次"), m.grade("评价")) for m in res.members}
    assert grades == {
        "C1": ("先锋", "优秀"),     # ≥ 90，前 10%（1 人）；前 20%（2 人）
        "C2": ("合格", "优秀"),     # 92 ≥ 90 但排第 2，不在前 10% → else 合格
        "C10": ("合格", "称职"),    # 88，第 3 名不在前 20%
        "C9": (None, None),         # 调查中
        "C4": ("警示", "称职"),     # 分数档合格，警告处分强制警示
        "C7": ("合格", "称职"),     # 68 在 60—70，但第 6 名不在后 40%（后 4 名：第 7、8、8、10 名）→ else 合格
        "C8": ("警示", "称职"),     # 67，第 7 名在后 40%
        "C5": ("不合格", "称职"),
        "C6": ("不合格", "称职"),
        "C3": ("不合格", "不称职"),  # 末位 → 评价 不称职
    }
    assert res.member("C9").grades["等次"].reason == "正在接受调查，待作出处理后再确定等次"


def test_outcomes():
    res = engine.year_result(build(), YEAR)
    outcomes = {m.row.member: m.outcomes for m in res.members if m.outcomes}
    assert outcomes == {
        "C3": ["末位：支部谈话", "低于60：限期改正"],
        "C5": ["三次低于60：组织处理"],      # 2017 0 分、2018 0 分（一票否决）、2019 52 分
        "C6": ["二次低于60：诫勉谈话"],      # 2018：无条目，学时差 12 → 日常 48，无评议 → 48；2019 52
        "C8": ["预备党员警示：延长预备期"],
    }


def test_past_years_recomputed():
    r2018 = engine.year_result(build(), 2018)
    assert r2018.member("C5").row.total == 0
    assert r2018.member("C5").grade("等次") == "不合格"
    assert r2018.member("C5").grade("评价") == "不称职"
    assert r2018.member("C6").row.total == 48
