"""Preset township (农村党员积分管理办法 a/b/c/d, seed 001) against results computed by hand.

Every expectation is commented with the clause of seed 001 (001_761709d9094f6f4d.txt,
《农村党员积分管理办法》 around lines 901—970) and the arithmetic.  "四、(一)" is the numbered
clause of that 办法; values the seed leaves to the branch are the preset's 支部自定 values.
"""

from __future__ import annotations

import pytest

from jifen_cli.core import engine
from jifen_cli.core.presets import preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import D, entry, ledger, member, votes

LABEL = "township"
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
    assert scheme.section("daily").full == 70            # 四、(一)1. 平时表现积分 70 分
    assert scheme.section("contribution").cap == 20      # 四、(三) 最高不能超过 20 分
    assert scheme.total.cap == 120                       # 四、总得分不能超过 120 分


# ---- the branch ----------------------------------------------------------------------

G = "党员群众"  # one rater group: the seed's formula divides by all 参加测评人数


@pytest.fixture(scope="module")
def result():
    members = [
        member("A1", "村支书甲", "a", posts=["村党支部书记"]),
        member("A2", "村委乙", "a", posts=["村委委员"]),
        member("B1", "预备丙", "b", status="预备", joined="2018-12-01"),
        member("B2", "党员丁", "b"),
        member("C1", "流动戊", "c"),
        member("D1", "老党员己", "d"),
        member("E1", "卧床庚", "d", exempt="2019-01-10"),
    ]
    b = Book()
    # A1: one missed meeting; contributions declared for 25 points in all
    b.add("A1", "org_absent", 3)
    b.add("A1", "achievement", 5, level="县级及以上", subject="县级优秀共产党员")
    for i, item in enumerate(("poverty_aid", "good_deed", "public_welfare", "development")):
        b.add("A1", item, 6 + i, points=5)
    # A2: refused two assignments, owes money and gambled
    b.add("A2", "task_refused", 4, times=2)
    b.add("A2", "debt", 8)
    b.add("A2", "gambling", 9)
    # B1 (预备): three missed meetings, a minor embezzlement and a debt
    b.add("B1", "org_absent", 2, times=3)
    b.add("B1", "embezzle", 6)
    b.add("B1", "debt", 10)
    # B2: dues late Jan—May and July: five months in a row, then a gap → no veto
    for m in (1, 2, 3, 4, 5, 7):
        b.add("B2", "dues_late", m, 20)
    # C1 (流动党员): dues late every month January—June: six months in a row
    for m in range(1, 7):
        b.add("C1", "dues_late", m, 20)
    # D1: a party/government disciplinary sanction this year, and a contribution
    b.add("D1", "sanction", 9)
    b.add("D1", "good_deed", 4, points=3)
    evaluations = [
        votes(YEAR, "A1", **{G: {"好": 8, "一般": 2, "差": 0}}),
        votes(YEAR, "A2", **{G: {"好": 3, "一般": 5, "差": 2}}),
        votes(YEAR, "B1", **{G: {"好": 2, "一般": 4, "差": 4}}),
        votes(YEAR, "B2", **{G: {"好": 6, "一般": 4, "差": 0}}),
        votes(YEAR, "C1", **{G: {"好": 10, "一般": 0, "差": 0}}),
        votes(YEAR, "D1", **{G: {"好": 5, "一般": 5, "差": 0}}),
    ]
    return year_result(members, b, evaluations)


def test_evaluation_formula_and_contribution_cap(result):
    r = row(result, "A1")
    # 四、(一)2. (8×100 + 2×80 + 0×20) ÷ 10 = 96
    assert r.sections["evaluation"] == D(96)
    # 四、(一)1. 70 − 1 × 2 (org_absent, 支部自定 2) = 68
    assert r.sections["daily"] == D(68)
    # 四、(一) basic = 68 + 96 × 30% = 68 + 28.8 = 96.8
    assert r.sections["basic"] == D("96.8")
    # 四、(三) 5 (县级及以上, 支部自定) + 5 + 5 + 5 + 5 = 25 → 最高不能超过 20
    assert r.sections["contribution"] == D(20)
    # 四、96.8 − 0 + 20 = 116.8 (≤ 120)
    assert r.total == D("116.8")
    # 六、(一) 90 分以上为“好”
    assert result.member("A1").grade("等次") == "好"
    # 六、(四) a 类：等次与年终绩效报酬挂钩; ≥ 80 → no 约谈
    assert "绩效报酬" in outcomes(result, "A1")
    assert "镇党委进行约谈" not in outcomes(result, "A1")


def test_a_class_below_80(result):
    r = row(result, "A2")
    # 四、(一)1. 70 − 2 × 3 (task_refused, 支部自定 3) = 64
    assert r.sections["daily"] == D(64)
    # 四、(一)2. (3×100 + 5×80 + 2×20) ÷ 10 = 740 ÷ 10 = 74 → × 30% = 22.2; basic = 86.2
    assert r.sections["evaluation"] == D(74)
    assert r.sections["basic"] == D("86.2")
    # 四、(二)4 debt 5 + 四、(二)5 gambling 5 (支部自定) = 10
    assert r.sections["deduct"] == D(10)
    # 86.2 − 10 + 0 = 76.2
    assert r.total == D("76.2")
    # 六、(一) 70—89 → 一般
    assert result.member("A2").grade("等次") == "一般"
    # 六、(四) a 类积分在 80 分以下 → 镇党委约谈
    assert "镇党委进行约谈" in outcomes(result, "A2")
    # 六、(二) 推荐县区级以上优秀共产党员、优秀村干部、“两代表一委员”的，等次必须为“好”
    assert "不得被推荐" in outcomes(result, "A2")
    assert "不得被推荐" not in outcomes(result, "A1")


