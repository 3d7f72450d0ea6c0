"""jifen check"""

from __future__ import annotations

from pathlib import Path

import typer

from jifen_cli.cli.app import BranchOption, branch_dir, print_diagnostics
from jifen_cli.core.diagnostics import EXIT_OK, EXIT_PROBLEMS

HELP = """检查台账：读取支部的全部文件，一次列出所有问题。

每个问题一行：文件:行:列: 错误代码 说明（提示）。错误代码的含义见 docs/FORMAT.md。

\b
检查项目（可用 --only 只运行其中几项）：
  members      花名册（编号重复、身份、日期）
  categories   党员类别是否为规则中的类别
  entries      积分条目（党员、日期、编号、更正）
  evaluations  民主评议
  objections   异议
  meetings     会议记录（参学参会率的依据）
  coverage     规则适用期
  rules        积分规则，以及条目与规则是否相符
  published    已公示月份是否被改动

\b
退出码：0 没有错误（可能有警告）；1 发现错误（包括 branch.yaml 本身有错）；
2 无法运行（找不到支部目录、参数错误、程序内部错误等）。
从不显示 Python 调用栈；需要时加 --debug：jifen --debug check。

\b
示例：
  jifen check
  jifen check -C sample_branch
  jifen check --only entries --only members
"""


def register(app: typer.Typer) -> None:
    @app.command("check", help=HELP)
    def check(
        only: list[str] = typer.Option(None, "--only", help="只运行指定的检查项（可重复）"),
        warnings: bool = typer.Option(True, "--warnings/--no-warnings", help="是否显示警告"),
        branch: Path = BranchOption,
    ):
        from jifen_cli.core.checks import all_checks, check_summary
        from jifen_cli.core.loader import find_branch_root

        names = list(all_checks())
        for name in only or []:
            if name not in names:
                from jifen_cli.cli.app import fail
                fail(f"没有名为“{name}”的检查项", hint="可选：" + "、".join(names))
        from jifen_cli.core.diagnostics import JifenError, inert

        root = find_branch_root(branch_dir(branch))
        try:
            summary = check_summary(root, only or None)
        except JifenError as exc:
            if not exc.diagnostics:
                raise
            # branch.yaml itself is broken: these are problems found, not a failure to run
            print_diagnostics(exc.diagnostics, err=False)
            n = sum(1 for d in exc.diagnostics if d.is_error)
            typer.echo(f"共发现 {n} 个错误。{inert(exc.message)}。")
            if exc.hint:
                typer.echo(f"提示：{inert(exc.hint)}")
            raise typer.Exit(EXIT_PROBLEMS)
        diags = summary.diagnostics
        errors = [d for d in diags if d.is_error]
        shown = diags if warnings else errors
        print_diagnostics(shown, err=False)
        n_warn = len(diags) - len(errors)
        if errors:
            typer.echo(f"共发现 {len(errors)} 个错误" + (f"、{n_warn} 个警告" if n_warn else "") + "。")
            raise typer.Exit(EXIT_PROBLEMS)
        typer.echo(f"检查通过：{inert(summary.name)}，党员 {summary.members} 名，"
                   f"积分条目 {summary.entries} 条，评议结果 {summary.evaluations} 条"
                   + (f"（{n_warn} 个警告）" if n_warn else "") + "。")
        _note_no_git(root)
        raise typer.Exit(EXIT_OK)


def _note_no_git(root: Path) -> None:
    """A branch that is no git repository passes check, but jifen add / publish will
    refuse it (E703): say so now, not at the first entry."""
    from jifen_cli.core import git

    if git.is_repo(root):
        return
    typer.echo("注意：支部目录不是 git 仓库，修改记录和公示无法留痕，jifen add、publish 等记分命令"
               "会拒绝运行（E703）。", err=True)
    typer.echo("提示：在支部目录中运行：git init && git add -A && git commit -m \"jifen: 初始化台账\"",
               err=True)
