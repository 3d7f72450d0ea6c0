"""Preset school (金仓湖小学党员“积分管理”, seed 001) against results computed by hand.

Every expectation is commented with the clause of seed 001 (001_761709d9094f6f4d.txt, the 金仓湖
小学 实施办法 around lines 1351—1389) and the arithmetic.  "二、(一)" is 基础积分, "五、3." the
yellow-warning clause; 支部自定 values are those of the preset (five aspects × 16 points; items
and bonus values as commented there; 靠前 = top 20 %, rounded up).  The seed grades members by
the democratic evaluation, not by points: the preset has no grade table, only the rank rules.
"""

from __future__ import annotations

import pytest

from jifen_cli.core import engine
from jifen_cli.core.presets import preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import D, entry, ledger, member

LABEL = "school"
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
    assert scheme.section("basic").full == 80            # 二、(一) 基础积分 80 分
    assert scheme.section("contribution").cap == 20      # 二、(二) 总加分不超过上限 20 分
    assert scheme.scales == []                           # 五、1. 等次由民主评议结果确定


# ---- the branch ----------------------------------------------------------------------

def _book():
    b = Book()
    # ---- 2018 (S2 not yet a member): S1 one service activity, S3 one complaint, S4 nothing
    b.add("S1", "service", 5, year=2018)
    b.add("S3", "complaint", 6, year=2018)
    # ---- 2019
    # S1: honour 优秀教师 区级 then 市级, two student awards, an article, 3 services, 4 volunteer
    b.add("S1", "honour", 3, level="区级", subject="优秀教师")
    b.add("S1", "honour", 9, level="市级", subject="优秀教师")
    b.add("S1", "student_award", 4, level="市级", subject="作文竞赛辅导")
    b.add("S1", "student_award", 11, level="省级及以上", subject="科技创新大赛辅导")
    b.add("S1", "article", 6, level="市级", subject="家校共育经验")
    b.add("S1", "service", 5, times=3)
    b.add("S1", "volunteer", 7, times=4)
    # S2 (预备, joined March): missed one study session, dues late once, 2 services
    b.add("S2", "study_absent", 4)
    b.add("S2", "dues_late", 5)
    b.add("S2", "service", 10, times=2)
    # S3: broke the integrity rules (遵纪守法 zeroed), missed org life, two complaints
    b.add("S3", "integrity_breach", 3)
    b.add("S3", "orglife_absent", 4)
    b.add("S3", "complaint", 5, times=2)
    # S4: 10 unfinished tasks (20 points, more than the 16 of 工作作风), one brave deed
    b.add("S4", "task_incomplete", 9, times=10)
    b.add("S4", "bravery", 8)
    return b


MEMBERS = [
    member("S1", "甲"),
    member("S2", "乙", status="预备", joined="2019-03-01"),
    member("S3", "丙"),
    member("S4", "丁"),
]


@pytest.fixture(scope="module")
def result():
    return year_result(MEMBERS, _book())


@pytest.fixture(scope="module")
def result_2018():
    return year_result(MEMBERS, _book(), year=2018)


def test_contribution_capped(result):
    r = row(result, "S1")
    assert r.sections["basic"] == D(80)
    # 二、(二) 优秀教师 区级 4 / 市级 6 → highest 6 (支部自定); awards 3 + 5 = 8; article 2;
    # service 3 × 1; volunteer 4 × 1 → 6 + 8 + 2 + 3 + 4 = 23 > 20 → 20
    assert r.sections["contribution"] == D(20)
    # 80 + 20 = 100
    assert r.total == D(100)


def test_probationary_member_scored(result):
    r = row(result, "S2")
    # 一、全体党员（含预备党员）: 80 − 2 (study_absent) − 2 (dues_late) = 76; + 2 services = 78
    assert r.sections["basic"] == D(76)
    assert r.total == D(78)


def test_aspect_zeroed(result):
    r = row(result, "S3")
    # 二、(一)3 遵纪守法 zeroed by integrity_breach (−16, the org-life absence adds nothing more);
    # 二、(一)4 2 × 4 = 8 → 80 − 16 − 8 = 56
    assert r.sections["basic"] == D(56)
    assert r.total == D(56)


def test_aspect_loses_at_most_its_value(result):
    r = row(result, "S4")
    # 二、(一)2 10 × 2 = 20 > 16 → 工作作风 0 (−16) → 64;  见义勇为 5 → 69
    assert r.sections["basic"] == D(64)
    assert r.total == D(69)


