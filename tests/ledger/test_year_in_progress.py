"""A year still in progress (RULES.md §7.3): `jifen year/score/rank/explain` for the
current year (today = JIFEN_TODAY) compute "as of today" — yearly rules are not settled
— and say the figures are provisional; past years are unchanged; `--final` settles the
year at a December year-end meeting (seed 001: 每年12月底或次年1月初对全年积分情况进行综合汇总).

The branch is ledgerkit's (xingshi preset, seed 000: 日常表现积分 倒扣分制, full 100) with one
yearly minimum added to the rules (RULES.md §7.1): "全年未参加固定党日活动" — at least one
``theme_day_in`` entry a year, 5 points off ``daily`` otherwise.

李四 (M023, ordinary) has one ``leave`` (1 point) in January and no ``theme_day_in``:
- whole year: daily = 100 − 1 − 5 (§7.1 minimum, 差1次 × 5) = **94**;
- as of 2019-11-22: the minimum waits for the year end (§7.3): daily = 100 − 1 = **99**.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from ledgerkit import PRESET, make_branch

from jifen_cli.cli.app import _register_all, app
from jifen_cli.core import engine
from jifen_cli.core.loader import load_branch

_register_all()

RULE = "全年未参加固定党日活动"
NOTE = "截至2019年11月22日，2019年度尚未结束"


def _rules() -> str:
    text = PRESET.read_text(encoding="utf-8")
    marker = "      - {code: other_deduct,"
    assert marker in text and "\nabsence:" not in text
    text = text.replace(marker, "      - {code: theme_day_in, name: 参加固定党日活动（出勤记录）, points: 0}\n"
                        + marker, 1)
    return text + f"""
absence:
  - code: theme_day_none
    name: {RULE}
    kind: minimum
    items: [theme_day_in]
    min: 1
    section: daily
    points: 5
