"""A scheme written from docs/RULES.md alone (no engine code read), results computed by hand.

方案 A「季度计分、全年平均」：
- 每季度：日常表现 base 100（§3.1）、履职 accrue 100（§3.3，按次 + 按数量 per 4）、扣减分 penalty（§3）；
- 年度只算一次：加分 bonus cap 10 `yearly: true`（§13）、等级表 highest_only: subject（§4.1）；
  民主评议 votes + 两个评议组加权（§8.1）；
- 总分：默认公式（§8.4 formula），班子成员类别改用权重（§9 classes.total）；
- 连续 3 个月不参加组织生活扣 5 分（§7.2 consecutive），记入第 3 个月所在季度；
- 优秀 ≥ 90 且名额（§11 quota at_most，tiebreak 按评议分，并列超额都不入选）；
- 连续两年基本合格 → 不合格（§12 years: 2，往年用 history）；
- 7 月加入的党员只平均在册的两个季度（§10）。
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jifen_cli.core import engine
from jifen_cli.core.presets import load_rules_text
from jifen_cli.core.rules import compile_rules

from .helpers import entry, ledger, member, votes

YEAR = 2019

RULES = """\
format: 1
scheme: 文档方案A 季度计分全年平均
rounding: {places: 2, mode: half_up}
period: quarter
combine: average
sections:
  - code: daily
    name: 日常表现
    kind: base
    full: 100
    items:
      - {code: absent, name: 无故缺席组织生活, points: 5}
      - {code: late, name: 迟到早退, points: 1}
      - {code: org_life, name: 参加组织生活（登记）, points: 0}
  - code: work
    name: 履职
    kind: accrue
    full: 100
    items:
      - {code: task, name: 完成工作任务, points: 10}
      - {code: volunteer, name: 志愿服务时长, points: 5, per: 4}
  - code: bonus
    name: 加分
    kind: bonus
    cap: 10
    yearly: true
    items:
      - {code: honour, name: 受到表彰, levels: {省级: 6, 市级: 4, 县级: 2}, highest_only: subject}
  - code: deduct
    name: 扣减分
    kind: penalty
    items:
      - {code: violation, name: 违反规定, points: 3}
  - code: evaluation
    name: 民主评议
    kind: evaluation
    full: 100
    method: votes
    options: {好: 100, 一般: 80, 差: 60}
    groups: {党员: 60%, 群众: 40%}
total:
  method: formula
  formula: daily * 50% + work * 30% + evaluation * 20% + bonus - deduct
  cap: 100
  floor: 0
classes:
  cadre:
    name: 班子成员
    total: {method: weights, full: 110, cap: 100, weights: {daily: 30%, work: 50%, evaluation: 20%, bonus: 1, deduct: 1}}
  ordinary:
    name: 普通党员
absence:
  - code: no_org_life
    name: 连续3个月未参加组织生活
    kind: consecutive
    months: 3
    without: [org_life]
    section: daily
    points: 5
grades:
  - scale: 等次
    bands:
      - {name: 优秀, min: 90, quota: {share: SHARE, mode: at_most, tiebreak: [evaluation]}, else: 合格}
      - {name: 合格, min: 75, below: 90}
      - {name: 基本合格, min: 60, below: 75}
      - {name: 不合格, below: 60}
rules:
  - name: 连续两年基本合格
    when: {grade: {等次: 基本合格}, years: 2}
    grade: {等次: 不合格}
    outcome: 按不合格党员处置
"""


def rules(share="20%"):
    return load_rules_text(RULES.replace("SHARE", share))


def quarterly(book, mid, item, per_quarter, **kw):
    """``per_quarter``: {quarter: times}; entries dated the 10th of the quarter's middle month."""
    for q, times in per_quarter.items():
        book.append(entry(f"{YEAR}-{3 * q - 1:02d}-10", mid, item, times=times, **kw))


