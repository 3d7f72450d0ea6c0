"""Preset guangrong (光荣院党员积分制管理, seed 001) against results computed by hand.

Every expectation is commented with the clause of seed 001 (001_761709d9094f6f4d.txt, the 光荣院
办法 around lines 491—571) and the arithmetic.  "(二)(1)" is 讲规矩 item (1), "运用(一)" the first
clause of 积分运用; values the seed leaves to the branch are the preset's 支部自定 values
(表彰 levels 省部级及以上 5 / 市级 3 / 退役军人事务局 2; 排名靠前/靠后 = 20 %, rounded up).
"""

from __future__ import annotations

import pytest

from jifen_cli.core import engine
from jifen_cli.core.presets import preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import D, entry, ledger, member

LABEL = "guangrong"
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
    # 基准积分 80 = 讲政治 30 + 讲规矩 20 + 讲道德 10 + 讲奉献 20
    assert [scheme.section(c).full for c in ("politics", "rules", "morals", "contribution")] == [30, 20, 10, 20]


# ---- the branch ----------------------------------------------------------------------

def _rules_and_morals(b, mid):
    """讲规矩 (1)—(4) 5 + 5 + 5 + 5 and 讲道德 (1)—(3) 4 + 4 + 2, credited once at year end."""
    for item in ("integrity_ok", "attend_ok", "dues_ok", "regs_ok", "virtue_ok", "family_ok", "healthy_ok"):
        b.add(mid, item, 12, 20)


def _monthly(b, mid, months=12):
    """讲政治 (4): 每月 2 分."""
    for m in range(1, months + 1):
        b.add(mid, "monthly_study", m, 28)


@pytest.fixture(scope="module")
def result():
    members = [
        member("G1", "甲"), member("G2", "乙"), member("G3", "丙"), member("G4", "丁", status="预备"),
        member("G5", "戊"), member("G6", "己"), member("G7", "庚"), member("G9", "辛"),
    ]
    b = Book()
    # G1: far more study than 30; 优秀 + no errors + commitment (28 > 20); one honour at two levels
    b.add("G1", "app", 3, quantity=3000)
    b.add("G1", "app", 9, quantity=3400)
    b.add("G1", "group_study", 4, times=8)
    b.add("G1", "notes", 5, times=6)
    _monthly(b, "G1")
    _rules_and_morals(b, "G1")
    b.add("G1", "appraisal", 12, 25, level="优秀")
    b.add("G1", "no_error", 12, 25)
    b.add("G1", "promise", 12, 25)
    b.add("G1", "honour", 6, level="市级", subject="抗洪抢险")
    b.add("G1", "honour", 9, level="省部级及以上", subject="抗洪抢险")
    # G6: full study, 优秀, a 市级 honour
    _monthly(b, "G6")
    b.add("G6", "group_study", 4, times=6)
    _rules_and_morals(b, "G6")
    b.add("G6", "appraisal", 12, 25, level="优秀")
    b.add("G6", "honour", 10, level="市级", subject="优秀党员")
    # G9: app points 800 + 699 = 1499 → 2 (not 3); 称职 + no errors + commitment; 市级 honour
    _monthly(b, "G9")
    b.add("G9", "app", 4, quantity=800)
    b.add("G9", "app", 11, quantity=699)
    b.add("G9", "group_study", 5, times=4)
    _rules_and_morals(b, "G9")
    b.add("G9", "appraisal", 12, 25, level="称职")
    b.add("G9", "no_error", 12, 25)
    b.add("G9", "promise", 12, 25)
    b.add("G9", "honour", 7, level="市级", subject="志愿服务先进个人")
    # G4 (预备): full study, 称职 + commitment, dues late twice
    _monthly(b, "G4")
    b.add("G4", "group_study", 3, times=6)
    _rules_and_morals(b, "G4")
    b.add("G4", "appraisal", 12, 25, level="称职")
    b.add("G4", "promise", 12, 25)
    b.add("G4", "dues_late", 5, times=2)
    # G5: 称职 + no errors + commitment, a 警告 sanction (留党察看以下)
    _monthly(b, "G5")
    b.add("G5", "group_study", 3)
    _rules_and_morals(b, "G5")
    b.add("G5", "appraisal", 12, 25, level="称职")
    b.add("G5", "no_error", 12, 25)
    b.add("G5", "promise", 12, 25)
    b.add("G5", "sanction", 8, note="党内警告")
    # G7: a verified complaint and dues late once
    _monthly(b, "G7")
    b.add("G7", "notes", 6, times=2)
    _rules_and_morals(b, "G7")
    b.add("G7", "appraisal", 12, 25, level="称职")
    b.add("G7", "promise", 12, 25)
    b.add("G7", "complaint", 7)
    b.add("G7", "dues_late", 9)
    # G2: six months of study only; 大操大办 (廉洁自律 zeroed), no 按时参加 credit but 3 activities,
    #     封建迷信 (生活健康 zeroed); one unexcused absence
    _monthly(b, "G2", months=6)
    b.add("G2", "app", 8, quantity=2600)
    b.add("G2", "group_study", 4, times=4)
    b.add("G2", "notes", 5, times=3)
    for item in ("integrity_ok", "dues_ok", "regs_ok", "virtue_ok", "family_ok", "healthy_ok"):
        b.add("G2", item, 12, 20)
    b.add("G2", "lavish", 10)
    b.add("G2", "activity", 3, times=3)
    b.add("G2", "superstition", 11)
    b.add("G2", "appraisal", 12, 25, level="称职")
    b.add("G2", "no_error", 12, 25)
    b.add("G2", "promise", 12, 25)
    b.add("G2", "absent", 4)
    # G3: full credits, then a 留党察看 sanction
    _monthly(b, "G3")
    b.add("G3", "group_study", 3, times=6)
    _rules_and_morals(b, "G3")
    b.add("G3", "appraisal", 12, 25, level="称职")
    b.add("G3", "sanction_severe", 10, note="留党察看一年")
    return year_result(members, b)