def test_first_year_last_place_yellow_warning(result_2018):
    # 2018: S1 80 + 1 = 81, S4 80, S3 80 − 4 = 76 → S3 last
    assert row(result_2018, "S3").total == D(76)
    text = outcomes(result_2018, "S3")
    assert "结对帮扶" in text                  # 五、3. 最后一名 → 结对帮扶
    assert "黄色预警" in text                  # 五、3. 积分最低 → 黄色预警
    assert "诫勉谈话" not in text              # first year only


def test_last_two_years_running(result):
    # 2019: S1 100, S2 78, S4 69, S3 56 → S3 last again (2018 last too)
    text = outcomes(result, "S3")
    assert "黄色预警" in text
    assert "诫勉谈话" in text                  # 五、3. 连续两年积分在支部最后一名 → 诫勉谈话
    assert "黄色预警" not in outcomes(result, "S4")


def test_top_of_branch(result):
    # 五、2. 靠前 (支部自定 20% of 4 = 0.8 → 1): S1 only
    assert "评先评优" in outcomes(result, "S1")
    assert "评先评优" not in outcomes(result, "S2")
    assert result.member("S1").rank == 1 and result.member("S3").rank == 4


# ---- edges: the cap reached exactly, an aspect lost exactly, ties at the top and at the bottom ----

@pytest.fixture(scope="module")
def edges():
    b = Book()
    # 2018: E5 one complaint (二、(一)4, 4 支部自定) → 76, the others 80 → E5 last in 2018
    b.add("E5", "complaint", 6, year=2018)
    # 2019
    b.add("E1", "honour", 3, level="国家级", subject="全国优秀教师")       # 10
    b.add("E1", "student_award", 4, level="省级及以上", subject="科技竞赛辅导")  # 5
    b.add("E1", "service", 5, times=5)                                      # 5 × 1
    b.add("E2", "service", 5, times=3)
    b.add("E2", "volunteer", 7, times=2)
    b.add("E3", "service", 5, times=5)
    b.add("E4", "task_incomplete", 9, times=8)                              # 8 × 2 = 16
    b.add("E5", "task_incomplete", 9, times=9)                              # 9 × 2 = 18
    members = [member(m, m) for m in ("E1", "E2", "E3", "E4", "E5", "E6")]
    return year_result(members, b), year_result(members, b, year=2018)


def test_cap_reached_exactly(edges):
    r = row(edges[0], "E1")
    # 二、(二) 国家级表彰 10 + 省级及以上辅导获奖 5 + 5 × 1 = 20 = 上限 20 (not more, nothing cut) → 80 + 20 = 100
    assert r.sections["contribution"] == D(20)
    assert r.total == D(100)


def test_aspect_lost_exactly_and_beyond(edges):
    # 二、(一)2 工作作风扎实 16 (支部自定): E4 8 × 2 = 16 → 0 exactly; E5 9 × 2 = 18 → also 0 (never below)
    # → both 80 − 16 = 64
    assert row(edges[0], "E4").sections["basic"] == D(64)
    assert row(edges[0], "E5").sections["basic"] == D(64)
    assert row(edges[0], "E4").total == row(edges[0], "E5").total == D(64)


def test_ties_at_the_top(edges):
    res = edges[0]
    # E1 100; E2 80 + 3 + 2 = 85; E3 80 + 5 = 85; E6 80; E4, E5 64 → ranks 1, 2, 2, 4, 5, 5
    assert [res.member(m).rank for m in ("E1", "E2", "E3", "E6", "E4", "E5")] == [1, 2, 2, 4, 5, 5]
    # 五、2. 靠前 (支部自定 20%, rounded up): 6 × 20% = 1.2 → 2 places; E2 and E3 tie at rank 2 → all three
    for m in ("E1", "E2", "E3"):
        assert "评先评优" in outcomes(res, m), m
    assert "评先评优" not in outcomes(res, "E6")


def test_tie_for_last_place(edges):
    res, res_2018 = edges
    # 五、3. 最后一名 / 积分最低: E4 and E5 tie at 64 → both are last (并列末位都算) → 结对帮扶 and 黄色预警
    for m in ("E4", "E5"):
        assert "结对帮扶" in outcomes(res, m) and "黄色预警" in outcomes(res, m), m
    # 2018: E5 80 − 4 = 76 was last alone → 2019 连续两年最后一名 → 诫勉谈话 for E5, not for E4
    assert row(res_2018, "E5").total == D(76)
    assert "诫勉谈话" in outcomes(res, "E5")
    assert "诫勉谈话" not in outcomes(res, "E4")


def test_a_branch_of_one_has_no_last_place():
    # 五、3. “本支部最后一名”: a single member is not last of anyone (RULES.md §12 last: 支部只有 1 人时不算)
    res = year_result([member("X", "甲")], Book())
    assert res.member("X").row.total == D(80)
    assert "黄色预警" not in outcomes(res, "X")
