"""Every worked example in docs/RULES.md, run.

The YAML snippets are read from the document itself (found by a marker string), completed into a
minimal rules file where the snippet is a fragment, and the number the text states is checked.  A
change to an example in RULES.md that breaks its stated result fails here.
"""

from __future__ import annotations

import re
import textwrap
from decimal import Decimal as D
from pathlib import Path

import pytest

from jifen_cli.core import engine
from jifen_cli.core.model import Evaluation, Loc
from jifen_cli.core.presets import load_rules_text
from jifen_cli.core.rules import compile_rules

from .helpers import entry, ledger, meeting, member, scored, votes

DOC = Path(__file__).resolve().parents[2] / "docs" / "RULES.md"
BLOCKS = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
YEAR = 2019


def snippet(marker: str, **replace):
    """The one YAML block of RULES.md containing ``marker``, dedented and parsed."""
    found = [b for b in BLOCKS if marker in b]
    assert len(found) == 1, f"{marker!r}: {len(found)} blocks"
    text = textwrap.dedent(found[0])
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return load_rules_text(text)


def rules(sections, **extra):
    data = {"format": 1, "scheme": "文档示例", "sections": sections, "total": {"method": "sum"}}
    data.update(extra)
    scheme, diags = compile_rules(data, "rules.yaml")
    assert [d.format() for d in diags] == []
    return data


def year(data, members, entries=(), evaluations=(), history=None, y=YEAR):
    return engine.year_result(ledger(data, members, entries, evaluations, history), y)


def on(mid, item, when=f"{YEAR}-03-01", **kw):
    return entry(when, mid, item, **kw)


PENALTY = {"code": "deduct", "name": "扣减分", "kind": "penalty",
           "items": [{"code": "std", "name": "违反标准", "points": 5}]}
GRADES = [{"scale": "等次", "bands": [
    {"name": "优秀", "min": 90}, {"name": "合格", "min": 70, "below": 90},
    {"name": "警示", "min": 60, "below": 70}, {"name": "不合格", "below": 60}]}]


# ---- §1 the overall structure ------------------------------------------------------

def test_s1_structure_keys_are_the_language():
    data = snippet("format: 1  ")
    assert set(data) >= {"format", "scheme", "sections", "total", "grades", "rules", "schedule"}


# ---- §3.1 base --------------------------------------------------------------------

def test_s31_base_deduct():
    data = rules(snippet("dues_late")["sections"])
    res = year(data, [member("M1"), member("M2")],
               [on("M1", "absent", times=3), on("M1", "dues_late"), on("M2", "absent", times=60)])
    # 100 − 3×2 − 1×1 = 93；扣满也只到 floor 0
    assert res.member("M1").row.sections["daily"] == 93
    assert res.member("M2").row.sections["daily"] == 0


def test_s31_floor_none():
    sections = snippet("dues_late")["sections"]
    sections[0]["floor"] = "none"
    res = year(rules(sections), [member("M1")], [on("M1", "absent", times=60)])
    assert res.member("M1").row.sections["daily"] == -20


# ---- §3.2 parts -------------------------------------------------------------------

def test_s32_parts():
    data = rules(snippet("belief_rumor"))
    res = year(data, [member("M1"), member("M2")],
               [on("M1", "rumor_minor", times=3), on("M2", "belief_weak")])
    # 分项最多扣 10：belief_rumor = 0，belief = 10 + 0 = 10；belief_weak：belief_study = 0 → 0 + 10 = 10
    assert res.member("M1").row.sections["belief"] == 10
    assert res.member("M2").row.sections["belief"] == 10


def test_s32_parts_must_add_up():
    sections = snippet("belief_rumor")
    sections[0]["full"] = 30
    _, diags = compile_rules({"format": 1, "scheme": "x", "sections": sections, "total": {"method": "sum"}}, "r")
    assert "E504" in [d.code for d in diags]


# ---- §3.3 accrue, per -------------------------------------------------------------

def test_s33_accrue_per_unit():
    sections = snippet("group_study", **{"items: [...]": "items: [{code: good, name: 好人好事, points: 5}]"})
    res = year(rules(sections), [member("M1"), member("M2")],
               [on("M1", "app", quantity=1000), on("M1", "app", quantity=234, when=f"{YEAR}-05-01"),
                on("M1", "notes", times=3), on("M2", "group_study", times=30), on("M2", "good", times=5)])
    # 1000 + 234 = 1234 → 2 分；笔记 3 × 0.5 = 1.5 → 3.5
    assert res.member("M1").row.sections["study"] == D("3.5")
    # 累加最高 full 20；加分上限 20
    assert res.member("M2").row.sections["study"] == 20
    assert res.member("M2").row.sections["bonus"] == 20


