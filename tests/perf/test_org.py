"""`jifen org`: the roll-up over many branch directories (jifen_cli/core/rollup.py)."""

import csv
import io
import os

import pytest
from perfkit import jifen

from bench.generate import generate_tree
from jifen_cli.core import rollup as R


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    root = tmp_path_factory.mktemp("town")
    dirs, events = generate_tree(root, branches=4, members=9, rate=10, seed=11)
    return root, dirs


def _table(result):
    return R.member_table(result), R.stats_table(result)


def test_rollup_scores_every_branch(town):
    _, dirs = town
    r = R.rollup(dirs, 2024, jobs=1)
    assert [b.ok for b in r.branches] == [True] * 4, [b.problem for b in r.branches]
    (headers, rows), (sh, srows) = _table(r)
    assert headers[:4] == ["支部", "编号", "姓名", "类别"] and "年度总积分" in headers
    assert "等次" in headers
    members = sum(len(b.lines) for b in r.branches)
    assert len(rows) == members + sum(len(b.excluded) for b in r.branches)
    assert srows[-1][0] == "合计" and srows[-1][1] == members
    grade_cols = [i for i, h in enumerate(sh) if h.startswith("等次·")]
    assert sum(srows[-1][i] for i in grade_cols) == members  # every member counted once


def test_jobs_and_cache_do_not_change_the_result(town, monkeypatch):
    _, dirs = town
    one = _table(R.rollup(dirs, 2024, jobs=1))
    assert _table(R.rollup(dirs, 2024, jobs=2)) == one  # warm cache, two processes
    monkeypatch.setenv("JIFEN_NO_CACHE", "1")
    assert _table(R.rollup(dirs, 2024, jobs=2)) == one


def test_broken_branch_is_reported_and_skipped(town, tmp_path):
    _, dirs = town
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "branch.yaml").write_text("name: [\n", encoding="utf-8")
    errs = tmp_path / "errs"
    generate_tree(errs, branches=1, members=5, rate=5, seed=2)
    m = errs / "b0001" / "events" / "2024" / "2024-02.yaml"
    m.write_text("entries:\n  - id: Z1\n    date: 2024-02-03\n    member: M9999\n    item: leave\n",
                 encoding="utf-8")
    r = R.rollup([dirs[0], bad, errs / "b0001", tmp_path / "missing", dirs[1]], 2024, jobs=2)
    assert [b.ok for b in r.branches] == [True, False, False, False, True]
    assert "E103" in r.branches[1].problem
    assert "E301" in r.branches[2].problem
    assert "branch.yaml" in r.branches[3].problem
    text = R.render(r, "md")
    assert "未汇总的支部" in text and "E103" in text and text.count("/bad |") == 1


def test_cli_md_csv_xlsx(town, tmp_path):
    root, dirs = town
    r = jifen("org", root, "--year", "2024")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("## 2024 年度党员积分汇总表")
    assert "各支部等次统计表" in r.stdout
    assert "13" not in r.stderr.split("党员")[0]  # the summary line names counts only
    assert "phone" not in r.stdout and "1300" not in r.stdout  # private fields never shown

    r = jifen("org", *dirs, "--year", "2024", "-f", "csv", "--jobs", "2")
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout.lstrip("\ufeff"))))
    assert rows[0] == ["2024 年度党员积分汇总表"] and rows[1][:3] == ["支部", "编号", "姓名"]

    out = tmp_path / "汇总.xlsx"
    r = jifen("org", root, "--year", "2024", "-o", out)
    assert r.returncode == 0, r.stderr
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["汇总表", "等次统计"]
    ws = wb["汇总表"]
    assert ws.cell(2, 1).value == "支部"
    totals = [c.value for c in ws[3]]
    assert any(isinstance(v, (int, float)) for v in totals)  # scores are numbers


