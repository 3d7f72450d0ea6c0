"""jifen score / rank / year / explain"""

from __future__ import annotations

from pathlib import Path

import typer

from jifen_cli.cli.app import AsOfOption, BranchOption, OutputOption, emit, fail, parse_year, with_ledger

SCORE_HELP = """某一期间的积分表（党员 × 板块）。期间可为年、半年、季度或月：
2019、2019-H1、2019-Q1、2019-01；不写则为台账中最近的一年。

\b
示例：
  jifen score 2019-Q1
  jifen score 2019 --format csv > 2019积分.csv
"""

RANK_HELP = """积分排名（并列同名次：1、2、2、4）。--by-class 按党员类别分别排名。

\b
示例：
  jifen rank 2019
  jifen rank 2019 --by-class
"""

YEAR_HELP = """年度积分汇总表；加 --grade 评定等次（星级），并给出不只是按分数档评定的理由
（强制等次、名额、否决等）和评定情况统计表。不写年份则为台账中最近的一年。

格式：text（默认，终端表格）、md、html（可打印 A4 横向）、csv、xlsx（报上级党组织用，须 -o 指定文件）。

\b
示例：
  jifen year --grade
  jifen year 2019 --grade --format html -o 2019年度积分.html
  jifen year 2019 --grade --format xlsx -o 2019年度党员积分汇总表.xlsx
"""

EXPLAIN_HELP = """逐条说明一名党员的分数是怎样算出来的：计入的每条记录、每个上限、系数、否决、
连带扣分和适用的规则，最后得出分数（年度还有排名和等次）。党员可写编号或姓名。
期间不写则为最近的一年。这是党员提出异议时记录员的答复依据，显示全部说明（含处分说明）。

\b
示例：
  jifen explain 王立新
  jifen explain M003 2019-01
"""


def resolve_period(ledger, text: str | None):
    from jifen_cli.core.periods import Period

    if text is None:
        from jifen_cli.core.periods import today

        year = ledger.latest_year(until=today().year)
        if year is None:
            fail("台账中还没有任何记录，无法确定年份", code=1, hint="请指定期间，例如 2019")
        return Period.of_year(year)
    try:
        period = Period.parse(text)
    except ValueError as exc:  # its message names the text and the forms already
        fail(str(exc), hint="也可写 2019年、2019年上半年、2019年第一季度、2019年1月")
    from jifen_cli.core.periods import today

    if period.start > today():  # a table for a period not begun is all defaults: a mistyped year
        fail(f"{period.label}还没有开始（今天是{today():%Y-%m-%d}），没有可计算的积分", code=1,
             hint="检查年份或期间是否写错")
    return period


def horizon_for(period):
    """The horizon of a report on ``period`` made today (``JIFEN_TODAY`` honoured): today
    while the period is still running, else None (RULES.md §7.3).  The engine never
    reads the clock; this is where the day comes from."""
    from jifen_cli.core import engine
    from jifen_cli.core.periods import today

    return engine.horizon_on(period, today())


def _settle_day(year: int):
    """``jifen year --final``: the day a year still running is settled as a whole — only
    at the year-end meeting (December, seed 001: 每年12月底或次年1月初) — or None when the
    year is already over (then --final changes nothing)."""
    from datetime import date

    from jifen_cli.core.periods import today

    day = today()
    if day > date(year, 12, 31):
        return None
    if day < date(year, 12, 1):
        fail(f"{year} 年度尚未结束（今天是 {day.year}年{day.month}月{day.day}日），不能提前按全年结算",
             hint="--final 只用于 12 月召开年终评定会议时；平时不加 --final，年度表为暂定数")
    return day


def _titled(title: str, fmt: str, body: str) -> str:
    """A title line naming the branch and the period computed (text and md; a CSV stays a
    plain table for spreadsheets): a period typed as 2019年三季度 is seen as understood."""
    if fmt == "csv":
        return body
    from jifen_cli.render.common import md_escape, text_clean

    return (f"# {md_escape(title)}" if fmt == "md" else text_clean(title)) + "\n\n" + body


