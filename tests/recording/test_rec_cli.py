"""The recording commands through the real CLI (CliRunner and subprocess)."""

from __future__ import annotations

import os
import pty
import select
import time

import pytest
import yaml

from reckit import REPO, commits, git, proc_command, run_cli, run_proc

JAN = "events/2019/2019-01.yaml"
COMMANDS = ["add", "declare", "confirm", "reject", "pending", "void", "correct", "object",
            "resolve", "log", "publish", "verify"]


def entries(branch, rel=JAN):
    return {e["id"]: e for e in yaml.safe_load((branch / rel).read_text(encoding="utf-8"))["entries"]}


@pytest.mark.parametrize("command", COMMANDS)
def test_help_is_chinese_with_an_example(command):
    r = run_cli([command, "--help"])
    assert r.code == 0, r.text
    assert "示例：" in r.out
    assert f"jifen {command}" in r.out.split("示例：", 1)[1]
    # the first line of the help is Chinese
    first = r.out.split("\n\n", 2)[1].strip()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in first), first


def test_add_as_a_subprocess_by_name_and_id(branch):
    r = run_proc(["add", "张三", "absent", "--date", "2019-01-25", "--note", "无故缺席支部党员大会"],
                 cwd=branch)
    assert r.code == 0, r.text
    # what was recorded, in words (the commit subject keeps the audit grammar: below)
    assert "记录 2019-01-003：张三（M001） 无故缺席“三会一课”或组织生活 2019年1月25日 记录人 李四" in r.out, r.out
    r = run_proc(["add", "m005", "leave", "--date", "2019-01-26"], cwd=branch,
                 env={"JIFEN_RECORDER": "周记录"})
    assert r.code == 0, r.text
    assert entries(branch)["2019-01-004"]["member"] == "M005"
    assert commits(branch)[0].startswith("周记录|jifen: add 2019-01-004 member=M005")


def test_unknown_member_and_item_suggest_the_nearest(branch):
    r = run_cli(["-C", str(branch), "add", "张山", "absent", "--date", "2019-01-25"])
    assert r.code == 1 and "M001 张三" in r.text
    r = run_cli(["-C", str(branch), "add", "M01", "absent", "--date", "2019-01-25"])
    assert r.code == 1 and "M001" in r.text
    r = run_cli(["-C", str(branch), "add", "张三", "absnt", "--date", "2019-01-25"])
    assert r.code == 1 and "absent" in r.text and "E302" in r.text
    r = run_cli(["-C", str(branch), "add", "王五", "absent", "--date", "2019-01-25"])
    assert r.code == 1 and "对应 2 名党员" in r.text and "M003" in r.text and "M004" in r.text
    assert len(commits(branch)) == 1


def test_missing_arguments_fail_clearly_in_a_script(branch):
    r = run_proc(["-C", str(branch), "add", "张三", "absent"])
    assert r.code == 2 and "缺少日期" in r.text and "--date" in r.text
    r = run_proc(["-C", str(branch), "add"])
    assert r.code == 2 and "缺少党员" in r.text
    r = run_proc(["-C", str(branch), "void", "2019-01-001"])
    assert r.code == 2 and "作废理由" in r.text
    assert len(commits(branch)) == 1


def test_missing_arguments_are_asked_for_on_a_terminal(branch):
    env = dict(os.environ, JIFEN_TODAY="2019-02-03", PYTHONPATH=str(REPO))
    pid, fd = pty.fork()
    if pid == 0:  # the child: jifen on a terminal
        os.chdir(branch)
        cmd = [*proc_command(), "add"]
        os.execvpe(cmd[0], cmd, env)
    out = b""

    def expect(text: str, timeout=20):
        nonlocal out
        deadline = time.monotonic() + timeout
        while text.encode() not in out:
            assert time.monotonic() < deadline, out.decode(errors="replace")
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    out += os.read(fd, 4096)
                except OSError:
                    break

    expect("党员")
    os.write(fd, "张三\n".encode())
    expect("积分项目")
    os.write(fd, b"leave\n")
    expect("2019-02-03")  # the date prompt offers today
    os.write(fd, b"2019-01-27\n")
    expect("已写入")
    os.waitpid(pid, 0)
    os.close(fd)
    assert entries(branch)["2019-01-003"]["item"] == "leave"


