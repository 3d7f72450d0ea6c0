"""The rules compiler reports every problem as an E5xx Diagnostic with file and keypath,
never raising; and the formula parser is safe."""

from decimal import Decimal as D

import pytest

from jifen_cli.core.presets import load_rules_text
from jifen_cli.core.rules import compile_rules
from jifen_cli.core.rules import formula as fm

BASE = """
format: 1
scheme: 测试
sections:
  - code: daily
    name: 日常
    kind: base
    full: 80
    items:
      - {code: absent, name: 缺席, points: 2}
  - code: bonus
    name: 加分
    kind: bonus
    cap: 20
    items:
      - {code: honour, name: 表彰, levels: {市级: 5, 区级: 3}, highest_only: item}
total: {method: sum}
grades:
  - scale: 等次
    bands:
      - {name: 优秀, min: 90}
      - {name: 合格, min: 60, below: 90}
      - {name: 不合格, below: 60}
"""


def compile_text(text):
    return compile_rules(load_rules_text(text), "rules/test.yaml")


def codes(diags):
    return [d.code for d in diags]


def test_base_is_clean():
    scheme, diags = compile_text(BASE)
    assert diags == [] and scheme.items["honour"].levels == {"市级": D(5), "区级": D(3)}


def test_unknown_key_with_did_you_mean():
    _, diags = compile_text(BASE.replace("total:", "totl: {method: sum}\ntotal:"))
    d = next(d for d in diags if d.code == "E501")
    assert d.path == ("totl",) and d.file == "rules/test.yaml" and "total" in d.hint


def test_unknown_item_key_path():
    _, diags = compile_text(BASE.replace("{code: absent, name: 缺席, points: 2}",
                                         "{code: absent, name: 缺席, point: 2}"))
    d = next(d for d in diags if d.code == "E501")
    assert d.path == ("sections", 0, "items", 0, "point") and "points" in d.hint


def test_missing_section_reference():
    _, diags = compile_text(BASE.replace("total: {method: sum}",
                                         "total: {method: formula, formula: daily + bonuss}"))
    assert "E503" in codes(diags)


def test_weights_must_add_up():
    _, diags = compile_text(BASE.replace("total: {method: sum}",
                                         "total: {method: weights, full: 100, weights: {daily: 1, bonus: 50%}}"))
    # 80 × 1 + 20 × 0.5 = 90 ≠ 100
    assert "E505" in codes(diags)


def test_weights_missing_section():
    _, diags = compile_text(BASE.replace("total: {method: sum}", "total: {method: weights, weights: {daily: 1}}"))
    assert "E505" in codes(diags)


@pytest.mark.parametrize("bands, message", [
    ("[{name: 优秀, min: 90}, {name: 合格, min: 60, below: 85}, {name: 不合格, below: 60}]", "空档"),
    ("[{name: 优秀, min: 90}, {name: 合格, min: 60, max: 90}, {name: 不合格, below: 60}]", "重叠"),
    ("[{name: 优秀, min: 90}, {name: 合格, min: 60, max: 88}, {name: 不合格, below: 60}]", "空档"),
    # above (exclusive): the band below must end at max: 70 exactly
    ("[{name: 二星, above: 70}, {name: 一星, min: 60, max: 69}, {name: 未评星, below: 60}]", "空档"),
    ("[{name: 二星, above: 70}, {name: 一星, min: 60, below: 71}, {name: 未评星, below: 60}]", "重叠"),
    ("[{name: 二星, above: 70}, {name: 一星, min: 60, below: 70}, {name: 未评星, below: 60}]", "空档"),
])
def test_gapped_or_overlapping_bands(bands, message):
    text = BASE.split("grades:")[0] + f"grades:\n  - scale: 等次\n    bands: {bands}\n"
    _, diags = compile_text(text)
    assert any(d.code == "E509" and message in d.message for d in diags)


def test_max_plus_rounding_unit_is_contiguous():
    text = BASE.split("grades:")[0] + ("rounding: {places: 0}\ngrades:\n  - scale: 等次\n    bands: "
                                        "[{name: 优秀, min: 90}, {name: 合格, min: 60, max: 89}, {name: 不合格, max: 59}]\n")
    assert compile_text(text)[1] == []


def test_formula_syntax_error_and_division_by_zero():
    _, diags = compile_text(BASE.replace("total: {method: sum}", "total: {method: formula, formula: (daily + bonus}"))
    assert "E506" in codes(diags)
    _, diags = compile_text(BASE.replace("total: {method: sum}", "total: {method: formula, formula: daily / 0}"))
    assert "E507" in codes(diags)


