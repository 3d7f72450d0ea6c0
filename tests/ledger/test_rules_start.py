"""E406 before the first rules version (branch.yaml ``rules:`` ``from:``): the message
says from when the rules apply and that the asked period has none, the hint says what
to do, and it points at the ``from:`` (file:line:col) — through the real CLI."""

from __future__ import annotations

from typer.testing import CliRunner

from decimal import Decimal

from ledgerkit import BRANCH, PRESET, check, entry, errors, find, make_branch

from jifen_cli.core import engine

from jifen_cli.cli.app import _register_all, app

_register_all()

# ledgerkit's branch.yaml: rules from 2019-01-01, the `from:` at line 8, column 5


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_score_for_a_year_before_the_rules(tmp_path):
    root = make_branch(tmp_path / "b")
    r = invoke("-C", root, "score", "2017")
    assert r.exit_code == 2, r.output
    assert "branch.yaml:8:5: E406 规则自 2019年1月1日 起适用，2017 年没有适用的积分规则" in r.output
    assert "补充更早的规则版本（from: 2017-01-01 或更早）" in r.output
    assert "台账中有记录的年份：2019" in r.output
    assert r.output.count("提示：") == 1  # the hint is said once
    assert "Traceback" not in r.output


def test_year_and_explain_before_the_rules(tmp_path):
    root = make_branch(tmp_path / "b")
    r = invoke("-C", root, "year", "2018", "--grade")
    assert r.exit_code == 2, r.output
    assert "E406 规则自 2019年1月1日 起适用，2018 年没有适用的积分规则" in r.output
    r = invoke("-C", root, "explain", "M001", "2018-03")
    assert r.exit_code == 2, r.output
    assert "E406 规则自 2019年1月1日 起适用，2018年3月没有适用的积分规则" in r.output
    assert "from: 2018-03-01 或更早" in r.output


def test_half_year_before_rules_that_start_mid_year(tmp_path):
    branch = BRANCH.replace("from: 2019-01-01", "from: 2019-07-01")
    root = make_branch(tmp_path / "b", {"branch.yaml": branch, "events/2019/2019-01.yaml": None,
                                        "events/2019/2019-03.yaml": None})
    r = invoke("-C", root, "score", "2019-H1")
    assert r.exit_code == 2, r.output
    assert "branch.yaml:8:5: E406 规则自 2019年7月1日 起适用，2019年上半年没有适用的积分规则" in r.output
    assert invoke("-C", root, "score", "2019-H2").exit_code == 0


def test_entries_before_the_rules(tmp_path):
    rel = "events/2018/2018-12.yaml"
    root = make_branch(tmp_path / "b", {rel: entry(id="2018-12-001", date="2018-12-10")})
    r = invoke("-C", root, "check")
    assert r.exit_code == 1, r.output
    assert f"{rel}:1:1: E406 规则自 2019年1月1日 起适用，2018年12月没有适用的积分规则" in r.output
    assert "from: 2018-12-01 或更早" in r.output
    # a report refuses with the same words
    r = invoke("-C", root, "score", "2019")
    assert r.exit_code == 1 and "规则自 2019年1月1日 起适用" in r.output, r.output


def test_entry_dated_before_the_rules_in_a_covered_month(tmp_path):
    branch = BRANCH.replace("from: 2019-01-01", "from: 2019-01-16")
    root = make_branch(tmp_path / "b", {"branch.yaml": branch})
    r = invoke("-C", root, "check", "--only", "coverage")
    assert r.exit_code == 1, r.output
    assert ("events/2019/2019-01.yaml:3:5: E406 规则自 2019年1月16日 起适用，条目日期 2019-01-15 没有适用的积分规则"
            in r.output)


def test_evaluations_of_a_year_before_the_rules(tmp_path):
    """evaluations/2017.yaml when the rules start in 2019: said at the file (it used to be
    ignored without a word); an empty one is only a warning."""
    from ledgerkit import FILES

    root = make_branch(tmp_path / "b", {"evaluations/2017.yaml": FILES["evaluations/2019.yaml"]})
    r = invoke("-C", root, "check")
    assert r.exit_code == 1, r.output
    assert "evaluations/2017.yaml:1:1: E406 规则自 2019年1月1日 起适用，2017 年的民主评议结果没有适用的积分规则" in r.output
    assert "from: 2017-01-01 或更早" in r.output
    root = make_branch(tmp_path / "c", {"evaluations/2017.yaml": "results: []\n"})
    r = invoke("-C", root, "check")
    assert r.exit_code == 0, r.output
    assert any(line.startswith("evaluations/2017.yaml") and "警告 W406" in line for line in r.output.splitlines())


# ---------------------------------------------------------------- a rules change mid-year
V2 = "rules/v2.yaml"


def _branch_with_v2(root, start, rename_theme_day=True):
    text = PRESET.read_text(encoding="utf-8").replace("{code: leave, name: 组织生活请假, points: 1}",
                                                      "{code: leave, name: 组织生活请假, points: 2}")
    if rename_theme_day:
        text = text.replace("{code: theme_day,", "{code: theme_day_v2,")
    branch = BRANCH + f"  - from: {start}\n    file: {V2}\n"
    return make_branch(root, {"branch.yaml": branch, V2: text})


def test_rules_changed_mid_year_is_a_warning_and_lost_items_an_error(tmp_path):
    """RULES.md §1: the year is scored with the rules of 31 December.  A version from
    1 July says so (W408 at its from:, line 10 col 5); the March entry whose item
    (theme_day) the July rules renamed would silently not count: E408 at the entry."""
    root = _branch_with_v2(tmp_path / "b", "2019-07-01")
    _, diags = check(root)
    assert [(d.file, d.line, d.col, d.code) for d in errors(diags)] == [("events/2019/2019-03.yaml", 9, 5, "E408")]
    [w] = find(diags, "W408")
    assert (w.file, w.line, w.col) == ("branch.yaml", 10, 5)
    assert "自2019年7月1日起适用，不在年初" in w.message and "2019年1月1日至2019年6月30日的条目也按它计分" in w.message
    [e] = find(diags, "E408")
    assert "项目“theme_day”" in e.message and "rules/v2.yaml" in e.message and "保留项目 theme_day" in e.hint


def test_rules_changed_mid_year_scores_the_whole_year_by_the_new_rules(tmp_path):
    # the July rules keep every item; 请假 is 2 points in them: M023's January 请假 counts 2
    root = _branch_with_v2(tmp_path / "b", "2019-07-01", rename_theme_day=False)
    ledger, diags = check(root)
    assert errors(diags) == [] and len(find(diags, "W408")) == 1
    assert engine.score(ledger, 2019).row("M023").sections["daily"] == Decimal("98")


def test_rules_changed_on_new_year_is_silent(tmp_path):
    root = _branch_with_v2(tmp_path / "b", "2020-01-01")
    ledger, diags = check(root)
    assert errors(diags) == [] and not [d for d in diags if d.code == "W408"]
    assert engine.score(ledger, 2019).row("M023").sections["daily"] == Decimal("99")
