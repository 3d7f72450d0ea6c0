"""vanguard preset (seed 001, 政务服务中心“先锋指数”) — hand-computed scores and grades."""

from datetime import date
from decimal import Decimal as D

import pytest

from jifen_cli.core import engine
from jifen_cli.core.presets import preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import entry, ledger, meeting, member

YEAR = 2019


def educated(mid):
    """Two party-education sessions: meets 三(一)1(1) “每年接受党性教育不少于2次”."""
    return [entry("2019-03-10", mid, "party_education"), entry("2019-09-10", mid, "party_education")]


DEFAULT_HISTORY = {2018: {"v6": "警示党员"}}

#: 种子001 三(三)4 参学参会率：the sessions the branch held in 2019 (meetings/2019.yaml),
#: one 主题党日 a month; nobody in build() is absent without excuse, so the rate rule stays quiet
SESSIONS = [meeting(f"{YEAR}-{m:02d}-05", "org_life", f"{m}月主题党日") for m in range(1, 13)]


def build(history=DEFAULT_HISTORY):
    members = [member(f"v{i}") for i in range(1, 10)]
    members[4] = member("v5", status="预备")
    members[6] = member("v7", investigation="2019-10-01")
    entries = []
    for mid in ("v1", "v2", "v3", "v4", "v6", "v7", "v8", "v9"):
        entries += educated(mid)
    entries += [
        entry("2019-02-01", "v1", "truant"),
        entry("2019-04-01", "v1", "bonus_award", points=15),
        entry("2019-05-01", "v1", "bonus_award", points=10),
        entry("2019-04-01", "v2", "bonus_award", points=12),
        entry("2019-02-01", "v3", "rumor_minor"),
        entry("2019-03-01", "v3", "rumor_severe"),
        entry("2019-04-01", "v3", "bonus_award", points=20),
        entry("2019-05-01", "v3", "bonus_award", points=2),
        entry("2019-06-01", "v4", "party_probation"),
        entry("2019-02-01", "v5", "illegal_petition", times=2),
        entry("2019-03-01", "v5", "dues_late"),
        entry("2019-04-01", "v5", "party_warning"),
        entry("2019-02-01", "v6", "admin_detention"),
        entry("2019-03-01", "v6", "admin_fine"),
        entry("2019-04-01", "v8", "bonus_award", points=20),
        entry("2019-05-01", "v8", "veto"),
        entry("2019-02-01", "v9", "party_probation"),
        entry("2019-03-01", "v9", "admin_detention", times=5),
    ]
    return ledger("vanguard", members, entries, history=history, meetings=SESSIONS)


@pytest.fixture(scope="module")
def result():
    return engine.year_result(build(), YEAR)


def test_compiles_and_checks_clean():
    assert compile_rules(preset_data("vanguard"), "rules.yaml")[1] == []
    assert engine.check_rules(build()) == []


def totals(result):
    return {m.member: m.row.total for m in result.members}


def test_scores(result):
    t = totals(result)
    # 三(一) base 80; 纪律(1) 无故旷会 −2 → 78; 三(二) bonus 15 + 10 = 25 capped at 20 → 98
    assert t["v1"] == D("98")
    # 80 + 12 = 92
    assert t["v2"] == D("92")
    # 信念(2) rumor −5 then 情节严重 “该项不得分” → part 0 (80 − 10 = 70); bonus 22 → 20 → 90
    assert t["v3"] == D("90")
    assert result.member("v3").row.sections["base"] == D("70")
    # 三(三)7 留党察看 −20: 80 − 20 = 60
    assert t["v4"] == D("60")
    # no party education: 2 missing × 2 = −4 in 信念(1) → 76; 非访 2×5 + 党费 2 + 警告 5 = 17 → 59
    assert result.member("v5").row.sections["base"] == D("76")
    assert result.member("v5").row.sections["deduct"] == D("17")
    assert t["v5"] == D("59")
    # 拘留 15 + 罚款 10 = 25 → 55
    assert t["v6"] == D("55")
    assert t["v7"] == D("80")
    # 三(四) one-vote veto → 0 whatever the bonus
    assert t["v8"] == D("0") and result.member("v8").row.vetoed
    # 80 − (20 + 5×15) = −15, clamped to the minimum 0 (三: 最低分为 0 分); deductions unbounded (三(三))
    assert result.member("v9").row.sections["deduct"] == D("95")
    assert t["v9"] == D("0")