def test_caps_and_highest_honour(result):
    r = row(result, "G1")
    # (一)(1) (3000 + 3400) ÷ 500 = 12.8 → 12;  (2) 8 × 1;  (3) 6 × 0.5 = 3;  (4) 12 × 2 = 24
    # 12 + 8 + 3 + 24 = 47 > 30 → 讲政治 30
    assert r.sections["politics"] == D(30)
    assert r.sections["rules"] == D(20)          # (二)(1)—(4) 5 × 4
    assert r.sections["morals"] == D(10)         # (三) 4 + 4 + 2
    # (四)(1) 优秀 20 + (2) 5 + (4) 3 = 28 > 20 → 讲奉献 20
    assert r.sections["contribution"] == D(20)
    # (四)(5) 同一项目以最高级表彰积分，不累计: 抗洪抢险 市级 3 and 省部级及以上 5 → 5
    assert r.sections["honours"] == D(5)
    # 30 + 20 + 10 + 20 + 5 − 0 = 85
    assert r.total == D(85)


def test_app_points_summed_before_dividing(result):
    r = row(result, "G9")
    # (一)(1) 800 + 699 = 1499 → 1499 ÷ 500 = 2.998 → 2;  (2) 4;  (4) 24 → 2 + 4 + 24 = 30
    assert r.sections["politics"] == D(30)
    # (四) 称职 10 + 5 + 3 = 18;  honours 市级 3
    assert r.sections["contribution"] == D(18)
    # 30 + 20 + 10 + 18 + 3 = 81
    assert r.total == D(81)


def test_other_scores(result):
    # G6: 24 + 6 = 30; 20; 10; 优秀 20; 市级 3 → 83
    assert row(result, "G6").total == D(83)
    # G4 (预备): 24 + 6 = 30; 20; 10; 称职 10 + 3 = 13 → 73; (五)(2) 2 × 2 = 4 → 69
    assert row(result, "G4").sections["deduct"] == D(4)
    assert row(result, "G4").total == D(69)
    # G5: 24 + 1 = 25; 20; 10; 10 + 5 + 3 = 18 → 73; (五)(3) 留党察看以下处分 −10 → 63
    assert row(result, "G5").sections["deduct"] == D(10)
    assert row(result, "G5").total == D(63)
    # G7: 24 + 2 × 0.5 = 25; 20; 10; 10 + 3 = 13 → 68; (五)(4) 5 + (五)(2) 2 = 7 → 61
    assert row(result, "G7").sections["deduct"] == D(7)
    assert row(result, "G7").total == D(61)