# ---- §4.1 levels, highest only ----------------------------------------------------

@pytest.mark.parametrize("how, expected", [("subject", 7), ("item", 5)])
def test_s41_highest_only(how, expected):
    item = snippet("市级及以上: 5, 区级: 4")[0]
    item["highest_only"] = how
    data = rules([{"code": "bonus", "name": "加分", "kind": "bonus", "items": [item]}])
    res = year(data, [member("M1")], [
        on("M1", "honour", level="区级", subject="抗洪抢险"),
        on("M1", "honour", level="市级及以上", subject="抗洪抢险"),
        on("M1", "honour", level="党支部", subject="志愿服务")])
    assert res.member("M1").row.sections["bonus"] == expected


# ---- §4.2 caps --------------------------------------------------------------------

def test_s42_item_cap_and_max_count():
    item = snippet("code: article")[0]
    capped = rules([{"code": "bonus", "name": "加分", "kind": "bonus", "items": [item]}])
    res = year(capped, [member("M1")], [on("M1", "article", level="市级以上", times=2)])
    assert res.member("M1").row.sections["bonus"] == 3     # 2 篇 4 分，封顶 3
    counted = dict(item, max_count=3)
    del counted["cap"]
    data = rules([{"code": "bonus", "name": "加分", "kind": "bonus", "items": [counted]}])
    res = year(data, [member("M1")], [
        on("M1", "article", level="区级", when=f"{YEAR}-01-10"), on("M1", "article", level="区级", when=f"{YEAR}-02-10"),
        on("M1", "article", level="区级", when=f"{YEAR}-03-10"), on("M1", "article", level="市级以上", when=f"{YEAR}-04-10")])
    assert res.member("M1").row.sections["bonus"] == 3     # 只计前 3 次（按日期）：1 + 1 + 1


# ---- §4.3 veto, §4.4 sanction -----------------------------------------------------

def test_s43_veto_wins_over_everything():
    veto = snippet("code: veto_law")[0]
    base = {"code": "daily", "name": "日常", "kind": "base", "full": 100, "items": [veto]}
    data = rules([base], grades=GRADES)
    res = year(data, [member("M1")], [on("M1", "veto_law")])
    assert res.member("M1").row.total == 0
    assert res.member("M1").grade("等次") == "不合格"
    keep = dict(veto, veto={"score": "keep", "grade": {"等次": "不合格"}})
    res = year(rules([dict(base, items=[keep])], grades=GRADES), [member("M1")], [on("M1", "veto_law")])
    assert res.member("M1").row.total == 100
    assert res.member("M1").grade("等次") == "不合格"


def test_s44_sanction_forces_grade():
    item = snippet("code: sanction_warning")[0]
    data = rules([{"code": "daily", "name": "日常", "kind": "base", "full": 100, "items": [item]}], grades=GRADES)
    res = year(data, [member("M1")], [on("M1", "sanction_warning")])
    assert res.member("M1").row.total == 95                  # 扣 5 分
    assert res.member("M1").grade("等次") == "警示"           # 95 分本应优秀，强制警示


# ---- §5 modifiers -----------------------------------------------------------------

def test_s5_repeat_and_post_multiply():
    data = rules([PENALTY], **snippet("repeat: {rate: 20%"))
    res = year(data, [member("M1", posts=["委员"]), member("M2")], [
        on("M1", "std", when=f"{YEAR}-01-10"), on("M1", "std", when=f"{YEAR}-02-10"),
        on("M2", "std", times=3)])
    # M1：5 × 1.1 = 5.5；再次 5 × 1.2 × 1.1 = 6.6 → 12.1
    assert res.member("M1").row.sections["deduct"] == D("12.1")
    # M2：同一条目 times: 3 → 5 + 6 + 6 = 17（不累进）
    assert res.member("M2").row.sections["deduct"] == 17


# ---- §6 liability -----------------------------------------------------------------