def test_declare_pending_confirm_reject(branch):
    b = ["-C", str(branch)]
    assert run_cli(b + ["declare", "赵六", "honour", "--date", "2019-01-10", "--level", "集团",
                        "--subject", "优秀共产党员"]).code == 0
    assert run_cli(b + ["declare", "M003", "volunteer", "--date", "2019-01-11", "--level", "支部",
                        "--subject", "义务植树"]).code == 0
    r = run_cli(b + ["pending"])
    assert "2019-01-003" in r.out and "2019-01-004" in r.out and "共 2 条待认定" in r.out
    r = run_cli(b + ["pending", "--member", "赵六"])
    assert "2019-01-003" in r.out and "2019-01-004" not in r.out
    r = run_cli(b + ["confirm", "2019-01-003", "--note", "支委会认定"])
    assert r.code == 0, r.text
    r = run_cli(b + ["reject", "2019-01-004", "--reason", "证明材料不全"])
    assert r.code == 0, r.text
    e = entries(branch)
    assert e["2019-01-005"]["corrects"] == "2019-01-003" and "status" not in e["2019-01-005"]
    assert e["2019-01-005"]["level"] == "集团" and e["2019-01-005"]["subject"] == "优秀共产党员"
    assert str(e["2019-01-005"]["date"]) == "2019-01-10"
    assert e["2019-01-006"]["status"] == "rejected" and e["2019-01-006"]["note"] == "证明材料不全"
    assert "没有待认定的申报" in run_cli(b + ["pending"]).out
    # a declaration is settled once; confirm applies to declarations only
    r = run_cli(b + ["confirm", "2019-01-003"])
    assert r.code == 1 and "已被 2019-01-005" in r.text
    r = run_cli(b + ["confirm", "2019-01-001"])
    assert r.code == 1 and "不是待认定的申报" in r.text
    subjects = [c.split("|")[1].split()[1] for c in commits(branch)[:4]]
    assert subjects == ["reject", "confirm", "declare", "declare"]
    # pending entries never count; confirmed ones do
    from jifen_cli.core.loader import load_branch

    ledger, _ = load_branch(branch)
    assert {x.id for x in ledger.effective_entries()} == {"2019-01-001", "2019-01-002", "2019-01-005"}


def test_void_and_correct_add_entries_and_never_rewrite(branch):
    b = ["-C", str(branch)]
    before = (branch / JAN).read_text(encoding="utf-8")
    r = run_cli(b + ["void", "2019-01-002", "--reason", "重复记录"])
    assert r.code == 0, r.text
    r = run_cli(b + ["correct", "2019-01-001", "--item", "leave", "--reason", "当天已请假"])
    assert r.code == 0, r.text
    r = run_cli(b + ["correct", "2019-01-004", "--member", "赵六", "--reason", "记错了人"])
    assert r.code == 0, r.text
    assert (branch / JAN).read_text(encoding="utf-8").startswith(before)
    e = entries(branch)
    assert e["2019-01-003"]["status"] == "void" and e["2019-01-003"]["corrects"] == "2019-01-002"
    assert e["2019-01-004"]["item"] == "leave" and e["2019-01-004"]["corrects"] == "2019-01-001"
    assert e["2019-01-005"]["member"] == "M005" and e["2019-01-005"]["item"] == "leave"
    assert e["2019-01-005"]["corrects"] == "2019-01-004"
    r = run_cli(b + ["correct", "2019-01-001", "--points", "3", "--reason", "再改"])
    assert r.code == 1 and "2019-01-005" in r.text  # only the latest version may be changed
    r = run_cli(b + ["correct", "2019-01-005", "--date", "2019-02-01", "--reason", "改月份"])
    assert r.code == 1 and "别的月份" in r.text
    r = run_cli(b + ["correct", "2019-01-005", "--reason", "什么也没改"])
    assert r.code == 1 and "没有给出" in r.text
    r = run_cli(b + ["void", "2019-01-003", "--reason", "作废作废记录"])
    assert r.code == 1
    assert run_cli(b + ["check"]).code == 0


