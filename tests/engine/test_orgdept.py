"""Preset orgdept (区委组织部党员分类管理积分制, seed 001) against results computed by hand.

Every expectation is commented with the clause of seed 001 (001_761709d9094f6f4d.txt,
《党员积分量化管理细则》 around lines 803—864) and the arithmetic.  "(一)3." is 共项积分 item 3,
"(三)1." 加分项 item 1; 支部自定 values are those of the preset (the seed gives no grades: the
preset grades on the 200-point scale at 180 / 150 / 120, and a veto means 0 and 不合格).
"""

from __future__ import annotations

import pytest

from jifen_cli.core import engine
from jifen_cli.core.presets import preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import D, entry, ledger, member

LABEL = "orgdept"
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
    # (一) 共项积分 100; (二) 分类积分 100 for each of a/b/c/d
    assert [scheme.section(c).full for c in ("common", "class_a", "class_b", "class_c", "class_d")] == [100] * 5
    # each class scores the common items and its own class items only
    assert scheme.classes["d"].sections == ("common", "class_d", "bonus", "veto")


# ---- the branch ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def result():
    members = [
        member("A1", "部长甲", "a", posts=["部长"]),
        member("B1", "科长乙", "b", posts=["科长"]),
        member("C1", "干部丙", "c"),
        member("D1", "退休丁", "d"),
        member("V1", "干部戊", "c"),
        member("P1", "干部己", "c", status="预备"),
    ]
    b = Book()
    # A1: 3 absences; hid a major personal matter; honours, an award, articles and a report
    b.add("A1", "absent", 3, times=3)
    b.add("A1", "a_hide", 5)
    b.add("A1", "honour", 3, level="区属部门", subject="优秀共产党员")
    b.add("A1", "honour", 10, level="省委省政府", subject="优秀共产党员")
    b.add("A1", "honour", 6, level="区委区政府及市级部门", subject="三八红旗手")
    b.add("A1", "competition", 4, level="三等奖", subject="党章党规知识竞赛")
    b.add("A1", "competition", 9, level="一等奖", subject="党章党规知识竞赛")
    b.add("A1", "publication", 5, level="人民日报求是光明日报及中组部刊物", subject="基层党建经验")
    b.add("A1", "publication", 7, level="全国重点网站", subject="组工干部风采")
    b.add("A1", "report", 11, level="省委办公厅省委组织部", subject="村级后备干部调研")
    # B1: 11 absences and 5 late dues in one month each (more than the 20-point items),
    #     a duty shortfall, 'other' bonus 3 + 4, two adopted suggestions
    b.add("B1", "absent", 3, times=11)
    b.add("B1", "dues_late", 4, times=5)
    b.add("B1", "b_duty_fail", 8, points=8)
    b.add("B1", "other_bonus", 5, points=3)
    b.add("B1", "other_bonus", 9, points=4)
    b.add("B1", "suggestion", 6, times=2)
    # C1: late 4 times, one charity activity
    b.add("C1", "c_late", 2, times=4)
    b.add("C1", "charity", 12)
    # D1 (退休): one absence; skipped 5 activities and 1 charity activity; two shortfalls of 10
    b.add("D1", "absent", 4)
    b.add("D1", "d_absent", 6, times=5)
    b.add("D1", "d_charity_absent", 9)
    b.add("D1", "d_other_fail", 10, points=10)
    b.add("D1", "d_other_fail", 11, points=10)
    # V1: a crime; otherwise a good year
    b.add("V1", "crime", 7)
    b.add("V1", "suggestion", 3)
    # P1 (预备): took part in no org life at all, every month January—June
    for m in range(1, 7):
        b.add("P1", "life_none", m, 28)
    return year_result(members, b)


def test_a_class_bonus_tables_highest_only(result):
    r = row(result, "A1")
    # (一)3. 3 × 2 = 6 → 共项 100 − 6 = 94
    assert r.sections["common"] == D(94)
    # (二)6. 隐瞒不报扣 10 → a 类分类积分 100 − 10 = 90
    assert r.sections["class_a"] == D(90)
    # (三)1. 优秀共产党员: 区属部门 2 and 省委省政府 10 → 同一奖项按最高标准 10; 三八红旗手 3;
    #        知识竞赛 三等奖 2 and 一等奖 5 → 5;  (三)2. 10 + 2 = 12;  (三)3. 5
    # 10 + 3 + 5 + 12 + 5 = 35
    assert r.sections["bonus"] == D(35)
    # 94 + 90 + 35 = 219
    assert r.total == D(219)
    assert result.member("A1").grade("等次") == "优秀"    # ≥ 180 (支部自定)


def test_b_class_item_limits_and_bonus_cap(result):
    r = row(result, "B1")
    # (一)3. 11 × 2 = 22 > 20 → 0;  (一)4. 5 × 5 = 25 > 20 → 0;  共项 = 100 − 20 − 20 = 60
    assert r.sections["common"] == D(60)
    # b 类 履职 (支部自定 open) 8 → 92
    assert r.sections["class_b"] == D(92)
    # (三)6. 3 + 4 = 7 → 最高不得超过 5;  (三)4. 2 × 2 = 4;  5 + 4 = 9
    assert r.sections["bonus"] == D(9)
    # 60 + 92 + 9 = 161
    assert r.total == D(161)
    assert result.member("B1").grade("等次") == "合格"    # 150 ≤ 161 < 180 (支部自定)


def test_c_class(result):
    r = row(result, "C1")
    # (二)6.(c 类) 4 × 1 = 4 → 96;  (三)5. 2
    assert r.sections["class_c"] == D(96)
    assert r.sections["bonus"] == D(2)
    # 100 + 96 + 2 = 198
    assert r.total == D(198)