def test_items_zeroed_and_activities(result):
    r = row(result, "G2")
    # (一)(1) 2600 ÷ 500 = 5.2 → 5;  (2) 4;  (3) 3 × 0.5 = 1.5;  (4) 6 × 2 = 12 → 22.5
    assert r.sections["politics"] == D("22.5")
    # (二)(1) 大操大办 → 该项不得分 0;  (二)(2)/(5) no 按时参加 credit, 3 activities × 1 = 3;
    # (二)(3) 5;  (二)(4) 5  → 0 + 3 + 5 + 5 = 13
    assert r.sections["rules"] == D(13)
    # (三)(3) 封建迷信 → 该项不得分: 4 + 4 + 0 = 8
    assert r.sections["morals"] == D(8)
    # (四) 称职 10 + 5 + 3 = 18
    assert r.sections["contribution"] == D(18)
    # (五)(1) one absence −1
    assert r.sections["deduct"] == D(1)
    # 22.5 + 13 + 8 + 18 − 1 = 60.5
    assert r.total == D("60.5")


def test_severe_sanction_zeroes_the_year(result):
    r = row(result, "G3")
    # (五)(3) 留党察看以上的，全年记 0 分 (otherwise 30 + 20 + 10 + 10 = 70)
    assert r.vetoed
    assert r.total == D(0)


def test_grades_and_ranks(result):
    # ranks: G1 85 (1), G6 83 (2), G9 81 (3), G4 69 (4), G5 63 (5), G7 61 (6), G2 60.5 (7), G3 0 (8)
    # 排名靠前/靠后 (支部自定) = 8 × 20% = 1.6 → rounded up 2
    assert result.member("G1").grade("等次") == "好"      # 运用(一) ≥ 80 且排名靠前 (1st)
    assert result.member("G6").grade("等次") == "好"      # ≥ 80, 2nd ≤ 2
    assert result.member("G9").grade("等次") == "一般"    # ≥ 80 but 3rd: not 排名靠前 → 一般
    assert result.member("G5").grade("等次") == "一般"    # 63 in 60—69 but 5th: not 排名靠后 → 一般 (支部自定)
    assert result.member("G7").grade("等次") == "一般"    # 61, 6th: not in the last 2
    assert result.member("G2").grade("等次") == "差"      # 运用(一) 60.5 in 60—69 且排名靠后 (7th of 8)
    assert result.member("G3").grade("等次") == "不合格"  # 运用(一) 低于 60 分
    # 适用范围: 预备党员纳入积分管理，但不参与评定等次
    assert result.member("G4").grade("等次") is None
    assert result.member("G4").rank == 4


def test_outcomes(result):
    # 运用(二) 排名靠前 (first 2: G1, G6) → 优先作为评先评优的推荐对象
    assert "评先评优的推荐对象" in outcomes(result, "G6")
    assert "评先评优的推荐对象" not in outcomes(result, "G9")
    # 运用(一) 预备党员年度积分未达到 70 分 (69) → 可延长预备期
    assert "延长预备期" in outcomes(result, "G4")
    # 运用(三) 排名靠后 (last 2: G2, G3) → 诫勉谈话
    assert "诫勉谈话" in outcomes(result, "G2")
    assert "诫勉谈话" in outcomes(result, "G3")
    assert "诫勉谈话" not in outcomes(result, "G7")
    # 运用(四) 不合格党员 → 处置
    assert "处置" in outcomes(result, "G3")


# ---- band edges: 80 (含) / 70 (含) / 60 (含) and the ranking conditions ------------------

