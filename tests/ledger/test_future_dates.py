"""A mistyped future date (2029 for 2019): `jifen check` warns (W411) and the reports
that take “the latest year in the ledger” never jump to a year that has not begun;
void, rejected and superseded entries do not make a year either."""

from __future__ import annotations

from typer.testing import CliRunner

from ledgerkit import check, entry, make_branch

from jifen_cli.cli.app import _register_all, app
from jifen_cli.core.loader import load_branch

_register_all()

FUTURE = "events/2029/2029-01.yaml"


def future(**fields):
    return entry(id="2029-01-001", date="2029-01-17", **fields).replace("2019-05", "2029-01")


def test_a_future_entry_is_warned_and_not_the_latest_year(tmp_path, monkeypatch):
    monkeypatch.setenv("JIFEN_TODAY", "2026-12-07")
    root = make_branch(tmp_path / "b", {FUTURE: future()})
    ledger, diags = check(root)
    [w] = [d for d in diags if d.code == "W411"]
    assert (w.file, w.line, w.col) == (FUTURE, 3, 5) and "2029-01-17 晚于今天（2026-12-07）" in w.message
    assert ledger.latest_year() == 2029            # the ledger as it is…
    assert ledger.latest_year(until=2026) == 2019  # …but not a year that has not begun
    r = CliRunner().invoke(app, ["-C", str(root), "year"], env={"JIFEN_TODAY": "2026-12-07"})
    assert r.exit_code == 0, r.output
    assert "2019年度党员积分汇总表" in r.output and "2029" not in r.output


def test_a_void_entry_makes_no_year(tmp_path, monkeypatch):
    monkeypatch.setenv("JIFEN_TODAY", "2026-12-07")
    text = future() + ("  - id: 2029-01-002\n    date: 2029-01-17\n    member: M023\n    item: absent\n"
                       "    status: void\n    corrects: 2029-01-001\n")
    root = make_branch(tmp_path / "b", {FUTURE: text})
    ledger, diags = load_branch(root)
    assert ledger.latest_year() == 2019
    _, diags = check(root)
    assert not [d for d in diags if d.code == "W411"]  # voided: nothing left to correct


def test_a_period_not_begun_is_refused(tmp_path):
    """`jifen year 2030` on 2026-12-07: a table of a year not begun is all defaults (everyone
    at the base score, graded): a mistyped year, refused with exit 1."""
    root = make_branch(tmp_path / "b")
    for args in (["year", "2030", "--grade"], ["score", "2027-01"], ["rank", "2030"]):
        r = CliRunner().invoke(app, ["-C", str(root), *args], env={"JIFEN_TODAY": "2026-12-07"})
        assert r.exit_code == 1, r.output
        assert "还没有开始（今天是2026-12-07）" in r.output and "检查年份" in r.output


def test_score_and_rank_say_what_they_computed(tmp_path):
    """A period typed as people write it is echoed back as understood, in a title line."""
    root = make_branch(tmp_path / "b")
    r = CliRunner().invoke(app, ["-C", str(root), "score", "2019年第一季度"], env={"JIFEN_TODAY": "2020-03-01"})
    assert r.exit_code == 0 and r.output.startswith("测试第一党支部2019年第一季度积分表\n"), r.output
    r = CliRunner().invoke(app, ["-C", str(root), "rank", "2019Q1", "-f", "md"], env={"JIFEN_TODAY": "2020-03-01"})
    assert r.exit_code == 0 and r.output.startswith("# 测试第一党支部2019年第一季度积分排名\n"), r.output
    r = CliRunner().invoke(app, ["-C", str(root), "score", "2019", "-f", "csv"], env={"JIFEN_TODAY": "2020-03-01"})
    assert r.output.lstrip("\ufeff").startswith("编号,"), r.output  # a CSV stays a plain table
