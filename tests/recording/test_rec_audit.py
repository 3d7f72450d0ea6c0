"""Publishing, the frozen period check, verify and --as-of, on real repositories."""

from __future__ import annotations

import contextlib
import os
from datetime import date
from pathlib import Path

from jifen_cli.core import audit, git as g
from jifen_cli.core.loader import load_branch
from reckit import commits, git, run_cli, run_proc

JAN = "events/2019/2019-01.yaml"


def publish(branch: Path, period: str = "2019-01", on: str = "2019-02-05"):
    r = run_cli(["-C", str(branch), "publish", period, "--date", on])
    assert r.code == 0, r.text
    return r


def test_publish_stores_commits_and_tags(branch):
    r = publish(branch)
    assert "publish/2019-01" in r.out
    md = (branch / "published/2019-01.md").read_text(encoding="utf-8")
    assert "2019年1月" in md and "张三" in md
    assert (branch / "published/2019-01.html").read_text(encoding="utf-8").lstrip().startswith("<")
    assert commits(branch)[0].startswith("李四|jifen: publish 2019-01 on=2019-02-05 tag=publish/2019-01")
    assert git(branch, "tag", "--list").split() == ["publish/2019-01"]
    assert git(branch, "rev-parse", "publish/2019-01^{commit}") == git(branch, "rev-parse", "HEAD")
    assert audit.published_on(branch, "publish/2019-01") == date(2019, 2, 5)
    # publishing twice is refused
    r = run_cli(["-C", str(branch), "publish", "2019-01"])
    assert r.code == 1 and "已经公示过" in r.text
    assert run_cli(["-C", str(branch), "check"]).code == 0
    assert run_cli(["-C", str(branch), "verify"]).code == 0


def test_hand_edit_of_a_published_month_is_caught_by_check(branch):
    publish(branch)
    # corrections after publication are fine
    r = run_cli(["-C", str(branch), "correct", "2019-01-001", "--item", "leave",
                 "--reason", "当天已请假"])
    assert r.code == 0, r.text
    assert run_cli(["-C", str(branch), "check"]).code == 0
    # a fresh entry in the published month is refused by the writer
    r = run_cli(["-C", str(branch), "add", "M003", "absent", "--date", "2019-01-30"])
    assert r.code == 1 and "已公示" in r.text
    # a hand edit, committed by someone else, changing a published entry
    p = branch / JAN
    p.write_text(p.read_text(encoding="utf-8").replace("item: leave\n    by: 李四\n\n# 以上",
                                                       "item: absent\n    by: 李四\n\n# 以上"),
                 encoding="utf-8")
    git(branch, "-c", "user.name=王五", "commit", "-qam", "改一下")
    sha = git(branch, "rev-parse", "--short=8", "HEAD").strip()
    for run in (run_cli, run_proc):
        r = run(["-C", str(branch), "check"])
        assert r.code == 1, r.text
        line = next(x for x in r.out.splitlines() if "E701" in x)
        assert line.startswith(f"{JAN}:19:")  # the changed key of the entry
        assert "2019-01-002" in line and f"提交 {sha}" in line and "作者 王五" in line
        assert "改一下" in line and "item" in line
    # reverting the hand edit clears it (the net change is what counts)
    git(branch, "revert", "--no-edit", "HEAD")
    assert run_cli(["-C", str(branch), "check"]).code == 0


def test_uncommitted_edit_and_deleted_entry_are_reported(branch):
    publish(branch)
    p = branch / JAN
    text = p.read_text(encoding="utf-8")
    cut = text.index("  # 请假的记一条")
    p.write_text(text[:cut], encoding="utf-8")  # entry 2019-01-002 deleted, not committed
    diags = audit.check_published(branch)
    assert [d.code for d in diags] == ["E701"]
    assert "2019-01-002" in diags[0].message and "被删除" in diags[0].message
    assert "尚未提交" in diags[0].message
    # an added entry that is not a correction is reported as well
    p.write_text(text + "  - {id: 2019-01-009, date: 2019-01-31, member: M001, item: leave}\n",
                 encoding="utf-8")
    diags = audit.check_published(branch)
    assert len(diags) == 1 and "不是更正条目" in diags[0].message
    # comments and blank lines are not changes to the entries
    p.write_text("# 补一行注释\n" + text + "\n\n", encoding="utf-8")
    assert audit.check_published(branch) == []


