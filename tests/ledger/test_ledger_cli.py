"""`jifen check` through the real CLI: every problem reported at once, exit codes 0/1/2."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile

import pytest
from typer.testing import CliRunner

from ledgerkit import BRANCH, MEMBERS, entries, make_branch

from jifen_cli.cli.app import _register_all, app

_register_all()


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def run_module(*args):
    env = {k: v for k, v in os.environ.items() if k not in ("JIFEN_BRANCH", "JIFEN_DEBUG")}
    return subprocess.run([sys.executable, "-m", "jifen_cli", *map(str, args)],
                          cwd=tempfile.gettempdir(), env=env, capture_output=True, text=True)


def twenty_mistakes(root):
    """A ledger with 20 different mistakes, one error each: {(file, line, code)}."""
    members = MEMBERS + (
        "  - id: M006\n    name: 孙八\n    category: leadr\n"            # 23: E303
        "  - id: M007\n    name: 周九\n    category: ordinary\n    status: 正式党员\n"  # 29: E304
        "  - id: M005\n    name: 吴十\n    category: ordinary\n"          # 30: E305
        "  - id: M008\n    name: 郑一\n    category: ordinary\n"
        "    joined: 2019-05-01\n    left: 2019-04-01\n"                  # 38: E405
    )
    may = entries(
        "id: A01\ndate: 2019-05-02\nmember: M32\nitem: absent",           # 4: E301
        "id: A02\ndate: 2019-06-02\nmember: M023\nitem: absent",          # 8: E401
        "id: A03\ndate: 2019-05-04\nmember: M004\nitem: absent",          # 14: E404
        "id: A04\ndate: 2019-05-05\nmember: M023\nitem: leave\ncorrects: Z99",  # 22: E306
        "id: A05\ndate: 2019-05-06\nmember: M023\nitem: leave\nnots: 迟到",     # 27: E203
        "id: A06\ndate: 2019-05-07\nmember: M023\nitem: absent\ntimes: 两次",   # 32: E206
        "id: A07\ndate: 2019/5/8\nmember: M023\nitem: absent",            # 35: E205
        "id: A08\ndate: 2019-05-09\nmember: M023",                        # 38: E202
        "id: A09\ndate: 2019-05-10\nmember: M023\nitem: leave\nstatus: 已确认",  # 46: E204
        "id: 2019-01-001\ndate: 2019-05-11\nmember: M023\nitem: leave",   # 47: E305
    )
    feb = entries("id: B01\ndate: 2019-02-10\nmember: M002\nitem: leave")   # 3: E402
    jul = entries("id: C01\ndate: 2019-07-10\nmember: M003\nitem: leave")   # 3: E403
    evaluations_2018 = "results:\n  - member: M001\n    band: '合格\n"          # E103
    objections = ("objections:\n  - id: O1\n    entry: X404\n    by: 张三\n"
                  "    date: 2019-02-01\n    reason: 请过假\n")                  # 3: E306
    evaluations = "results:\n  - member: M099\n    votes: {群众: {优秀: 1}}\n"  # 2: E301
    make_branch(root, {
        "members.yaml": members,
        "events/2019/2019-05.yaml": may,
        "events/2019/2019-02.yaml": feb,
        "events/2019/2019-07.yaml": jul,
        "events/2019/2019-5.yaml": "entries: []\n",                         # E207
        "evaluations/2018.yaml": evaluations_2018,
        "evaluations/2019.yaml": evaluations,
        "objections/2019.yaml": objections,
    })
    return root


EXPECTED_CODES = sorted(["E303", "E304", "E305", "E405", "E301", "E401", "E404", "E306", "E203",
                         "E206", "E205", "E202", "E204", "E305", "E402", "E403", "E103", "E306",
                         "E301", "E207"])

LINE = re.compile(r"^(\S+?):(?:(\d+):(\d+):)? (E\d{3}) ")


def parse_output(text):
    out = []
    for line in text.splitlines():
        m = LINE.match(line)
        if m:
            out.append((m[1], int(m[2]) if m[2] else None, m[4]))
    return out


def test_the_twenty_mistakes_ledger_has_one_error_each(tmp_path):
    from ledgerkit import check, errors

    _, diags = check(twenty_mistakes(tmp_path))
    mine = [d for d in errors(diags) if d.code[:2] in ("E1", "E2", "E3", "E4")]
    assert sorted(d.code for d in mine) == EXPECTED_CODES, "\n".join(d.format() for d in diags)
    assert len(mine) == 20
    assert all(d.file and d.line for d in mine)


def _assert_all_reported(stdout):
    found = parse_output(stdout)
    codes = sorted(c for _, _, c in found if c[:2] in ("E1", "E2", "E3", "E4"))
    assert codes == EXPECTED_CODES, stdout
    assert ("events/2019/2019-05.yaml", 4, "E301") in found
    assert ("members.yaml", 31, "E303") in found
    assert ("events/2019/2019-02.yaml", 3, "E402") in found
    m = re.search(r"共发现 (\d+) 个错误", stdout)
    assert m and int(m[1]) >= len(EXPECTED_CODES)


def test_cli_runner_prints_every_error_and_exits_1(tmp_path):
    root = twenty_mistakes(tmp_path)
    r = invoke("-C", root, "check")
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    _assert_all_reported(r.stdout)


def test_python_m_jifen_cli_prints_every_error_and_exits_1(tmp_path):
    root = twenty_mistakes(tmp_path)
    r = run_module("check", "-C", root)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    _assert_all_reported(r.stdout)


def test_exit_0_on_a_clean_branch(tmp_path):
    root = make_branch(tmp_path)
    r = invoke("-C", root, "check")
    assert r.exit_code == 0, r.output
    assert "检查通过" in r.stdout


def test_exit_0_with_warnings_only(tmp_path):
    root = make_branch(tmp_path, {"members.yaml": MEMBERS.encode("gbk")})
    r = invoke("-C", root, "check")
    assert r.exit_code == 0, r.output
    # W101 for the GBK file, and W410 for the four members ledgerkit gives no evaluation
    assert "W101" in r.stdout and r.stdout.count("W410") == 4 and "5 个警告" in r.stdout
    r = invoke("-C", root, "check", "--no-warnings")
    assert r.exit_code == 0 and "W101" not in r.stdout


def test_exit_1_when_branch_yaml_itself_is_broken(tmp_path):
    root = make_branch(tmp_path, {"branch.yaml": BRANCH + "name: 重复\n"})
    r = invoke("-C", root, "check")
    assert r.exit_code == 1, r.output
    assert "branch.yaml:10:1: E107" in r.stdout
    assert "其余文件未检查" in r.stdout


@pytest.mark.parametrize("args", [
    ("-C", "{tmp}/nope", "check"),            # no such directory
    ("-C", "{tmp}", "check"),                 # a directory without branch.yaml
    ("-C", "{branch}", "check", "--only", "nosuch"),  # unknown check name
    ("-C", "{branch}", "chek"),               # unknown command
    ("-C", "{branch}", "check", "--bogus"),   # unknown option
])
def test_exit_2_when_it_cannot_run(tmp_path, args):
    root = make_branch(tmp_path / "b")
    args = [a.format(tmp=tmp_path, branch=root) for a in args]
    r = run_module(*args)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert re.search(r"[\u4e00-\u9fff]", r.stderr)


def test_internal_error_is_a_chinese_message_and_exit_2_and_debug_shows_traceback(tmp_path, monkeypatch):
    import jifen_cli.core.checks as checks

    def boom(ledger):
        raise ZeroDivisionError("boom")

    monkeypatch.setitem(checks.CHECKS, "members", boom)
    root = make_branch(tmp_path)
    r = invoke("-C", root, "check")
    assert r.exit_code == 2
    assert "内部错误" in r.output and "--debug" in r.output
    assert "Traceback" not in r.output
    r = invoke("--debug", "-C", root, "check")
    assert isinstance(r.exception, ZeroDivisionError)  # re-raised for the traceback


def test_main_with_debug_prints_traceback_and_keeps_exit_code(tmp_path, capsys):
    from jifen_cli.cli.app import main

    with pytest.raises(SystemExit) as info:
        main(["--debug", "-C", str(tmp_path / "nope"), "check"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "不存在" in err and "Traceback" in err
    with pytest.raises(SystemExit) as info:
        main(["-C", str(tmp_path / "nope"), "check"])
    assert info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_check_help_documents_exit_codes():
    r = invoke("check", "--help")
    assert r.exit_code == 0
    assert "退出码" in r.stdout and "--debug" in r.stdout


def test_help_screens_are_chinese():
    r = invoke("--help")
    assert r.exit_code == 0
    assert r.stdout.startswith("用法：")
    for word in ("选项", "命令", "显示本帮助并退出。"):
        assert word in r.stdout
    for word in ("Usage:", "Options", "Commands", "Show this message"):
        assert word not in r.stdout
    r = invoke("check", "--help")
    assert "[默认：" in r.stdout and "[环境变量：JIFEN_BRANCH]" in r.stdout


def test_usage_errors_are_chinese():
    r = run_module("check", "--only")
    assert r.returncode == 2
    assert "选项 “--only” 需要一个值" in r.stderr and "Traceback" not in r.stderr
    r = run_module()
    assert r.returncode == 0 and "用法：" in r.stdout  # no command at all: the help, not an error