def test_s6_liability():
    item = {"code": "std", "name": "违反标准", "points": 3}
    data = rules([dict(PENALTY, items=[item])], **snippet("fallback: 书记"))
    members = [member("S", posts=["书记"], group="一组"), member("L", posts=["党小组长"], group="一组"),
               member("F", posts=["分管领导"]), member("C", posts=["联系点领导"]),
               member("P1", group="一组"), member("P2", group="二组")]
    res = year(data, members, [on("P1", "std", times=2), on("P2", "std", times=4)])
    got = {m.row.member: m.row.sections["deduct"] for m in res.members}
    # P1 一条 6 分：≥3 → 同组党小组长 10% = 0.6；≥5 → 分管 20% = 1.2、联系点 10% = 0.6
    # P2 一条 12 分：二组没有党小组长 → 书记 1.2；分管 2.4、联系点 1.2
    assert got == {"P1": 6, "P2": 12, "L": D("0.6"), "S": D("1.2"), "F": D("3.6"), "C": D("1.8")}


# ---- §7 absence -------------------------------------------------------------------

def _absence_sections():
    return [{"code": "daily", "name": "日常", "kind": "base", "full": 100, "items": [
        {"code": "training", "name": "培训学时", "points": 0, "per": 1},
        {"code": "org_life", "name": "参加组织生活", "points": 0},
        {"code": "dues", "name": "交纳党费", "points": 0}]}]


def test_s71_minimum():
    data = rules(_absence_sections(), classes={"leader": {"name": "领导"}, "ordinary": {"name": "普通"}},
                 **snippet("training_short"))
    res = year(data, [member("M1"), member("M2", category="leader")],
               [on("M1", "training", quantity=20), on("M2", "training", quantity=20)])
    assert res.member("M1").row.sections["daily"] == 98      # 差 4 学时 × 0.5 = 2
    assert res.member("M2").row.sections["daily"] == 90      # 领导 40 学时，差 20 × 0.5 = 10


def test_s72_consecutive_veto():
    rule = snippet("code: six_months")[0]
    data = rules(_absence_sections(), absence=[rule], grades=GRADES)
    monthly = [on("M1", item, when=f"{YEAR}-{m:02d}-05") for m in range(1, 13) for item in ("org_life", "dues")]
    # M2：3—8 月组织生活、党费都没有（连续 6 个月）；只缺党费不算
    monthly += [on("M2", item, when=f"{YEAR}-{m:02d}-05") for m in (1, 2, 9, 10, 11, 12)
                for item in ("org_life", "dues")]
    monthly += [on("M3", "org_life", when=f"{YEAR}-{m:02d}-05") for m in range(1, 13)]
    res = year(data, [member("M1"), member("M2"), member("M3")], monthly)
    assert (res.member("M1").row.total, res.member("M1").grade("等次")) == (100, "优秀")
    assert (res.member("M2").row.total, res.member("M2").grade("等次")) == (0, "不合格")
    assert (res.member("M3").row.total, res.member("M3").grade("等次")) == (100, "优秀")


def test_s74_rate():
    """§7.4 例：10 次组织生活会；甲缺席 3 次 → 70% → 3 × 2 + 5 = 11；乙缺席 2 次 → 80% → 4；
    7 月 1 日加入的丙，4 次中缺席 1 次 → 75% → 2 + 5 = 7。"""
    rule = snippet("code: low_attendance")["absence"][0]
    assert rule["sessions"] == ["org_life", "study"] and rule["below"] == "80%"
    sections = [{"code": "deduct", "name": "反向扣分", "kind": "penalty", "items": [
        {"code": "absent_life", "name": "无故不参加党的组织生活", "points": 2}]}]
    data = rules(sections, absence=[rule])
    held = [meeting(f"{YEAR}-{m:02d}-05", "org_life") for m in range(1, 11)]
    members = [member("甲"), member("乙"), member("丙", joined=f"{YEAR}-07-01")]
    entries = [on("甲", "absent_life", when=f"{YEAR}-{m:02d}-05") for m in (2, 4, 6)]
    entries += [on("乙", "absent_life", when=f"{YEAR}-{m:02d}-05") for m in (2, 4)]
    entries += [on("丙", "absent_life", when=f"{YEAR}-08-05")]
    res = engine.year_result(ledger(data, members, entries, meetings=held), YEAR)
    assert {m: res.member(m).row.sections["deduct"] for m in ("甲", "乙", "丙")} == {"甲": 11, "乙": 4, "丙": 7}
    text = DOC.read_text(encoding="utf-8")
    shown = [s.format() for s in res.member("甲").row.steps if s.kind == "absence"]
    assert shown == ["年内无故参学参会率不足80%：全年应参加10次，无故缺席3次，参学参会率（10−3）÷10 = 70%，低于80%（-5）"]
    assert f"`{shown[0]}`" in text


