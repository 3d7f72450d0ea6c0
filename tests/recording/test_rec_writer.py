"""core.writer: round trip, refusal, lock, atomic write — through the real CLI."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import yaml

from jifen_cli.core import writer
from reckit import JANUARY, commits, git, run_cli, run_proc

JAN = "events/2019/2019-01.yaml"


def entries(root: Path, rel: str = JAN) -> list[dict]:
    return yaml.safe_load((root / rel).read_text(encoding="utf-8"))["entries"]


def test_add_keeps_every_comment_and_blank_line(branch):
    before = (branch / JAN).read_text(encoding="utf-8")
    assert before == JANUARY
    r = run_cli(["-C", str(branch), "add", "张三", "absent", "--date", "2019-01-25",
                 "--note", "无故缺席：支部委员会"])
    assert r.code == 0, r.text
    after = (branch / JAN).read_text(encoding="utf-8")
    # every byte the user wrote is still there, in place; the entry is appended after it
    assert after.startswith(before)
    old_lines = before.splitlines()
    new_lines = after.splitlines()
    assert new_lines[: len(old_lines)] == old_lines
    assert sum(1 for x in new_lines if x.strip().startswith("#")) == \
        sum(1 for x in old_lines if x.strip().startswith("#"))
    added = entries(branch)[-1]
    assert added["id"] == "2019-01-003" and added["member"] == "M001"
    assert added["note"] == "无故缺席：支部委员会"  # a colon in a value is quoted correctly
    assert str(added["recorded"]) == "2019-02-03"
    # a second add keeps the first one's layout too
    r = run_cli(["-C", str(branch), "add", "M002", "leave", "--date", "2019-01-26"])
    assert r.code == 0, r.text
    assert (branch / JAN).read_text(encoding="utf-8").startswith(after)
    assert [e["id"] for e in entries(branch)] == ["2019-01-001", "2019-01-002", "2019-01-003",
                                                  "2019-01-004"]


def test_other_indentation_style_is_kept(branch):
    text = ("entries:\n- id: 2019-01-001  # 顶格写的列表\n  date: 2019-01-15\n  member: M001\n"
            "  item: absent\n")
    (branch / JAN).write_text(text, encoding="utf-8")
    git(branch, "commit", "-qam", "顶格")
    r = run_cli(["-C", str(branch), "add", "M003", "absent", "--date", "2019-01-16"])
    assert r.code == 0, r.text
    after = (branch / JAN).read_text(encoding="utf-8")
    assert after.startswith(text)
    assert "\n- id: 2019-01-002\n  date: 2019-01-16\n" in after


def test_new_month_file_gets_a_header_and_one_commit(branch):
    r = run_cli(["-C", str(branch), "add", "王五", "absent", "--date", "2019-03-05"], )
    assert r.code == 1 and "M003" in r.text and "M004" in r.text  # ambiguous name
    r = run_cli(["-C", str(branch), "add", "M003", "absent", "--date", "2019-03-05", "--by", "赵记录"])
    assert r.code == 0, r.text
    text = (branch / "events/2019/2019-03.yaml").read_text(encoding="utf-8")
    assert text.startswith("# 2019 年 3 月积分记录")
    assert entries(branch, "events/2019/2019-03.yaml")[0]["id"] == "2019-03-001"
    log = commits(branch)
    assert log[0] == "赵记录|jifen: add 2019-03-001 member=M003 item=absent date=2019-03-05 by=赵记录"
    assert git(branch, "show", "--name-only", "--format=", "HEAD").split() == \
        ["events/2019/2019-03.yaml"]


def test_refused_when_the_result_would_not_pass_check(branch):
    before = (branch / JAN).read_bytes()
    head = git(branch, "rev-parse", "HEAD")
    # 2018-12 has no rules in force (rules from 2019-01-01): E406
    r = run_cli(["-C", str(branch), "add", "M001", "absent", "--date", "2018-12-20"])
    assert r.code == 1, r.text
    assert "E406" in r.text and "已拒绝" in r.text
    assert not (branch / "events/2018").exists()
    assert (branch / JAN).read_bytes() == before
    assert git(branch, "rev-parse", "HEAD") == head
    assert git(branch, "status", "--porcelain") == ""


def test_preexisting_errors_block_writes_and_are_named(branch):
    bad = JANUARY.replace("member: M002      # 李四本人", "member: M099")
    (branch / JAN).write_text(bad, encoding="utf-8")
    git(branch, "commit", "-qam", "手工录错")
    r = run_cli(["-C", str(branch), "add", "M001", "leave", "--date", "2019-01-28"])
    assert r.code == 1
    assert "E301" in r.text and "之前就已存在" in r.text
    assert next(x for x in r.text.splitlines() if "E301" in x).startswith(f"{JAN}:18:")
    assert "写入前已存在" in r.text
    assert (branch / JAN).read_text(encoding="utf-8") == bad


def test_uncommitted_hand_edit_is_not_swept_into_a_commit(branch):
    p = branch / JAN
    p.write_text(p.read_text(encoding="utf-8") + "# 还没提交的备注\n", encoding="utf-8")
    r = run_cli(["-C", str(branch), "add", "M001", "leave", "--date", "2019-01-28"])
    assert r.code == 1
    assert "尚未提交的改动" in r.text and "git add" in r.text
    assert len(commits(branch)) == 1


def test_dry_run_writes_nothing(branch):
    r = run_cli(["-C", str(branch), "add", "张三", "absent", "--date", "2019-01-25",
                 "--note", "无故缺席", "--dry-run"])
    assert r.code == 0, r.text
    assert "- id: 2019-01-003" in r.out and "member: M001" in r.out and "试运行" in r.out
    assert (branch / JAN).read_text(encoding="utf-8") == JANUARY
    assert len(commits(branch)) == 1


def test_not_a_git_repository(tmp_path):
    from reckit import write_branch

    b = write_branch(tmp_path / "b", init_git=False)
    r = run_cli(["-C", str(b), "add", "M001", "absent", "--date", "2019-01-25"])
    assert r.code == 2
    assert "不是 git 仓库" in r.text
    assert "git init && git add -A && git commit -m" in r.text
    assert (b / JAN).read_text(encoding="utf-8") == JANUARY


def test_message_grammar_round_trip():
    msg = writer.format_message("add", "2019-01-004", {
        "member": "M003", "item": "absent", "note": None, "by": "欧阳 明", "q": 'a"b=c'})
    assert msg == 'jifen: add 2019-01-004 member=M003 item=absent by="欧阳 明" q="a\\"b=c"'
    p = writer.parse_message(msg)
    assert (p.action, p.target) == ("add", "2019-01-004")
    assert p.fields == {"member": "M003", "item": "absent", "by": "欧阳 明", "q": 'a"b=c'}
    assert writer.parse_message("修改了一下") is None
    init = writer.parse_message("jifen: init branch=第一党支部")
    assert (init.action, init.target, init.fields) == ("init", "", {"branch": "第一党支部"})


# ----------------------------------------------------------------------------- lock
def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_lock_of_a_dead_process_is_taken_over(branch):
    lock = branch / ".git" / "jifen.lock"
    lock.write_text(json.dumps({"pid": dead_pid(), "host": socket.gethostname(),
                                "time": "2019-01-01T00:00:00+08:00"}), encoding="utf-8")
    r = run_proc(["-C", str(branch), "add", "M001", "leave", "--date", "2019-01-28"],
                 env={"JIFEN_LOCK_TIMEOUT": "10"})
    assert r.code == 0, r.text
    assert not lock.exists()


def test_live_lock_makes_a_writer_wait_then_give_up(branch):
    lock = branch / ".git" / "jifen.lock"
    content = json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                          "time": "2019-01-01T00:00:00+08:00", "command": "add"})
    lock.write_text(content, encoding="utf-8")
    t0 = time.monotonic()
    r = run_proc(["-C", str(branch), "add", "M001", "leave", "--date", "2019-01-28"],
                 env={"JIFEN_LOCK_TIMEOUT": "1"})
    assert r.code == 2
    assert f"进程 {os.getpid()}" in r.text and "jifen.lock" in r.text
    assert time.monotonic() - t0 >= 1
    assert lock.read_text(encoding="utf-8") == content  # someone else's lock is left alone
    assert (branch / JAN).read_text(encoding="utf-8") == JANUARY


def test_lock_in_process_serialises(tmp_path):
    lk = writer.BranchLock(tmp_path / "x.lock", timeout=0.3)
    lk.acquire()
    other = writer.BranchLock(tmp_path / "x.lock", timeout=0.3)
    try:
        other.acquire()
        raise AssertionError("second lock must not be acquired")
    except writer.JifenError:
        pass
    lk.release()
    other.acquire()
    assert json.loads((tmp_path / "x.lock").read_text())["pid"] == os.getpid()
    other.release()
    assert not (tmp_path / "x.lock").exists()


# ------------------------------------------------------------------ killed mid-write
def _kill_during_write(branch: Path, args: list[str], watch_dir: Path) -> None:
    from reckit import REPO

    env = dict(os.environ, JIFEN_TEST_PAUSE_BEFORE_REPLACE="30", JIFEN_TODAY="2019-02-03",
               PYTHONPATH=str(REPO))
    from reckit import proc_command

    proc = subprocess.Popen([*proc_command(), "-C", str(branch), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if watch_dir.is_dir() and list(watch_dir.glob(f"{writer.TMP_PREFIX}*")):
            break
        if proc.poll() is not None:
            raise AssertionError(proc.communicate())
        time.sleep(0.02)
    else:
        proc.kill()
        raise AssertionError("the writer never reached the pause")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def test_killed_mid_write_leaves_the_ledger_as_it_was(branch):
    before = (branch / JAN).read_bytes()
    head = git(branch, "rev-parse", "HEAD")
    _kill_during_write(branch, ["add", "M001", "leave", "--date", "2019-01-28"],
                       branch / "events/2019")
    assert (branch / JAN).read_bytes() == before
    assert git(branch, "rev-parse", "HEAD") == head
    assert (branch / ".git/jifen.lock").exists()  # left behind by the dead writer
    r = run_cli(["-C", str(branch), "check"])
    assert r.code == 0, r.text
    # the next writer takes over the stale lock, removes the dead writer's temp file
    r = run_cli(["-C", str(branch), "add", "M001", "leave", "--date", "2019-01-28"])
    assert r.code == 0, r.text
    assert not list((branch / "events/2019").glob(f"{writer.TMP_PREFIX}*"))
    assert [e["id"] for e in entries(branch)][-1] == "2019-01-003"
    assert git(branch, "status", "--porcelain") == ""


def test_killed_while_creating_a_month_file(branch):
    _kill_during_write(branch, ["add", "M001", "leave", "--date", "2019-04-02"],
                       branch / "events/2019")
    assert not (branch / "events/2019/2019-04.yaml").exists()
    assert len(commits(branch)) == 1


def test_append_record_edge_cases():
    from datetime import date

    rec = {"id": "2019-01-001", "date": date(2019, 1, 5), "member": "M001", "item": "leave"}
    new = writer.append_record(None, "entries", rec, writer.ENTRY_KEYS, "# 头\n\n")
    assert new == ("# 头\n\nentries:\n  - id: 2019-01-001\n    date: 2019-01-05\n"
                   "    member: M001\n    item: leave\n")
    only_comments = "# 只有注释\n\n# 第二行\n"
    new = writer.append_record(only_comments, "entries", rec, writer.ENTRY_KEYS, "# 头\n")
    assert new.startswith(only_comments) and yaml.safe_load(new)["entries"][0]["id"] == "2019-01-001"
    flow = "# 空列表\nentries: []\n"
    new = writer.append_record(flow, "entries", rec, writer.ENTRY_KEYS, "")
    assert new.startswith("# 空列表\nentries:\n") and "[" not in new
    assert yaml.safe_load(new)["entries"] == [{"id": "2019-01-001", "date": date(2019, 1, 5),
                                               "member": "M001", "item": "leave"}]
    quoted = "entries:\n  - id: '2019-01-001'\n    date: 2019-01-05\n    member: \"M001\"\n    item: leave\n"
    rec2 = dict(rec, id="2019-01-002", note="含“引号”与: 冒号 # 井号")
    new = writer.append_record(quoted, "entries", rec2, writer.ENTRY_KEYS, "")
    assert new.startswith(quoted)
    assert yaml.safe_load(new)["entries"][1]["note"] == "含“引号”与: 冒号 # 井号"


def test_resolve_keeps_comments_in_the_objection_file(branch):
    text = ("# 异议登记簿（手工）\n\nobjections:\n  # 第一条异议\n  - id: Y2019-001\n"
            "    entry: 2019-01-001   # 张三的缺席\n    by: M001\n    date: 2019-02-06\n"
            "    reason: 当天请过假\n    status: open\n\n# 完\n")
    (branch / "objections").mkdir()
    (branch / "objections/2019.yaml").write_text(text, encoding="utf-8")
    git(branch, "add", "-A")
    git(branch, "commit", "-qm", "手工登记异议")
    r = run_cli(["-C", str(branch), "resolve", "Y2019-001", "--dismissed", "--note", "未获批准"])
    assert r.code == 0, r.text
    after = (branch / "objections/2019.yaml").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip().startswith("#") or "#" in line:
            assert line in after.splitlines()
    assert "status: dismissed" in after and "resolution: 未获批准" in after
    assert after.count("\n\n") == text.count("\n\n")


def test_a_failed_commit_puts_everything_back(branch):
    # a real git failure: commits must be signed, and the signing program fails
    git(branch, "config", "commit.gpgsign", "true")
    git(branch, "config", "gpg.program", "false")
    head = git(branch, "rev-parse", "HEAD")
    for args in (["add", "M001", "leave", "--date", "2019-01-28"],   # existing month file
                 ["add", "M001", "leave", "--date", "2019-05-02"]):  # new month file
        r = run_cli(["-C", str(branch), *args])
        assert r.code == 2 and "git commit 失败" in r.text, r.text
        assert (branch / JAN).read_text(encoding="utf-8") == JANUARY
        assert not (branch / "events/2019/2019-05.yaml").exists()
        assert git(branch, "status", "--porcelain") == ""
        assert git(branch, "rev-parse", "HEAD") == head
        assert not (branch / ".git/jifen.lock").exists()
