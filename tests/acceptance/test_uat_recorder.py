"""Acceptance: a branch recorder's realistic mistakes, through the real CLI
(``python -m jifen_cli`` as a subprocess, cwd in a temp dir, real git repositories)."""
import os
import subprocess
import sys
import tempfile

import pytest


GIT_ENV = {"GIT_AUTHOR_NAME": "记录员", "GIT_AUTHOR_EMAIL": "r@example.org",
           "GIT_COMMITTER_NAME": "记录员", "GIT_COMMITTER_EMAIL": "r@example.org"}

MEMBERS = """members:
  - id: M001
    name: 何建国
    category: home
  - id: M002
    name: 罗秀英
    category: home
  - id: M003
    name: 唐小兵
    category: mobile
"""

# hand-written in Notepad: GBK, Windows line endings
FEB = """entries:
  - id: 2019-02-001
    date: 2019-02-12
    member: 罗秀英
    item: meet_h_deduct
    points: 2
    note: 未参加2月主题党日
  - id: 2019-02-002
    date: 2019-02-15
    member: 唐小兵
    item: local_meeting
"""


def jifen_subprocess(*args, cwd=None, env=None):
    full_env = {k: v for k, v in os.environ.items() if k not in ("JIFEN_BRANCH", "JIFEN_RECORDER")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "jifen_cli", *map(str, args)],
                          cwd=cwd or tempfile.gettempdir(), env=full_env,
                          capture_output=True, text=True)


def git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}, check=True).stdout


@pytest.fixture
def branch(tmp_path):
    env = {"JIFEN_TODAY": "2019-03-10", **GIT_ENV}
    r = jifen_subprocess("init", "复兴支部", "--preset", "fuxing", "--name", "复兴镇党支部",
                         "--from", "2019-01-01", cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    root = tmp_path / "复兴支部"
    (root / "members.yaml").write_text(MEMBERS, encoding="utf-8")
    text = (root / "branch.yaml").read_text(encoding="utf-8")
    (root / "branch.yaml").write_text(text.replace("recorders: []", "recorders: [罗秀英]"),
                                      encoding="utf-8")
    (root / "events/2019/2019-02.yaml").write_bytes(FEB.replace("\n", "\r\n").encode("gbk"))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "录入花名册和2月记录")
    return root, env