# ---- §8 evaluation and totals -----------------------------------------------------

def test_s81_votes():
    section = snippet("groups: {群众: 25%")[0]
    data = rules([section])
    res = year(data, [member("M1"), member("M2")], evaluations=[
        votes(YEAR, "M1", 群众={"好": 8, "一般": 2}, 党员={"好": 8, "一般": 2}, 支委={"好": 8, "一般": 2}),
        votes(YEAR, "M2", 群众={"好": 10}, 党员={"一般": 10}, 支委={"差": 5, "好": 5})])
    assert res.member("M1").row.sections["evaluation"] == 96   # (8×100 + 2×80) ÷ 10
    # 100×25% + 80×25% + 80×50% = 85
    assert res.member("M2").row.sections["evaluation"] == 85
    del section["groups"]
    res = year(rules([section]), [member("M1")], evaluations=[votes(YEAR, "M1", 全体={"好": 8, "一般": 2})])
    assert res.member("M1").row.sections["evaluation"] == 96


def test_s82_band():
    section = {"code": "evaluation", "name": "民主评议", "kind": "evaluation", "full": 25,
               **snippet("基本合格: [0, 14]")}
    from .helpers import band
    res = year(rules([section]), [member("M1"), member("M2")],
               evaluations=[band(YEAR, "M1", "优秀", 24), band(YEAR, "M2", "不合格")])
    assert res.member("M1").row.sections["evaluation"] == 24
    assert res.member("M2").row.sections["evaluation"] == 0


def test_s83a_half_yearly():
    section = {"code": "evaluation", "name": "民主评议", "kind": "evaluation", "full": 100, "method": "score",
               "periods": "half", "combine": "average"}

    def half(who, period, score):
        return Evaluation(year=YEAR, member=who, votes={}, band=None, score=D(score), note="",
                          loc=Loc("evaluations.yaml"), period=period)

    res = year(rules([section]), [member("M1"), member("M2")],
               evaluations=[half("M1", "H1", 94), half("M1", "H2", 86), half("M2", "H1", 94)])
    assert res.member("M1").row.sections["evaluation"] == 90    # (94 + 86) ÷ 2
    assert res.member("M2").row.sections["evaluation"] == 94    # 只有一条：按已有的记录平均


def test_s83_no_record_is_zero():
    section = {"code": "evaluation", "name": "民主评议", "kind": "evaluation", "full": 100, "method": "score"}
    res = year(rules([section]), [member("M1")])
    assert res.member("M1").row.sections["evaluation"] == 0


def _weighted_sections():
    return [
        {"code": "daily", "name": "日常", "kind": "base", "full": 100,
         "items": [{"code": "absent", "name": "缺席", "points": 5}]},
        {"code": "vanguard", "name": "先锋", "kind": "accrue", "full": 100,
         "items": [{"code": "deed", "name": "先锋事迹", "points": 10}]},
        {"code": "evaluation", "name": "民主评议", "kind": "evaluation", "full": 100, "method": "score"},
    ]


def test_s84_weights():
    data = rules(_weighted_sections(), total=snippet("vanguard: 30%")["total"])
    res = year(data, [member("M1")], [on("M1", "absent"), on("M1", "deed", times=4)],
               [scored(YEAR, "M1", 90)])
    # 95×0.6 + 40×0.3 + 90×0.1 = 57 + 12 + 9 = 78
    assert res.member("M1").row.total == 78


def test_s84_weights_must_add_up():
    total = snippet("vanguard: 30%")["total"]
    total["weights"]["daily"] = "50%"
    _, diags = compile_rules({"format": 1, "scheme": "x", "sections": _weighted_sections(), "total": total}, "r")
    assert "E505" in [d.code for d in diags]