def test_vanguard_quota_and_base_condition(result):
    g = {m.member: m.grade("等次") for m in result.members}
    # 五: ≥ 90 and base ≥ 75, at most 20 % of 9 = 1.8 → 1 → only v1
    assert g["v1"] == "先锋党员"
    assert g["v2"] == "合格党员"
    reason = result.member("v2").grades["等次"].reason
    assert "名额" in reason and "第2名" in reason and "取1名" in reason
    # v3 has 90 but base 70 < 75 → 合格党员
    assert g["v3"] == "合格党员"
    assert "基本指数不低于75分" in result.member("v3").grades["等次"].reason


def test_sanctions_investigation_veto(result):
    g = {m.member: m.grade("等次") for m in result.members}
    assert g["v4"] == "不合格党员"  # 留党察看 → 不合格 though 60 is 合格 by score
    assert "留党察看" in result.member("v4").grades["等次"].reason
    assert g["v7"] == "不合格党员"  # under investigation → 不合格 until decided
    assert g["v8"] == "不合格党员"  # veto
    assert g["v9"] == "不合格党员"


def test_probationary_warning_extends_probation(result):
    v5 = result.member("v5")
    # 59 < 60 → 警示党员 (and the 警告 sanction forces 警示 too); 预备党员警示 → 延长预备期一年
    assert v5.grade("等次") == "警示党员"
    assert any("延长预备期一年" in o for o in v5.outcomes)


def test_two_years_warning_becomes_unqualified(result):
    v6 = result.member("v6")
    # 55 → 警示党员; 2018 (history) 警示党员 → 连续两年警示 → 不合格党员
    assert v6.grade("等次") == "不合格党员"
    assert "连续2年" in v6.grades["等次"].reason


def test_one_year_warning_stays_warning():
    result = engine.year_result(build(history={}), YEAR)
    assert result.member("v6").grade("等次") == "警示党员"


def test_two_years_from_ledger_not_history():
    led = build(history={})
    # a 2018 ledger year where v6 also scored below 60 (80 − 15 − 10 = 55, education missing −4 → 51)
    led.entries += [entry("2018-02-01", "v6", "admin_detention"), entry("2018-03-01", "v6", "admin_fine")]
    result = engine.year_result(led, YEAR)
    assert result.member("v6").grade("等次") == "不合格党员"


# ---- audit additions: bounds of 五、, administrative penalties, probationary two years ------

