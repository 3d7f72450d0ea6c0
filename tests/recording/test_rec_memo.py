"""The results memo never answers for git: the audit of published periods (E701/E702)
runs on every `jifen check`, even when the branch's files are unchanged."""

from __future__ import annotations

from jifen_cli.core import memo
from reckit import git, run_cli, run_proc

JAN = "events/2019/2019-01.yaml"


def test_published_check_is_live_when_files_are_unchanged(branch):
    assert run_cli(["-C", str(branch), "publish", "2019-01", "--date", "2019-02-05"]).code == 0
    p = branch / JAN
    p.write_text(p.read_text(encoding="utf-8").replace("item: leave\n    by: 李四\n\n# 以上",
                                                       "item: absent\n    by: 李四\n\n# 以上"),
                 encoding="utf-8")
    git(branch, "-c", "user.name=王五", "commit", "-qam", "改一下")
    for run in (run_cli, run_proc, run_cli):
        r = run(["-C", str(branch), "check"])
        assert r.code == 1 and "E701" in r.out, r.text
    hits = memo.STATS["hits"]
    # the files stay as they are; only git changes: the tag is moved onto the edit
    git(branch, "tag", "-f", "publish/2019-01", "HEAD")
    r = run_cli(["-C", str(branch), "check"])
    assert memo.STATS["hits"] == hits + 1  # the stored part came from the memo...
    assert r.code == 0 and "E701" not in r.out, r.text  # ...the audit did not


def test_add_then_month_shows_the_new_entry(branch):
    """The recorder's loop: a notice made, an entry added with `jifen add`, the notice made
    again — the second notice is recomputed (the month file changed), the third is the
    memoised copy of the second."""
    first = run_proc(["-C", str(branch), "month", "2019-01", "-f", "md"])
    assert first.code == 0, first.text
    r = run_proc(["-C", str(branch), "add", "M003", "absent", "--date", "2019-01-30",
                  "--note", "无故缺席支部党员大会（补记）"])
    assert r.code == 0, r.text
    second = run_proc(["-C", str(branch), "month", "2019-01", "-f", "md"])
    assert second.code == 0 and "补记" in second.out and "补记" not in first.out
    third = run_proc(["-C", str(branch), "month", "2019-01", "-f", "md"])
    assert third.out == second.out
    fresh = run_proc(["--no-cache", "-C", str(branch), "month", "2019-01", "-f", "md"])
    assert fresh.out == second.out
