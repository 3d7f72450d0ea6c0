"""What a branch secretary reads is Chinese: `jifen log` words the commit messages and
the record changes (names from the roster and the rules), `jifen pending` names items,
did-you-mean hints and E604 name member classes, and click's usage errors and help
screens name arguments by their Chinese metavars.  Real CLI, real git repository."""

from __future__ import annotations

import re

import pytest

from reckit import git, run_cli, run_proc

JAN = "events/2019/2019-01.yaml"


def _ok(args):
    r = run_cli(args)
    assert r.code == 0, r.text
    return r


def test_log_reads_every_kind_of_commit_in_chinese(branch):
    b = ["-C", str(branch)]
    _ok(b + ["add", "张三", "absent", "--date", "2019-01-15", "--note", "无故缺席"])  # 2019-01-003
    _ok(b + ["correct", "2019-01-003", "--item", "leave", "--reason", "当天已请假"])  # 004
    _ok(b + ["void", "2019-01-002", "--reason", "记重了"])  # 005
    _ok(b + ["declare", "赵六", "volunteer", "--level", "集团", "--date", "2019-01-20"])  # 006
    _ok(b + ["confirm", "2019-01-006"])  # 007
    _ok(b + ["declare", "赵六", "honour", "--level", "集团", "--date", "2019-01-21"])  # 008
    _ok(b + ["reject", "2019-01-008", "--reason", "材料不全"])  # 009
    _ok(b + ["object", "2019-01-004", "--by", "张三", "--reason", "不服"])  # Y2019-001
    _ok(b + ["resolve", "Y2019-001", "--upheld", "--note", "核实"])  # 010
    _ok(b + ["publish", "2019-01", "--date", "2019-02-05"])
    p = branch / JAN
    p.write_text(p.read_text(encoding="utf-8").replace("    member: M002      # 李四本人\n    item: leave",
                                                       "    member: M002      # 李四本人\n    item: absent"),
                 encoding="utf-8")
    git(branch, "-c", "user.name=王五", "commit", "-qam", "顺手改了")

    r = _ok(b + ["log"])
    heads = [x.split("  ", 3)[3] for x in r.out.splitlines() if not x.startswith("    ")]
    assert heads == [
        "【手工】顺手改了",
        "公示 2019年1月：公示日期 2019年2月5日，标签 publish/2019-01，发布人 李四",
        "处理异议 Y2019-001：异议成立，由 2019-01-010 更正条目 2019-01-004，处理人 李四",
        "登记异议 Y2019-001：张三（M001）对条目 2019-01-004 提出异议，登记人 李四",
        "不予认定 2019-01-009（不予认定申报 2019-01-008）：赵六（M005） 表彰（表扬） 2019年1月21日 记录人 李四",
        "申报 2019-01-008（待认定）：赵六（M005） 表彰（表扬） 2019年1月21日 记录人 李四",
        "认定 2019-01-007（认定申报 2019-01-006）：赵六（M005） 志愿服务 2019年1月20日 记录人 李四",
        "申报 2019-01-006（待认定）：赵六（M005） 志愿服务 2019年1月20日 记录人 李四",
        "作废 2019-01-005（作废 2019-01-002）：李四（M002） 组织生活请假 2019年1月20日 记录人 李四",
        "更正 2019-01-004（更正 2019-01-003）：张三（M001） 组织生活请假 2019年1月15日 记录人 李四",
        "记录 2019-01-003：张三（M001） 无故缺席“三会一课”或组织生活 2019年1月15日 记录人 李四",
        "【手工】初始台账",
    ]
    assert "jifen:" not in r.out and "member=" not in r.out

    # the change lines of one entry's history: Chinese field labels and names
    r = _ok(b + ["log", "2019-01-003"])
    assert ("    新增条目 2019-01-004：日期 2019年1月15日，党员 张三（M001），项目 组织生活请假（leave），"
            "说明 当天已请假，记录人 李四，更正 2019-01-003，录入日期 2019年2月3日") in r.out
    assert "    新增异议 Y2019-001：条目 2019-01-004，提出人 张三（M001），日期 2019年2月3日，理由 不服，状态 待处理" in r.out
    assert "    修改异议 Y2019-001：状态 待处理 → 成立，处理结果 （无） → 核实；已由 2019-01-010 更正" in r.out
    assert "状态 作废" in r.out  # the correction the upheld objection added voids the entry
    assert not re.search(r"\b(date|member|item|status|corrects|by|entry)\b", r.out), r.out
    r = _ok(b + ["log", "2019-01-002"])
    assert "修改条目 2019-01-002：项目 组织生活请假（leave） → 无故缺席“三会一课”或组织生活（absent）" in r.out

    # --raw: the audit format itself, as stored
    r = _ok(b + ["log", "--raw", "-n", "3"])
    assert "jifen: publish 2019-01 on=2019-02-05 tag=publish/2019-01" in r.out
    assert "jifen: resolve Y2019-001 status=upheld entry=2019-01-004 correction=2019-01-010 by=李四" in r.out
    r = _ok(b + ["log", "--raw", "2019-01-002"])
    assert "修改条目 2019-01-002：item leave → absent" in r.out