def test_object_and_resolve(branch):
    b = ["-C", str(branch)]
    r = run_cli(b + ["object", "2019-01-001", "--by", "张三", "--reason", "当天请过假",
                     "--date", "2019-02-06"])
    assert r.code == 0, r.text
    r = run_cli(b + ["object", "2019-01-002", "--by", "李四", "--reason", "没有请假"])
    assert r.code == 0, r.text
    obs = yaml.safe_load((branch / "objections/2019.yaml").read_text(encoding="utf-8"))["objections"]
    assert [(o["id"], o["entry"], o["by"], o["status"]) for o in obs] == [
        ("Y2019-001", "2019-01-001", "M001", "open"), ("Y2019-002", "2019-01-002", "M002", "open")]
    # upheld with a correction: the objection and the correction in one commit
    r = run_cli(b + ["resolve", "Y2019-001", "--upheld", "--points", "1", "--item", "leave",
                     "--note", "核实有请假条"])
    assert r.code == 0, r.text
    changed = git(branch, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(changed) == [JAN, "objections/2019.yaml"]
    assert commits(branch)[0].startswith(
        "李四|jifen: resolve Y2019-001 status=upheld entry=2019-01-001 correction=2019-01-003")
    e = entries(branch)["2019-01-003"]
    assert e["corrects"] == "2019-01-001" and e["item"] == "leave"
    r = run_cli(b + ["resolve", "Y2019-002", "--dismissed", "--note", "请假未获批准"])
    assert r.code == 0, r.text
    obs = yaml.safe_load((branch / "objections/2019.yaml").read_text(encoding="utf-8"))["objections"]
    assert [o["status"] for o in obs] == ["upheld", "dismissed"]
    assert "已由 2019-01-003 更正" in obs[0]["resolution"]
    r = run_cli(b + ["resolve", "Y2019-002", "--upheld"])
    assert r.code == 1 and "已处理" in r.text
    assert run_cli(b + ["check"]).code == 0


def test_log_of_an_entry_includes_hand_edits(branch):
    b = ["-C", str(branch)]
    assert run_cli(b + ["add", "M003", "absent", "--date", "2019-01-25"]).code == 0
    p = branch / JAN
    p.write_text(p.read_text(encoding="utf-8").replace("    member: M003\n    item: absent",
                                                       "    member: M003\n    item: leave"),
                 encoding="utf-8")
    git(branch, "-c", "user.name=王五", "commit", "-qam", "顺手改了")
    assert run_cli(b + ["void", "2019-01-003", "--reason", "不该记"]).code == 0
    p.write_text(p.read_text(encoding="utf-8") + "# 还没提交\n", encoding="utf-8")
    p.write_text(p.read_text(encoding="utf-8").replace("note: 不该记", "note: 不该记（补充）"),
                 encoding="utf-8")
    for run in (run_cli, run_proc):
        r = run(b + ["log", "2019-01-003"])
        assert r.code == 0, r.text
        lines = r.out.splitlines()
        heads = [x for x in lines if not x.startswith("    ")]
        assert heads[0].startswith("（未提交）")
        assert "作废 2019-01-004（作废 2019-01-003）：王五（M003）" in heads[1]
        assert "王五" in heads[2] and "【手工】顺手改了" in heads[2]
        assert "记录 2019-01-003：王五（M003） " in heads[3] and "jifen:" not in r.out
        assert len(heads) == 4
        assert "修改条目 2019-01-003：项目 无故缺席“三会一课”或组织生活（absent） → 组织生活请假（leave）" \
            in r.out
    r = run_cli(b + ["log", "王五"])
    assert r.code == 1  # ambiguous name
    r = run_cli(b + ["log", "2019-01-03"])
    assert r.code == 1 and "2019-01-003" in r.text  # a mistyped id: the nearest ids
    r = run_cli(b + ["log", "M003"])
    assert "记录 2019-01-003" in r.out and "顺手改了" in r.out
    r = run_cli(b + ["log"])
    assert "【手工】初始台账" in r.out and r.out.count("\n") >= 4


def test_log_of_a_member_finds_records_written_by_name(branch):
    p = branch / JAN
    p.write_text(p.read_text(encoding="utf-8") + "  - {id: 2019-01-003, date: 2019-01-29, member: 赵六, item: leave}\n",
                 encoding="utf-8")
    git(branch, "-c", "user.name=孙记录", "commit", "-qam", "按姓名补记")
    r = run_cli(["-C", str(branch), "log", "M005"])
    assert r.code == 0 and "按姓名补记" in r.out and "孙记录" in r.out
    r = run_cli(["-C", str(branch), "log", "M001"])
    assert "按姓名补记" not in r.out