def build(share="20%"):
    members = [member("A1", "甲", category="cadre")] + [member(f"A{i}", f"党员{i}") for i in range(2, 11)]
    members[3] = member("A4", "党员4", joined=f"{YEAR}-07-01")
    b = []
    # 组织生活登记：每人每月一次；A3 4—8 月没有（连续 5 个月，只扣一次）；A4 7 月才加入
    for m in members:
        for month in range(1, 13):
            if m.id == "A3" and 4 <= month <= 8:
                continue
            if m.id == "A4" and month < 7:
                continue
            b.append(entry(f"{YEAR}-{month:02d}-05", m.id, "org_life"))
    # A1 班子成员：每季度工作满分（Q1 12 次封顶 100）；表彰 抗洪 省级 6 + 市级（同一事项只计最高）+ 志愿 县级 2 = 8
    quarterly(b, "A1", "task", {1: 12, 2: 10, 3: 10, 4: 10})
    b.append(entry(f"{YEAR}-05-01", "A1", "honour", level="市级", subject="抗洪"))
    b.append(entry(f"{YEAR}-08-01", "A1", "honour", level="省级", subject="抗洪"))
    b.append(entry(f"{YEAR}-09-01", "A1", "honour", level="县级", subject="志愿"))
    # A2: Q1 缺席 1 次 → 95；Q2 迟到 3 次 → 97；日常平均 (95+97+100+100)/4 = 98
    #     工作 Q1 80；Q2 志愿 10+7=17 小时 → 每满 4 小时 5 分 → 4×5 = 20，加任务 6 次 60 → 80；Q3 100；Q4 90 → 平均 87.5
    b.append(entry(f"{YEAR}-02-20", "A2", "absent"))
    b.append(entry(f"{YEAR}-05-20", "A2", "late", times=3))
    quarterly(b, "A2", "task", {1: 8, 2: 6, 3: 10, 4: 9})
    b.append(entry(f"{YEAR}-04-20", "A2", "volunteer", quantity=10))
    b.append(entry(f"{YEAR}-06-20", "A2", "volunteer", quantity=7))
    # A3: Q2 连续缺组织生活扣 5 → 95；Q4 迟到 5 次 → 95；日常平均 (100+95+100+95)/4 = 97.5
    #     工作 50,50,50,40 → 47.5；Q3 违规 1 次 → 扣减分 Q3 3，年度平均 3/4 = 0.75
    quarterly(b, "A3", "task", {1: 5, 2: 5, 3: 5, 4: 4})
    b.append(entry(f"{YEAR}-11-20", "A3", "late", times=5))
    b.append(entry(f"{YEAR}-08-20", "A3", "violation"))
    # A4（7 月加入）：Q3 100、Q4 缺席 1 次 95 → 平均 97.5；工作 80、70 → 75
    quarterly(b, "A4", "task", {3: 8, 4: 7})
    b.append(entry(f"{YEAR}-11-20", "A4", "absent"))
    # A5..A8：日常 100，工作每季度 90
    for mid in ("A5", "A6", "A7", "A8"):
        quarterly(b, mid, "task", {1: 9, 2: 9, 3: 9, 4: 9})
    b.append(entry(f"{YEAR}-03-01", "A6", "honour", level="县级", subject="献血"))
    # A9: 工作每季度 60；A10: 工作每季度 40，Q1 违规 4 次 = 12 → 年度平均扣减 3
    quarterly(b, "A9", "task", {1: 6, 2: 6, 3: 6, 4: 6})
    quarterly(b, "A10", "task", {1: 4, 2: 4, 3: 4, 4: 4})
    b.append(entry(f"{YEAR}-01-20", "A10", "violation", times=4))

    ev = [
        votes(YEAR, "A1", 党员={"好": 10}, 群众={"好": 8, "一般": 2}),            # 100×.6 + 96×.4 = 98.4
        votes(YEAR, "A2", 党员={"好": 6, "一般": 4}, 群众={"好": 5, "差": 5}),     # 92×.6 + 80×.4 = 87.2
        votes(YEAR, "A3", 党员={"差": 10}, 群众={"差": 10}),                       # 60
        votes(YEAR, "A4", 党员={"一般": 10}, 群众={"一般": 10}),                   # 80
        votes(YEAR, "A5", 党员={"好": 10}, 群众={"好": 8, "一般": 2}),            # 98.4
        votes(YEAR, "A6", 党员={"好": 5, "一般": 5}, 群众={"好": 5, "一般": 3, "差": 2}),  # 90×.6 + 86×.4 = 88.4
        votes(YEAR, "A7", 党员={"一般": 10}, 群众={"一般": 10}),                   # 80
        votes(YEAR, "A8", 党员={"一般": 10}, 群众={"一般": 10}),                   # 80
        votes(YEAR, "A9", 党员={"一般": 10}, 群众={"一般": 10}),                   # 80
        votes(YEAR, "A10", 党员={"差": 10}, 群众={"差": 10}),                      # 60
    ]
    history = {YEAR - 1: {"A3": "基本合格", "A10": "合格"}}
    return ledger(rules(share), members, b, ev, history)


