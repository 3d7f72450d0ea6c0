"""Preset tenstar (县党员积分制管理实施方案, 参照“十星级”, seed 001) against results computed by hand.

Every expectation is commented with the clause of seed 001 (001_761709d9094f6f4d.txt, the 全县
实施方案 around lines 1177—1349) and the arithmetic.  "四、(一)2" is 积分内容 履职分; the seed
leaves all items and values to the branch, so the points are the preset's 支部自定 values
(post_task / set_post open 1—10, mobile_contact 2, promise 5 once, volunteer 2; absent 2,
dues_late 2, work_error 2; 排名靠前/靠后 = 20 %, rounded up).
"""

from __future__ import annotations

import pytest

from jifen_cli.core import engine
from jifen_cli.core.presets import preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import D, entry, ledger, member

LABEL = "tenstar"
YEAR = 2019


# ---- a small branch built in memory (tests/engine/helpers.py) ------------------------

def _raw_rules():
    return preset_data(LABEL)


class Book:
    """Entries dated in YEAR unless told otherwise: ``add(member, item, month, day, ...)``."""

    def __init__(self):
        self.entries = []

    def add(self, mid, item, month=6, day=15, *, year=YEAR, **kw):
        self.entries.append(entry(f"{year}-{month:02d}-{day:02d}", mid, item, **kw))


def year_result(members, book, evaluations=(), history=None, year=YEAR):
    return engine.year_result(ledger(LABEL, members, book.entries, evaluations, history), year)


def row(result, mid):
    return result.member(mid).row


def outcomes(result, mid):
    return " ".join(result.member(mid).outcomes)


# ---- the preset itself ---------------------------------------------------------------

def test_preset_loads_without_diagnostics():
    scheme, diags = compile_rules(_raw_rules(), f"rules/{LABEL}.yaml")
    assert scheme is not None
    assert [d.format() for d in diags] == []
    assert scheme.section("base").full == 60     # 四、(一)1 一般为每年度 60 分
    assert scheme.section("duty").full == 40     # 四、(一)2 一般为每年度 40 分


# ---- the branch ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def result():
    members = [
        member("T1", "甲", "in_post"),
        member("T2", "乙", "no_post"),
        member("T3", "丙", "in_post"),
        member("T4", "丁", "mobile"),
        member("T5", "戊", "no_post"),
        member("T6", "己", "in_post"),
        member("T7", "庚", "no_post", exempt="2019-01-05"),
    ]
    b = Book()
    # T1: three post tasks 10 + 10 + 8, a commitment kept, volunteered 5 times (43 > 40)
    b.add("T1", "post_task", 3, points=10)
    b.add("T1", "post_task", 6, points=10)
    b.add("T1", "post_task", 9, points=8)
    b.add("T1", "promise", 12)
    b.add("T1", "volunteer", 5, times=5)
    # T2: 设岗定责 10 + 10, commitment, 3 volunteer activities confirmed and 5 more only
    #     declared (申报, not yet confirmed); 2 absences
    b.add("T2", "set_post", 4, points=10)
    b.add("T2", "set_post", 10, points=10)
    b.add("T2", "promise", 12)
    b.add("T2", "volunteer", 7, times=3)
    b.add("T2", "volunteer", 11, times=5, status="pending")
    b.add("T2", "absent", 2, times=2)
    # T3: post tasks 10 + 10, commitment, one mistake
    b.add("T3", "post_task", 5, points=10)
    b.add("T3", "post_task", 8, points=10)
    b.add("T3", "promise", 12)
    b.add("T3", "work_error", 9)
    # T4 (流动): contacted the branch 4 times, volunteered once, dues late once
    b.add("T4", "mobile_contact", 3, times=4)
    b.add("T4", "volunteer", 8)
    b.add("T4", "dues_late", 6)
    # T5: one 设岗定责 task of 5, one absence
    b.add("T5", "set_post", 6, points=5)
    b.add("T5", "absent", 9)
    # T6: a good year, then a breach of discipline
    b.add("T6", "post_task", 4, points=10)
    b.add("T6", "promise", 12)
    b.add("T6", "violation", 10)
    return year_result(members, b)


def test_duty_capped_at_its_full_value(result):
    r = row(result, "T1")
    assert r.sections["base"] == D(60)           # 四、(一)1 以基础分满分作为初始积分
    # 四、(一)2 10 + 10 + 8 + 5 + 5 × 2 = 43 > 40 → 40
    assert r.sections["duty"] == D(40)
    # 60 + 40 − 0 = 100
    assert r.total == D(100)


def test_declarations_count_only_when_confirmed(result):
    r = row(result, "T2")
    # 四、(二)1—2 每月申报、支委初评: the 5 declared activities are not yet confirmed → 0;
    # 10 + 10 + 5 + 3 × 2 = 31
    assert r.sections["duty"] == D(31)
    # 四、(一)3 2 × 2 = 4
    assert r.sections["deduct"] == D(4)
    # 60 + 31 − 4 = 87
    assert r.total == D(87)


def test_other_scores(result):
    # T3: 60 + (10 + 10 + 5) − 2 = 83
    assert row(result, "T3").total == D(83)
    # T4 (流动): 60 + (4 × 2 + 2) − 2 = 68
    assert row(result, "T4").sections["duty"] == D(10)
    assert row(result, "T4").total == D(68)
    # T5: 60 + 5 − 2 = 63
    assert row(result, "T5").total == D(63)


def test_veto(result):
    r = row(result, "T6")
    # 四、(一)3 违反纪律、法律法规 → 一票否决，积分为零 (otherwise 60 + 15 = 75)
    assert r.vetoed
    assert r.total == D(0)


