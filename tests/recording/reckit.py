"""Helpers for the recording / audit tests: a small valid branch in a real git
repository in a temp dir, and two ways to run the real CLI (in-process through Typer's
CliRunner, and as a ``python -m jifen_cli`` subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import jifen_cli

PRESET = Path(jifen_cli.__file__).parent / "core" / "presets" / "xingshi.yaml"
REPO = Path(jifen_cli.__file__).parent.parent

# a minimal rules file used only until the xingshi preset ships with the package
FALLBACK_RULES = """\
items:
  absent: {title: 无故缺席组织生活, points: -2}
  leave: {title: 请假缺席组织生活, points: -0.5}
  dues_late: {title: 未按时交纳党费, points: -1}
  honour: {title: 获得荣誉表彰}
"""

BRANCH = """\
format: 1
name: 测试第一党支部
upper: 测试集团党委
secretary: 张三
recorders: [李四]
objection_days: 5
rules:
  - from: 2019-01-01
    file: rules/xingshi.yaml
"""

MEMBERS = """\
members:
  - id: M001
    name: 张三
    category: leader
    status: 正式
    posts: [支部书记]
    joined: 2005-07-01
  - id: M002
    name: 李四
    category: ordinary
  - id: M003
    name: 王五
    category: ordinary
  - id: M004
    name: 王五
    category: retired
  - id: M005
    name: 赵六
    category: ordinary
"""

# a hand-written month file: comments and blank lines everywhere
JANUARY = """\
# 2019 年 1 月积分记录
# 记录员：李四（手工录入）

entries:

  # —— 1 月 15 日 支部党员大会 ——
  - id: 2019-01-001   # 第一条
    date: 2019-01-15
    member: M001
    item: absent
    note: 无故缺席支部党员大会
    by: 李四


  # 请假的记一条
  - id: 2019-01-002
    date: 2019-01-20
    member: M002      # 李四本人
    item: leave
    by: 李四

# 以上为 1 月全部记录（1 月 31 日核对）

"""

FILES = {
    "branch.yaml": BRANCH,
    "members.yaml": MEMBERS,
    "events/2019/2019-01.yaml": JANUARY,
}

def _listed() -> bool:
    from jifen_cli.cli import commands

    return "recording" in commands.MODULES


#: whether the app's command list (the lead's cli/commands.py) names "recording"
LISTED = _listed()

GIT_ID = ["-c", "user.name=测试", "-c", "user.email=test@example.invalid", "-c", "core.quotepath=off"]


def git(root: Path, *args: str, check: bool = True) -> str:
    proc = subprocess.run(["git", *GIT_ID, "-C", str(root), *args], capture_output=True,
                          text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"git {args} failed: {proc.stderr}")
    return proc.stdout


def rules_text() -> str:
    return PRESET.read_text(encoding="utf-8") if PRESET.is_file() else FALLBACK_RULES


def write_branch(root: Path, files: dict | None = None, init_git: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    all_files = {**FILES, "rules/xingshi.yaml": rules_text(), **(files or {})}
    for rel, text in all_files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    if init_git:
        git(root, "init", "-q")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "初始台账")
    return root


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def _env(extra: dict | None) -> dict:
    env = {"JIFEN_TODAY": "2019-02-03"}
    env.update(extra or {})
    return env


def run_cli(args: list[str], env: dict | None = None, input: str | None = None) -> Run:
    """The real entry point (``app.main``, with its error handling and exit codes)
    inside Typer's CliRunner isolation."""
    from typer.testing import CliRunner

    from jifen_cli.cli import app as app_module

    runner = CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames \
        else CliRunner()
    code = 0
    with runner.isolation(input=input, env=_env(env)) as streams:
        try:
            _ensure_registered(app_module)
            app_module.main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out = streams[0].getvalue().decode("utf-8")
        err = streams[1].getvalue().decode("utf-8") if len(streams) > 1 and streams[1] is not None else ""
    return Run(code, out, err)


def _ensure_registered(app_module) -> None:
    """Until the lead's command list names ``recording``, register it on the app here
    (once) so that the in-process runs see the commands."""
    app_module._register_all()
    if LISTED or getattr(app_module, "_reckit_registered", False):
        return
    from jifen_cli.cli import recording

    recording.register(app_module.app)
    app_module._reckit_registered = True


def proc_command() -> list[str]:
    """``python -m jifen_cli``."""
    if LISTED:
        return [sys.executable, "-m", "jifen_cli"]
    # until the lead's command list names recording (see _ensure_registered)
    return [sys.executable, "-c", "from jifen_cli.cli import commands; "
            "commands.MODULES += ('recording',); from jifen_cli.cli.app import main; main()"]


def run_proc(args: list[str], env: dict | None = None, timeout: float = 60, **kw) -> Run:
    full_env = dict(os.environ)
    full_env.update(_env(env))
    full_env["PYTHONPATH"] = str(REPO) + os.pathsep + full_env.get("PYTHONPATH", "")
    proc = subprocess.run([*proc_command(), *args], capture_output=True,
                          text=True, env=full_env, timeout=timeout, stdin=subprocess.DEVNULL, **kw)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def commits(root: Path) -> list[str]:
    return git(root, "log", "--format=%an|%s").splitlines()