def test_log_as_a_subprocess_and_with_unknown_codes(branch):
    """A record naming a member not in the roster, or an item the rules lack, shows the
    code as written (hand edits can write anything; `jifen check` reports them)."""
    p = branch / JAN
    p.write_text(p.read_text(encoding="utf-8")
                 + "  - {id: 2019-01-003, date: 2019-01-29, member: M099, item: nosuch, times: 2}\n",
                 encoding="utf-8")
    git(branch, "-c", "user.name=孙记录", "commit", "-qam", "补记")
    r = run_proc(["-C", str(branch), "log", "2019-01-003"])
    assert r.code == 0, r.text
    assert "    新增条目 2019-01-003：日期 2019年1月29日，党员 M099，项目 nosuch，次数 2" in r.out


def test_pending_names_the_item(branch):
    b = ["-C", str(branch)]
    _ok(b + ["declare", "赵六", "volunteer", "--level", "集团", "--date", "2019-01-20"])
    r = _ok(b + ["pending"])
    line = next(x for x in r.out.splitlines() if x.startswith("2019-01-003"))
    assert "赵六（M005）  志愿服务（volunteer）  集团" in line


def test_name_hints_show_the_class_name(branch):
    r = run_cli(["-C", str(branch), "add", "张山", "absent", "--date", "2019-01-25"])
    assert r.code == 1 and "M001 张三（党员领导干部，正式）" in r.text and "leader" not in r.text
    r = run_cli(["-C", str(branch), "explain", "王五", "2019"])
    assert r.code == 1
    assert "M003 王五（普通党员，正式）" in r.text and "M004 王五（离退休党员，正式）" in r.text, r.text
    assert "ordinary" not in r.text and "retired" not in r.text


def test_name_hints_show_an_unknown_class_code_as_written(branch):
    from jifen_cli.core.lookup import describe_member, resolve_member
    from jifen_cli.core.writer import load
    from jifen_cli.core.diagnostics import JifenError

    ledger = load(branch)
    m = ledger.member("M002")
    m.category = "nosuch"
    assert describe_member(m, {"ordinary": "普通党员"}) == "M002 李四（nosuch，正式）"
    with pytest.raises(JifenError) as err:
        resolve_member(ledger, "李思")
    assert "M002 李四（nosuch，正式）" in err.value.hint


def test_e604_names_the_classes(branch):
    r = run_cli(["-C", str(branch), "add", "张三", "report_missing", "--date", "2019-01-25"])
    assert r.code == 1
    assert ("E604 “未按期向组织作思想汇报（流动党员）”只适用于类别流动党员（mobile），"
            "党员“张三”的类别为党员领导干部（leader）") in r.text, r.text


@pytest.mark.parametrize("args, message", [
    (["explain"], "错误：缺少参数：党员（编号或姓名）"),
    (["card"], "错误：缺少参数：党员（编号或姓名）"),
    (["month"], "错误：缺少参数：月份（如 2019-01）"),
    (["init"], "错误：缺少参数：目录（新支部的目录，须不存在或为空）"),
    (["org"], "错误：缺少参数：目录（支部目录，或包含多个支部目录的上级目录）"),
    (["year", "abc"], "错误：年度：“abc”不是年份，应写成 2019 或 2019年"),
    (["org", "-j", "0", "x"], "错误：--jobs / -j：“0”不能小于 1"),
    (["explan"], "错误：没有这个命令 “explan”。是不是 “explain”？"),
])
def test_usage_errors_name_the_argument_in_chinese(args, message):
    r = run_cli(args)
    assert r.code == 2
    assert message in r.err, r.err
    said = re.sub(r"“[^”]*”|--\w+|-\w", "", r.err.split("错误：", 1)[1].split("\n", 1)[0])
    assert not re.search(r"[A-Za-z]", said), r.err


def test_help_usage_lines_have_chinese_metavars():
    from jifen_cli.cli import commands

    r = _ok(["--help"])
    assert re.match(r"用法：.+? \[选项\] 命令 \[参数\]\.\.\.\n", r.out), r.out  # the program name may be "python -m pytest"
    for name in [c for names in commands.COMMANDS.values() for c in names]:
        r = _ok([name, "--help"])
        usage = r.out.splitlines()[0]
        assert re.match(rf"用法：.+? {name} \[选项\]", usage), usage
        rest = usage.split("[选项]", 1)[1]
        assert not re.search(r"[A-Za-z{}]", rest), usage
        assert not re.search(r"<(str|path|int|int range|float)>", r.out), r.out
        assert "Options" not in r.out and "Arguments" not in r.out