def test_formula_cycle():
    text = BASE.replace("total: {method: sum}", """total: {method: sum}""").replace(
        "sections:\n", "sections:\n  - {code: a, name: 甲, kind: formula, formula: b + 1}\n"
                       "  - {code: b, name: 乙, kind: formula, formula: a * 2}\n", 1)
    _, diags = compile_text(text)
    assert "E508" in codes(diags)


def test_parts_must_add_up():
    text = BASE.replace("""    full: 80
    items:
      - {code: absent, name: 缺席, points: 2}""", """    full: 80
    parts:
      - {code: p1, name: 一, full: 30, items: [{code: absent, name: 缺席, points: 2}]}
      - {code: p2, name: 二, full: 30, items: []}""")
    _, diags = compile_text(text)
    assert "E504" in codes(diags)


def test_bad_values_never_raise():
    for raw in (None, [], "x", {"format": 1, "scheme": "x", "sections": "no", "total": 3},
                {"format": 1, "scheme": "x", "sections": [{"code": "1bad", "kind": "what", "full": "abc"}],
                 "total": {"method": "sum"}}):
        scheme, diags = compile_rules(raw, "r.yaml")
        assert diags, raw
        assert all(d.code.startswith("E5") for d in diags)


def test_duplicate_code_and_unknown_grade_reference():
    text = BASE.replace("{code: honour,", "{code: absent,").replace(
        "      - {code: absent, name: 缺席, points: 2}",
        "      - {code: absent, name: 缺席, points: 2, grade: {等次: 警示}}")
    _, diags = compile_text(text)
    assert "E502" in codes(diags) and "E503" in codes(diags)


def test_formula_parser():
    node = fm.parse("（daily + bonus - deduct）+ evaluation × 20%")
    assert fm.names(node) == {"daily", "bonus", "deduct", "evaluation"}
    value = fm.evaluate(node, {"daily": D(78), "bonus": D(15), "deduct": D(0), "evaluation": D(96)})
    assert value == D("112.2")
    assert fm.evaluate(fm.parse("max(a, 0) - -b"), {"a": D(-3), "b": D(2)}) == D(2)
    notes = []
    assert fm.evaluate(fm.parse("a / b"), {"a": D(1), "b": D(0)}, notes) == 0 and notes
    for bad in ("a +", "a b", "__import__('os')", "a ** 2", ""):
        with pytest.raises(fm.FormulaError):
            fm.parse(bad)


def test_above_is_an_exclusive_lower_bound():
    """RULES.md §11, 种子001 复兴镇 “60—70 分一星，70 分以上—80 分二星”: above: 70 does not
    take 70 (一星), takes 70.01 (二星); contiguous with max: 70 below it at any precision."""
    text = BASE.split("grades:")[0] + ("grades:\n  - scale: 星级\n    bands: [{name: 二星, above: 70, max: 80}, "
                                        "{name: 一星, min: 60, max: 70}, {name: 未评星, below: 60}]\n")
    scheme, diags = compile_text(text)
    assert diags == []
    star, one = scheme.scales[0].bands[0], scheme.scales[0].bands[1]
    assert not star.contains(D(70)) and star.contains(D("70.01")) and star.contains(D(80))
    assert one.contains(D(70)) and one.contains(D(60))
    assert star.range_text() == "高于70分至80分"
    _, diags = compile_text(text.replace("{name: 二星, above: 70, max: 80}", "{name: 二星, min: 70, above: 70}"))
    assert any(d.code == "E510" and "min 和 above" in d.message for d in diags)


def test_rank_among_is_checked():
    rules = ("rules:\n  - name: 靠前\n    when: {rank_top: 25%, rank_among: [正式, 党员]}\n    outcome: 表扬\n"
             "  - name: 无排名\n    when: {rank_among: [正式]}\n    outcome: 表扬\n")
    scheme, diags = compile_text(BASE + rules)
    bad = [d for d in diags if d.code == "E510"]
    assert [d.path for d in bad] == [("rules", 0, "when", "rank_among"), ("rules", 1, "when", "rank_among")]
    assert "“党员”不存在" in bad[0].message and "只与 rank_top" in bad[1].message
    scheme, diags = compile_text(BASE + rules.replace("正式, 党员", "正式, 预备").split("  - name: 无排名")[0])
    assert diags == [] and scheme.rules[0].when.rank_among == ("正式", "预备")
    assert "在正式、预备中排名在前25%" in scheme.rules[0].when.text
