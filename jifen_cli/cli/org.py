"""jifen org"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from jifen_cli.cli.app import help_paragraphs, parse_year
HELP = """上级党组织汇总：检查多个支部台账，计算年度积分与等次，输出一张汇总表和各支部等次统计表。

每个支部先做完整检查（同 jifen check）；有错误、无法读取或无法计算的支部会列出原因并跳过，
不影响其他支部。目录可以是支部目录，也可以是包含多个支部目录的上级目录（自动找出其中
含 branch.yaml 的子目录）。

输出格式由 --format 或 -o 文件的扩展名决定：md（默认）、csv、xlsx（xlsx 需要 -o）。
在终端上运行时，标准错误输出上显示进度条。

退出码：0 全部汇总；1 有支部被跳过（其余照常输出）；2 无法运行。

\b
示例：
  jifen org 第一党支部 第二党支部 --year 2024
  jifen org 各支部/ -o 2024年度汇总.xlsx --jobs 2
  jifen org 各支部/ --format csv > 汇总.csv
"""


HELP = help_paragraphs(HELP)


def find_branches(paths: list[Path]) -> list[Path]:
    """Each path itself if it is a branch, else its sub-directories that are (sorted)."""
    out: list[Path] = []
    for p in paths:
        if (p / "branch.yaml").is_file():
            out.append(p)
        elif p.is_dir():
            subs = sorted(c for c in p.iterdir() if c.is_dir() and (c / "branch.yaml").is_file())
            out.extend(subs if subs else [p])  # a plain dir: reported as not a branch
        else:
            out.append(p)
    return list(dict.fromkeys(out))


class Progress:
    """A one-line progress bar on stderr, drawn only on a terminal."""

    def __init__(self, total: int, stream=None):
        self.stream = stream or sys.stderr
        self.total = total
        self.on = total > 1 and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.skipped = 0

    def __call__(self, done: int, total: int, result) -> None:
        if not result.ok:
            self.skipped += 1
        if not self.on:
            return
        width = 30
        filled = width * done // max(total, 1)
        extra = f"，跳过 {self.skipped}" if self.skipped else ""
        self.stream.write(f"\r汇总 [{'#' * filled}{'.' * (width - filled)}] {done}/{total} 个支部{extra}")
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


def register(app: typer.Typer) -> None:
    @app.command("org", help=HELP)
    def org(
        dirs: list[Path] = typer.Argument(..., metavar="目录...", help="支部目录，或包含多个支部目录的上级目录",
                                          show_default=False),
        year: int = typer.Option(None, "--year", "-y", help="年度（默认：各支部台账中最近的年份）", parser=parse_year),
        fmt: str = typer.Option(None, "--format", "-f", help="输出格式：md / csv / xlsx"),
        output: Path = typer.Option(None, "--output", "-o", help="输出文件（默认输出到屏幕）"),
        jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="同时处理的进程数（多核电脑上可加快）"),
        title: str = typer.Option(None, "--title", help="汇总表标题"),
    ):
        from jifen_cli.cli.app import fail
        from jifen_cli.core.diagnostics import EXIT_OK, EXIT_PROBLEMS
        from jifen_cli.core.rollup import FORMATS, latest_year, render, rollup

        if fmt is None:
            suffix = output.suffix.lower().lstrip(".") if output else ""
            fmt = suffix if suffix in FORMATS else "md"
        if fmt not in FORMATS:
            fail(f"不支持的输出格式“{fmt}”", hint="可选：" + "、".join(FORMATS))
        if fmt == "xlsx" and output is None:
            fail("xlsx 格式需要用 -o 指定输出文件", hint="例如：jifen org 各支部/ -o 汇总.xlsx")
        missing = [str(d) for d in dirs if not d.exists()]
        if missing:
            fail("目录不存在：" + "、".join(missing))
        branches = find_branches([d.expanduser().resolve() for d in dirs])
        from jifen_cli.core.periods import today

        if year is not None and year > today().year:
            fail(f"{year}年还没有开始（今天是{today():%Y-%m-%d}）", code=1, hint="检查 --year 是否写错")
        if year is None:
            year = latest_year(branches, until=today().year)
            if year is None:
                fail("这些目录中没有任何年度的积分记录（events/年份/）", hint="用 --year 指定年度")

        bar = Progress(len(branches))
        result = rollup(branches, year, jobs=jobs, progress=bar)
        if not result.good:
            for b in result.skipped:
                typer.echo(f"跳过 {b.dir}：{b.problem}", err=True)
            fail("没有任何支部可以汇总", code=EXIT_PROBLEMS)

        data = render(result, fmt, title)
        if output is None:
            typer.echo(data, nl=False)
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                output.write_bytes(data)
            else:
                output.write_text(data, encoding="utf-8")
        for b in result.skipped:
            typer.echo(f"跳过 {b.dir}：{b.problem}", err=True)
        members = sum(len(b.lines) for b in result.good)
        entries = sum(b.entries for b in result.good)
        typer.echo(f"{year} 年度汇总：{len(result.good)} 个支部，党员 {members} 名，积分条目 {entries} 条"
                   + (f"；跳过 {len(result.skipped)} 个支部" if result.skipped else "")
                   + (f"；已写入 {output}" if output else "") + "。", err=True)
        raise typer.Exit(EXIT_PROBLEMS if result.skipped else EXIT_OK)
