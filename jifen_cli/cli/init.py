"""jifen init / jifen presets"""

from __future__ import annotations

from pathlib import Path

import typer

INIT_HELP = """新建一个支部台账目录（git 仓库），内容按预设方案填好，立即可通过 jifen check。

\b
示例：
  jifen init 第一党支部 --preset xingshi --name "兴市集团第一党支部"
  jifen presets        查看全部预设方案
"""

PRESETS_HELP = """列出内置的积分方案预设（每个对应一份文件中的方案，注明出处）。

\b
示例：
  jifen presets
  jifen init 新支部 --preset vanguard
"""


def register(app: typer.Typer) -> None:
    @app.command("init", help=INIT_HELP)
    def init(
        directory: Path = typer.Argument(..., metavar="目录", help="新支部的目录，须不存在或为空",
                                        show_default=False),
        preset: str = typer.Option("xingshi", "--preset", "-p", help="预设方案（jifen presets 查看）"),
        name: str = typer.Option("某某党支部", "--name", help="支部名称"),
        upper: str = typer.Option("某某党委", "--upper", help="上级党组织"),
        start: str = typer.Option(None, "--from", help="规则起用日期（默认今年 1 月 1 日）"),
        objection_days: int = typer.Option(5, "--objection-days", help="异议期天数"),
    ):
        from jifen_cli.cli.app import fail
        from jifen_cli.core.scaffold import create_branch
        from jifen_cli.core.values import parse_date

        start_date = None
        if start:
            start_date, problem = parse_date(start)
            if start_date is None:
                fail(f"--from：{problem.message}", hint=problem.hint)
        create_branch(directory, preset=preset, name=name, upper=upper, start=start_date,
                      objection_days=objection_days)
        typer.echo(f"已新建支部台账：{directory}（方案 {preset}）。")
        typer.echo(f"下一步：编辑 {directory}/branch.yaml（填上书记 secretary 和记录员 recorders）与 "
                   f"members.yaml（在 members: 下面照注释中的示例逐人录入，删去行首的 # 即可用），"
                   f"然后运行 jifen -C {directory} check，检查通过后提交："
                   f"cd {directory} && git add -A && git commit -m \"录入花名册\"")

    @app.command("presets", help=PRESETS_HELP)
    def presets():
        from jifen_cli.core.presets import list_presets
        from jifen_cli.render.common import display_width

        rows = [("预设", "方案", "出处")] + [(label, title, f"种子 {seed}")
                                          for label, title, seed in list_presets()]
        widths = [max(display_width(r[i]) for r in rows) for i in range(2)]

        def line(cells):  # columns lined up by display width (a Chinese character is 2)
            return "  ".join(c + " " * (widths[i] - display_width(c)) if i < 2 else c
                             for i, c in enumerate(cells))

        typer.echo("\n".join([line(rows[0]), line(["-" * w for w in widths] + ["------"])]
                             + [line(r) for r in rows[1:]]))