def test_verify_catches_a_tampered_published_file(branch):
    publish(branch)
    r = run_cli(["-C", str(branch), "verify"])
    assert r.code == 0 and "一致" in r.out, r.text
    md = branch / "published/2019-01.md"
    md.write_text(md.read_text(encoding="utf-8").replace("张三", "张三丰"), encoding="utf-8")
    r = run_cli(["-C", str(branch), "verify"])
    assert r.code == 1
    assert "published/2019-01.md" in r.out and "E702" in r.out and "尚未提交的改动" in r.out
    git(branch, "-c", "user.name=赵六", "commit", "-qam", "改公示")
    sha = git(branch, "rev-parse", "--short=8", "HEAD").strip()
    for run in (run_cli, run_proc):
        r = run(["-C", str(branch), "verify"])
        assert r.code == 1, r.text
        assert f"提交 {sha}" in r.out and "作者 赵六" in r.out
        r = run(["-C", str(branch), "check"])  # check reports it as well
        assert r.code == 1 and "E702" in r.out
    git(branch, "checkout", "publish/2019-01", "--", "published/2019-01.md")
    git(branch, "commit", "-qam", "恢复公示原件")
    assert run_cli(["-C", str(branch), "verify"]).code == 0


def test_as_of_reproduces_a_notice_byte_for_byte(branch):
    publish(branch)
    stored = (branch / "published/2019-01.md").read_bytes()
    git(branch, "tag", "before-later-work")
    # later work: a correction, a void, a declaration, another month
    for args in (["correct", "2019-01-001", "--item", "leave", "--reason", "当天已请假"],
                 ["void", "2019-01-002", "--reason", "重复记录"],
                 ["declare", "M005", "honour", "--date", "2019-02-10", "--level", "集团",
                  "--subject", "先进个人"],
                 ["add", "M003", "absent", "--date", "2019-02-11"]):
        r = run_cli(["-C", str(branch), *args])
        assert r.code == 0, r.text
    from jifen_cli.core.periods import Period
    from jifen_cli.render.notices import render_notice

    now_ledger, _ = load_branch(branch)
    assert render_notice(now_ledger, Period.parse("2019-01"), "md", date(2019, 2, 5)).encode() != stored
    for rev in ("publish/2019-01", "before-later-work"):
        with g.checkout_at(branch, rev) as past:
            ledger, _ = load_branch(past)
            again = render_notice(ledger, Period.parse("2019-01"), "md", date(2019, 2, 5))
        assert again.encode("utf-8") == stored
    # by date: every commit is dated today, so today's state is the latest one
    with g.checkout_at(branch, date.today().isoformat()) as past:
        assert len(load_branch(past)[0].entries) == len(now_ledger.entries)
    assert run_cli(["-C", str(branch), "verify"]).code == 0
    # and through the notice command's --as-of, by tag, as a subprocess
    out = branch.parent / "again.md"
    r = run_proc(["-C", str(branch), "month", "2019-01", "--format", "md", "--date", "2019-02-05",
                  "--as-of", "publish/2019-01", "-o", str(out)])
    assert r.code == 0, r.text
    assert out.read_bytes() == stored


