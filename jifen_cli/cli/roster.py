"""jifen members / jifen items — what a recorder looks up before recording."""

from __future__ import annotations

from pathlib import Path

import typer

from jifen_cli.cli.app import BranchOption

MEMBERS_HELP = """列出花名册（编号、姓名、类别、身份、职务、党小组、在册日期）。隐私字段从不显示。

\b
示例：
  jifen members
  jifen members --group 第一党小组
"""

ITEMS_HELP = """列出积分规则中的全部项目代码、名称和分值——记录（jifen add）时 item 写这里的代码。
默认为今天适用的规则；--date 指定日期。

\b
示例：
  jifen items
  jifen items --date 2019-06-01
"""


def register(app: typer.Typer) -> None:
    @app.command("members", help=MEMBERS_HELP)
    def members(group: str = typer.Option(None, "--group", help="只列出这个党小组"),
                branch: Path = BranchOption):
        from jifen_cli.cli.app import branch_dir
        from jifen_cli.core.loader import find_branch_root, load_branch
        from jifen_cli.render.roster import render_members

        ledger, _ = load_branch(find_branch_root(branch_dir(branch)))
        rows = [m for m in ledger.members if group is None or m.group == group]
        typer.echo(render_members(ledger, rows), nl=False)

    @app.command("items", help=ITEMS_HELP)
    def items(date: str = typer.Option(None, "--date", help="适用日期（默认今天；早于规则起用日则用最早的规则）"),
              branch: Path = BranchOption):
        from datetime import date as Date

        from jifen_cli.cli.app import branch_dir, fail
        from jifen_cli.core import engine
        from jifen_cli.core.loader import find_branch_root, load_branch
        from jifen_cli.core.values import parse_date
        from jifen_cli.render.roster import render_items

        ledger, _ = load_branch(find_branch_root(branch_dir(branch)))
        day = Date.today()
        if date:
            day, problem = parse_date(date)
            if day is None:
                fail(f"--date：{problem.message}", hint=problem.hint)
        if ledger.rules_file_for(day) is None and ledger.settings.rules:
            day = min(r.start for r in ledger.settings.rules)
        typer.echo(render_items(engine.scheme_for(ledger, day)), nl=False)
