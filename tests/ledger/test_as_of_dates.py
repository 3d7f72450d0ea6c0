"""`--as-of DATE` (docs/AUDIT.md §7): dates must be YYYY-MM-DD, with the normalised form
suggested; a date is matched against the time a commit was *made* (not entry dates, not
JIFEN_TODAY), and a date before the first commit says which day that was (E705)."""

from __future__ import annotations

import os
import subprocess

import pytest
from typer.testing import CliRunner

from ledgerkit import make_branch

from jifen_cli.cli.app import _register_all, app

_register_all()

WHEN = "2026-11-20T10:00:00+08:00"  # the day the 2019 data was keyed in (back-dated)


@pytest.fixture
def branch(tmp_path):
    root = make_branch(tmp_path / "b")
    env = dict(os.environ, GIT_AUTHOR_DATE=WHEN, GIT_COMMITTER_DATE=WHEN, GIT_AUTHOR_NAME="李四",
               GIT_AUTHOR_EMAIL="l@x", GIT_COMMITTER_NAME="李四", GIT_COMMITTER_EMAIL="l@x")
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "jifen: 补录2019年台账"]):
        subprocess.run(["git", "-C", str(root), *cmd], check=True, env=env, capture_output=True)
    return root


def invoke(root, *args):
    return CliRunner().invoke(app, ["-C", str(root), *map(str, args)], env={"JIFEN_TODAY": "2026-11-22"})


@pytest.mark.parametrize("text", ["2019/2/1", "2019.02.01", "2019年2月1日"])
def test_date_not_written_iso_gets_the_normalised_form(branch, text):
    r = invoke(branch, "score", 2019, "--as-of", text)
    assert r.exit_code == 2
    assert "E705" in r.output and "YYYY-MM-DD" in r.output and "写作 2019-02-01" in r.output


def test_date_that_does_not_exist(branch):
    r = invoke(branch, "score", 2019, "--as-of", "2019-02-30")
    assert r.exit_code == 2
    assert "E705" in r.output and "不存在" in r.output


def test_date_before_the_first_commit_names_it(branch):
    r = invoke(branch, "score", 2019, "--as-of", "2019-02-01")
    assert r.exit_code == 2
    assert "2019-02-01 及以前没有任何提交" in r.output
    assert "最早的提交是 2026-11-20" in r.output
    assert "提交存档的实际时间" in r.output and "jifen score 2019-01" in r.output


def test_date_after_the_commit_finds_it(branch):
    r = invoke(branch, "score", 2019, "--as-of", "2026-11-20")
    assert r.exit_code == 0, r.output
    assert "李四" in r.output
    r = invoke(branch, "score", 2019, "--as-of", "2026-11-21")
    assert r.exit_code == 0, r.output


def test_short_iso_date_still_accepted(branch):
    r = invoke(branch, "score", 2019, "--as-of", "2026-11-2")
    assert r.exit_code == 2 and "2026-11-02 及以前没有任何提交" in r.output
