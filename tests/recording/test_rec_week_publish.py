"""Publishing a week (`jifen publish 2019-W03`, for schemes that publish weekly — seed 001
abscore: 一周一公示): the week's notice is stored and tagged, and only its seven days'
entries freeze; the rest of the month file stays open.  Real repositories, real CLI."""

from __future__ import annotations

from jifen_cli.core import audit
from reckit import git, run_cli, run_proc

JAN = "events/2019/2019-01.yaml"
WEEK = "2019-W03"  # 2019-01-14 (Monday) … 2019-01-20 (Sunday): both of reckit's January entries


def test_publish_a_week_then_verify(branch):
    r = run_cli(["-C", str(branch), "publish", WEEK, "--date", "2019-01-21"])
    assert r.code == 0, r.text
    assert f"publish/{WEEK}" in r.out
    md = (branch / f"published/{WEEK}.md").read_text(encoding="utf-8")
    assert "2019年第3周（1月14日—1月20日）" in md and "2019-01-001" in md and "2019-01-002" in md
    assert git(branch, "tag", "--list").split() == [f"publish/{WEEK}"]
    assert audit.published_periods(branch) == {WEEK: f"publish/{WEEK}"}
    for run in (run_cli, run_proc):
        assert run(["-C", str(branch), "check"]).code == 0
        r = run(["-C", str(branch), "verify"])
        assert r.code == 0 and "一致" in r.out, r.text
    r = run_cli(["-C", str(branch), "publish", "2019-w3"])  # the same week, written another way
    assert r.code == 1 and "已经公示过" in r.text


def test_only_the_weeks_days_are_frozen(branch):
    assert run_cli(["-C", str(branch), "publish", WEEK, "--date", "2019-01-21"]).code == 0
    # the next week, in the same month file: recorded as usual
    r = run_cli(["-C", str(branch), "add", "M003", "absent", "--date", "2019-01-23"])
    assert r.code == 0, r.text
    assert run_cli(["-C", str(branch), "check"]).code == 0
    # a fresh entry dated inside the published week is refused by the writer
    r = run_cli(["-C", str(branch), "add", "M003", "absent", "--date", "2019-01-16"])
    assert r.code == 1 and "已公示" in r.text, r.text
    # a correction of a published entry is fine
    r = run_cli(["-C", str(branch), "correct", "2019-01-001", "--item", "leave", "--reason", "当天已请假"])
    assert r.code == 0, r.text
    assert run_cli(["-C", str(branch), "check"]).code == 0
    # a hand edit of a published entry, committed: E701 at that entry, naming the commit
    p = branch / JAN
    p.write_text(p.read_text(encoding="utf-8").replace("item: leave\n    by: 李四\n\n# 以上",
                                                       "item: absent\n    by: 李四\n\n# 以上"),
                 encoding="utf-8")
    git(branch, "-c", "user.name=王五", "commit", "-qam", "改一下")
    r = run_cli(["-C", str(branch), "check"])
    assert r.code == 1, r.text
    line = next(x for x in r.out.splitlines() if "E701" in x)
    assert line.startswith(f"{JAN}:19:") and f"{WEEK} 已公示" in line and "2019-01-002" in line, line


def test_a_week_across_two_months_watches_both_files():
    assert audit.period_files("2019-W05") == ["events/2019/2019-01.yaml", "events/2019/2019-02.yaml"]
    assert audit.period_files("2019-W03") == [JAN]
    assert audit.period_files("2019-01") == [JAN]
