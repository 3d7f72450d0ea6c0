"""E406 before the first rules version (branch.yaml ``rules:`` ``from:``): the message
says from when the rules apply and that the asked period has none, the hint says what
to do, and it points at the ``from:`` (file:line:col) — through the real CLI."""

from __future__ import annotations

from typer.testing import CliRunner

from ledgerkit import BRANCH, entry, make_branch

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