"""


@pytest.fixture
def branch(tmp_path):
    return make_branch(tmp_path / "b", {"rules/xingshi.yaml": _rules()})


def invoke(root, *args, today="2019-11-22"):
    return CliRunner().invoke(app, ["-C", str(root), *map(str, args)], env={"JIFEN_TODAY": today})


def test_branch_is_clean(branch):
    r = invoke(branch, "check")
    assert r.exit_code == 0, r.output


# ---------------------------------------------------------------- the engine (a date, no clock)
def test_whole_year_settles_the_minimum(branch):
    ledger, _ = load_branch(branch)
    res = engine.year_result(ledger, 2019)
    row = res.table.row("M023")
    assert row.sections["daily"] == Decimal(94)  # 100 − 1 (leave) − 5 (§7.1: 差1次 × 5)
    assert any(RULE in s.text for s in row.steps)
    assert res.horizon is None and res.table.horizon is None


def test_horizon_leaves_the_minimum_to_the_year_end(branch):
    ledger, _ = load_branch(branch)
    res = engine.year_result(ledger, 2019, horizon=date(2019, 11, 22))
    row = res.table.row("M023")
    assert row.sections["daily"] == Decimal(99)  # 100 − 1: §7.3 the yearly minimum waits
    assert not any(RULE in s.text for s in row.steps)
    assert res.horizon == date(2019, 11, 22)
    table = engine.score(ledger, 2019, horizon=date(2019, 11, 22))
    assert table.row("M023").sections["daily"] == Decimal(99) and table.horizon == date(2019, 11, 22)
    steps = engine.explain(ledger, "M023", 2019, horizon=date(2019, 11, 22))
    assert not any(RULE in s.text for s in steps)


def test_horizon_after_the_period_changes_nothing(branch):
    ledger, _ = load_branch(branch)
    assert engine.horizon_on(2019, date(2019, 12, 31)) is None
    assert engine.horizon_on(2019, date(2019, 12, 30)) == date(2019, 12, 30)
    assert engine.horizon_on("2019-Q3", date(2019, 11, 22)) is None
    res = engine.year_result(ledger, 2019, horizon=date(2020, 1, 5))
    assert res.horizon is None and res.table.row("M023").sections["daily"] == Decimal(94)


# ---------------------------------------------------------------- the CLI (JIFEN_TODAY)
@pytest.mark.parametrize("fmt", ["text", "md", "html", "csv"])
def test_year_in_progress_is_provisional(branch, fmt):
    r = invoke(branch, "year", 2019, "--grade", "--format", fmt)
    assert r.exit_code == 0, r.output
    if fmt != "csv":  # a csv has no title row: the note is its last line
        assert "2019年度党员积分汇总表（暂定）" in r.output
    assert NOTE in r.output and "全年性规则" in r.output


def test_year_in_progress_figures(branch):
    r = invoke(branch, "year", 2019, "--format", "csv")
    line = next(x for x in r.output.splitlines() if ",李四," in x)
    assert ",99," in line  # daily 99 (not 94): the minimum is not settled on 2019-11-22


def test_past_year_is_unchanged(branch):
    r = invoke(branch, "year", 2019, "--grade", today="2020-01-05")
    assert r.exit_code == 0, r.output
    assert "（暂定）" not in r.output and "尚未结束" not in r.output
    r = invoke(branch, "explain", "M023", 2019, today="2020-01-05")
    assert RULE in r.output and "尚未结束" not in r.output


@pytest.mark.parametrize("args", [("score", 2019), ("rank", 2019), ("rank", 2019, "--by-class"),
                                  ("explain", "M023", 2019), ("score", "2019-Q4")])
def test_other_reports_say_provisional(branch, args):
    r = invoke(branch, *args)
    assert r.exit_code == 0, r.output
    assert "尚未结束" in r.output and "暂定" in r.output
    assert RULE not in r.output


def test_finished_quarter_is_not_provisional(branch):
    r = invoke(branch, "score", "2019-Q3")
    assert r.exit_code == 0, r.output
    assert "尚未结束" not in r.output


def test_final_before_december_is_refused(branch):
    r = invoke(branch, "year", 2019, "--grade", "--final")
    assert r.exit_code == 2
    assert "不能提前按全年结算" in r.output and "12 月" in r.output


def test_final_at_the_december_meeting_settles_the_year(branch):
    r = invoke(branch, "year", 2019, "--grade", "--final", "--format", "csv", today="2019-12-26")
    assert r.exit_code == 0, r.output
    assert "暂定" not in r.output and "2019年12月26日年终评定时按全年结算" in r.output
    line = next(x for x in r.output.splitlines() if ",李四," in x)
    assert ",94," in line  # the minimum is settled: 100 − 1 − 5


def test_final_after_the_year_changes_nothing(branch):
    a = invoke(branch, "year", 2019, "--grade", today="2020-01-05").output
    b = invoke(branch, "year", 2019, "--grade", "--final", today="2020-01-05").output
    assert a == b



def test_card_of_a_year_in_progress_is_provisional(branch):
    """The member card (jifen card) shows the same provisional year score as `jifen year`."""
    running = invoke(branch, "card", "M023", "2019", "-f", "md")
    assert running.exit_code == 0, running.output
    assert NOTE in running.output

    def daily(out):
        return next(ln for ln in out.splitlines() if "**日常表现积分得分**" in ln).rstrip(" |").split()[-1]

    assert daily(running.output) == "**99**"  # 100 − 1, the minimum waits for the year end
    over = invoke(branch, "card", "M023", "2019", "-f", "md", today="2020-01-10")
    assert over.exit_code == 0 and "年度尚未结束" not in over.output
    assert daily(over.output) == "**94**"  # 100 − 1 − 5 (§7.1 差1次 × 5)


def _commit(root, when: str):
    """The branch committed as it is, the commit dated ``when`` (git reads these variables)."""
    import os
    import subprocess

    env = dict(os.environ, GIT_COMMITTER_DATE=when, GIT_AUTHOR_DATE=when, GIT_AUTHOR_NAME="测试",
               GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="测试",
               GIT_COMMITTER_EMAIL="t@example.invalid")
    if not (root / ".git").exists():
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", "台账", "--allow-empty"], cwd=root, check=True, env=env)


def test_as_of_a_day_in_the_year_is_provisional_as_it_was_then(branch):
    """--as-of 2019-11-22: the ledger as it was that day, reported as it would have been
    that day — the year was not over, so the yearly minimum waits (99, not 94) and the
    table says so; today (2020) the same year is settled."""
    _commit(branch, "2019-11-22T10:00:00+08:00")
    then = invoke(branch, "year", "2019", "-f", "csv", "--as-of", "2019-11-22", today="2020-01-10")
    assert then.exit_code == 0, then.output
    assert NOTE in then.output

    def daily_of_lisi(out):
        lines = out.lstrip("\ufeff").splitlines()
        col = lines[0].split(",").index("日常表现积分")
        return next(ln.split(",")[col] for ln in lines if ",李四," in ln)

    assert daily_of_lisi(then.output) == "99"  # 100 − 1; the minimum waits (§7.3)
    now = invoke(branch, "year", "2019", "-f", "csv", today="2020-01-10")
    assert now.exit_code == 0 and "年度尚未结束" not in now.output
    assert daily_of_lisi(now.output) == "94"  # 100 − 1 − 5 (§7.1 差1次 × 5)
