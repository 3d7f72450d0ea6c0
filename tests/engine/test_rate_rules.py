"""The ``kind: rate`` absence rule (参学参会率, RULES.md §7.4) in the compiler — every wrong
shape an E5xx at its keypath — and the grading ``else`` loop (RULES.md §11, E512)."""

from decimal import Decimal as D

import pytest

from jifen_cli.core import engine

from .helpers import entry, ledger, meeting, member
from .test_rules_compiler import BASE, compile_text

RATE = """
absence:
  - code: low_attendance
    name: 年内无故参学参会率不足80%
    kind: rate
    missed: [absent]
    below: 80%
    section: daily
    points: 5
"""


def with_rule(**replace) -> str:
    text = RATE
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return BASE + text


def at(diags, code):
    return [d.path for d in diags if d.code == code]


def test_rate_rule_compiles():
    scheme, diags = compile_text(with_rule())
    assert diags == []
    rule = scheme.absence[0]
    assert (rule.kind, rule.missed, rule.sessions, rule.below, rule.points) == (
        "rate", ("absent",), None, D("0.80"), D(5))
    scheme, diags = compile_text(with_rule(**{"    below: 80%": "    below: 0.8\n    sessions: [org_life, study]"}))
    assert diags == [] and scheme.absence[0].sessions == ("org_life", "study") and scheme.absence[0].below == D("0.8")
    # 100% is allowed: any absence at all makes the rate fall below it
    assert compile_text(with_rule(**{"below: 80%": "below: 100%"}))[1] == []


@pytest.mark.parametrize("below", ["0%", "0", "120%", "80", "-5%", "八成", "true"])
def test_below_must_be_a_percentage_in_0_to_100(below):
    _, diags = compile_text(with_rule(**{"below: 80%": f"below: {below}"}))
    assert at(diags, "E510") == [("absence", 0, "below")], [d.format() for d in diags]


def test_below_and_missed_are_required():
    _, diags = compile_text(with_rule(**{"    below: 80%\n": ""}))
    assert at(diags, "E511") == [("absence", 0)] and "below" in diags[0].message
    _, diags = compile_text(with_rule(**{"    missed: [absent]\n": ""}))
    assert at(diags, "E511") == [("absence", 0)] and "missed" in diags[0].message


def test_missed_must_name_items_of_the_rules():
    _, diags = compile_text(with_rule(**{"missed: [absent]": "missed: [absnt]"}))
    assert at(diags, "E503") == [("absence", 0, "missed")]


def test_sessions_must_be_codes_and_not_empty():
    _, diags = compile_text(with_rule(**{"    below: 80%": "    below: 80%\n    sessions: []"}))
    assert at(diags, "E510") == [("absence", 0, "sessions")]
    _, diags = compile_text(with_rule(**{"    below: 80%": "    below: 80%\n    sessions: [组织生活]"}))
    assert at(diags, "E510") == [("absence", 0, "sessions")]


def test_keys_of_another_kind_are_refused():
    _, diags = compile_text(with_rule(**{"    below: 80%": "    below: 80%\n    min: 2\n    months: 6"}))
    assert sorted(at(diags, "E510")) == [("absence", 0, "min"), ("absence", 0, "months")]
    # and the rate keys on a minimum rule
    text = with_rule(**{"kind: rate": "kind: minimum", "    below: 80%": "    items: [absent]\n    min: 2"})
    _, diags = compile_text(text)
    assert at(diags, "E510") == [("absence", 0, "missed")]


def test_unknown_kind_names_rate_among_the_choices():
    _, diags = compile_text(with_rule(**{"kind: rate": "kind: ratio"}))
    assert at(diags, "E510") == [("absence", 0, "kind")] and "rate" in diags[0].message


def test_sessions_filter_the_meetings_held():
    """sessions: [org_life]：6 次组织生活会 + 4 次集体学习，只数组织生活会 6 次；
    缺席 2 次 → 4/6 = 66.67% < 80% → 扣 5；另 2 × 2 = 4 → 日常 80 − 9 = 71。
    不写 sessions 时 10 次都算：8/10 = 80%，不扣 5 → 76。"""
    held = [meeting(f"2019-{m:02d}-05", "org_life") for m in range(1, 7)] + \
           [meeting(f"2019-{m:02d}-15", "study") for m in range(7, 11)]
    entries = [entry("2019-02-05", "M1", "absent"), entry("2019-03-05", "M1", "absent")]
    text = with_rule(**{"    below: 80%": "    below: 80%\n    sessions: [org_life]"})
    from jifen_cli.core.presets import load_rules_text

    led = ledger(load_rules_text(text), [member("M1")], entries, meetings=held)
    row = engine.year_result(led, 2019).member("M1").row
    assert row.sections["daily"] == D(71)
    assert any("全年应参加6次，无故缺席2次，参学参会率（6−2）÷6 = 66.67%，低于80%" in s.text for s in row.steps)
    led = ledger(load_rules_text(with_rule()), [member("M1")], entries, meetings=held)
    assert engine.year_result(led, 2019).member("M1").row.sections["daily"] == D(76)


