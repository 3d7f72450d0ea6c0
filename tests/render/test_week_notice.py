"""jifen week: the weekly notice of the abscore preset (种子001 第1439行：“本公司员工的积分
初步实行一周一汇总、一周一排名、一周一公示”), with running totals and ranks computed by
hand; through the renderer, Typer's CliRunner and a subprocess; snapshots in text and html."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from renderkit import check_snapshot, load
from typer.testing import CliRunner

import jifen_cli
from jifen_cli.core.periods import Week

ABSCORE = Path(jifen_cli.__file__).parent / "core" / "presets" / "abscore.yaml"

BRANCH = """\
format: 1
name: 某公司第一党支部
upper: 某公司党委
secretary: 张三
recorders: [李四]
objection_days: 3
rules:
  - from: 2018-12-01
    file: rules/abscore.yaml
"""

MEMBERS = """\
members:
  - {id: E001, name: 张三, category: ordinary}
  - {id: E002, name: 李四, category: ordinary}
  - {id: E003, name: 王五, category: ordinary}
"""

DECEMBER = """\
entries:
  - {id: 2018-12-001, date: 2018-12-31, member: E002, item: performance, points: 30, note: 年终攻坚}
"""

JANUARY = """\
entries:
  - {id: 2019-01-001, date: 2019-01-02, member: E003, item: discipline, points: 5, note: 违反值班纪律}
  - {id: 2019-01-002, date: 2019-01-08, member: E001, item: performance, points: 15}
  - {id: 2019-01-003, date: 2019-01-29, member: E001, item: late}
  - {id: 2019-01-004, date: 2019-01-30, member: E002, item: b_good_deed, points: 10, note: 拾金不昧}
  - {id: 2019-01-005, date: 2019-01-31, member: E003, item: overtime}
"""

FEBRUARY = """\
entries:
  - {id: 2019-02-001, date: 2019-02-01, member: E001, item: overtime}
  - {id: 2019-02-002, date: 2019-02-02, member: E002, item: absent}
  - {id: 2019-02-003, date: 2019-02-04, member: E003, item: late}