def test_s84_formula_and_s85_formula_section():
    sections = [
        {"code": "daily", "name": "日常", "kind": "base", "full": 60, "items": [{"code": "absent", "name": "缺席", "points": 5}]},
        {"code": "duty", "name": "履职", "kind": "accrue", "full": 20, "items": [{"code": "task", "name": "任务", "points": 4}]},
        {"code": "bonus", "name": "加分", "kind": "bonus", "items": [{"code": "deed", "name": "事迹", "points": 3}]},
        {"code": "deduct", "name": "扣分", "kind": "penalty", "items": [{"code": "std", "name": "违规", "points": 3}]},
        {"code": "evaluation", "name": "民主评议", "kind": "evaluation", "full": 100, "method": "score"},
    ]
    data = rules(sections, total=snippet("evaluation * 20%")["total"])
    res = year(data, [member("M1")], [on("M1", "absent"), on("M1", "task", times=4), on("M1", "deed"), on("M1", "std")],
               [scored(YEAR, "M1", 80)])
    # (55 + 16 + 3 − 3) + 80 × 20% = 71 + 16 = 87
    assert res.member("M1").row.total == 87
    # §8.5：basic = daily × 70% + evaluation × 30%；被公式引用的板块不再单独相加
    data = rules(sections[:1] + sections[4:] + snippet("code: basic"))
    res = year(data, [member("M1")], [on("M1", "absent")], [scored(YEAR, "M1", 80)])
    assert res.member("M1").row.sections["basic"] == D("62.5")   # 55 × 0.7 + 80 × 0.3 = 38.5 + 24
    assert res.member("M1").row.total == D("62.5")


# ---- §9 classes -------------------------------------------------------------------

def test_s9_classes():
    sections = [
        {"code": "daily", "name": "日常", "kind": "base", "full": 100,
         "items": [{"code": "absent", "name": "缺席", "points": 10}]},
        {"code": "bonus", "name": "加分", "kind": "bonus", "cap": 100,
         "items": [{"code": "deed", "name": "事迹", "points": 10}]},
        {"code": "evaluation", "name": "民主评议", "kind": "evaluation", "full": 100, "method": "score"},
        {"code": "deduct", "name": "扣减", "kind": "penalty", "items": [{"code": "std", "name": "违规", "points": 2}]},
        {"code": "org_life_m", "name": "组织生活", "kind": "base", "full": 30, "items": []},
        {"code": "law_m", "name": "遵纪守法", "kind": "base", "full": 30, "items": []},
        {"code": "bonus_m", "name": "流动加分", "kind": "bonus", "cap": 40,
         "items": [{"code": "deed_m", "name": "流动事迹", "points": 10}]},
    ]
    data = rules(sections, **snippet("name: 支部班子成员"))
    entries = []
    for mid in ("A", "B"):
        entries += [on(mid, "absent"), on(mid, "deed", times=6), on(mid, "std")]
    res = year(data, [member("A", category="committee"), member("B", category="ordinary"),
                      member("C", category="mobile"), member("D", category="old")],
               entries + [on("C", "deed_m", times=2)],
               [scored(YEAR, mid, 80) for mid in "ABCD"])
    # 班子：90×30% + 60×50% + 80×20% − 2 = 27 + 30 + 16 − 2 = 71；普通：45 + 18 + 16 − 2 = 77
    assert res.member("A").row.total == 71
    assert res.member("B").row.total == 77
    # 流动：只用三个板块 30 + 30 + 20 = 80
    assert res.member("C").row.total == 80
    assert set(res.member("C").row.sections) == {"org_life_m", "law_m", "bonus_m"}
    # 年老体弱：评议 80 ÷ 100 × 100
    assert res.member("D").row.total == 80


# ---- §10 statuses, exempt, investigation --------------------------------------------

