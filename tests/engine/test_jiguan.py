"""Preset jiguan (机关党员积分制管理, seed 001) against results computed by hand.

Every expectation is commented with the clause of seed 001 (001_761709d9094f6f4d.txt, the
机关 实施办法 around lines 979—1165 and its 《党员积分项目、计分及扣分标准》) and the arithmetic.
"标准 政治2" means 《标准》政治方面第 2 项, "三、(三)" the numbered clause of the 实施办法.
"""

from __future__ import annotations

import pytest

from jifen_cli.core import engine
from jifen_cli.core.presets import preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import D, entry, ledger, member

LABEL = "jiguan"
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
    # 三、(一) 基础分 80 = 政治 30 + 纪律 25 + 品行 25；三、(二) 履职分 20
    assert scheme.section("base").full == 80
    assert [p.full for p in scheme.section("base").parts] == [10, 10, 10, 10, 8, 7, 10, 8, 7]
    assert scheme.section("duty").full == 20
    assert [p.full for p in scheme.section("duty").parts] == [8, 6, 6]


# ---- the branch ----------------------------------------------------------------------

def _complete(book, mid, hours=30):
    """What every member is expected to do in a year: training hours (标准 政治2), four
    org-life sessions (标准 纪律2), a commitment (标准 工作2), one research visit and one good
    deed (标准 工作3)."""
    book.add(mid, "training", 3, quantity=hours)
    for m in (3, 6, 9, 12):
        book.add(mid, "org_life", m, 5)
    book.add(mid, "promise", 2)
    book.add(mid, "research", 5)
    book.add(mid, "good_deed", 7)


@pytest.fixture(scope="module")
def result():
    members = [
        member("M1", "甲", "ordinary"),
        member("M2", "乙", "secretary", posts=["支部书记"]),
        member("M3", "丙", "ordinary"),
        member("M4", "丁", "leader", posts=["组织委员"]),
        member("M5", "戊", "ordinary"),
    ]
    b = Book()
    # M1: everything done; honours 国家级 and 州级 → only the highest counts
    _complete(b, "M1")
    b.add("M1", "honour", 4, level="州级", subject="先进党支部")
    b.add("M1", "honour", 10, level="国家级", subject="全国先进集体")
    # M2 (书记): 30 training hours (needs 40), no 党课 lecture, one mistake, 省部级 honour
    _complete(b, "M2", hours=30)
    b.add("M2", "work_error", 8)
    b.add("M2", "honour", 11, level="省部级", subject="省级文明单位")
    # M3: 20 hours, only 2 org-life sessions, 2 missed theme days, dues late once,
    #     no commitment at all, 5 mistakes (10 points, more than the 8-point sub-item)
    b.add("M3", "training", 3, quantity=20)
    b.add("M3", "org_life", 3)
    b.add("M3", "org_life", 9)
    b.add("M3", "research", 5)
    b.add("M3", "good_deed", 7)
    b.add("M3", "theme_absent", 4, times=2)
    b.add("M3", "dues_late", 5)
    b.add("M3", "work_error", 6, times=5)
    # M4 (班子成员): no training at all (needs 40), dues unpaid over half a year (and a missed
    #     theme day on top), one unkept commitment
    for m in (3, 6, 9, 12):
        b.add("M4", "org_life", m, 5)
    b.add("M4", "promise", 2)
    b.add("M4", "promise_unkept", 11)
    b.add("M4", "research", 5)
    b.add("M4", "good_deed", 7)
    b.add("M4", "theme_absent", 2)
    b.add("M4", "dues_overdue", 8)
    # M5: everything done, but gambling (品行3 zeroed) and a verified complaint (品行1, 3 points)
    _complete(b, "M5")
    b.add("M5", "gambling", 6)
    b.add("M5", "virtue_report", 7, points=3)
    b.add("M5", "honour", 9, level="州级", subject="州级优秀党员")
    return year_result(members, b)


def test_complete_member_with_highest_honour_only(result):
    r = row(result, "M1")
    # 三、(一) base 80 untouched: 30 h ≥ 24 (政治2), 4 org-life sessions (纪律2)
    assert r.sections["base"] == D(80)
    # 三、(二) duty 20 untouched: commitment made, research and good deed done (工作2、3)
    assert r.sections["duty"] == D(20)
    # 三、(三) 国家级 6 and 州级 2: 以最上一级表彰计分，不得累加 → 6, not 8
    assert r.sections["bonus"] == D(6)
    # 三、年度积分 = 80 + 20 + 6 − 0 = 106
    assert r.total == D(106)


def test_secretary_training_hours_and_lecture(result):
    r = row(result, "M2")
    # 标准 政治2: 班子成员 40 学时, has 30 → 10 × 0.5 = 5;
    # 标准 纪律2: 书记每年至少讲 1 次党课, none → −1;  base = 80 − 5 − 1 = 74
    assert r.sections["base"] == D(74)
    # 标准 工作1: 一次扣 2 分 → 20 − 2 = 18
    assert r.sections["duty"] == D(18)
    # 三、(三) 省部级 4
    assert r.sections["bonus"] == D(4)
    # 74 + 18 + 4 = 96
    assert r.total == D(96)