def test_cli_exit_codes(town, tmp_path):
    _, dirs = town
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "branch.yaml").write_text("name: [\n", encoding="utf-8")
    r = jifen("org", dirs[0], bad, "--year", "2024")
    assert r.returncode == 1
    assert "跳过" in r.stderr and "E103" in r.stderr
    assert "| 支部 |" in r.stdout
    r = jifen("org", bad, "--year", "2024")
    assert r.returncode == 1 and "没有任何支部可以汇总" in r.stderr
    r = jifen("org", dirs[0], "-f", "xlsx")
    assert r.returncode == 2
    r = jifen("org", tmp_path / "nope")
    assert r.returncode == 2


def test_default_year_and_progress_off_without_tty(town):
    root, _ = town
    assert R.latest_year(sorted(p for p in root.iterdir())) == 2024
    r = jifen("org", root)
    assert r.returncode == 0, r.stderr
    assert "\r" not in r.stderr  # no progress bar when stderr is not a terminal


def test_progress_bar_on_a_terminal():
    from jifen_cli.cli.org import Progress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    s = Tty()
    bar = Progress(3, s)
    for i in range(1, 4):
        bar(i, 3, R.BranchResult(dir="x", ok=i != 2))
    text = s.getvalue()
    assert text.count("\r") == 3 and "3/3" in text and "跳过 1" in text and text.endswith("\n")


def test_org_is_registered():
    r = jifen("--help")
    assert r.returncode == 0 and "org" in r.stdout
    assert os.environ.get("JIFEN_IN_WORKER") is None


def test_rerun_after_one_edit_parses_only_that_file(tmp_path):
    dirs, _ = generate_tree(tmp_path / "t", branches=3, members=6, rate=8, seed=4)
    first = R.rollup(dirs, 2024, jobs=2)
    assert all(b.parsed > 10 for b in first.branches)  # cold: every file of every branch
    again = R.rollup(dirs, 2024, jobs=2)
    assert [b.parsed for b in again.branches] == [0, 0, 0]
    f = dirs[1] / "events" / "2024" / "2024-06.yaml"
    f.write_text(f.read_text(encoding="utf-8") + "# 补记\n", encoding="utf-8")
    edited = R.rollup(dirs, 2024, jobs=2)
    assert [b.parsed for b in edited.branches] == [0, 1, 0]
    assert _table(edited) == _table(first)  # a comment changes nothing else


def test_year_in_progress_is_provisional(town):
    """RULES.md §7.3: a roll-up made before the year's end says its scores are provisional
    and leaves the yearly rules unsettled, as `jifen year` does."""
    _, dirs = town
    running = R.rollup(dirs, 2024, today="2024-11-22")
    assert running.note and "截至2024年11月22日" in running.note and "暂定" in running.note
    md = R.render(running, "md")
    assert "2024 年度党员积分汇总表（暂定）" in md and "截至2024年11月22日" in md
    csv_text = R.render(running, "csv")
    assert csv_text.splitlines()[1].startswith("注：截至2024年11月22日")
    over = R.rollup(dirs, 2024, today="2025-01-05")
    assert over.note is None and "（暂定）" not in R.render(over, "md")


def test_a_branch_without_records_that_year_is_not_graded(town, monkeypatch):
    """A 组织部 rolling up a year a branch did not record (its data stop earlier, or it
    started later) must not get that branch's members all at the defaults and graded:
    the branch is listed as not rolled up, with the reason."""
    _, dirs = town
    r = R.rollup(dirs[:2], 2019, jobs=1)  # the generated branches hold 2024 only
    assert [b.ok for b in r.branches] == [False, False]
    assert all(b.problem == "2019年没有任何积分记录（条目或评议结果），未汇总" for b in r.branches)
    assert R.member_table(r)[1] == []
    # the memo keeps the reason
    again = R.rollup(dirs[:2], 2019, jobs=1)
    assert [b.problem for b in again.branches] == [b.problem for b in r.branches]


def test_org_refuses_a_year_not_begun(town):
    _, dirs = town
    r = jifen("org", str(dirs[0]), "--year", "2099", env={"JIFEN_TODAY": "2026-12-07"})
    assert r.returncode == 1 and "2099年还没有开始" in r.stderr, r.stderr