def test_s10_statuses_exempt_investigation():
    extra = snippet("method: excluded")
    sections = [{"code": "daily", "name": "日常", "kind": "base", "full": 100, "items": []},
                {"code": "evaluation", "name": "民主评议", "kind": "evaluation", "full": 25, "method": "score"}]
    scales = GRADES + [{"scale": "积极分子", "bands": [{"name": "优秀", "min": 90}, {"name": "合格", "below": 90}]}]
    data = rules(sections, total={"method": "weights", "full": 100, "weights": {"daily": "75%", "evaluation": 1}},
                 grades=scales, **extra)
    res = year(data, [member("M1"), member("M2", status="预备"), member("M3", exempt=f"{YEAR}-03-01"),
                      member("M4", investigation=f"{YEAR}-05-01"), member("M5", status="积极分子")],
               evaluations=[scored(YEAR, mid, 20) for mid in ("M1", "M2", "M3", "M4", "M5")])
    assert res.member("M5").grades["积极分子"].band == "优秀"        # 积极分子只评“积极分子”表
    assert res.member("M5").grade("等次") is None
    assert res.member("M1").grade("积极分子") is None                  # 正式党员只评“等次”表
    assert res.member("M1").row.total == 95                          # 75 + 20
    assert (res.member("M2").grade("等次"), res.member("M2").grades["等次"].reason) == \
        (None, "预备党员只评定积分，不确定等次")
    assert res.member("M3").row.total == 80                          # 20 ÷ 25 × 总分满分 100
    assert res.member("M3").grade("等次") == "合格"
    assert res.member("M4").grade("等次") is None


# ---- §11 grades -------------------------------------------------------------------

def _graded(extra_items=()):
    return [{"code": "daily", "name": "日常", "kind": "base", "full": 100,
             "items": [{"code": "minus", "name": "扣分", "open": [0, 100]}]},
            {"code": "bonus", "name": "加分", "kind": "bonus", "items": [
                {"code": "honour", "name": "表彰", "levels": {"省级": 3, "市级": 2, "区级": 1}}, *extra_items]}]


def test_s11_bands_and_stars():
    data = rules(_graded(), **snippet("name: 五星级"))
    res = year(data, [member("A"), member("B"), member("C"), member("D")], [
        on("A", "minus", points=5), on("A", "honour", level="市级"),    # 97，有市级 → 五星级
        on("B", "minus", points=5), on("B", "honour", level="区级"),    # 96，区级不够 → else 四星级
        on("C", "minus", points="10.5"),                                 # 89.5 → 合格、三星级
        on("D", "minus", points=41)])                                    # 59 → 不合格
    got = {m.row.member: (m.row.total, m.grade("等次"), m.grade("星级")) for m in res.members}
    assert got == {"A": (97, "优秀", "五星级"), "B": (96, "优秀", "四星级"), "C": (D("89.5"), "合格", "三星级"),
                   "D": (59, "不合格", "未评星")}


def test_s11_forced_bands():
    scale = {"scale": "等次", "bands": snippet("不写 min")["bands"]}
    data = rules(_graded(), grades=[scale])
    res = year(data, [member(f"M{i}") for i in range(1, 11)],
               [on(f"M{i}", "minus", points=i) for i in range(1, 11)])
    # 10 人 × 20% = 2：M1、M2 优秀，其余合格；“不合格”只能被强制
    assert [m.grade("等次") for m in sorted(res.members, key=lambda m: int(m.row.member[1:]))] == \
        ["优秀"] * 2 + ["合格"] * 8


def test_s11_quota_reason():
    band = snippet("name: 先锋党员")[0]
    del band["quota"]["tiebreak"]
    scale = {"scale": "等次", "bands": [band, {"name": "合格党员", "min": 60, "below": 90},
                                       {"name": "不合格党员", "below": 60}]}
    sections = [{"code": "base", "name": "基础指数", "kind": "base", "full": 80,
                 "items": [{"code": "minus", "name": "扣分", "open": [0, 80]}]},
                {"code": "bonus", "name": "加分", "kind": "bonus", "cap": 20,
                 "items": [{"code": "plus", "name": "加分", "open": [0, 20]}]}]
    data = rules(sections, grades=[scale])
    entries = [on(f"M{i}", "plus", points=20 - i) for i in range(1, 7)]           # 99 … 94
    entries += [on("M7", "minus", points=6), on("M7", "plus", points=20)]          # 94，但基础指数 74 < 75
    res = year(data, [member(f"M{i}") for i in range(1, 21)], entries)
    got = {m.row.member: m.grade("等次") for m in res.members}
    assert [mid for mid, g in got.items() if g == "先锋党员"] == ["M1", "M2", "M3", "M4"]
    assert got["M5"] == got["M6"] == got["M7"] == "合格党员"
    assert res.member("M5").grades["等次"].reason == "名额：先锋党员档第5名/共6人符合，20% × 20人 = 4，取4名 → 合格党员"


# ---- §12 year-end rules -------------------------------------------------------------