def test_probationary_member_graded_poor(result):
    r = row(result, "B1")
    # 四、(一)1. 70 − 3 × 2 = 64;  四、(一)2. (2×100 + 4×80 + 4×20) ÷ 10 = 600 ÷ 10 = 60 → × 30% = 18
    assert r.sections["basic"] == D(82)
    # 四、(二)3 embezzle 10 + 四、(二)4 debt 5 (支部自定) = 15 → 82 − 15 = 67
    assert r.total == D(67)
    # 二、预备党员也评定等次; 六、(一) 69 分（含）以下 → 差
    assert result.member("B1").grade("等次") == "差"
    # 六、(三) 差 → 约谈; 是预备党员的，要延长预备期; 67 ≥ 60 → not 取消预备资格
    text = outcomes(result, "B1")
    assert "约谈" in text and "延长预备期" in text
    assert "取消预备党员资格" not in text


def test_five_months_in_a_row_is_not_six(result):
    r = row(result, "B2")
    # six dues_late entries × 2 (支部自定) → 70 − 12 = 58
    assert r.sections["daily"] == D(58)
    # (6×100 + 4×80) ÷ 10 = 92 → × 30% = 27.6;  basic = 85.6
    assert r.sections["basic"] == D("85.6")
    # 四、(二) 清除情形 4 needs 六个月以上: Jan—May is five, July starts again → no clearing
    assert not r.vetoed
    assert r.total == D("85.6")
    assert result.member("B2").grade("等次") == "一般"


def test_six_months_without_dues_clears_the_year(result):
    r = row(result, "C1")
    # 四、(二) 清除情形 4: 六个月以上无正当理由不缴纳党费 → 一次性清除全年所有积分
    # (without it: 70 − 12 + 100 × 30% = 88)
    assert r.vetoed
    assert r.total == D(0)
    # 六、(一) 0 ≤ 69 → 差
    assert result.member("C1").grade("等次") == "差"
    text = outcomes(result, "C1")
    assert "启动不合格党员处置程序" in text     # 六、(三) 正式党员低于 60 分
    assert "除名" in text                      # 六、(三) 低于 50 分（含 50 分）
    assert "关怀帮扶" in text                  # 六、(三) 低于 60 分不享受党内关怀帮扶
    assert "流动党员证" in text                # 六、(五) c 类评定结果记入《流动党员证》


def test_sanction_clears_the_year(result):
    r = row(result, "D1")
    # 四、(二) 清除情形 3: 本年度受到党政纪律处分 → 全年积分清零 (the 3-point contribution goes too)
    assert r.vetoed
    assert r.total == D(0)
    assert result.member("D1").grade("等次") == "差"


def test_exempt_member_left_out(result):
    # 二、年老体弱、生活不能自理的，经审批可不参加积分制管理
    assert result.member("E1") is None
    assert "E1" in [x.member for x in result.table.excluded]


# ---- audit addition: the bounds of 六、(一) and 六、(三) ------------------------------------

def test_band_and_disposal_bounds():
    members = [member("T90", "子", "b"), member("T895", "丑", "b"), member("T60", "寅", "b"),
               member("T50", "卯", "b")]
    b = Book()
    b.add("T90", "org_absent", 3, times=5)        # 70 − 5 × 2 = 60
    b.add("T895", "org_absent", 3, times=3)       # 70 − 6 − 3 = 61
    b.add("T895", "task_refused", 4)
    b.add("T60", "org_absent", 3, times=8)        # 70 − 16 = 54
    b.add("T50", "org_absent", 3, times=13)       # 70 − 26 = 44
    evaluations = [
        votes(YEAR, "T90", **{G: {"好": 10}}),              # 100 × 30% = 30
        votes(YEAR, "T895", **{G: {"好": 3, "一般": 1}}),   # (300 + 80) ÷ 4 = 95 × 30% = 28.5
        votes(YEAR, "T60", **{G: {"差": 10}}),              # 20 × 30% = 6
        votes(YEAR, "T50", **{G: {"差": 10}}),              # 6
    ]
    res = year_result(members, b, evaluations)
    # 四、(一) basic = daily + evaluation × 30%: 60 + 30 = 90; 61 + 28.5 = 89.5; 54 + 6 = 60; 44 + 6 = 50
    assert [row(res, m).total for m in ("T90", "T895", "T60", "T50")] == [D(90), D("89.5"), D(60), D(50)]
    # 六、(一) 90 分以上为“好” (90 included); 70—89 (含 89) “一般” (89.5 kept with 一般); 69 (含) 以下 “差”
    assert [res.member(m).grade("等次") for m in ("T90", "T895", "T60", "T50")] == ["好", "一般", "差", "差"]
    # 六、(三) 低于 60 分（不含 60 分）: 60 is not below → no 不合格 procedure, still 关怀帮扶
    t60 = outcomes(res, "T60")
    assert "约谈" in t60
    assert "启动不合格党员处置程序" not in t60 and "关怀帮扶" not in t60 and "除名" not in t60
    # 低于 50 分（含 50 分）可除名: 50 is included
    t50 = outcomes(res, "T50")
    assert "启动不合格党员处置程序" in t50 and "除名" in t50 and "关怀帮扶" in t50
