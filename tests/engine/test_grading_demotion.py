"""Quota demotion goes through the same band selection as everybody else (RULES.md §11 名额).

Before: a member a quota pushed out of a band was put straight into the band's ``else`` (or the next
band) without that band's own ``require`` being checked, so a 96-point member with a discipline
deduction became 合格 where an 86-point member with the same deduction was 基本合格.  Now the demoted
member must meet the lower band's conditions too, falls further if he does not (never back up to the
band he lost), and takes part in a lower band's quota like anybody else.

Also here: members not graded on a scale (investigation ``grade: none``, no-grade items, a section the
scale is based on that does not apply) are not counted in ``of: graded``; ties at a quota boundary in
both modes.

Seed: 种子001（/work/shared/seeds/001_761709d9094f6f4d.txt），“先锋指数”方案 五、年度总体评价：
“年度综合考评得分90分以上、基本指数分不低于75分的为先锋党员，60-89分的为合格党员…先锋党员原则上不超过
党员总数的20%。对受到警告、严重警告处分及撤销党内职务的党员，当年度一律作为警示党员对待”——a quota on
the top band together with a condition that keeps a sanctioned member out of 合格党员: a 95-point member
who loses 先锋党员 to the 20 % must not land in 合格党员 if the sanction forbids it.  The vanguard preset
writes the sanction as a forced grade (which already won over quotas); a branch may as well write it as a
``require`` on 合格党员 with ``else: 警示党员`` — both must give the same grade
(``test_seed001_vanguard_quota_then_condition``).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from jifen_cli.core import engine
from jifen_cli.core.presets import load_rules_text, preset_data
from jifen_cli.core.rules import compile_rules

from .helpers import entry, ledger, member

YEAR = 2019
DOC = Path(__file__).resolve().parents[2] / "docs" / "RULES.md"


def on(mid, item, when=f"{YEAR}-03-01", **kw):
    return entry(when, mid, item, **kw)


SECTIONS = [
    {"code": "daily", "name": "日常表现", "kind": "base", "full": 100,
     "items": [{"code": "minus", "name": "酌情扣分", "open": [0, 100]}]},
    {"code": "discipline", "name": "违纪扣分", "kind": "penalty",
     "items": [{"code": "breach", "name": "违反工作纪律", "points": 2},
               {"code": "warn", "name": "党内警告处分", "points": 5, "grade": {"等次": "警示"}},
               {"code": "pending", "name": "问题待查", "points": 0, "no_grade": "问题待查，暂不确定等次"}]},
]


def scheme(bands, **extra):
    """``bands`` of the one scale 等次; the 党内警告 item (forcing 警示) only where the scale has 警示."""
    sections = [dict(s, items=[i for i in s["items"]
                                if i["code"] != "warn" or any(b["name"] == "警示" for b in bands)])
                for s in SECTIONS]
    data = {"format": 1, "scheme": "名额落选测试", "sections": sections, "total": {"method": "sum"},
            "grades": [{"scale": "等次", "bands": bands}]}
    data.update(extra)
    _, diags = compile_rules(data, "rules.yaml")
    assert [d.format() for d in diags] == []
    return data


def scores(spec):
    """``{mid: (total, breaches)}`` → entries: ``breaches`` × 2 points in 违纪扣分, the rest in 日常表现."""
    out = []
    for mid, (total, breaches) in spec.items():
        minus = 100 - total - 2 * breaches
        if minus:
            out.append(on(mid, "minus", points=minus))
        if breaches:
            out.append(on(mid, "breach", times=breaches))
    return out


def grades(res):
    return {m.row.member: m.grade("等次") for m in res.members}


def year(data, members, entries):
    return engine.year_result(ledger(data, members, entries), YEAR)


# ---- the worked example in RULES.md §11 -------------------------------------------------------

DOC_SPEC = {"A": (100, 0), "B": (98, 0), "C": (96, 1), "D": (95, 0), "E": (86, 1),
            "F": (80, 0), "G": (75, 0), "H": (72, 0), "I": (65, 0), "J": (50, 0)}


def doc_bands():
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    found = [b for b in blocks if "section: discipline, max: 0" in b]
    assert len(found) == 1
    return load_rules_text(textwrap.dedent(found[0]))["bands"]


def test_rules_md_example_demoted_member_meets_the_lower_bands_require():
    data = scheme(doc_bands())
    res = year(data, [member(mid) for mid in DOC_SPEC], scores(DOC_SPEC))
    assert {m.row.member: m.row.total for m in res.members} == {mid: t for mid, (t, _) in DOC_SPEC.items()}
    # hand computation: 10 × 20% = 2 places; ≥ 90: A 100, B 98, C 96, D 95 → A, B 优秀
    # C 96 loses 优秀 → else 合格, but has 1 breach (违纪扣分 2 > 0) → 合格's require fails → next band 基本合格
    # D 95 loses 优秀 → 合格 (no breach). E 86: score band 合格, breach → 基本合格 (same rule as C)
    assert grades(res) == {"A": "优秀", "B": "优秀", "C": "基本合格", "D": "合格", "E": "基本合格",
                           "F": "合格", "G": "合格", "H": "合格", "I": "基本合格", "J": "不合格"}
    # the document's stated counts: 优秀 2、合格 4、基本合格 3、不合格 1
    assert res.counts("等次") == {"优秀": 2, "合格": 4, "基本合格": 3, "不合格": 1}
    assert res.member("C").grades["等次"].reason == (
        "名额：优秀档第3名/共4人符合，20% × 10人 = 2，取2名 → 合格；"
        "未满足“合格”条件：违纪扣分不高于0分 → 基本合格")
    assert res.member("D").grades["等次"].reason == "名额：优秀档第4名/共4人符合，20% × 10人 = 2，取2名 → 合格"


def test_explicit_else_of_the_lower_band_is_followed():
    # 合格's require now names an else: 警示 (a forced-only band). C (96, breach) → 优秀 quota → 合格 →
    # require fails → 警示, exactly where E (86, breach) goes by score
    bands = doc_bands()
    bands[1]["else"] = "警示"
    bands.insert(2, {"name": "警示", "forced": True})
    res = year(scheme(bands), [member(mid) for mid in DOC_SPEC], scores(DOC_SPEC))
    got = grades(res)
    assert (got["C"], got["D"], got["E"]) == ("警示", "合格", "警示")


# ---- seed 001: 先锋党员 ≤ 20 %, sanctioned members 警示党员 -------------------------------------

def test_seed001_vanguard_quota_then_condition():
    """种子001 先锋指数方案 五：written once with the preset's forced sanction grade, once with the
    same clause as a ``require`` on 合格党员 (``else: 警示党员``): same grades."""
    members = [member(f"V{i}") for i in range(1, 11)]
    entries = [on(f"V{i}", "bonus_award", points=20) for i in range(1, 11)]
    entries += [on(f"V{i}", "party_education", times=2) for i in range(1, 11)]   # 三(一)1(1) 每年 ≥ 2 次
    entries += [on("V2", "leave", times=2), on("V3", "party_warning")]
    entries += [on(f"V{i}", "not_implemented") for i in range(4, 11)]
    # 基本指数 80 − …, 正向加分 20 (cap), 反向扣分 −…:
    # V1 80 + 20 = 100; V2 78 + 20 = 98; V3 80 + 20 − 5 (党内警告) = 95; V4…V10 75 + 20 = 95
    preset = engine.year_result(ledger("vanguard", members, entries), YEAR)
    assert {m.row.member: m.row.total for m in preset.members} == {
        "V1": 100, "V2": 98, **{f"V{i}": 95 for i in range(3, 11)}}
    # 10 × 20% = 2 places; V3 is forced 警示党员 by the sanction and takes no place: V1, V2 先锋党员,
    # V4…V10 (95, 基本指数 75 ≥ 75) lose the quota → 合格党员
    assert grades(preset) == {"V1": "先锋党员", "V2": "先锋党员", "V3": "警示党员",
                              **{f"V{i}": "合格党员" for i in range(4, 11)}}

    # the same clause written as a condition: 党内警告 no longer forces a grade; 合格党员 requires no
    # 反向扣分 (in this ledger the only one is the sanction), else 警示党员
    alt = preset_data("vanguard")
    for sec in alt["sections"]:
        for it in sec.get("items", []):
            if it["code"] == "party_warning":
                del it["grade"]
    alt["grades"][0]["bands"][1] = {"name": "合格党员", "min": 60, "below": 90,
                                     "require": [{"section": "deduct", "max": 0}], "else": "警示党员"}
    written = engine.year_result(ledger(alt, members, entries), YEAR)
    # V3 (95, 基本指数 80) is now a 先锋党员 candidate: V1 100, V2 98 fill the 2 places, V3 → 合格党员,
    # 反向扣分 5 > 0 → else 警示党员, the same as the forced grade (before the fix: 合格党员)
    assert grades(written) == grades(preset)
    # (the 95s are listed by member id: V1, V2, V10, V3, V4 … — V3 is 4th)
    assert written.member("V3").grades["等次"].reason == (
        "名额：先锋党员档第4名/共10人符合，20% × 10人 = 2，取2名 → 合格党员；"
        "未满足“合格党员”条件：反向扣分指数不高于0分 → 警示党员")


# ---- a lower band's quota counts the demoted members, with the documented tie rule ---------------

def test_demoted_members_take_part_in_the_lower_quota_with_ties():
    bands = [{"name": "优秀", "min": 90, "quota": {"share": "20%"}, "else": "良好"},
             {"name": "良好", "min": 80, "below": 90, "quota": {"share": "30%"}, "else": "合格"},
             {"name": "合格", "min": 60, "below": 80}, {"name": "不合格", "below": 60}]
    spec = {"A": (99, 0), "B": (97, 0), "C": (95, 0), "D": (93, 0), "E": (88, 0), "F": (88, 0),
            "G": (85, 0), "H": (70, 0), "I": (65, 0), "J": (50, 0)}
    res = year(scheme(bands), [member(m) for m in spec], scores(spec))
    # 优秀 10 × 20% = 2: A, B; C, D → 良好. 良好 10 × 30% = 3 among C 95, D 93, E 88, F 88, G 85:
    # C, D in; E and F tie for the 3rd place → both out, G not moved up → 合格; 良好 has 2
    assert grades(res) == {"A": "优秀", "B": "优秀", "C": "良好", "D": "良好", "E": "合格", "F": "合格",
                           "G": "合格", "H": "合格", "I": "合格", "J": "不合格"}
    assert "并列者均不入选" in res.member("E").grades["等次"].reason
    assert "并列者均不入选" not in res.member("G").grades["等次"].reason


def test_demoted_member_failing_lower_require_leaves_the_lower_quota_place():
    # 良好 requires no breach; C (95, breach) is demoted from 优秀 and fails 良好's require → 合格, so he
    # does not take one of 良好's 3 places: D 93, E 88, F 86 get them
    bands = [{"name": "优秀", "min": 90, "quota": {"share": "20%"}, "else": "良好"},
             {"name": "良好", "min": 80, "below": 90, "quota": {"share": "30%"},
              "require": [{"section": "discipline", "max": 0}], "else": "合格"},
             {"name": "合格", "min": 60, "below": 80}, {"name": "不合格", "below": 60}]
    spec = {"A": (99, 0), "B": (97, 0), "C": (95, 1), "D": (93, 0), "E": (88, 0), "F": (86, 0),
            "G": (84, 0), "H": (70, 0), "I": (65, 0), "J": (50, 0)}
    got = grades(year(scheme(bands), [member(m) for m in spec], scores(spec)))
    assert got == {"A": "优秀", "B": "优秀", "C": "合格", "D": "良好", "E": "良好", "F": "良好",
                   "G": "合格", "H": "合格", "I": "合格", "J": "不合格"}


def test_demoted_member_never_goes_back_up():
    # 合格's else points up to 优秀 (allowed: §11 “else 可以指向任何档次”). For a member who lost 优秀 to
    # the quota that else is passed over: C (95, breach) → 合格 → require fails → next band 不合格,
    # not back to 优秀
    bands = [{"name": "优秀", "min": 90, "quota": {"share": "10%"}, "else": "合格"},
             {"name": "合格", "min": 60, "below": 90, "require": [{"section": "discipline", "max": 0}],
              "else": "优秀"},
             {"name": "不合格", "below": 60}]
    spec = {"A": (99, 0), "B": (97, 0), "C": (95, 1), **{f"M{i}": (70, 0) for i in range(7)}}
    res = year(scheme(bands), [member(m) for m in spec], scores(spec))
    got = grades(res)
    assert (got["A"], got["B"], got["C"]) == ("优秀", "合格", "不合格")
    assert res.counts("等次")["优秀"] == 1      # 10 × 10% = 1: the quota holds


def test_top_mode_demotion_checks_the_lower_require_and_ties_share_the_rank():
    # handan-like 优秀: ≥ 90 and 前 30%. 10 × 30% = 3; ranks A 100 → 1, B 98 → 2, C 96 / D 96 → 3, 3,
    # E 94 (breach) → 5. C and D tie at rank 3 → both 优秀 (4 in the band). E loses 优秀 → 合格 requires
    # no breach → 基本合格
    bands = [{"name": "优秀", "min": 90, "quota": {"share": "30%", "mode": "top"}, "else": "合格"},
             {"name": "合格", "min": 70, "below": 90, "require": [{"section": "discipline", "max": 0}]},
             {"name": "基本合格", "min": 60, "below": 70}, {"name": "不合格", "below": 60}]
    spec = {"A": (100, 0), "B": (98, 0), "C": (96, 0), "D": (96, 0), "E": (94, 1),
            "F": (80, 0), "G": (75, 0), "H": (72, 0), "I": (65, 0), "J": (50, 0)}
    res = year(scheme(bands), [member(m) for m in spec], scores(spec))
    got = grades(res)
    assert [got[m] for m in "ABCDE"] == ["优秀", "优秀", "优秀", "优秀", "基本合格"]
    reason = res.member("E").grades["等次"].reason
    assert reason.startswith("名额：须排名在前30%（30% × 10人 = 3，取3名），本人排第5名/共10人 → 合格；")
    assert reason.endswith("未满足“合格”条件：违纪扣分不高于0分 → 基本合格")


def test_at_most_tie_at_the_boundary_leaves_the_place_empty():
    # §11: 名额 4, 符合者 100、96、96、93、93、92 → 3 入选, both 93 out, 92 not moved up
    bands = [{"name": "优秀", "min": 90, "quota": {"share": "20%"}, "else": "合格"},
             {"name": "合格", "below": 90}]
    spec = {"A": (100, 0), "B": (96, 0), "C": (96, 0), "D": (93, 0), "E": (93, 0), "F": (92, 0),
            **{f"M{i:02d}": (70, 0) for i in range(14)}}
    res = year(scheme(bands), [member(m) for m in spec], scores(spec))
    assert sorted(m for m, g in grades(res).items() if g == "优秀") == ["A", "B", "C"]


# ---- who counts in a quota ------------------------------------------------------------------------

def _graded_quota_members():
    members = [member(f"M{i}") for i in range(1, 11)]
    return members, scores({f"M{i}": (100 - i, 0) for i in range(1, 11)})


GRADED_BANDS = [{"name": "优秀", "min": 90, "quota": {"share": "20%", "of": "graded"}, "else": "合格"},
                {"name": "合格", "below": 90}]


def test_of_graded_leaves_out_a_member_under_investigation_without_grade():
    members, entries = _graded_quota_members()
    members[9] = member("M10", investigation=f"{YEAR}-05-01")
    data = scheme(GRADED_BANDS, investigation={"grade": "none", "reason": "正在接受调查，不确定等次"})
    res = year(data, members, entries)
    # 9 graded (M10, under investigation, gets no grade) × 20% = 1.8 → 1: only M1. Before: 10 × 20% = 2
    assert sorted(m for m, g in grades(res).items() if g == "优秀") == ["M1"]
    assert res.member("M10").grade("等次") is None
    assert res.member("M2").grades["等次"].reason == "名额：优秀档第2名/共9人符合，20% × 9人 = 1.8，取1名 → 合格"


def test_of_graded_leaves_out_a_no_grade_item_but_keeps_a_forced_grade():
    members, entries = _graded_quota_members()
    entries += [on("M10", "pending"), on("M9", "warn")]     # M10 不定等次; M9 forced 警示
    res = year(scheme(GRADED_BANDS + [{"name": "警示", "forced": True}]), members, entries)
    # graded: M1…M9 (M9's forced 警示 is a grade) = 9 × 20% = 1.8 → 1: only M1
    assert res.member("M10").grade("等次") is None
    assert res.member("M9").grade("等次") == "警示"
    assert sorted(m for m, g in grades(res).items() if g == "优秀") == ["M1"]


def test_of_scored_counts_every_scored_member_but_not_excluded_exempt():
    members, entries = _graded_quota_members()
    members.append(member("X1", exempt=f"{YEAR}-01-10"))
    members.append(member("P1", status="预备"))
    data = scheme([dict(GRADED_BANDS[0], quota={"share": "20%"}), GRADED_BANDS[1]],
                  exempt={"method": "excluded"},
                  statuses={"正式": {"graded": True}, "预备": {"graded": False, "reason": "预备党员不确定等次"}})
    res = year(data, members, entries)
    # scored: M1…M10 + P1 (100, ungraded but scored, §11) = 11; X1 excluded → 11 × 20% = 2.2 → 2
    assert res.member("X1") is None
    assert sorted(m for m, g in grades(res).items() if g == "优秀") == ["M1", "M2"]
    assert "11人" in res.member("M3").grades["等次"].reason


def test_forced_member_at_the_top_at_most_moves_up_top_keeps_ranks():
    # §11: a forced member takes no place. K (100 − 5 党内警告 = 95) ranks 1st, forced 警示.
    # A 94, B 93, C 92, D 91, then 80 … ; 10 × 20% = 2.
    spec = {"A": (94, 0), "B": (93, 0), "C": (92, 0), "D": (91, 0), **{f"M{i}": (80 - i, 0) for i in range(5)}}
    members = [member("K")] + [member(m) for m in spec]
    entries = scores(spec) + [on("K", "warn")]
    tail = [{"name": "合格", "below": 90}, {"name": "警示", "forced": True}]
    at_most = year(scheme([{"name": "优秀", "min": 90, "quota": {"share": "20%"}, "else": "合格"}] + tail),
                   members, entries)
    assert at_most.member("K").rank == 1
    # at_most: K takes no place, the places go to the next ones: A, B
    got = grades(at_most)
    assert (got["K"], got["A"], got["B"], got["C"]) == ("警示", "优秀", "优秀", "合格")
    top = year(scheme([{"name": "优秀", "min": 90, "quota": {"share": "20%", "mode": "top"}, "else": "合格"}]
                      + tail), members, entries)
    # top: 名次 ≤ 2 → K (forced, not in the band) and A; B keeps rank 3 and is not moved up
    got = grades(top)
    assert (got["K"], got["A"], got["B"], got["C"]) == ("警示", "优秀", "合格", "合格")
