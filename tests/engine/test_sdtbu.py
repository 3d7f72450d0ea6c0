"""Preset sdtbu (山东工商学院 党员积分量化管理, seed 002) against results computed by hand.

Seed: 002_d39635d807a8fb0a.txt (党发〔2018〕75号).  Clauses are cited as in the seed:
"二" = 积分内容 (100 = 基础 70 + 贡献 30), "二(三)" = 积分负面清单, "四(二)" = 星级评定,
"四(三)" = 激励奖惩, "一(三)" = 适用对象.  Values the seed leaves to the branch are the ones
marked 支部自定 in the preset (sub-item values, deduction points, 一星—四星 thresholds).
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jifen_cli.core import engine
from jifen_cli.core.presets import preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import entry, ledger, member

LABEL = "sdtbu"
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
    # 二：总分 100 = 基础积分 70 + 贡献积分 30
    assert scheme.section("basic").full == 70
    assert sum(p.full for p in scheme.section("basic").parts) == 70
    assert scheme.section("contribution").cap == 30
    assert scheme.total.cap == 100
    # 四(二)：0—5 级星级，五星级 ≥ 90 且不超过 20%
    stars = scheme.scale("星级")
    assert [b.name for b in stars.bands] == ["五星级", "四星级", "三星级", "二星级", "一星级", "零星级"]
    assert stars.bands[0].min == 90 and stars.bands[0].quota.share == D("0.2")


# ---- the branch ----------------------------------------------------------------------
# Seven members; S7 is exempt (一(三) 可不列入管理范围) so six are scored and ranked.

@pytest.fixture(scope="module")
def result():
    members = [
        member("S1", "甲"),
        member("S2", "乙"),
        member("S3", "丙", status="预备"),
        member("S4", "丁"),
        member("S5", "戊"),
        member("S6", "己"),
        member("S7", "庚", category="old", exempt="2019-01-10"),
    ]
    b = Book()
    # S1: contributions 10 + 10 + 省级 10 (校级 5 for the same subject does not add) + 3 × 2 = 36 > 30
    b.add("S1", "center_work", 3, points=10)
    b.add("S1", "reform", 5, points=10)
    b.add("S1", "honour", 4, level="校级", subject="教学成果奖")
    b.add("S1", "honour", 9, level="省级", subject="教学成果奖")
    b.add("S1", "serve_people", 10, times=3)
    # S2: two late/leave (1 each); contributions 省级 10 + 8 + 5 + 2 × 2 = 27
    b.add("S2", "late_leave", 2, times=2)
    b.add("S2", "honour", 6, level="省级", subject="优秀教师")
    b.add("S2", "center_work", 7, points=8)
    b.add("S2", "stability", 9, points=5)
    b.add("S2", "serve_people", 11, times=2)
    # S3 (预备): five unexcused absences (5 × 5 = 25 > the 20-point sub-item); contributions 5 + 3 × 2
    b.add("S3", "absent", 3, times=3)
    b.add("S3", "absent", 9, times=2)
    b.add("S3", "center_work", 10, points=5)
    b.add("S3", "serve_people", 12, times=3)
    # S4: negative list (邪教) despite 20 contribution points
    b.add("S4", "center_work", 4, points=10)
    b.add("S4", "reform", 5, points=10)
    b.add("S4", "cult", 8)
    # S5: discipline sub-item zeroed, two missed trainings, one small contribution
    b.add("S5", "discipline_breach", 5)
    b.add("S5", "study_missing", 6, times=2)
    b.add("S5", "reform", 9, points=4)
    # S6: nothing counted: a 国家级 honour still pending (申报待认定) does not count
    b.add("S6", "honour", 12, level="国家级", subject="全国优秀党员", status="pending")
    return year_result(branch(members, b))


def test_contribution_cap_and_highest_level(result):
    r = _row(result, "S1")
    # 二：基础积分 70, no deduction
    assert r.sections["basic"] == D(70)
    # 二(二) + preset 支部自定: 10 + 10 + 10 (省级; 校级 same subject not added) + 3×2 = 36 → 贡献积分 30 分 cap
    assert r.sections["contribution"] == D(30)
    # 二：70 + 30 = 100
    assert r.total == D(100)


def test_plain_deductions_and_contribution(result):
    r = _row(result, "S2")
    # 二(一) 组织生活 20 − 2×1 = 18 → basic 70 − 2 = 68
    assert r.sections["basic"] == D(68)
    # 二(二) 省级 10 + 8 + 5 + 2×2 = 27 (under the 30 cap)
    assert r.sections["contribution"] == D(27)
    # 68 + 27 = 95
    assert r.total == D(95)


def test_sub_item_cannot_lose_more_than_its_value(result):
    r = _row(result, "S3")
    # 二(一) 组织生活 sub-item 20 (支部自定): 5 absences × 5 = 25 → loses at most 20 → 0;
    # basic = 70 − 20 = 50
    assert r.sections["basic"] == D(50)
    # 二(二) 5 + 3×2 = 11
    assert r.sections["contribution"] == D(11)
    # 50 + 11 = 61
    assert r.total == D(61)


def test_negative_list_sets_year_to_zero(result):
    r = _row(result, "S4")
    # 二(三)：参加邪教组织活动 → 年度积分为零 (the 20 contribution points do not help)
    assert r.vetoed
    assert r.total == D(0)


def test_zeroed_sub_item_and_study(result):
    r = _row(result, "S5")
    # 二(一) 政治纪律 sub-item 10 zeroed (该项不得分, 支部自定); 学习培训 15 − 2×3 = 9;
    # basic = 70 − 10 − 6 = 54
    assert r.sections["basic"] == D(54)
    # 54 + 4 = 58
    assert r.total == D(58)


def test_pending_declaration_does_not_count(result):
    r = _row(result, "S6")
    # 三(一)：申报须经党支部审核确认 → the pending 国家级 honour gives nothing; 70 + 0
    assert r.sections["contribution"] == D(0)
    assert r.total == D(70)


def test_exempt_member_is_left_out(result):
    # 一(三)：经批准可不列入管理范围 → not scored, ranked or starred
    assert result.member("S7") is None
    assert "S7" in [e.member for e in result.table.excluded]


def test_stars_with_quota(result):
    # ranks: S1 100, S2 95, S6 70, S3 61, S5 58, S4 0 — six scored members
    # 四(二)：五星级 ≥ 90 and 不超过本支部党员总数的 20%: 6 × 20% = 1.2 → 1 (向下取整)
    assert result.member("S1").grade("星级") == "五星级"
    # S2 95 ≥ 90 but second → quota cut → 四星级 (else), with the reason given
    assert result.member("S2").grade("星级") == "四星级"
    assert result.member("S2").grades["星级"].reason
    # 支部自定 bands: 70 ≥ 70 → 三星级 (min inclusive); 61 → 二星级; 58 → 一星级; 0 → 零星级
    assert result.member("S6").grade("星级") == "三星级"
    assert result.member("S3").grade("星级") == "二星级"
    assert result.member("S5").grade("星级") == "一星级"
    assert result.member("S4").grade("星级") == "零星级"


def test_outcomes(result):
    # 四(三)：评定为五星级 → 表彰宣传、优先推荐
    assert any("优先对象" in o for o in result.member("S1").outcomes)
    # 四(三)：两星及以下 → 警示谈话、结对帮教; probationary member with low stars → 延长预备期或取消
    s3 = " ".join(result.member("S3").outcomes)
    assert "警示谈话" in s3 and "延长预备期" in s3
    assert "警示谈话" in " ".join(result.member("S5").outcomes)
    # 二(三)：负面清单 → 根据党内有关规定进行处置
    s4 = " ".join(result.member("S4").outcomes)
    assert "处置" in s4 and "警示谈话" in s4
    # 三星级, nothing to do
    assert result.member("S6").outcomes == []
    assert result.member("S2").outcomes == []


# ---- audit addition: activists neither take nor count towards the 20 % five-star places ----

def test_activists_outside_the_member_quota():
    members = [member(f"P{i}", f"党员{i}") for i in range(1, 10)]
    members.append(member("A1", "积极分子甲", status="积极分子"))
    b = Book()
    # 二(二) (支部自定 values): P1 10 + 10 + 5 = 25 → 70 + 25 = 95; P2 10 + 10 + 2 = 22 → 92
    b.add("P1", "center_work", 3, points=10)
    b.add("P1", "reform", 4, points=10)
    b.add("P1", "stability", 5, points=5)
    b.add("P2", "center_work", 3, points=10)
    b.add("P2", "reform", 4, points=10)
    b.add("P2", "stability", 5, points=2)
    # A1 (入党积极分子, 一(三) 参照管理): 10 + 10 + 10 = 30 → 100, the top score in the branch
    b.add("A1", "center_work", 3, points=10)
    b.add("A1", "reform", 4, points=10)
    b.add("A1", "stability", 5, points=10)
    res = year_result(branch(members, b))
    assert [_row(res, m).total for m in ("A1", "P1", "P2", "P3")] == [D(100), D(95), D(92), D(70)]
    # 四(二) 五星级 ≤ 本支部党员总数的 20%: 9 党员 × 20% = 1.8 → 1 (the activist is not a 党员:
    # counting him would give 10 × 20% = 2 places, and his 100 would take one of them)
    assert res.member("P1").grade("星级") == "五星级"
    assert res.member("P2").grade("星级") == "四星级"
    assert "名额" in res.member("P2").grades["星级"].reason
    # 一(三) the activist is starred the same way on his own table, without taking a member's place
    assert res.member("A1").grade("积极分子星级") == "五星级"
    assert res.member("A1").grade("星级") is None
    assert res.member("P3").grade("星级") == "三星级"


def test_probationary_and_activist_outcomes():
    members = [member("P1", "预备甲", status="预备"), member("A1", "积极分子乙", status="积极分子"),
               member("A2", "积极分子丙", status="积极分子")]
    b = Book()
    # P1: 70 + 10 + 5 = 85 → 四星级 (支部自定 80—90)
    b.add("P1", "center_work", 3, points=10)
    b.add("P1", "reform", 4, points=5)
    # A1: 70 + 10 = 80 → 四星级; A2: 二(一) 组织生活 20 − 3 × 5 = 5 → 70 − 15 = 55 → 一星级
    b.add("A1", "center_work", 3, points=10)
    b.add("A2", "absent", 3, times=3)
    res = year_result(branch(members, b))
    assert [_row(res, m).total for m in ("P1", "A1", "A2")] == [D(85), D(80), D(55)]
    assert res.member("P1").grade("星级") == "四星级"
    assert res.member("A1").grade("积极分子星级") == "四星级"
    assert res.member("A2").grade("积极分子星级") == "一星级"
    # 四(三) 预备党员星级评定较高 → 按期转正; 积极分子较高 → 优先接收为预备党员;
    # 积极分子较低 → 谈话诫勉、限期整改 (not the 党员's 警示谈话)
    assert "按期转正" in _outcomes(res, "P1")
    assert "优先接收为预备党员" in _outcomes(res, "A1")
    a2 = _outcomes(res, "A2")
    assert "谈话诫勉" in a2 and "警示谈话" not in a2


def test_a_scale_a_status_takes_no_part_in_is_a_dash_not_ungraded():
    """一(三): the activist has his own 积极分子星级 table, the 党员 the 星级 table.  In the
    year table each shows “—” on the other's table with no remark, and each table's
    statistics count only the members who take part (9 党员 on 星级, 1 on 积极分子星级) —
    nobody is “不定等次” for a table he has nothing to do with."""
    from jifen_cli.render.year import build_year

    members = [member(f"P{i}", f"党员{i}") for i in range(1, 10)] + [member("A1", "积极分子甲", status="积极分子")]
    led = branch(members, Book())
    res = year_result(led)
    assert not res.member("A1").grades["星级"].applicable and res.member("A1").grades["积极分子星级"].applicable
    assert not res.member("P1").grades["积极分子星级"].applicable
    data = build_year(led, YEAR, True, result=res)
    rows = {r["name"]: r for r in data["rows"]}
    assert rows["党员1"]["g:积极分子星级"] == "—" and "不参加" not in rows["党员1"]["remark"]
    assert rows["积极分子甲"]["g:星级"] == "—"
    stats = {s["scale"]: s for s in data["stats"]}
    assert stats["星级"]["scored"] == 9 and stats["积极分子星级"]["scored"] == 1
    assert not [ln for s in stats.values() for ln in s["lines"] if ln["band"] == "不定等次"]
