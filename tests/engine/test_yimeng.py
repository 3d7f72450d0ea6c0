"""Preset yimeng (沂蒙山管理局 党员奉献量化积分制, seed 003) against results computed by hand.

Seed: 003_52458d656461d77c.txt.  Clauses: "一(一)1" 基本分 100 (附件2: 组织活动 30、履职尽责 30、
交纳党费 20、恪守四德 10、其他表现 10), "一(一)2" 奉献分, "一(一)3" 扣减分 and 一票否决,
"一(三)3" 评议 bands, held 每半年一次 (records with period H1/H2; the year's 评议分 is the average of the
two, 支部自定), "一(三)4" 年度积分 = 基本分 + 奉献分 + 评议分 − 扣减分, "二" 结果运用 (前 20%, 末位, 连续两年).
Points the seed leaves to the branch are the 支部自定 values of the preset.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jifen_cli.core import engine
from jifen_cli.core.model import Evaluation, Loc
from jifen_cli.core.presets import preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import entry, ledger, member

LABEL = "yimeng"
YEAR = 2019


class Book(list):
    """Entries dated in YEAR (day 15 of ``month``) unless told otherwise."""

    def add(self, mid, item, month=6, day=15, *, year=YEAR, **kw) -> str:
        self.append(entry(f"{year}-{month:02d}-{day:02d}", mid, item, **kw))
        return self[-1].id


def half(who, period, name, score=None, year=YEAR) -> Evaluation:
    """One half-yearly evaluation record (一(三)3), as evaluations/<year>.yaml holds it: ``period: H1|H2``."""
    return Evaluation(year=year, member=who, votes={}, band=name,
                      score=D(str(score)) if score is not None else None, note="", period=period,
                      loc=Loc(f"evaluations/{year}.yaml"))


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
    # 一(一)1 / 附件2：基本分 100 = 30 + 30 + 20 + 10 + 10
    assert scheme.section("basic").full == 100
    assert [p.full for p in scheme.section("basic").parts] == [30, 30, 20, 10, 10]
    # 附件2：奉献分 12 项 + 其他奉献
    assert len(scheme.section("contribution").items) == 13
    # 一(三)3：四个等次，每半年评议一次，两次取平均（支部自定）
    ev = scheme.section("evaluation").evaluation
    assert list(ev.bands) == ["优秀", "合格", "基本合格", "不合格"]
    assert (ev.periods, ev.combine) == ("half", "average")


# ---- the branch ----------------------------------------------------------------------
# Seven members; Y5 does not take part (一(一) 经批准可不参与), so six are scored and ranked.

@pytest.fixture(scope="module")
def result():
    members = [
        member("Y1", "甲"),
        member("Y2", "乙"),
        member("Y3", "丙"),
        member("Y4", "丁"),
        member("Y5", "戊", exempt="2019-01-05"),
        member("Y6", "己"),
        member("Y7", "庚"),
    ]
    b = Book()
    # 2018: everybody 100 (no entries, no evaluation) except Y6, 品行不端 once → 95, last place
    b.add("Y6", "misconduct", 10, year=2018)
    # 2019
    # Y1: 生态保护 5, 科学研究 2, 志愿服务 3 times → 奉献分 10
    b.add("Y1", "eco", 3, points=5)
    b.add("Y1", "research", 6, points=2)
    b.add("Y1", "volunteer", 9, times=3)
    # Y2: 履职尽责 short by 3; 规划发展 5, 宣传交流 5, “双报到” 5 times; 不按时参加集体学习 once
    b.add("Y2", "duty_short", 12, points=3)
    b.add("Y2", "planning", 4, points=5)
    b.add("Y2", "publicity", 5, points=5)
    b.add("Y2", "double_report", 10, times=5)
    b.add("Y2", "study_absent", 7)
    # Y3: 不按时参加组织生活或交纳党费 twice
    b.add("Y3", "org_dues_late", 2, times=2)
    # Y4: 乡村振兴 5 and 文明创建 3, then 弄虚作假骗取积分 → 一票否决
    b.add("Y4", "rural", 4, points=5)
    b.add("Y4", "civility", 5, points=3)
    b.add("Y4", "veto", 11, subject="弄虚作假骗取积分")
    # Y6: 组织活动 30、履职尽责 30、交纳党费 20 all lost; 侵害群众利益 twice; 其它扣分 5
    b.add("Y6", "activity_short", 12, points=30)
    b.add("Y6", "duty_short", 12, points=30)
    b.add("Y6", "dues_short", 12, points=20)
    b.add("Y6", "harm_masses", 6, times=2)
    b.add("Y6", "other_deduct", 8, points=5)
    # Y7: 文明创建 3
    b.add("Y7", "civility", 6, points=3)
    # 一(三)3：两次半年评议 (H1 in July, H2 in December), each a band with a score inside it
    evals = [
        half("Y1", "H1", "优秀", 96), half("Y1", "H2", "优秀", 94),          # (96 + 94) / 2 = 95
        half("Y2", "H1", "优秀", 98), half("Y2", "H2", "优秀", 92),          # (98 + 92) / 2 = 95
        half("Y3", "H1", "合格", 86), half("Y3", "H2", "合格", 83),          # (86 + 83) / 2 = 84.5
        half("Y4", "H1", "优秀", 90), half("Y4", "H2", "基本合格", 70),      # (90 + 70) / 2 = 80
        half("Y7", "H1", "基本合格", 75), half("Y7", "H2", "基本合格", 65),  # (75 + 65) / 2 = 70
        # Y6: no evaluation record → 评议分 0
    ]
    return year_result(branch(members, b, evals))


def test_contribution_and_evaluation(result):
    r = _row(result, "Y1")
    # 一(一)1 基本分 100 untouched
    assert r.sections["basic"] == D(100)
    # 一(一)2 奉献分 5 + 2 + 3×1 (志愿服务 1 分/次, 支部自定) = 10
    assert r.sections["contribution"] == D(10)
    # 一(三)3 H1 优秀 96, H2 优秀 94 (90—100) → 评议分 (96 + 94) / 2 = 95
    assert r.sections["evaluation"] == D(95)
    # 一(三)4 100 + 10 + 95 − 0 = 205
    assert r.total == D(205)


def test_formula_with_deduction(result):
    r = _row(result, "Y2")
    # 附件2 履职尽责 30 − 3 → basic 97
    assert r.sections["basic"] == D(97)
    # 5 + 5 + 5×1 = 15
    assert r.sections["contribution"] == D(15)
    # 附件2 扣减分：不按时参加集体学习 1 次 × 2 (支部自定) = 2
    assert r.sections["deduct"] == D(2)
    # 一(三)4 97 + 15 + 95 − 2 = 205 (tied with Y1)
    assert r.total == D(205)


def test_org_life_deductions(result):
    r = _row(result, "Y3")
    # 附件2 不按时参加组织生活或交纳党费 2 × 3 (支部自定) = 6
    assert r.sections["deduct"] == D(6)
    # 一(三)3 H1 合格 86, H2 合格 83 (80—89) → (86 + 83) / 2 = 84.5
    assert r.sections["evaluation"] == D("84.5")
    # 一(三)4 100 + 0 + 84.5 − 6 = 178.5
    assert r.total == D("178.5")
    # 一(三)3 Y7: H1 基本合格 75, H2 基本合格 65 → 70;  一(三)4 100 + 3 + 70 − 0 = 173
    assert _row(result, "Y7").sections["evaluation"] == D(70)
    assert _row(result, "Y7").total == D(173)


def test_veto(result):
    r = _row(result, "Y4")
    # 一(三)3 H1 优秀 90, H2 基本合格 70 → 评议分 (90 + 70) / 2 = 80 (computed, then overridden below)
    assert r.sections["evaluation"] == D(80)
    # 一(一)3 弄虚作假骗取积分 → 一票否决; year score 0 (支部自定: 种子未规定否决后的分数)
    assert r.vetoed
    assert r.total == D(0)
    # 二：有一票否决等事项的 → 党支部进行帮助谈话 (one year only: no 不合格)
    assert "帮助谈话" in _outcomes(result, "Y4")
    assert result.member("Y4").grade("等次") == "合格"


def test_sub_items_and_unbounded_deductions(result):
    r = _row(result, "Y6")
    # 附件2：组织活动 30、履职尽责 30、交纳党费 20 all lost → basic 100 − 80 = 20
    assert r.sections["basic"] == D(20)
    # 附件2：侵害群众利益 2 × 10 + 其它 5 = 25 (扣减分不设下限)
    assert r.sections["deduct"] == D(25)
    # no evaluation record → 评议分 0 (RULES.md 8.3)
    assert r.sections["evaluation"] == D(0)
    # 一(三)4 20 + 0 + 0 − 25 = −5 (no floor)
    assert r.total == D(-5)


def test_exempt_member_not_scored(result):
    # 一(一)：经批准可不参与党员奉献量化积分制管理
    assert result.member("Y5") is None


def test_top_20_percent_with_tie(result):
    # ranks: Y1 205 (1), Y2 205 (1), Y3 178.5 (3), Y7 173 (4), Y4 0 (5), Y6 −5 (6)
    # 二：优秀…应处于支部排名前 20%: 6 × 20% = 1.2 → 1; Y1 and Y2 tie at rank 1 → both in (并列同进同出)
    assert result.member("Y1").grade("等次") == "优秀"
    assert result.member("Y2").grade("等次") == "优秀"
    # rank 3 → not in the top 20% → 合格 (二: no score line; 合格 is 优秀's else), with the reason given
    assert result.member("Y3").grade("等次") == "合格"
    assert "20%" in result.member("Y3").grades["等次"].reason
    assert result.member("Y7").grade("等次") == "合格"
    # Y4 (0, vetoed once) is 合格 too: a zero total has no band of its own (二: 不合格 only by the year rules)
    assert result.member("Y4").grade("等次") == "合格"


def test_last_place_two_years_running(result):
    # 二：Y6 末位 in 2018 (95 vs 100) and in 2019 (−5) → 连续两年排名末位 → 按不合格党员处置
    assert result.member("Y6").grade("等次") == "不合格"
    o = _outcomes(result, "Y6")
    assert "帮助谈话" in o and "不合格党员处置" in o
    # nobody else is last
    assert "帮助谈话" not in _outcomes(result, "Y3")
    assert result.member("Y1").outcomes == []


def test_last_place_once_is_only_a_talk():
    # 二：末位 in 2019 only → 帮助谈话, not 不合格
    b = Book()
    b.add("A", "misconduct", 5)
    res = year_result(branch([member("A", "甲"), member("B", "乙"), member("C", "丙")], b))
    # 一(三)4 A: 100 − 5 = 95, B and C 100
    assert _row(res, "A").total == D(95)
    assert "帮助谈话" in _outcomes(res, "A")
    assert res.member("A").grade("等次") == "合格"
    # 3 × 20% = 0.6 → 0 places: nobody is 优秀 (B and C tie at rank 1 > 0)
    assert res.member("B").grade("等次") == "合格"


def test_veto_two_years_running():
    # 二：连续两年有一票否决事项 → 按不合格党员处置
    b = Book()
    b.add("A", "veto", 5, year=2018, subject="无正当理由完不成工作计划")
    b.add("A", "veto", 5, subject="不执行党组织决定")
    b.add("B", "misconduct", 5, times=30)   # B below A (100 − 150 = −50) so A is not last
    res = year_result(branch([member("A", "甲"), member("B", "乙"), member("C", "丙")], b))
    assert _row(res, "A").total == D(0)
    assert _row(res, "B").total == D(-50)
    assert res.member("A").grade("等次") == "不合格"
    assert "不合格党员处置" in _outcomes(res, "A")
    # B: −50 is 末位 in 2019 only (2018: A 0 was last, B 100) → 帮助谈话; 二 gives no score line, so even a
    # negative total is 合格 (优秀's else), not 不合格
    assert "帮助谈话" in _outcomes(res, "B")
    assert res.member("B").grade("等次") == "合格"


# ---- grades reached only by force or else (种子003 二) -----------------------------------

def test_grade_bands_have_no_score_ranges():
    # 种子003 二：前 20% 可评优秀，其余合格；不合格只由“连续两年末位/一票否决”得到 — no score line anywhere
    scheme, _ = compile_rules(preset_data(LABEL), f"rules/{LABEL}.yaml")
    bands = {b.name: b for b in scheme.scales[0].bands}
    assert list(bands) == ["优秀", "合格", "不合格"]
    assert all(b.min is None and b.max is None and b.below is None for b in bands.values())
    assert bands["优秀"].otherwise == "合格" and not bands["优秀"].forced
    assert bands["合格"].forced and bands["不合格"].forced


def test_only_the_year_rules_give_unqualified():
    # 二：5 members, 5 × 20% = 1 → 1 place.  A: 生态保护 5 + 规划发展 5 + 科学研究 5 + 综合保障 5 = 20 → 100 + 20 = 120
    # (rank 1) → 优秀; B, C, D 100 → 合格.
    # E: 侵害群众利益 111 × 10 (支部自定) = 1110 → 100 − 1110 = −1010, below the old placeholder line −1000;
    # 末位 in 2019 only (no 2018 records) → 帮助谈话 and still 合格 (二: 不合格 only after two years running).
    b = Book()
    b.add("A", "eco", 4, points=5)
    b.add("A", "planning", 5, points=5)
    b.add("A", "research", 6, points=5)
    b.add("A", "support", 7, points=5)
    b.add("E", "harm_masses", 4, times=111)
    res = year_result(branch([member(m) for m in "ABCDE"], b))
    assert _row(res, "A").total == D(120)
    assert _row(res, "E").total == D(-1010)
    assert res.member("A").grade("等次") == "优秀"
    assert [res.member(m).grade("等次") for m in "BCDE"] == ["合格"] * 4
    assert "帮助谈话" in _outcomes(res, "E")


# ---- half-yearly evaluation (种子003 一(三)3) ----------------------------------------------

def test_half_yearly_evaluation_average():
    # 一(三)3：每半年评议一次；H1 优秀 94, H2 合格 86 → 评议分 (94 + 86) / 2 = 90
    # 一(三)4：100 + 0 + 90 − 0 = 190
    led = branch([member("A", "甲")], Book(), [half("A", "H2", "合格", 86), half("A", "H1", "优秀", 94)])
    r = _row(year_result(led), "A")
    assert r.sections["evaluation"] == D(90)
    assert r.total == D(190)
    assert engine.check_rules(led) == []


def test_half_year_band_scores_fall_back_to_the_band_floor():
    # 一(三)3：H1 不合格 with score 50 (“60 分以下”, 0—59), H2 合格 with no score → floor of 80—89 = 80
    # (RULES.md §8.2, E605 flags the missing score) → (50 + 80) / 2 = 65;  一(三)4：100 + 65 = 165
    led = branch([member("A", "甲")], Book(), [half("A", "H1", "不合格", 50), half("A", "H2", "合格")])
    assert _row(year_result(led), "A").total == D(165)
    assert [d.code for d in engine.check_rules(led)] == ["E605"]


# ---- edges: a tie on the last place of the 20 %, band edges of 一(三)3, hand-computed ---------------

def test_top_20_percent_tie_on_the_last_place():
    # 二：10 members × 20% = 2 places (名次 ≤ 2).  M1 生态保护 5 → 105 (rank 1); M2, M3 规划发展 3 → 103 (rank 2, 2);
    # M4—M9 100 (rank 4); M10 品德行为不端 5 (支部自定) → 95 (rank 10, 末位).
    # M2 and M3 tie on rank 2 ≤ 2 → both in (并列同进同出): 3 优秀 although 20% × 10 = 2
    b = Book()
    b.add("M1", "eco", 3, points=5)
    b.add("M2", "planning", 4, points=3)
    b.add("M3", "planning", 4, points=3)
    b.add("M10", "misconduct", 5)
    ids = [f"M{i}" for i in range(1, 11)]
    res = year_result(branch([member(m) for m in ids], b))
    assert [_row(res, m).total for m in ("M1", "M2", "M3", "M4", "M10")] == [D(105), D(103), D(103), D(100), D(95)]
    assert [res.member(m).rank for m in ("M1", "M2", "M3", "M4", "M10")] == [1, 2, 2, 4, 10]
    grades = [res.member(m).grade("等次") for m in ids]
    assert grades == ["优秀"] * 3 + ["合格"] * 7
    # 二：末位 (M10 alone) → 帮助谈话; the six tied at 100 are not last
    assert "帮助谈话" in _outcomes(res, "M10")
    assert all(res.member(m).outcomes == [] for m in ids[3:9])


def test_evaluation_band_edges():
    # 一(三)3：优秀 90—100, 合格 80—89, 基本合格 60—79, 不合格 60 分以下 (0—59 in the preset): every edge is
    # accepted (no E605); the year's 评议分 is the average of H1 and H2 (支部自定):
    # P: 优秀 90, 合格 89 → 89.5;  Q: 合格 80, 基本合格 79 → 79.5;  R: 基本合格 60, 不合格 59 → 59.5;
    # S: 优秀 100, 不合格 0 → 50.   一(三)4 totals: 100 + 评议分
    evals = [half("P", "H1", "优秀", 90), half("P", "H2", "合格", 89),
             half("Q", "H1", "合格", 80), half("Q", "H2", "基本合格", 79),
             half("R", "H1", "基本合格", 60), half("R", "H2", "不合格", 59),
             half("S", "H1", "优秀", 100), half("S", "H2", "不合格", 0)]
    led = branch([member(m) for m in "PQRS"], Book(), evals)
    assert engine.check_rules(led) == []
    res = year_result(led)
    assert {m: _row(res, m).sections["evaluation"] for m in "PQRS"} == \
        {"P": D("89.5"), "Q": D("79.5"), "R": D("59.5"), "S": D(50)}
    assert {m: _row(res, m).total for m in "PQRS"} == \
        {"P": D("189.5"), "Q": D("179.5"), "R": D("159.5"), "S": D(150)}


def test_evaluation_score_outside_its_band():
    # 一(三)3：合格 is 80—89; a 合格 record with score 90 is out of its band → E605, counted at the band's low end 80
    # (RULES.md §8.2); only the H1 record exists, so the average is that one record (RULES.md §8.3a) → 评议分 80;
    # 一(三)4：100 + 80 = 180
    led = branch([member("T", "甲")], Book(), [half("T", "H1", "合格", 90)])
    assert [d.code for d in engine.check_rules(led)] == ["E605"]
    assert _row(year_result(led), "T").total == D(180)