# 公式：daily×50% + work×30% + evaluation×20% + bonus − deduct
EXPECTED = {
    # A1 班子成员（权重）：100×.3 + 100×.5 + 98.4×.2 + 8 = 107.68 → 封顶 100
    "A1": dict(daily=100, work=100, bonus=8, deduct=0, evaluation=D("98.4"), total=100),
    # A2：98×.5 + 87.5×.3 + 87.2×.2 = 49 + 26.25 + 17.44 = 92.69
    "A2": dict(daily=98, work=D("87.5"), bonus=0, deduct=0, evaluation=D("87.2"), total=D("92.69")),
    # A3：97.5×.5 + 47.5×.3 + 60×.2 − 0.75 = 48.75 + 14.25 + 12 − 0.75 = 74.25
    "A3": dict(daily=D("97.5"), work=D("47.5"), bonus=0, deduct=D("0.75"), evaluation=60, total=D("74.25")),
    # A4：97.5×.5 + 75×.3 + 80×.2 = 48.75 + 22.5 + 16 = 87.25
    "A4": dict(daily=D("97.5"), work=75, bonus=0, deduct=0, evaluation=80, total=D("87.25")),
    # A5：50 + 27 + 19.68 = 96.68；A6：50 + 27 + 17.68 + 2 = 96.68（总分并列，评议分 A5 高）
    "A5": dict(daily=100, work=90, bonus=0, deduct=0, evaluation=D("98.4"), total=D("96.68")),
    "A6": dict(daily=100, work=90, bonus=2, deduct=0, evaluation=D("88.4"), total=D("96.68")),
    # A7 = A8：50 + 27 + 16 = 93（完全并列）
    "A7": dict(daily=100, work=90, bonus=0, deduct=0, evaluation=80, total=93),
    "A8": dict(daily=100, work=90, bonus=0, deduct=0, evaluation=80, total=93),
    # A9：50 + 18 + 16 = 84；A10：50 + 12 + 12 − 3 = 71
    "A9": dict(daily=100, work=60, bonus=0, deduct=0, evaluation=80, total=84),
    "A10": dict(daily=100, work=40, bonus=0, deduct=3, evaluation=60, total=71),
}


def test_rules_compile_clean():
    scheme, diags = compile_rules(rules(), "rules.yaml")
    assert [d.format() for d in diags] == []
    assert scheme is not None


@pytest.mark.parametrize("mid", sorted(EXPECTED))
def test_year_scores(mid):
    row = engine.year_result(build(), YEAR).member(mid).row
    want = EXPECTED[mid]
    got = {code: row.sections.get(code) for code in want if code != "total"}
    assert got == {k: D(v) for k, v in want.items() if k != "total"}
    assert row.total == D(want["total"])


def test_quarter_scores():
    led = build()
    # A3 第二季度：连续 3 个月（4、5、6 月）未参加组织生活，扣 5 分记入 6 月所在的第二季度
    q2 = engine.score(led, f"{YEAR}-Q2").row("A3")
    assert q2.sections["daily"] == 95
    # 第三季度 7、8 月仍没有组织生活，但同一年只计一次
    assert engine.score(led, f"{YEAR}-Q3").row("A3").sections["daily"] == 100
    # 评议在季度分数中记 0（§8.3a）
    assert q2.sections.get("evaluation", D(0)) == 0
    # A2 第二季度志愿服务 17 小时：每满 4 小时 5 分 → 20，加任务 60 → 80
    assert engine.score(led, f"{YEAR}-Q2").row("A2").sections["work"] == 80


def test_grades_quota_tiebreak():
    # 参评 10 人 × 20% = 2 名：A1 100；A5/A6 并列 96.68，按评议分 A5 入选 → 名额用完
    res = engine.year_result(build("20%"), YEAR)
    grades = {m.row.member: m.grade("等次") for m in res.members}
    assert grades == {
        "A1": "优秀", "A5": "优秀",
        "A6": "合格", "A7": "合格", "A8": "合格", "A2": "合格",   # 名额外 → else 合格
        "A4": "合格", "A9": "合格",
        "A3": "不合格",          # 基本合格，2018 年也是基本合格 → 连续两年 → 不合格
        "A10": "基本合格",       # 2018 年合格
    }
    assert res.member("A6").grades["等次"].reason  # 名额理由
    # 处置意见显示为“规则名：outcome”（§12）
    assert res.member("A3").outcomes == ["连续两年基本合格：按不合格党员处置"]
    ranks = {m.row.member: m.rank for m in res.members}
    assert ranks == {"A1": 1, "A5": 2, "A6": 2, "A7": 4, "A8": 4, "A2": 6, "A4": 7, "A9": 8, "A3": 9, "A10": 10}


def test_grades_quota_full_tie_left_out():
    # 10 × 40% = 4 名：A1、A5、A6 占 3 名；A7/A8 完全并列，两人都入选会超额 → 都不入选；
    # 排在并列者之后的 A2（92.69）也不递补，剩余 1 个名额空着（§11：名额按总分顺序取，不跳过并列者）
    res = engine.year_result(build("40%"), YEAR)
    grades = {m.row.member: m.grade("等次") for m in res.members}
    assert sorted(mid for mid, g in grades.items() if g == "优秀") == ["A1", "A5", "A6"]
    assert grades["A7"] == grades["A8"] == grades["A2"] == "合格"
    assert "并列者均不入选" in res.member("A7").grades["等次"].reason
    assert "并列者均不入选" not in res.member("A2").grades["等次"].reason