@contextlib.contextmanager
def dated(when: str):
    """Commits made inside are dated ``when`` (git reads these variables)."""
    keys = ("GIT_COMMITTER_DATE", "GIT_AUTHOR_DATE")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ.update({k: when for k in keys})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def test_as_of_a_date(tmp_path):
    """--as-of 2019-02-05 is the state at the end of that day."""
    from reckit import write_branch

    with dated("2019-02-01T09:00:00+08:00"):
        branch = write_branch(tmp_path / "b")
    with dated("2019-02-03T10:00:00+08:00"):
        assert run_cli(["-C", str(branch), "add", "M003", "absent", "--date", "2019-01-30"]).code == 0
    with dated("2019-02-05T16:00:00+08:00"):
        publish(branch)
    stored = (branch / "published/2019-01.html").read_bytes()
    assert run_cli(["-C", str(branch), "correct", "2019-01-001", "--item", "leave",
                    "--reason", "当天已请假"]).code == 0
    got = {}
    for as_of in ("2019-02-02", "2019-02-05", "2019-02-06", date.today().isoformat()):
        r = run_cli(["-C", str(branch), "month", "2019-01", "--format", "html", "--date",
                     "2019-02-05", "--as-of", as_of])
        assert r.code == 0, r.text
        got[as_of] = r.out.encode("utf-8")
    assert got["2019-02-05"] == stored and got["2019-02-06"] == stored
    assert got["2019-02-02"] != stored  # before 2019-01-003 was recorded
    assert "2019-01-003" not in got["2019-02-02"].decode() and "2019-01-003" in stored.decode()
    assert got[date.today().isoformat()] != stored  # after the correction
    r = run_cli(["-C", str(branch), "month", "2019-01", "--as-of", "2019-01-01"])
    assert r.code == 2 and "没有任何提交" in r.text


def test_publish_refuses_uncommitted_ledger_changes(branch):
    p = branch / "members.yaml"
    p.write_text(p.read_text(encoding="utf-8") + "# 手工\n", encoding="utf-8")
    r = run_cli(["-C", str(branch), "publish", "2019-01"])
    assert r.code == 1 and "尚未提交" in r.text
    assert not (branch / "published").exists()


def test_verify_tells_a_changed_renderer_from_a_rewritten_file(branch):
    publish(branch)
    msg = git(branch, "tag", "-l", "--format=%(contents)", "publish/2019-01").strip()
    assert f"render={audit.renderer_digest()}" in msg
    # rewrite history: the stored notice differs, and the tag is moved onto it
    md = branch / "published/2019-01.md"
    md.write_text(md.read_text(encoding="utf-8") + "（补记）\n", encoding="utf-8")
    git(branch, "commit", "-qam", "改写")
    git(branch, "tag", "-f", "-a", "publish/2019-01", "-m", msg)
    r = run_cli(["-C", str(branch), "verify"])
    assert r.code == 1 and "重新生成的公示不一致" in r.out and "可能被改过" in r.out
    # the same difference, but the tag says another renderer made the notice
    other = msg.replace(f"render={audit.renderer_digest()}", "render=000000000000")
    git(branch, "tag", "-f", "-a", "publish/2019-01", "-m", other)
    r = run_cli(["-C", str(branch), "verify"])
    assert r.code == 1 and "程序或模板有改动" in r.out and "000000000000" in r.out


def test_publish_refuses_a_period_not_over_or_a_date_before_it(branch):
    """A period is published once and then frozen: not before it ends (a mistyped year, a
    month still running), unless --early says so; never dated before it begins."""
    # reckit's today is 2019-02-03: February is still running
    r = run_cli(["-C", str(branch), "publish", "2019-02"])
    assert r.code == 1 and "2019年2月到 2019年2月28日 才结束" in r.text and "--early" in r.text, r.text
    r = run_cli(["-C", str(branch), "publish", "2027-03"])  # the year mistyped: not begun
    assert r.code == 1 and "早于2027年3月的开始" in r.text, r.text
    r = run_cli(["-C", str(branch), "publish", "2019-01", "--date", "2018-12-30"])
    assert r.code == 1 and "早于2019年1月的开始" in r.text, r.text
    # a later --date does not make a running month over: today decides too
    r = run_cli(["-C", str(branch), "publish", "2019-02", "--date", "2019-03-05"])
    assert r.code == 1 and "才结束" in r.text, r.text
    assert git(branch, "tag", "--list") == ""  # nothing was published
    r = run_cli(["-C", str(branch), "publish", "2019-02", "--early"])
    assert r.code == 0 and "公示 2019年2月" in r.out, r.text
    # the early notice is as of its date: the year is not over, so no year-end rule is settled
    md = (branch / "published/2019-02.md").read_text(encoding="utf-8")
    assert "2019年2月" in md