def test_bounds_admin_penalty_and_probationary_two_years():
    members = [member(m) for m in ("b1", "b2", "b3", "b4", "b5")] + [member("p1", status="预备")]
    entries = []
    for mid in ("b1", "b2", "b3", "b4", "b5", "p1"):
        entries += educated(mid)
    entries += [
        # b1: 信念(2) 情节轻微 −5 → base 75 (exactly 五、“不低于 75 分”); bonus 15 → 90 (“90 分以上”)
        entry("2019-02-01", "b1", "rumor_minor"),
        entry("2019-04-01", "b1", "bonus_award", points=15),
        # b2: −5 and 纪律(1) 请假 −1 → base 74 < 75; bonus 20 → 94 ≥ 90 but not 先锋
        entry("2019-02-01", "b2", "rumor_minor"),
        entry("2019-03-01", "b2", "leave"),
        entry("2019-04-01", "b2", "bonus_award", points=20),
        # b3: 三(三)7 违法行为受到警告处罚 −5 → 75: an administrative penalty costs points only;
        #     五、 forces 警示 only for the party sanctions 警告/严重警告/撤销党内职务
        entry("2019-05-01", "b3", "admin_warning"),
        # b4: 三(三)2 非组织活动 4 × 5 = 20, 4 提前离场 −1 → 80 − 21 = 59; bonus 0.5 → 59.5 < 60
        entry("2019-02-01", "b4", "disunity", times=4),
        entry("2019-03-01", "b4", "leave_early"),
        entry("2019-04-01", "b4", "bonus_award", points="0.5"),
        # b5: 4 × 5 = 20 → exactly 60
        entry("2019-02-01", "b5", "disunity", times=4),
        # p1 (预备): 5 × 5 = 25 → 55
        entry("2019-02-01", "p1", "disunity", times=5),
    ]
    res = engine.year_result(ledger("vanguard", members, entries, history={2018: {"p1": "警示党员"}}), YEAR)
    t = totals(res)
    assert [t[m] for m in ("b1", "b2", "b3", "b4", "b5", "p1")] == [
        D("90"), D("94"), D("75"), D("59.5"), D("60"), D("55")]
    g = {m.member: m.grade("等次") for m in res.members}
    # 五、90 分以上、基本指数分不低于 75 分 (both bounds inclusive); 20 % × 6 = 1.2 → 1 place, b1 the only candidate
    assert g["b1"] == "先锋党员"
    assert g["b2"] == "合格党员"          # base 74 < 75
    assert g["b3"] == "合格党员"          # 60—89, no forced grade for an administrative penalty
    assert g["b4"] == "警示党员"          # 60 分以下
    assert g["b5"] == "合格党员"          # 60—89 includes 60
    # 五、预备党员 连续两年被确定为“警示等次”的，取消预备党员资格 (2018 警示 in history, 2019 55 → 警示);
    # and 连续两年综合评价为警示党员的为不合格党员
    p1 = res.member("p1")
    assert any("取消预备党员资格" in o for o in p1.outcomes)
    assert p1.grade("等次") == "不合格党员"


# ---- 种子001 第53行 三(三)4：参学参会率（absence kind: rate, RULES.md §7.4） -------------
# “无故不参加党的组织生活,缺席一次扣2分；……年内无故参学、参会率不足80%的,扣5分”

TEN = [meeting(f"{YEAR}-{m:02d}-05", "org_life", f"{m}月主题党日") for m in range(1, 11)]


def attendance(entries, members=None, meetings=TEN, horizon=None):
    members = members or [member("a1")]
    # 三(一)1(1) 党性教育 2 次, in December so that members joining mid-year have them too
    base = [entry(f"{YEAR}-12-{d}", m.id, "party_education") for m in members for d in (10, 20)]
    return engine.year_result(ledger("vanguard", members, base + list(entries), meetings=meetings),
                              YEAR, horizon=horizon)


def absent(mid, *months, times=1):
    return [entry(f"{YEAR}-{m:02d}-05", mid, "absent_life", times=times) for m in months]


def test_seed001_line53_rate_below_80_deducts_5_besides_2_per_absence():
    """种子001 第53行：10 次会议，无故缺席 3 次 → (10−3)/10 = 70% < 80% → 扣 5 分；
    另外每次缺席扣 2 分：3 × 2 = 6 → 反向扣分 11，总分 80 − 11 = 69。"""
    res = attendance(absent("a1", 2, 4, 6))
    row = res.member("a1").row
    assert row.sections["deduct"] == D(11)
    assert row.total == D(69)
    steps = [s.format() for s in engine.explain(ledger("vanguard", [member("a1")],
                                                       educated("a1") + absent("a1", 2, 4, 6), meetings=TEN),
                                                "a1", YEAR)]
    assert "年内无故参学参会率不足80%：全年应参加10次，无故缺席3次，参学参会率（10−3）÷10 = 70%，低于80%（-5）" in steps


def test_seed001_line53_exactly_80_is_not_below():
    """种子001 第53行“不足80%”：缺席 2 次 → (10−2)/10 = 80%，不是不足 → 只扣 2 × 2 = 4 → 76。"""
    res = attendance(absent("a1", 2, 4))
    row = res.member("a1").row
    assert (row.sections["deduct"], row.total) == (D(4), D(76))
    steps = [s.format() for s in row.steps if s.kind == "absence"]
    assert steps == ["年内无故参学参会率不足80%：全年应参加10次，无故缺席2次，参学参会率（10−2）÷10 = 80%，不低于80%，不扣分"]