def test_many_shortfalls_and_sub_item_limit(result):
    r = row(result, "M3")
    # 标准 政治2: 24 − 20 = 4 学时 × 0.5 = 2;  纪律2: 4 − 2 = 2 次 × 1 = 2;
    # 纪律3: 2 theme days × 1 + dues late 1 = 3 (≤ 7);  base = 80 − 2 − 2 − 3 = 73
    assert r.sections["base"] == D(73)
    # 标准 工作2: 未开展承诺 → 该项不得分 (−6);  工作1: 5 × 2 = 10 > 8 → the sub-item
    # loses at most its 8;  工作3 done;  duty = 0 + 0 + 6 = 6
    assert r.sections["duty"] == D(6)
    # 73 + 6 + 0 = 79
    assert r.total == D(79)


def test_leader_no_training_and_dues_overdue(result):
    r = row(result, "M4")
    # 标准 政治2: 40 学时 × 0.5 = 20 > 10 → the sub-item goes to 0 (−10);
    # 标准 纪律3: 超过半年不缴纳党费 → 该项不得分 (−7; the missed theme day adds nothing more)
    # base = 80 − 10 − 7 = 63
    assert r.sections["base"] == D(63)
    # 标准 工作2: 承诺事项落实不到位 1 项 × 2 → duty = 20 − 2 = 18
    assert r.sections["duty"] == D(18)
    # 63 + 18 = 81
    assert r.total == D(81)


def test_item_zeroed_and_open_deduction(result):
    r = row(result, "M5")
    # 标准 品行3: 参与赌博 → 该项不得分 (−7);  品行1: verified complaint, 3 points (支部自定 1—10)
    # base = 80 − 7 − 3 = 70
    assert r.sections["base"] == D(70)
    assert r.sections["duty"] == D(20)
    # 三、(三) 州级 2 → 70 + 20 + 2 = 92
    assert r.total == D(92)


def test_grades(result):
    # ranks: M1 106 (1), M2 96 (2), M5 92 (3), M4 81 (4), M3 79 (5)
    # 五、(一) 90 分（含）以上且排名靠前 → 优秀; 排名靠前 = top 20% (支部自定): 5 × 20% = 1 → 1
    assert result.member("M1").grade("等次") == "优秀"
    # 96 ≥ 90 but rank 2 > 1 → not 排名靠前 → else 合格
    assert result.member("M2").grade("等次") == "合格"
    assert result.member("M2").grades["等次"].reason  # not just its band: the reason is given
    # 92 ≥ 90, rank 3 → 合格
    assert result.member("M5").grade("等次") == "合格"
    # 五、(一) 90—80（含 80）→ 合格
    assert result.member("M4").grade("等次") == "合格"
    # 五、(一) 低于基础分 80 → 不合格
    assert result.member("M3").grade("等次") == "不合格"


def test_outcomes_for_low_rank_and_unqualified(result):
    # 五、(二) 排名靠后 = bottom 20% (支部自定, rounded up): 5 × 20% = 1 → only M3 (rank 5)
    m3 = " ".join(result.member("M3").outcomes)
    assert "诫勉谈话" in m3
    # 五、(二) 被认定为不合格党员的 → 组织处置
    assert "组织处置" in m3
    assert result.member("M4").outcomes == []
    # 五、(二) 排名靠前 (top 20% = 1: M1) → 优先作为评先评优的推荐对象
    assert "评先评优的推荐对象" in outcomes(result, "M1")
    assert "评先评优的推荐对象" not in outcomes(result, "M2")


# ---- audit additions: band bounds and the 1-20 / 1-31 deadlines --------------------------

def test_band_bounds_inclusive():
    members = [member("J1", "子"), member("J2", "丑"), member("J3", "寅")]
    b = Book()
    # J1: everything done; 品行1 verified report 10 (支部自定 1—10) → base 80 − 10 = 70; duty 20 → 90
    _complete(b, "J1")
    b.add("J1", "virtue_report", 4, points=10)
    # J2: as J1, plus 5 mistakes (工作1: 5 × 2 = 10, loses at most its 8) and one unkept commitment
    #     (工作2: −2) → duty 20 − 8 − 2 = 10 → 70 + 10 = 80
    _complete(b, "J2")
    b.add("J2", "virtue_report", 4, points=10)
    b.add("J2", "work_error", 5, times=5)
    b.add("J2", "promise_unkept", 11)
    # J3: as J2 but only 23 training hours (政治2: 少 1 学时扣 0.5) → 80 − 0.5 = 79.5
    _complete(b, "J3", hours=23)
    b.add("J3", "virtue_report", 4, points=10)
    b.add("J3", "work_error", 5, times=5)
    b.add("J3", "promise_unkept", 11)
    res = year_result(members, b)
    assert [row(res, m).total for m in ("J1", "J2", "J3")] == [D(90), D(80), D("79.5")]
    # 五、(一) 90 分（含 90 分）以上且排名靠前 (top 20%, rounded up: 3 × 20% = 0.6 → 1; J1 is first)
    assert res.member("J1").grade("等次") == "优秀"
    # 五、(一) 90 分—80 分（含 80 分）→ 合格
    assert res.member("J2").grade("等次") == "合格"
    # 五、(一) 低于基础分 80 分 → 不合格 (79.5 < 80)
    assert res.member("J3").grade("等次") == "不合格"


def test_deadlines_are_in_the_schedule():
    scheme, _ = compile_rules(_raw_rules(), f"rules/{LABEL}.yaml")
    # 四、(四) 每年 1 月 20 日前计算，1 月 31 日前报机关党委备案
    assert scheme.schedule["compute_by"] == "01-20"
    assert scheme.schedule["file_by"] == "01-31"