def test_s12_rules_with_history():
    data = rules(_graded(), grades=GRADES, **snippet("name: 连续两年警示"))
    members = [member("A"), member("B", status="预备"), member("C"), member("D")]
    entries = [on("A", "minus", points=35), on("B", "minus", points=35), on("C", "minus", points=20),
               on("D", "minus", points=36)]
    res = year(data, members, entries, history={2018: {"A": "警示", "D": "合格"}})
    got = {m.row.member: (m.grade("等次"), m.outcomes) for m in res.members}
    assert got == {
        "A": ("不合格", []),                          # 65 警示；2018 年（history）警示 → 连续两年
        "B": ("警示", ["预备党员警示：延长预备期一年"]),   # 本方案未写 statuses：预备党员也定等次
        "C": ("合格", []),
        "D": ("警示", ["末位：由支部进行帮助谈话"]),      # 64 末位；2018 年 history 无法判断末位
    }


def test_s12_past_year_recomputed_from_ledger():
    data = rules(_graded(), grades=GRADES, **snippet("name: 连续两年警示"))
    members = [member("A"), member("C"), member("D")]
    entries = [on("A", "minus", points=35), on("C", "minus", points=20), on("D", "minus", points=36),
               on("D", "minus", points=50, when="2018-03-01"), on("A", "minus", points=1, when="2018-03-01")]
    # 台账中有 2018 年的条目：2018 年全体按规则重新计算（A 99 优秀、C 100、D 50 末位），history 不再使用
    res = year(data, members, entries, history={2018: {"A": "警示"}})
    got = {m.row.member: (m.grade("等次"), m.outcomes) for m in res.members}
    assert got == {
        "A": ("警示", []),
        "C": ("合格", []),
        "D": ("不合格", ["末位：由支部进行帮助谈话", "连续两年末位：报上级党组织同意后按不合格党员处置"]),
    }


# ---- §13.1 A/B ----------------------------------------------------------------------

def test_s131_overflow_into_account():
    data = snippet("overflow: b", **{
        "kind: base, full: 100, items: [...]": "kind: base, full: 100, items: [{code: late, name: 迟到, points: 5}]",
        "kind: bonus, items: [...]": "kind: bonus, items: [{code: award, name: 奖分, points: 10}]",
        "kind: account, items: [...]": "kind: account, items: [{code: spend, name: 兑换, points: 5, deduct: true}]"})
    data = rules(data.pop("sections"), **data)
    led = ledger(data, [member("M1")], [
        on("M1", "award", when=f"{YEAR}-01-10", times=2), on("M1", "late", when=f"{YEAR}-01-20"),   # 95 + 20 = 115
        on("M1", "late", when=f"{YEAR}-02-10"),                                                    # 95
        on("M1", "spend", when=f"{YEAR}-03-10")])
    jan = engine.score(led, f"{YEAR}-01").row("M1")
    assert (jan.total, jan.accounts["b"]) == (100, 15)       # 超过 100 的 15 转入 B 分
    assert engine.score(led, f"{YEAR}-02").row("M1").total == 95   # 下月重新从 100 开始
    res = engine.year_result(led, YEAR).member("M1").row
    # 年度 A 分 = 各月已封顶 A 分的平均：(100 + 95 + 10×100) ÷ 12 = 99.583… → 99.58；B 分 15 − 5 = 10
    assert (res.total, res.accounts["b"]) == (D("99.58"), 10)


# ---- §14 rounding ---------------------------------------------------------------------

def test_s14_total_from_unrounded_sections():
    sections = [{"code": "a", "name": "甲", "kind": "evaluation", "full": 100, "method": "score"},
                {"code": "b", "name": "乙", "kind": "bonus", "items": [{"code": "x", "name": "x", "open": [0, 1]}]}]
    data = rules(sections, rounding={"places": 0, "mode": "half_up"},
                 total={"method": "formula", "formula": "a / 3 + b"})
    res = year(data, [member("M1")], [on("M1", "x", points="0.4")], [scored(YEAR, "M1", 100)])
    # 33.333… + 0.4 = 33.733… → 34（若先把 a/3 取整为 33 再加 0.4 则为 33）
    assert res.member("M1").row.total == 34


# ---- §13 quarters averaged, total cap once ------------------------------------------------

