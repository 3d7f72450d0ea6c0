"""Preset county (县委《加强党员积分管理的工作意见》, seed 004) against results computed by hand.

Seed: 004_ce2d015841f8de2f.txt.  Clauses: "二" 对象范围, "三(一)" 积分内容 (四个合格; 基础积分、
贡献加分、违规扣分、一票否决), "三(二)1" 在职/无职/老弱病残/流动 standards, "三(二)4" 年底汇总、
分类排名、民主测评、评定等次, "三(三)" 结果运用.  The seed fixes no numbers at all: every value is
a 支部自定 value of the preset (commented there), and the expectations below follow from them.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jifen_cli.core import engine
from jifen_cli.core.presets import preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import entry, ledger, member, votes

LABEL = "county"
YEAR = 2019


class Book(list):
    """Entries dated in YEAR (day 15 of ``month``) unless told otherwise."""

    def add(self, mid, item, month=6, day=15, *, year=YEAR, **kw) -> str:
        self.append(entry(f"{year}-{month:02d}-{day:02d}", mid, item, **kw))
        return self[-1].id


def branch(members, book=(), evaluations=(), history=None, rules=None):
    return ledger(rules or LABEL, members, book, evaluations, history, start="2017-01-01")


def year_result(led, year=YEAR):
    return engine.year_result(led, year)


def _row(result, mid):
    return result.member(mid).row


def _outcomes(result, mid):
    return " ".join(result.member(mid).outcomes)


# ---- the preset itself ---------------------------------------------------------------

def test_preset_loads_without_diagnostics():
    scheme, diags = compile_rules(preset_data(LABEL), f"rules/{LABEL}.yaml")
    assert scheme is not None
    assert [d.format() for d in diags] == []
    # 三(一)：基础积分 (四个合格 4 × 20) + 岗位职责/设岗定责 20 + 贡献加分 (≤ 20) − 违规扣分
    assert scheme.section("basic").full == 80
    assert [p.full for p in scheme.section("basic").parts] == [20, 20, 20, 20]
    assert scheme.section("bonus").cap == 20
    # 三(二)1：四类党员
    assert set(scheme.classes) == {"in_post", "no_post", "old", "mobile"}
    assert scheme.classes["old"].sections == ("basic", "bonus", "deduct", "evaluation")


# ---- the branch ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def result():
    members = [
        member("C1", "甲", "in_post"),
        member("C2", "乙", "in_post"),
        member("C3", "丙", "no_post", status="预备"),
        member("C4", "丁", "old"),
        member("C5", "戊", "mobile"),
        member("C6", "己", "in_post"),
        member("C7", "庚", "no_post"),
        member("C8", "辛", "in_post", status="积极分子"),
        member("C9", "壬", "old", exempt="2019-02-01"),
        member("C10", "癸", "in_post", investigation="2019-10-08"),
    ]
    b = Book()
    # C1: 市级 10 + 县级 6 (乡镇级 for the same 市级 subject adds nothing) + 带头致富 5 + 志愿 2 × 1 = 23
    b.add("C1", "honour", 3, level="乡镇级", subject="优秀共产党员")
    b.add("C1", "honour", 7, level="市级", subject="优秀共产党员")
    b.add("C1", "honour", 9, level="县级", subject="脱贫攻坚先进个人")
    b.add("C1", "lead_rich", 10, points=5)
    b.add("C1", "volunteer", 5, times=2)
    # C2: 未完成岗位职责任务 twice; missed org life once
    b.add("C2", "task_fail", 4, times=2)
    b.add("C2", "org_absent", 8)
    # C3 (预备, 无职): 设岗定责 not done once; missed study twice; volunteer 3 times
    b.add("C3", "post_fail", 6)
    b.add("C3", "study_absent", 3, times=2)
    b.add("C3", "volunteer", 9, times=3)
    # C4 (老弱病残): dues late once; volunteer twice
    b.add("C4", "dues_late", 5)
    b.add("C4", "volunteer", 10, times=2)
    # C5 (流动): did not report to the branch twice
    b.add("C5", "report_missing", 4, times=2)
    # C6: 违纪违法 → 一票否决, despite a volunteer point
    b.add("C6", "volunteer", 3)
    b.add("C6", "veto_law", 9)
    # C7: superstition twice, extravagance once, six missed org-life sessions
    b.add("C7", "superstition", 2, times=2)
    b.add("C7", "extravagance", 4)
    b.add("C7", "org_absent", 11, times=6)
    evals = [
        votes(YEAR, "C1", 全体={"好": 10}),
        votes(YEAR, "C2", 全体={"好": 2, "一般": 4, "差": 4}),
        votes(YEAR, "C3", 全体={"好": 9, "一般": 1}),
        votes(YEAR, "C4", 全体={"好": 8, "一般": 2}),
        votes(YEAR, "C5", 全体={"好": 5, "一般": 5}),
        votes(YEAR, "C7", 全体={"好": 1, "一般": 5, "差": 4}),
    ]
    return year_result(branch(members, b, evals))


def test_bonus_cap_and_highest_honour(result):
    r = _row(result, "C1")
    # 三(一) 贡献加分: 10 + 6 + 5 + 2 = 23 → cap 20 (支部自定)
    assert r.sections["bonus"] == D(20)
    # 三(一) 80 + 20 + 20 − 0 = 120
    assert r.total == D(120)
    # 三(二)4 民主测评 10 × 好 100 / 10 = 100
    assert r.sections["evaluation"] == D(100)


def test_in_post_duty_deductions(result):
    r = _row(result, "C2")
    # 三(二)1 在职党员岗位职责 20 − 2 × 3 = 14
    assert r.sections["duty"] == D(14)
    # 违规扣分 1 × 2
    assert r.sections["deduct"] == D(2)
    # 80 + 14 + 0 − 2 = 92
    assert r.total == D(92)
    # 民主测评 (2×100 + 4×80 + 4×60) / 10 = 76
    assert r.sections["evaluation"] == D(76)


def test_no_post_probationary(result):
    r = _row(result, "C3")
    # 政治合格 20 − 2 × 2 = 16 → basic 76; 设岗定责 20 − 4 = 16; 志愿 3 × 1 = 3
    assert r.sections["basic"] == D(76)
    assert r.sections["duty"] == D(16)
    # 76 + 16 + 3 = 95
    assert r.total == D(95)
    # 测评 (9×100 + 1×80) / 10 = 98
    assert r.sections["evaluation"] == D(98)


def test_class_weights_old_and_mobile(result):
    # 三(二)1 老弱病残党员适当简化：no duty section, basic 80 scaled to 100 (× 125%, 支部自定)
    r = _row(result, "C4")
    assert r.sections["basic"] == D(78)
    # 78 × 1.25 + 2 − 0 = 97.5 + 2 = 99.5
    assert r.total == D("99.5")
    # 流动党员: 执行纪律合格 20 − 2 × 5 = 10 → basic 70; 70 × 1.25 = 87.5
    r5 = _row(result, "C5")
    assert r5.sections["basic"] == D(70)
    assert r5.total == D("87.5")


def test_veto(result):
    r = _row(result, "C6")
    # 三(一) 一票否决 (违纪违法) → 0 (支部自定), whatever else
    assert r.vetoed
    assert r.total == D(0)
    assert result.member("C6").grade("等次") == "不合格"
    assert result.member("C6").grades["等次"].forced
    # 三(三) 不合格 → 组织处置
    assert "组织处置" in _outcomes(result, "C6")


def test_unbounded_deductions(result):
    r = _row(result, "C7")
    # 违规扣分 2 × 5 + 5 + 6 × 2 = 27
    assert r.sections["deduct"] == D(27)
    # 80 + 20 + 0 − 27 = 73
    assert r.total == D(73)


def test_grades(result):
    # 支部自定 bands: 优秀 ≥ 90 and 测评 ≥ 80; 合格 75—<90; 基本合格 60—<75; 不合格 < 60
    assert result.member("C1").grade("等次") == "优秀"       # 120, 测评 100
    # 92 ≥ 90 but 测评 76 < 80 → 综合研判 → 合格, with the reason
    assert result.member("C2").grade("等次") == "合格"
    assert result.member("C2").grades["等次"].reason
    assert result.member("C3").grade("等次") == "优秀"       # 预备党员也评等次; 95, 测评 98
    assert result.member("C4").grade("等次") == "优秀"       # 99.5, 测评 96
    assert result.member("C5").grade("等次") == "合格"       # 87.5
    assert result.member("C7").grade("等次") == "基本合格"   # 73
    # 三(三) outcomes
    assert "优先" in _outcomes(result, "C1")
    assert "谈话" in _outcomes(result, "C7") and "帮扶" in _outcomes(result, "C7")
    # 三(三)：被评为合格等次的，鼓励其向优秀党员看齐 (C5 87.5 合格; C2 合格 after 测评)
    assert result.member("C5").outcomes == ["合格：鼓励其向优秀党员看齐，进一步增强党性、改进提升（种子004 三(三)）"]
    assert "看齐" in _outcomes(result, "C2")
    # 三(三)：预备党员的积分情况作为预备期满转正的重要依据 (C3 优秀 and 预备: both outcomes)
    assert "优先" in _outcomes(result, "C3") and "转正" in _outcomes(result, "C3")


def test_activist_scored_not_graded(result):
    # 二：入党积极分子可参照参加 → scored (80 + 20 = 100) but no 等次 (支部自定)
    m = result.member("C8")
    assert m.row.total == D(100)
    assert not m.graded
    assert m.grade("等次") is None
    # 三(三)：入党积极分子的积分情况作为确定发展对象的重要依据
    assert m.outcomes == ["入党积极分子积分：积分情况作为确定发展对象的重要依据（种子004 三(三)）"]


def test_exempt_member_left_out(result):
    # 二：经本人申请、党支部研究同意，可不参加积分管理
    assert result.member("C9") is None


def test_member_under_investigation(result):
    # investigation (支部自定, 种子未规定)：scored 80 + 20 = 100, ranked, but no 等次 until decided
    m = result.member("C10")
    assert m.row.total == D(100)
    assert m.grade("等次") is None
    assert m.outcomes == []


def test_ranking_within_class(result):
    # 三(二)4 分类排名.  in_post: C1 120, C8 100, C10 100, C2 92, C6 0 (ties share a rank: 1, 2, 2, 4)
    assert [result.member(m).class_rank for m in ("C1", "C8", "C10", "C2", "C6")] == [1, 2, 2, 4, 5]
    # no_post: C3 95, C7 73;  old: C4 alone;  mobile: C5 alone
    assert [result.member(m).class_rank for m in ("C3", "C7")] == [1, 2]
    assert result.member("C4").class_rank == 1 and result.member("C5").class_rank == 1
    # branch ranking: C1 120, C8 100, C10 100, C4 99.5, C3 95, C2 92, C5 87.5, C7 73, C6 0
    order = ("C1", "C8", "C10", "C4", "C3", "C2", "C5", "C7", "C6")
    assert [result.member(m).rank for m in order] == [1, 2, 2, 4, 5, 6, 7, 8, 9]


# ---- band edges (all values 支部自定, see the preset) -----------------------------------

@pytest.fixture(scope="module")
def edges():
    members = [member(f"E{i}", f"边{i}", "in_post") for i in range(1, 9)] + [member("E9", "边9", "old")]
    b = Book()
    b.add("E1", "org_absent", 3, times=5)                      # 违规扣分 5 × 2 = 10
    b.add("E2", "org_absent", 3, times=5)                      # 10
    b.add("E3", "org_absent", 3, times=4)                      # 4 × 2 + 3 = 11
    b.add("E3", "rule_breach", 5)
    b.add("E4", "extravagance", 4)                             # 5 + 10 × 2 = 25
    b.add("E4", "org_absent", 6, times=10)
    b.add("E5", "org_absent", 6, times=13)                     # 13 × 2 = 26
    b.add("E6", "org_absent", 6, times=20)                     # 20 × 2 = 40
    b.add("E7", "org_absent", 6, times=19)                     # 19 × 2 + 3 = 41
    b.add("E7", "rule_breach", 7)
    b.add("E8", "org_absent", 6, times=60)                     # 60 × 2 = 120
    b.add("E9", "dues_late", 2, times=4)                       # 执行纪律合格 20 − 4 × 2 = 12 → basic 72
    evals = [
        votes(YEAR, "E1", 全体={"一般": 10}),                  # 10 × 80 / 10 = 80
        votes(YEAR, "E2", 全体={"一般": 19, "差": 1}),         # (19 × 80 + 60) / 20 = 1580 / 20 = 79
        votes(YEAR, "E3", 全体={"好": 10}),                    # 100
        votes(YEAR, "E9", 全体={"一般": 10}),                  # 80
    ]
    return year_result(branch(members, b, evals))


def test_excellent_edge_score_and_evaluation_inclusive(edges):
    # 三(一) 80 + 20 + 0 − 10 = 90;  三(二)4 测评 80.  优秀 min 90 and 测评 min 80 both include the number
    r = _row(edges, "E1")
    assert (r.total, r.sections["evaluation"]) == (D(90), D(80))
    assert edges.member("E1").grade("等次") == "优秀"
    # the same 90 with 测评 79 (< 80) → 综合研判 → 合格
    r2 = _row(edges, "E2")
    assert (r2.total, r2.sections["evaluation"]) == (D(90), D(79))
    assert edges.member("E2").grade("等次") == "合格"
    # 100 − 11 = 89 (< 90), 测评 100 → 合格
    assert _row(edges, "E3").total == D(89)
    assert edges.member("E3").grade("等次") == "合格"


def test_lower_band_edges(edges):
    # 合格 75—<90, 基本合格 60—<75, 不合格 < 60
    assert (_row(edges, "E4").total, edges.member("E4").grade("等次")) == (D(75), "合格")        # 100 − 25
    assert (_row(edges, "E5").total, edges.member("E5").grade("等次")) == (D(74), "基本合格")    # 100 − 26
    assert (_row(edges, "E6").total, edges.member("E6").grade("等次")) == (D(60), "基本合格")    # 100 − 40
    assert (_row(edges, "E7").total, edges.member("E7").grade("等次")) == (D(59), "不合格")      # 100 − 41
    assert not edges.member("E7").grades["等次"].forced


def test_total_floor(edges):
    # 违规扣分不设下限: deduct 120;  总分 100 − 120 = −20 → floor 0 (支部自定)
    r = _row(edges, "E8")
    assert r.sections["deduct"] == D(120)
    assert r.total == D(0)


def test_old_class_scaled_total_on_the_edge(edges):
    # 三(二)1 老弱病残：basic 72 × 125% = 90 (≥ 90), 测评 80 → 优秀
    r = _row(edges, "E9")
    assert r.sections["basic"] == D(72)
    assert r.total == D(90)
    assert edges.member("E9").grade("等次") == "优秀"