def _full_80(b, mid, group_study=6, notes=0):
    """讲政治 (4) 12 × 2 = 24 + (2) group_study × 1 + (3) notes × 0.5;  讲规矩 20;  讲道德 10;
    讲奉献 (1) 优秀 20 → with 6 group studies: 30 + 20 + 10 + 20 = 80."""
    _monthly(b, mid)
    b.add(mid, "group_study", 3, times=group_study)
    if notes:
        b.add(mid, "notes", 4, times=notes)
    _rules_and_morals(b, mid)
    b.add(mid, "appraisal", 12, 25, level="优秀")


@pytest.fixture(scope="module")
def edges():
    members = [member(f"K{i}", f"边{i}") for i in range(1, 10)]
    members[4] = member("K5", "边5", status="预备")
    members[5] = member("K6", "边6", status="预备")
    b = Book()
    for mid in ("K1", "K2", "K3", "K5", "K7", "K9"):
        _full_80(b, mid)
    for mid in ("K4", "K6", "K8"):
        _full_80(b, mid, group_study=5, notes=1)       # 讲政治 24 + 5 + 0.5 = 29.5 → 79.5
    b.add("K1", "honour", 7, level="市级", subject="优秀党员")              # (四)(5) + 3 → 83
    b.add("K2", "honour", 7, level="退役军人事务局", subject="志愿服务")    # + 2 → 82
    b.add("K5", "sanction", 8, note="党内警告")                            # (五)(3) − 10 → 70
    b.add("K9", "sanction", 8, note="党内警告")                            # − 10 → 70
    b.add("K6", "sanction", 8, note="党内警告")                            # 79.5 − 10 → 69.5
    b.add("K7", "complaint", 5, times=2)                                   # (五)(4) 2 × 5 + (五)(3) 10 → 60
    b.add("K7", "sanction", 8, note="党内警告")
    b.add("K8", "complaint", 5, times=2)                                   # 79.5 − 20 → 59.5
    b.add("K8", "sanction", 8, note="党内警告")
    return year_result(members, b)


def test_edge_totals(edges):
    expected = {"K1": D(83), "K2": D(82), "K3": D(80), "K4": D("79.5"), "K5": D(70), "K9": D(70),
                "K6": D("69.5"), "K7": D(60), "K8": D("59.5")}
    assert {m: row(edges, m).total for m in expected} == expected
    # (一) 30 reached exactly: 24 + 6 = 30;  29.5 one below
    assert row(edges, "K3").sections["politics"] == D(30)
    assert row(edges, "K4").sections["politics"] == D("29.5")


def test_band_edges_and_ranking(edges):
    # 9 scored (预备 K5, K6 included in the ranking): 排名靠前/靠后 = 9 × 20% = 1.8 → 2 (支部自定, ceil)
    # ranks: K1 83 (1), K2 82 (2), K3 80 (3), K4 79.5 (4), K5/K9 70 (5), K6 69.5 (7), K7 60 (8), K8 59.5 (9)
    grade = {m: edges.member(m).grade("等次") for m in ("K1", "K2", "K3", "K4", "K9", "K7", "K8")}
    assert grade == {
        "K1": "好", "K2": "好",      # 运用(一) ≥ 80 且排名靠前 (ranks 1, 2)
        "K3": "一般",                 # exactly 80 but 3rd: not 排名靠前 → 一般
        "K4": "一般",                 # 79.5: in 79—70 (79 分 and its fractions), not 好
        "K9": "一般",                 # exactly 70 (含 70 分) → 一般
        "K7": "差",                   # exactly 60 (含 60 分), 倒数第 2 → 且排名靠后 → 差
        "K8": "不合格",               # 59.5 低于 60 分
    }
    assert edges.member("K8").grades["等次"].forced is False


def test_probationary_seventy_edge(edges):
    # 运用(一) 预备党员年度积分未达到 70 分的，可延长预备期: 70 is not “未达到”, 69.5 is
    assert "延长预备期" not in outcomes(edges, "K5")
    assert "延长预备期" in outcomes(edges, "K6")
    assert edges.member("K5").grade("等次") is None and edges.member("K6").grade("等次") is None