def test_more_absences_than_sessions_count_as_zero_percent_and_say_so():
    """3 sessions held, 5 absences recorded (a slip: times: 5 for 5 hours, say): the rate
    is 0 %, not (3 − 5) ÷ 3 = −67 %; the explanation says the records need a look.
    Deductions: 5 (rate) + 5 × 2 (absences) = 15 → 80 − 15 = 65."""
    from jifen_cli.core.presets import load_rules_text

    held = [meeting(f"2019-0{m}-05") for m in (1, 2, 3)]
    led = ledger(load_rules_text(with_rule()), [member("M1")], [entry("2019-02-05", "M1", "absent", times=5)],
                 meetings=held)
    row = engine.year_result(led, 2019).member("M1").row
    assert row.sections["daily"] == D(65)
    assert any("全年应参加3次，无故缺席5次（多于应参加的次数，请核对记录），参学参会率按0%计，低于80%" in s.text
               for s in row.steps)


def test_check_warns_when_no_session_of_the_counted_kinds():
    text = with_rule(**{"    below: 80%": "    below: 80%\n    sessions: [org_life]"})
    from jifen_cli.core.presets import load_rules_text

    led = ledger(load_rules_text(text), [member("M1")], [entry("2019-02-05", "M1", "absent")],
                 meetings=[meeting("2019-03-05", "study")])
    found = [d for d in engine.check_rules(led) if d.code == "W601"]
    assert len(found) == 1 and "org_life" in found[0].message and "meetings/2019.yaml" in found[0].message
    led.meetings = {2019: [meeting("2019-03-05", "org_life")]}
    assert engine.check_rules(led) == []


# ---- RULES.md §11: an else loop ----------------------------------------------------

LOOP = """
format: 1
scheme: 测试
sections:
  - {code: daily, name: 日常, kind: base, full: 100, items: [{code: absent, name: 缺席, points: 2}]}
total: {method: sum}
grades:
  - scale: 等次
    bands:
      - {name: 优秀, min: 90, require: [{section: daily, min: 95}], else: 良好}
      - {name: 良好, min: 80, below: 90, require: [{section: daily, min: 85}], else: 优秀}
      - {name: 合格, below: 80}
"""


def test_else_loop_is_an_error():
    _, diags = compile_text(LOOP)
    assert [(d.code, d.path) for d in diags] == [("E512", ("grades", 0, "bands", 0, "else"))]
    assert "优秀 → 良好 → 优秀" in diags[0].message


def test_longer_else_loop_reported_once_and_a_chain_is_fine():
    text = LOOP.replace("else: 优秀}", "else: 合格}").replace(
        "{name: 合格, below: 80}", "{name: 合格, below: 80, require: [{section: daily, min: 50}], else: 优秀}")
    _, diags = compile_text(text)
    assert [(d.code, d.path) for d in diags] == [("E512", ("grades", 0, "bands", 0, "else"))]
    assert "优秀 → 良好 → 合格 → 优秀" in diags[0].message
    # 优秀 else 良好, 良好 else 合格: a chain that ends
    assert compile_text(LOOP.replace("else: 优秀}", "else: 合格}"))[1] == []


def test_loop_through_a_band_without_require_ends_there():
    """§11：循环中有一档不写 require（如只有名额的“优秀”），走到这一档就停下——不是错误
    （test_grading_demotion.test_demoted_member_never_goes_back_up 用的正是这种写法）。"""
    text = LOOP.replace("{name: 优秀, min: 90, require: [{section: daily, min: 95}], else: 良好}",
                        "{name: 优秀, min: 90, quota: {share: 10%}, else: 良好}")
    assert compile_text(text)[1] == []


def test_else_loop_stops_the_engine_with_e512():
    """Without E512 a member meeting neither condition would end in a band whose require he
    fails (the engine's walk just stops after a few steps); now the scheme is refused."""
    from jifen_cli.core.diagnostics import JifenError
    from jifen_cli.core.presets import load_rules_text

    with pytest.raises(JifenError) as exc:
        engine.year_result(ledger(load_rules_text(LOOP), [member("M1")], [entry("2019-03-01", "M1", "absent", times=5)]),
                           2019)
    assert [d.code for d in exc.value.diagnostics] == ["E512"]


def test_member_who_left_counts_sessions_until_leaving():
    """6 月 30 日离开的党员：1—10 月 10 次会议中只有 1—6 月 6 次应参加；缺席 2 次 → 4/6 = 66.67% < 80%
    → 扣 5，另 2 × 2 = 4 → 日常 80 − 9 = 71。仍在册的党员同样缺席 2 次：8/10 = 80% → 只扣 4 → 76。"""
    from jifen_cli.core.presets import load_rules_text

    held = [meeting(f"2019-{m:02d}-05", "org_life") for m in range(1, 11)]
    entries = [entry(f"2019-{m:02d}-05", who, "absent") for who in ("gone", "stay") for m in (2, 3)]
    led = ledger(load_rules_text(with_rule()), [member("gone", left="2019-06-30"), member("stay")], entries,
                 meetings=held)
    res = engine.year_result(led, 2019)
    assert res.member("gone").row.sections["daily"] == D(71)
    assert res.member("stay").row.sections["daily"] == D(76)