def register(app: typer.Typer) -> None:
    @app.command("score", help=SCORE_HELP)
    def score(period: str = typer.Argument(None, metavar="[期间]", help="期间：2019 / 2019-H1 / 2019-Q1 / 2019-01",
                                            show_default=False),
              format: str = typer.Option("text", "--format", "-f", help="text / md / csv"),
              output: Path = OutputOption, as_of: str = AsOfOption, branch: Path = BranchOption):
        from jifen_cli.core import engine
        from jifen_cli.render.scores import render_score_table

        def build(ledger):
            p = resolve_period(ledger, period)
            return _titled(f"{ledger.settings.name}{p.label}积分表", format,
                           render_score_table(engine.score(ledger, p, horizon=horizon_for(p)), format))

        emit(with_ledger(branch, as_of, build), output)

    @app.command("rank", help=RANK_HELP)
    def rank(period: str = typer.Argument(None, metavar="[期间]", help="期间，默认最近的一年", show_default=False),
             by_class: bool = typer.Option(False, "--by-class", help="按党员类别分别排名"),
             format: str = typer.Option("text", "--format", "-f", help="text / md / csv"),
             output: Path = OutputOption, as_of: str = AsOfOption, branch: Path = BranchOption):
        from jifen_cli.core import engine
        from jifen_cli.render.scores import provisional_note, render_ranking

        def build(ledger):
            p = resolve_period(ledger, period)
            horizon = horizon_for(p)
            classes = {code: c.name for code, c in engine.scheme_for(ledger, p).classes.items()}
            return _titled(f"{ledger.settings.name}{p.label}积分排名", format,
                           render_ranking(engine.rank(ledger, p, by_class=by_class, horizon=horizon), format, classes,
                                          note=provisional_note(p, horizon)))

        emit(with_ledger(branch, as_of, build), output)

    @app.command("year", help=YEAR_HELP)
    def year(year: int = typer.Argument(None, metavar="[年度]", help="年份，默认台账中最近的一年", show_default=False,
                                        parser=parse_year),
             grade: bool = typer.Option(False, "--grade", "-g", help="评定等次（星级）"),
             final: bool = typer.Option(False, "--final", help="年终结算：12 月召开年终评定会议、本年度尚未"
                                        "结束时，按全年计算全年性规则（不加时年度表为暂定数）"),
             format: str = typer.Option("text", "--format", "-f", help="text / md / html / csv / xlsx"),
             output: Path = OutputOption, as_of: str = AsOfOption, branch: Path = BranchOption):
        from jifen_cli.core.periods import Period
        from jifen_cli.render.year import render_year

        def build(ledger):
            chosen = resolve_period(ledger, str(year) if year is not None else None).year
            if final:
                return render_year(ledger, chosen, format, grade, settled=_settle_day(chosen))
            return render_year(ledger, chosen, format, grade, horizon=horizon_for(Period.of_year(chosen)))

        emit(with_ledger(branch, as_of, build), output)

    @app.command("explain", help=EXPLAIN_HELP)
    def explain(member: str = typer.Argument(..., metavar="党员", help="党员编号或姓名", show_default=False),
                period: str = typer.Argument(None, metavar="[期间]", help="期间，默认最近的一年",
                                             show_default=False),
                format: str = typer.Option("text", "--format", "-f", help="text / md"),
                output: Path = OutputOption, as_of: str = AsOfOption, branch: Path = BranchOption):
        from jifen_cli.core import engine
        from jifen_cli.core.lookup import resolve_member
        from jifen_cli.render.scores import provisional_note, render_explanation

        def build(ledger):
            m = resolve_member(ledger, member)
            p = resolve_period(ledger, period)
            horizon = horizon_for(p)
            return render_explanation(m, p, engine.explain(ledger, m.id, p, horizon=horizon), format,
                                      note=provisional_note(p, horizon))

        emit(with_ledger(branch, as_of, build), output)