def test_s13_total_cap_applies_to_the_year_once():
    data = rules([{"code": "d", "name": "日常", "kind": "base", "full": 100,
                   "items": [{"code": "a", "name": "缺席", "points": 10}]},
                  {"code": "b", "name": "加分", "kind": "bonus", "items": [{"code": "g", "name": "好事", "points": 20}]}],
                 period="quarter", combine="average", total={"method": "sum", "cap": 100})
    es = [on("M1", "g", when=f"{YEAR}-02-01")] + [on("M1", "a", when=f"{YEAR}-{m:02d}-01") for m in (5, 8, 11)]
    row = year(data, [member("M1")], es).member("M1").row
    assert (row.sections["d"], row.sections["b"], row.total) == (D("92.5"), 5, D("97.5"))


# ---- §1, §8.4, §11, §15 diagnostics the text promises ---------------------------------------

def _codes(data):
    base = {"format": 1, "scheme": "x", "total": {"method": "sum"},
            "sections": [{"code": "daily", "name": "日常", "kind": "base", "full": 100, "items": []}]}
    base.update(data)
    _, diags = compile_rules(base, "r")
    return [(d.code, d.format()) for d in diags]


def test_s1_unknown_key_did_you_mean():
    got = _codes({"section": []})
    assert got and got[0][0] == "E501" and "sections" in got[0][1]


def test_s84_formula_errors():
    assert [c for c, _ in _codes({"total": {"method": "formula", "formula": "(daily + 1"}})] == ["E506"]
    assert [c for c, _ in _codes({"total": {"method": "formula", "formula": "daily / 0"}})] == ["E507"]
    assert [c for c, _ in _codes({"total": {"method": "formula", "formula": "dayly + 1"}})] == ["E503"]
    loop = [{"code": "a", "name": "甲", "kind": "formula", "formula": "b + 1"},
            {"code": "b", "name": "乙", "kind": "formula", "formula": "a + 1"}]
    assert "E508" in [c for c, _ in _codes({"sections": loop})]


def test_s11_max_needs_the_next_min_one_unit_up():
    def bands(places, upper):
        return {"rounding": {"places": places}, "grades": [{"scale": "等次", "bands": [
            {"name": "优秀", "min": 90}, {"name": "合格", "min": 70, "max": upper}, {"name": "不合格", "below": 70}]}]}
    assert _codes(bands(0, 89)) == []                                   # places 0：89 + 1 = 90
    assert [c for c, _ in _codes(bands(2, 89))] == ["E509"]             # places 2：89 与 90 之间有空档
    assert _codes(bands(2, "89.99")) == []


def test_s13_schedule_is_shown_only():
    data = rules([{"code": "daily", "name": "日常", "kind": "base", "full": 100, "items": []}],
                 schedule={"compute_by": "01-20", "file_by": "01-31", "notice_days": 7})
    scheme, _ = compile_rules(data, "r")
    assert scheme.schedule == {"compute_by": "01-20", "file_by": "01-31", "notice_days": "7"}


def test_s5_modifiers_by_item_kind():
    items = [{"code": "opn", "name": "酌情扣分", "open": [1, 5]},
             {"code": "qty", "name": "按数量扣分", "points": 1, "per": 2}]
    data = rules([dict(PENALTY, items=items)], modifiers={"repeat": {"rate": "20%"}})
    res = year(data, [member("M1")], [
        on("M1", "opn", when=f"{YEAR}-01-10", points=4), on("M1", "opn", when=f"{YEAR}-02-10", points=4),
        on("M1", "qty", when=f"{YEAR}-01-10", quantity=4), on("M1", "qty", when=f"{YEAR}-02-10", quantity=4)])
    # 酌情分：4 + 4 × 1.2 = 8.8；按数量：8 ÷ 2 = 4 个单位 × 1 = 4，不上浮 → 12.8
    assert res.member("M1").row.sections["deduct"] == D("12.8")


# ---- §4 only confirmed, uncorrected entries count --------------------------------------------

def test_s4_only_confirmed_entries_count():
    data = rules(snippet("dues_late")["sections"])
    entries = [on("M1", "absent", status="pending"), on("M1", "absent", status="rejected"),
               on("M1", "absent", times=3, eid="x1"), on("M1", "absent", times=1, corrects="x1")]
    # 待认定、不予认定不计；x1（3 次）被更正为 1 次 → 100 − 2 = 98
    assert year(data, [member("M1")], entries).member("M1").row.sections["daily"] == 98