def test_grades_and_ranks(result):
    # ranks: T1 100, T2 87, T3 83, T4 68, T5 63, T6 0 (T7 exempt, not ranked);
    # 排名靠前/靠后 (支部自定) = 6 × 20% = 1.2 → rounded up 2
    assert result.member("T1").grade("等次") == "好"      # 四、(三)1 ≥ 80 且排名靠前
    assert result.member("T2").grade("等次") == "好"      # 87, 2nd
    assert result.member("T3").grade("等次") == "一般"    # 83 ≥ 80 but 3rd: not 排名靠前
    assert result.member("T4").grade("等次") == "一般"    # 68 in 60—69 but 4th: not 排名靠后 (支部自定)
    assert result.member("T5").grade("等次") == "差"      # 四、(三)1 63 in 60—69 且排名靠后 (5th of 6)
    assert result.member("T6").grade("等次") == "不合格"  # 四、(三)1 低于 60 分


def test_outcomes(result):
    assert "优先作为评先评优" in outcomes(result, "T1")   # 四、(三)2
    assert "诫勉谈话" in outcomes(result, "T5")           # 四、(三)3 排名靠后
    assert "组织处置" in outcomes(result, "T6")           # 四、(三)4
    assert outcomes(result, "T3") == ""


def test_exempt_member_left_out(result):
    # (末段) 年老体弱等不能正常发挥作用的党员 … 可不纳入积分管理范围
    assert result.member("T7") is None
    assert "T7" in [x.member for x in result.table.excluded]


def test_duty_items_follow_the_member_class():
    # 四、(一)2 在职党员按岗位职责、无职党员按设岗定责、流动党员按发挥作用情况设定履职项目:
    # a 设岗定责 entry for an in-post member is reported (E604), not silently scored
    b = Book()
    b.add("T1", "set_post", 4, points=5)
    b.add("T2", "set_post", 4, points=5)
    led = ledger(LABEL, [member("T1", "甲", "in_post"), member("T2", "乙", "no_post")], b.entries)
    codes = [(d.code, d.message) for d in engine.check_rules(led)]
    assert [c for c, _ in codes] == ["E604"], codes


# ---- band edges, ties in 排名靠前/靠后 (种子001 四、(三)1—3), hand-computed -------------------

@pytest.fixture(scope="module")
def edges():
    # seven 在职党员: 60 (基础分) + 履职 − 扣分 (四、(一))
    b = Book()
    for mid, points in (("A", (10, 10, 5)), ("B", (10, 10)), ("C", (10, 10)), ("D", (10,)), ("E", (1,))):
        for p in points:
            b.add(mid, "post_task", 5, points=p)
    b.add("G", "dereliction", 9, points=1)          # 不尽责 1 (支部自定 open 1—10)
    members = [member(m, m, "in_post") for m in "ABCDEFG"]
    return year_result(members, b)


def test_edge_totals(edges):
    # A 60 + 25 = 85; B, C 60 + 20 = 80; D 60 + 10 = 70; E 60 + 1 = 61; F 60; G 60 − 1 = 59
    totals = {m: row(edges, m).total for m in "ABCDEFG"}
    assert totals == {"A": D(85), "B": D(80), "C": D(80), "D": D(70), "E": D(61), "F": D(60), "G": D(59)}
    # ranks 1, 2, 2, 4, 5, 6, 7 (ties share a rank)
    assert [edges.member(m).rank for m in "ABCDEFG"] == [1, 2, 2, 4, 5, 6, 7]


def test_edge_grades(edges):
    # 排名靠前/靠后 (支部自定) = 7 × 20% = 1.4 → rounded up 2 places.
    # 四、(三)1 “80 分含 80 分以上且排名靠前” → 好: A (85, rank 1); B and C exactly 80 and tied at rank 2 ≤ 2 → 好 both
    # “80 分—70 分含 70 分” → 一般: D exactly 70
    # “70 分—60 分含 60 分且排名靠后” → 差: F exactly 60 and 倒数第 2 ≤ 2; E 61 is 倒数第 3 → not 排名靠后 → 一般 (支部自定)
    # “低于基础分 60 分” → 不合格: G 59
    grades = {m: edges.member(m).grade("等次") for m in "ABCDEFG"}
    assert grades == {"A": "好", "B": "好", "C": "好", "D": "一般", "E": "一般", "F": "差", "G": "不合格"}


def test_edge_rank_outcomes(edges):
    # 四、(三)2 排名靠前 (ranks ≤ 2, ties included) → 优先评先评优: A, B, C;  四、(三)3 排名靠后 → 诫勉谈话: F, G
    for m in "ABC":
        assert "优先作为评先评优" in outcomes(edges, m)
    for m in "FG":
        assert "诫勉谈话" in outcomes(edges, m)
    assert outcomes(edges, "D") == "" and outcomes(edges, "E") == ""
    # 四、(三)4 不合格 → 组织处置: G only
    assert "组织处置" in outcomes(edges, "G") and "组织处置" not in outcomes(edges, "F")


def test_just_below_80_is_not_good_even_when_first():
    # H: 60 + 9.5 + 10 = 79.5 (rank 1 of 2; 2 × 20% = 0.4 → 1 place) — 四、(三)1 needs 80 含 80 → 一般;
    # I: 60, last (倒数第 1 ≤ 1) → 差
    b = Book()
    b.add("H", "post_task", 3, points="9.5")
    b.add("H", "post_task", 6, points=10)
    res = year_result([member("H", "甲", "in_post"), member("I", "乙", "in_post")], b)
    assert row(res, "H").total == D("79.5")
    assert res.member("H").grade("等次") == "一般"
    assert res.member("I").grade("等次") == "差"