def test_d_class_retired_items(result):
    r = row(result, "D1")
    # (一)3. 1 × 2 → 98
    assert r.sections["common"] == D(98)
    # d 类: (二)1. 5 × 5 = 25 > 20 → 0;  (二)5. 1 × 5 → 15;  其余 60 (支部自定) − 10 − 10 = 40
    # 0 + 40 + 15 = 55
    assert r.sections["class_d"] == D(55)
    # 98 + 55 = 153
    assert r.total == D(153)
    assert result.member("D1").grade("等次") == "合格"


def test_veto_crime(result):
    r = row(result, "V1")
    # (四)2. 本年度有犯罪行为 → 一票否决: 0 (支部自定) instead of 100 + 100 + 2
    assert r.vetoed
    assert r.total == D(0)
    g = result.member("V1").grades["等次"]
    assert g.band == "不合格" and g.forced


def test_veto_six_months_without_org_life(result):
    r = row(result, "P1")
    # (四)4. 六个月以上无正当理由不参加组织生活: no org life at all in each month January—June
    assert r.vetoed
    assert r.total == D(0)
    assert result.member("P1").grade("等次") == "不合格"
    assert "组织处置" in outcomes(result, "P1")


def test_class_items_only_for_their_class():
    # 考核对象分 a/b/c/d 四类，分类积分各按本类项目: a d-class item on a c-class member is E604
    b = Book()
    b.add("C1", "d_absent", 4)
    led = ledger(LABEL, [member("C1", "干部丙", "c")], b.entries)
    assert {d.code for d in engine.check_rules(led)} == {"E604"}


# ---- band edges (支部自定 180 / 150 / 120) and the six-month veto's edge ------------------

@pytest.fixture(scope="module")
def edges():
    members = [member(m, m, "c") for m in ("Q1", "Q2", "Q3", "Q4", "O3", "O4", "O5", "O6")]
    b = Book()
    # Q1: missed one session in each month January—June (took part otherwise): not “不参加组织生活”
    for m in range(1, 7):
        b.add("Q1", "absent", m, 10)
    # Q2: no dues paid February—June: five months, not six
    for m in range(2, 7):
        b.add("Q2", "dues_unpaid", m, 28)
    # Q3: no dues paid February—July: six months
    for m in range(2, 8):
        b.add("Q3", "dues_unpaid", m, 28)
    # Q4: dues paid late in each month January—June (paid, so no veto); late for work once
    for m in range(1, 7):
        b.add("Q4", "dues_late", m, 28)
    b.add("Q4", "c_late", 9)
    # O3: 10 absences (20), dues late 4 times (20), a work shortfall of 10
    for mid in ("O3", "O4", "O5", "O6"):
        b.add(mid, "absent", 3, times=10)
        b.add(mid, "dues_late", 4, times=4)
        b.add(mid, "c_work_fail", 5, points=10)
    b.add("O4", "c_late", 9)
    for mid in ("O5", "O6"):
        b.add(mid, "study_absent", 6, times=10)
        b.add(mid, "c_late", 9, times=10)
    b.add("O6", "c_work_fail", 10, points=1)
    return year_result(members, b)


def test_six_month_veto_edge(edges):
    # (四)4. 六个月以上无正当理由不缴纳党费或不参加组织生活
    # Q1: (一)3. 6 × 2 = 12 → 共项 88; one absence a month is not 不参加组织生活 → 88 + 100 = 188
    r1 = row(edges, "Q1")
    assert not r1.vetoed and r1.total == D(188)
    # Q2: (一)4. 5 × 5 = 25 > 20 → 共项 80; five months < 六个月 → no veto; 80 + 100 = 180
    r2 = row(edges, "Q2")
    assert not r2.vetoed and r2.total == D(180)
    # Q3: six months → 一票否决: 0 and 不合格 (支部自定)
    r3 = row(edges, "Q3")
    assert r3.vetoed and r3.total == D(0)
    assert edges.member("Q3").grades["等次"].forced
    # Q4: late six times (6 × 5 = 30 > 20 → 共项 80) but paid: no veto; (二)6.(c) 1 → 99; 80 + 99 = 179
    r4 = row(edges, "Q4")
    assert not r4.vetoed and r4.total == D(179)


def test_grade_edges(edges):
    # 180 inclusive → 优秀 (Q2);  179 → 合格 (Q4)
    assert edges.member("Q2").grade("等次") == "优秀"
    assert edges.member("Q4").grade("等次") == "合格"
    # O3: 共项 100 − 20 − 20 = 60;  c 类 100 − 10 = 90;  60 + 90 = 150 → 合格 (150 inclusive)
    assert (row(edges, "O3").total, edges.member("O3").grade("等次")) == (D(150), "合格")
    # O4: + (二)6.(c) 1 → 60 + 89 = 149 → 基本合格
    assert (row(edges, "O4").total, edges.member("O4").grade("等次")) == (D(149), "基本合格")
    # O5: 共项 60 − 20 (学习 10 × 2) = 40;  c 类 100 − 10 − 10 (迟到 10 × 1) = 80;  40 + 80 = 120 → 基本合格
    assert (row(edges, "O5").total, edges.member("O5").grade("等次")) == (D(120), "基本合格")
    # O6: c 类 another shortfall of 1 → 79;  40 + 79 = 119 → 不合格 by score (not forced) → 组织处置
    g = edges.member("O6").grades["等次"]
    assert (row(edges, "O6").total, g.band, g.forced) == (D(119), "不合格", False)
    assert "组织处置" in outcomes(edges, "O6")