def test_add_to_a_gbk_crlf_month_file(branch):
    """`jifen add` to a month file saved as GBK with CRLF: no internal error; the file is
    stored as UTF-8, keeps its Windows line endings, and the commit touches one line."""
    root, env = branch
    r = jifen_subprocess("add", "唐小兵", "local_meeting", "--date", "2019-02-25", cwd=root, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "内部错误" not in r.stderr
    assert "W101" in r.stderr and "UTF-8" in r.stderr
    raw = (root / "events/2019/2019-02.yaml").read_bytes()
    text = raw.decode("utf-8")
    assert "罗秀英" in text and "2019-02-003" in text
    assert raw.count(b"\r\n") == raw.count(b"\n")  # line endings kept
    added, deleted, name = git(root, "show", "--numstat", "--format=", "HEAD").split()
    # only the three lines with Chinese text change (GBK → UTF-8); the rest, CRLF and
    # all, stay byte for byte
    assert name == "events/2019/2019-02.yaml" and deleted == "3", (added, deleted)
    check = jifen_subprocess("check", cwd=root, env=env)
    assert check.returncode == 0, check.stdout + check.stderr


def test_correct_a_published_gbk_month_is_no_e701(branch):
    """A GBK month published, then corrected with `jifen correct` (which stores the file
    as UTF-8): the entries are unchanged, so check and verify stay clean."""
    root, env = branch
    r = jifen_subprocess("publish", "2019-02", "--date", "2019-03-01", cwd=root, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    r = jifen_subprocess("correct", "2019-02-001", "--points", "1", "--reason", "核实后改为 1 分",
                         cwd=root, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    check = jifen_subprocess("check", cwd=root, env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "E701" not in check.stdout + check.stderr
    verify = jifen_subprocess("verify", cwd=root, env=env)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_missing_recorder_says_where_to_set_it(tmp_path):
    r = jifen_subprocess("init", "支部", "--preset", "vanguard", cwd=tmp_path,
                         env={"JIFEN_TODAY": "2019-03-10"})
    assert r.returncode == 0, r.stderr
    root = tmp_path / "支部"
    (root / "members.yaml").write_text(
        "members:\n  - id: M001\n    name: 王立新\n    category: ordinary\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "花名册")
    env = {k: "" for k in ("JIFEN_RECORDER",)}
    r = jifen_subprocess("add", "王立新", "truant", "--date", "2019-01-15", cwd=root, env=env)
    assert r.returncode == 2
    assert "branch.yaml" in r.stderr and "recorders" in r.stderr


def test_resolve_takes_reason_like_the_other_commands(branch):
    """reject/void/object take --reason; resolve took only --note and answered in English
    ("Possible options: --branch")."""
    root, env = branch
    r = jifen_subprocess("object", "2019-02-001", "--by", "罗秀英", "--note", "当天请过假",
                         cwd=root, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    r = jifen_subprocess("resolve", "Y2019-001", "--dismissed", "--reason", "请假未获批准",
                         cwd=root, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "请假未获批准" in (root / "objections/2019.yaml").read_text(encoding="utf-8")
    log = jifen_subprocess("log", "2019-02-001", cwd=root, env=env)
    assert log.returncode == 0, log.stderr
    assert "处理结果 （无） → 请假未获批准" in log.stdout and "None" not in log.stdout


def test_notice_preview_uses_jifen_today(branch):
    """`jifen month` without --date dates the notice like `jifen publish` would:
    today, or JIFEN_TODAY when set (back-dated data entry)."""
    root, env = branch
    r = jifen_subprocess("month", "2019-02", "--format", "md", cwd=root, env=env)
    assert r.returncode == 0, r.stderr
    assert "公示期：2019年3月10日" in r.stdout


def test_check_outside_git_says_recording_will_need_git(tmp_path):
    """A recorder who forgot `git init`: check passes, and says now (not at the first
    `jifen add`) that recording needs a git repository."""
    r = jifen_subprocess("init", "支部", "--preset", "vanguard", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    plain = tmp_path / "复制的支部"
    subprocess.run(["cp", "-r", str(tmp_path / "支部"), str(plain)], check=True)
    subprocess.run(["rm", "-rf", str(plain / ".git")], check=True)
    env = {"GIT_CEILING_DIRECTORIES": str(tmp_path)}
    r = jifen_subprocess("check", cwd=plain, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "不是 git 仓库" in r.stderr and "git init" in r.stderr
    r = jifen_subprocess("check", cwd=tmp_path / "支部", env=env)
    assert r.returncode == 0 and "git" not in r.stderr


def test_add_notes_other_uncommitted_ledger_files(branch):
    """A member typed into members.yaml and not yet committed: `jifen add` for them
    works, commits only the month file, and says members.yaml still waits for a commit."""
    root, env = branch
    with open(root / "members.yaml", "a", encoding="utf-8") as fh:
        fh.write("  - id: M004\n    name: 新党员\n    category: home\n")
    r = jifen_subprocess("add", "新党员", "public_good", "--date", "2019-02-20", cwd=root, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "members.yaml 有尚未提交的改动" in r.stderr
    assert git(root, "show", "--name-only", "--format=", "HEAD").split() == ["events/2019/2019-02.yaml"]
    r = jifen_subprocess("add", "罗秀英", "public_good", "--date", "2019-02-21", "--dry-run",
                         cwd=root, env=env)
    assert r.returncode == 0 and "尚未提交" not in r.stderr


def test_add_to_a_file_with_fullwidth_colon_or_tab(branch):
    """check accepts `date：2019-03-05` (W102); `jifen add` to that month used to stop
    with an internal ScannerError.  A Tab-indented file is refused (exit 1), not a crash."""
    root, env = branch
    march = root / "events/2019/2019-03.yaml"
    march.write_text("entries:\n  - id: 2019-03-001\n    date：2019-03-05\n    member: M002\n"
                     "    item: public_good\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "3月")
    r = jifen_subprocess("add", "M002", "suggestion", "--date", "2019-03-06", cwd=root, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "date: 2019-03-05" in march.read_text(encoding="utf-8")
    assert jifen_subprocess("check", cwd=root, env=env).returncode == 0

    with open(march, "a", encoding="utf-8") as fh:
        fh.write("  - id: 2019-03-009\n\tdate: 2019-03-05\n")
    git(root, "commit", "-qam", "Tab")
    before = march.read_bytes()
    r = jifen_subprocess("add", "M002", "suggestion", "--date", "2019-03-07", cwd=root, env=env)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "内部错误" not in r.stderr and "E103" in r.stderr
    assert march.read_bytes() == before


def test_refused_add_names_the_command_line_option(branch):
    """An open-points item without --points: the refusal says which option to add."""
    root, env = branch
    r = jifen_subprocess("add", "罗秀英", "meet_h_deduct", "--date", "2019-02-20", cwd=root, env=env)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "E606" in r.stderr and "--points" in r.stderr


def test_add_with_a_date_after_today_is_pointed_out(branch):
    """2091 typed for 2019: the entry is shown, with a note that the date is after today."""
    root, env = branch
    r = jifen_subprocess("add", "罗秀英", "public_good", "--date", "2091-02-20", "--dry-run",
                         cwd=root, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "晚于今天（2019-03-10）" in r.stderr
    r = jifen_subprocess("add", "罗秀英", "public_good", "--date", "2019-02-20", "--dry-run",
                         cwd=root, env=env)
    assert "晚于今天" not in r.stderr


def test_confirm_twice_and_resolve_twice_speak_chinese(branch):
    root, env = branch
    r = jifen_subprocess("confirm", "2019-02-002", cwd=root, env=env)
    assert r.returncode == 1 and "（状态：已认定）" in r.stderr, r.stderr
    assert jifen_subprocess("object", "2019-02-001", "--by", "罗秀英", "--reason", "请过假",
                            cwd=root, env=env).returncode == 0
    assert jifen_subprocess("resolve", "Y2019-001", "--dismissed", "--note", "未获批准",
                            cwd=root, env=env).returncode == 0
    r = jifen_subprocess("resolve", "Y2019-001", "--upheld", cwd=root, env=env)
    assert r.returncode == 1 and "已处理（异议不成立）" in r.stderr, r.stderr