def test_seed001_line53_times_count_as_sessions_missed():
    """一条条目 times: 3 就是缺席 3 次：同 3 条 → 70% → 2 × 3 + 5 = 11。"""
    res = attendance(absent("a1", 3, times=3))
    assert res.member("a1").row.sections["deduct"] == D(11)


def test_seed001_line53_member_joined_in_july_counts_sessions_after_joining():
    """种子001 第53行，7 月 1 日加入的党员：10 次会议（1—10 月 5 日）中只有 7—10 月 4 次应参加。
    缺席 1 次 → 3/4 = 75% < 80% → 扣 5 + 2 = 7 → 73；
    同样缺席 1 次的老党员 9/10 = 90% → 只扣 2 → 78。"""
    members = [member("new", joined=f"{YEAR}-07-01"), member("old")]
    res = attendance(absent("new", 8) + absent("old", 8), members)
    new = res.member("new").row
    assert (new.sections["deduct"], new.total) == (D(7), D(73))
    assert any("全年应参加4次，无故缺席1次，参学参会率（4−1）÷4 = 75%，低于80%" in s.text for s in new.steps)
    old = res.member("old").row
    assert (old.sections["deduct"], old.total) == (D(2), D(78))


def test_seed001_line53_leave_with_excuse_is_not_a_missed_session():
    """因故请假（leave，纪律指数扣 1 分）不是“无故”：请假 5 次 → 基本指数 80 − 5 = 75，参学参会率照 100% 算。"""
    res = attendance([entry(f"{YEAR}-{m:02d}-05", "a1", "leave") for m in (1, 2, 3, 4, 5)])
    row = res.member("a1").row
    assert (row.sections["base"], row.sections["deduct"], row.total) == (D(75), D(0), D(75))


def test_seed001_line53_no_meetings_file_is_not_judged_and_check_warns():
    """没有 meetings/2019.yaml：规则无法判定——不扣 5 分（缺席照扣 3 × 2），explain 说明原因，
    check 给出 W601 警告（指名规则与缺少的文件）。"""
    led = ledger("vanguard", [member("a1")], educated("a1") + absent("a1", 2, 4, 6))
    res = engine.year_result(led, YEAR)
    assert res.member("a1").row.sections["deduct"] == D(6)
    assert any("没有2019年的会议记录（meetings/2019.yaml），无法判定" in s.text for s in res.member("a1").row.steps)
    warnings = [d for d in engine.check_rules(led) if d.code == "W601"]
    assert len(warnings) == 1 and warnings[0].severity == "warning"
    assert "meetings/2019.yaml" in warnings[0].message and "low_attendance" in warnings[0].message
    assert warnings[0].path == ("absence", 1)


def test_seed001_line53_no_session_while_in_the_branch_is_not_judged():
    """11 月加入的党员：10 次会议都在加入之前 → 应参加 0 次，不判定（不扣 5 分）。"""
    res = attendance([], [member("late", joined=f"{YEAR}-11-01")])
    row = res.member("late").row
    assert row.sections["deduct"] == D(0)
    assert any("没有应参加的会议" in s.text for s in row.steps)


def test_seed001_line53_year_in_progress_waits_for_the_year_end():
    """年度未结束（截至 2019-06-30）：缺席 3 次（到 6 月已 3/6 = 50%）也不结算参学参会率，只扣 3 × 2 = 6；
    与 minimum 一样到年底才结算（RULES.md §7.3）；--final（horizon 为年末）照常结算 → 11。"""
    running = attendance(absent("a1", 2, 4, 6), horizon=date(YEAR, 6, 30))
    assert running.member("a1").row.sections["deduct"] == D(6)
    assert not any("参学参会率" in s.text for s in running.member("a1").row.steps)
    final = attendance(absent("a1", 2, 4, 6), horizon=date(YEAR, 12, 31))
    assert final.member("a1").row.sections["deduct"] == D(11)