"""


def abscore_branch(root: Path) -> Path:
    files = {"branch.yaml": BRANCH, "members.yaml": MEMBERS, "rules/abscore.yaml": ABSCORE.read_text("utf-8"),
             "events/2018/2018-12.yaml": DECEMBER, "events/2019/2019-01.yaml": JANUARY,
             "events/2019/2019-02.yaml": FEBRUARY}
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def branch(tmp_path_factory):
    return abscore_branch(tmp_path_factory.mktemp("abscore") / "b")


@pytest.fixture(scope="module")
def ledger(branch):
    return load(branch)


def notice(ledger, week: str, on=date(2019, 2, 4)):
    from jifen_cli.render.notices import build_notice

    return build_notice(ledger, Week.parse(week), on)


def by_name(n):
    return {m["name"]: m for m in n["members"]}


# --------------------------------------------------------------------------- hand-computed
HEADERS = ["本月A分基础分", "本月A分奖分", "B分累计", "本月总分", "本月排名"]


def test_cross_month_week_lists_seven_days_and_totals_the_sundays_month(ledger):
    """2019-W05 = 1月28日—2月3日（种子001 第1439行：一周一汇总、一周一排名、一周一公示）.

    Listed: the five entries dated Jan 29 … Feb 2 (not Jan 8, not Feb 4).  Seed values:
    迟到早退 −5 (第一部分(二)8), 旷工 −100 a day ((二)11), 加班 +10 an hour ((二)1).
    Running totals = February (the month of Sunday Feb 3), up to Feb 3:
      张三: A基础分 100 (the Jan 29 late belongs to January), 奖分 +10 (Feb 1, 1 hour) → 110 → A 100,
            overflow 10; B = January overflow (100 − 5 + 15 = 110 → 10) + February overflow 10 = 20
      李四: A 100 − 100 (Feb 2, 1 day absent) = 0; B = December overflow (100 + 30 → 30) + good deed 10 = 40
      王五: A 100 (Feb 4 is after Sunday); B = January overflow (100 − 5 + 10 = 105 → 5) = 5
    Rank by the February total: 张三 100 and 王五 100 share 1st, 李四 0 is 3rd.
    本期 (this week's counted points): 张三 −5 + 10 = +5, 李四 +10 − 100 = −90, 王五 +10."""
    n = notice(ledger, "2019-W05")
    assert n["period"] == "2019年第5周（1月28日—2月3日）"
    assert n["title"] == "某公司第一党支部2019年第5周（1月28日—2月3日）党员积分公示"
    assert n["range"] == "2019年1月28日至2019年2月3日"
    assert n["period_kind"] == "周"
    assert n["running_headers"] == HEADERS and n["running_group"] == ""
    m = by_name(n)
    assert [r["id"] for r in m["张三"]["rows"]] == ["2019-01-003", "2019-02-001"]
    assert [r["id"] for r in m["李四"]["rows"]] == ["2019-01-004", "2019-02-002"]
    assert [r["id"] for r in m["王五"]["rows"]] == ["2019-01-005"]
    assert n["counts"]["entries"] == 5
    assert m["张三"]["running"] == ["100", "10", "20", "100", "1/3"]
    assert m["李四"]["running"] == ["0", "0", "40", "0", "3/3"]
    assert m["王五"]["running"] == ["100", "0", "5", "100", "1/3"]
    assert (m["张三"]["period_total"], m["李四"]["period_total"], m["王五"]["period_total"]) == ("+5", "-90", "+10")
    assert [x["no"] for x in n["members"]] == [1, 2, 3]  # numbered in roster order, like the month notice
    assert "本周跨月" in n["running_note"] and "2019年2月" in n["running_note"]


def test_next_week_ranks_change(ledger):
    """2019-W06 = 2月4日—2月10日: 王五 late on Feb 4 → February A 95 → 2nd; 张三 100 1st; 李四 0 3rd."""
    n = notice(ledger, "2019-W06")
    m = by_name(n)
    assert [r["id"] for r in m["王五"]["rows"]] == ["2019-02-003"]
    assert not m["张三"]["rows"] and not m["李四"]["rows"]  # listed, with no entries (show_empty_members)
    assert [m[k]["running"][3:] for k in ("张三", "王五", "李四")] == [["100", "1/3"], ["95", "2/3"], ["0", "3/3"]]
    assert "跨" not in n["running_note"]


def test_week_crossing_the_year(ledger):
    """2019-W01 = 2018年12月31日—2019年1月6日: the Dec 31 entry is listed; totals are January
    2019's up to Jan 6: 王五 100 − 5 = 95 (3rd); 李四 A 100 with B = December overflow 30."""
    n = notice(ledger, "2019-W01", on=date(2019, 1, 7))
    m = by_name(n)
    assert [r["id"] for r in m["李四"]["rows"]] == ["2018-12-001"]
    assert m["李四"]["rows"][0]["date"] == "12月31日" and m["李四"]["rows"][0]["points"] == "+30"
    assert [r["id"] for r in m["王五"]["rows"]] == ["2019-01-001"]
    assert m["张三"]["running"] == ["100", "0", "0", "100", "1/3"]
    assert m["李四"]["running"] == ["100", "0", "30", "100", "1/3"]
    assert m["王五"]["running"] == ["95", "0", "0", "95", "3/3"]
    assert "本周跨年" in n["running_note"]
    assert n["range"] == "2018年12月31日至2019年1月6日"


def test_running_totals_agree_with_the_engine(ledger):
    """2019-W08 ends on Sunday Feb 24, after the last February entry: its running totals are
    February's, the same as ``jifen score 2019-02`` (total and B account)."""
    from jifen_cli.core import engine

    n = notice(ledger, "2019-W08")
    table = engine.score(ledger, "2019-02")
    for m in n["members"]:
        row = next(r for r in table.rows if r.name == m["name"])
        assert m["running"][3] == engine.fmt(row.total) and m["running"][2] == engine.fmt(row.accounts["b"])


def test_month_and_quarter_notices_of_a_monthly_scheme_show_that_period(ledger):
    """种子001 第1441行：“每月汇总统计,结出当月a分排名、当月b分排名、累计b分排名”: the
    notices of a scheme scored by the month show the month's A score, the B balance and
    the month's rank — not year-to-date averages with the months still to come at 100."""
    from jifen_cli.core.periods import Period
    from jifen_cli.render.notices import build_notice

    n = build_notice(ledger, Period.parse("2019-02"), date(2019, 3, 5))
    assert n["running_group"] == "" and "“本月”各栏为2019年2月1日至本期末" in n["running_note"]
    assert n["running_headers"] == ["本月A分基础分", "本月A分奖分", "B分累计", "本月总分", "本月排名"]
    # February: 张三 100 + 10 (1 hour overtime) → A 100, B 10 (January: 100 − 5 + 15 → 10) + 10 = 20;
    # 李四 100 − 100 (1 day absent) = 0, B 30 (December) + 10 = 40;
    # 王五 100 − 5 late = 95, B 5 (January: 100 − 5 + 10 → 5)
    assert {m["name"]: m["running"] for m in n["members"]} == {
        "张三": ["100", "10", "20", "100", "1/3"],
        "李四": ["0", "0", "40", "0", "3/3"],
        "王五": ["95", "0", "5", "95", "2/3"],
    }
    # the quarter notice: the average of January, February and March (combine: average):
    # 张三 基础分 (95 + 100 + 100) / 3 = 98.33, 奖分 (15 + 10 + 0) / 3 = 8.33, total 100;
    # 李四 基础分 and total (100 + 0 + 100) / 3 = 66.67;
    # 王五 基础分 (95 + 95 + 100) / 3 = 96.67, 奖分 10 / 3 = 3.33, total (100 + 95 + 100) / 3 = 98.33
    q = build_notice(ledger, Period.parse("2019-Q1"), date(2019, 4, 2))
    assert q["running_headers"] == ["本季度A分基础分", "本季度A分奖分", "B分累计", "本季度总分", "本季度排名"]
    assert {m["name"]: m["running"] for m in q["members"]} == {
        "张三": ["98.33", "8.33", "20", "100", "1/3"],
        "李四": ["66.67", "0", "40", "66.67", "3/3"],
        "王五": ["96.67", "3.33", "5", "98.33", "2/3"],
    }


# --------------------------------------------------------------------------- snapshots
@pytest.mark.parametrize("fmt, ext", [("text", "txt"), ("html", "html"), ("md", "md")])
def test_snapshot(ledger, fmt, ext):
    from jifen_cli.render.notices import render_notice

    check_snapshot(f"notice-week-2019-W05.{ext}", render_notice(ledger, Week.parse("2019-W05"), fmt,
                                                               date(2019, 2, 4)))


# --------------------------------------------------------------------------- the CLI
def _runner_env(today="2019-02-04"):
    return {"JIFEN_TODAY": today, "JIFEN_NO_CACHE": "1", "JIFEN_BRANCH": None}


def invoke(*args, today="2019-02-04"):
    from jifen_cli.cli.app import _register_all, app

    _register_all()
    return CliRunner().invoke(app, [str(a) for a in args], env=_runner_env(today))


def test_cli_week_equals_the_renderer(ledger, branch, tmp_path):
    from jifen_cli.render.notices import render_notice

    for fmt in ("text", "md", "html"):
        out = tmp_path / f"w.{fmt}"
        r = invoke("-C", branch, "week", "2019w5", "-f", fmt, "--date", "2019-02-04", "-o", out)
        assert r.exit_code == 0, r.output
        assert out.read_text(encoding="utf-8") == render_notice(ledger, Week.parse("2019-W05"), fmt,
                                                               date(2019, 2, 4))


def test_cli_default_is_the_current_week(branch):
    r = invoke("-C", branch, "week", today="2019-02-06")  # a Wednesday of W06
    assert r.exit_code == 0, r.output
    assert r.output.startswith("某公司第一党支部2019年第6周（2月4日—2月10日）党员积分公示\n")
    assert "2019年2月6日至2019年2月9日（3天）" in r.output  # dated today, objection window 3 days


def test_cli_bad_week_and_week_for_month(branch):
    r = invoke("-C", branch, "week", "2019-W54")
    assert r.exit_code == 2
    assert "2019年只有52周" in r.output and "2019-W05" in r.output  # message and hint
    r = invoke("-C", branch, "month", "2019-W05")
    assert r.exit_code == 2 and "jifen week" in r.output
    r = invoke("-C", branch, "week", "2019-W05", "-f", "pdf")
    assert r.exit_code == 2 and "不支持的输出格式" in r.output


def test_cli_help_lists_week():
    r = invoke("--help")
    assert r.exit_code == 0 and "week" in r.output
    r = invoke("week", "--help")
    assert r.exit_code == 0 and "ISO 周" in r.output
    from jifen_cli.cli import commands

    assert commands.module_for(["-C", "x", "week", "2019-W05"]) == "notices"


def test_subprocess_week(branch):
    env = {k: v for k, v in os.environ.items() if k != "JIFEN_BRANCH"}
    env.update(JIFEN_TODAY="2019-02-04", JIFEN_NO_CACHE="1")
    r = subprocess.run([sys.executable, "-m", "jifen_cli", "-C", str(branch), "week", "2019-W05", "-f", "md"],
                       check=False, capture_output=True, text=True, env=env, cwd=branch.parent)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("# 某公司第一党支部2019年第5周（1月28日—2月3日）党员积分公示")
    assert "| 1 | 张三 | 2019-01-003 | 1月29日 | 迟到早退 | -5 |" in r.stdout
    assert "| 本月A分基础分 | 本月A分奖分 | B分累计 | 本月总分 | 本月排名 |" in r.stdout
    assert "| -90 | 0 | 0 | 40 | 0 | 3/3 |" in r.stdout  # 李四: 本期 −90, Feb A 0, B 40, 3rd
    r = subprocess.run([sys.executable, "-m", "jifen_cli", "-C", str(branch), "week", "2019-W5x"],
                       check=False, capture_output=True, text=True, env=env, cwd=branch.parent)
    assert r.returncode == 2 and "无法识别的周" in r.stderr


def test_as_of_a_commit(tmp_path):
    """--as-of: the week as the ledger stood at a commit (an entry added later is not listed)."""
    root = abscore_branch(tmp_path / "g")
    git = ["git", "-c", "user.name=测试", "-c", "user.email=t@example.invalid", "-C", str(root)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "初始台账"], check=True)
    (root / "events/2019/2019-02.yaml").write_text(
        FEBRUARY + "  - {id: 2019-02-004, date: 2019-02-03, member: E003, item: absent}\n", encoding="utf-8")
    now = invoke("-C", root, "week", "2019-W05", "--date", "2019-02-04")
    then = invoke("-C", root, "week", "2019-W05", "--date", "2019-02-04", "--as-of", "HEAD")
    assert now.exit_code == 0 and then.exit_code == 0, now.output + then.output
    assert "2019-02-004" in now.output and "2019-02-004" not in then.output


def test_year_table_shows_the_b_balance(ledger):
    """种子001：“累计b分排名” — the year table of the A/B scheme shows each member's B balance
    (an account, carried over the years, not part of the year's A total) after the total:
    张三 10 (January overflow) + 10 (February) = 20, 李四 30 (December 2018) + 10 = 40, 王五 5."""
    from jifen_cli.render.year import render_year

    rows = [line.split(",") for line in render_year(ledger, 2019, "csv", False).lstrip("\ufeff").splitlines()]
    header = rows[0]
    assert "B分（累计）" in header and header.index("B分（累计）") > header.index("年度总积分")
    assert "类别" not in header  # abscore has no classes
    b = header.index("B分（累计）")
    assert {r[1]: r[b] for r in rows[1:] if len(r) > b and r[1] in ("张三", "李四", "王五")} == \
        {"张三": "20", "李四": "40", "王五": "5"}
