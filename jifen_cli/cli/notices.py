"""Printed outputs: jifen month / quarter / half / week (公示), card (登记卡), form declare (申报表).

Each command loads the branch, calls one function of :mod:`jifen_cli.render` and
prints or writes the result.  jinja2 / tabulate / openpyxl are imported by the
renderers only when a command runs.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from jifen_cli.cli.app import (AsOfOption, BranchOption, OutputOption, branch_dir, emit, fail, parse_year,
                               load_for_report, with_ledger)
from jifen_cli.core.diagnostics import EXIT_OK

_COMMON = """
\b
输出格式（--format）：text 终端表格（默认）、md Markdown（贴到微信群、公众号）、
html 完整网页（浏览器打开后“打印”即为 A4 纸公示，可另存为 PDF）。
用 -o 文件 写入文件，否则显示在屏幕上。
"""

MONTH_HELP = """生成月度党员积分公示（公示栏、微信群张贴用）。

\b
列出每名党员本月的积分条目（项目、分值、说明）、本月小计和本年累计，
标出待认定的申报、正在核实的异议和更正过的条目；写明异议期（公示日期起
branch.yaml 中 objection_days 天）、积分记录员和支部书记签字栏。
本月没有记录的党员是否列出，由 branch.yaml 的 notice.show_empty_members 决定；
notice.hide_sanction_notes 为 true 时，处分、否决类条目（规则中写了 sanction: true、
veto、grade 或 no_grade 的项目）只写项目名称。
""" + _COMMON + """

示例：
  jifen month 2019-01
  jifen month 2019-01 --format html -o 2019年1月公示.html
  jifen month 2019-01 --format md --date 2019-02-05
  jifen month 2019-01 --as-of publish/2019-01      按公示时的台账重新生成
"""

QUARTER_HELP = """生成季度党员积分公示（按季度公示的支部用），内容同 jifen month。
""" + _COMMON + """

示例：
  jifen quarter 2019-Q1
  jifen quarter 2019-Q1 --format html -o 2019年第一季度公示.html
"""

HALF_HELP = """生成半年党员积分公示（按半年公示的支部用），内容同 jifen month。
""" + _COMMON + """

示例：
  jifen half 2019-H1
  jifen half 2019-H2 --format md -o 2019年下半年公示.md
"""

WEEK_HELP = """生成每周党员积分公示（“一周一汇总、一周一排名、一周一公示”的支部用，如种子 001 公司 A/B 分）。

\b
周按 ISO 周写作 2019-W05（也可写 2019w5、2019-W5），每周从星期一到星期日；不写则为今天所在的周。
列出本周七天（按条目日期）每名党员的积分条目，以及截至本周日的累计得分和排名：
累计按规则文件的计分期（period）计算，取本周日所在的那一期——按月计分的（如 A 分）
是本月 1 日至本周日，按年计分的是本年 1 月 1 日至本周日；B 分等累计账户为截至本周日的余额。
跨月（跨年）的周照样列出七天的全部条目，累计按本周日所在的月（年）计算。
周只是公示期间，不是计分期；jifen publish 不发布周公示。
""" + _COMMON + """
\b
示例：
  jifen week                       今天所在的周
  jifen week 2019-W05
  jifen week 2019w5 --format html -o 2019年第5周公示.html
  jifen week 2019-W05 --date 2019-02-04
"""

CARD_HELP = """生成党员积分登记卡：积分办法的每个项目一行，1—12 月各一列，
最后是年度得分、板块得分、年度总积分、排名和等次（参照种子 003 附件 2）。
党员可写编号或姓名；年度默认台账中最近的年份。
""" + _COMMON + """

示例：
  jifen card 王立新
  jifen card M001 2019 --format html -o 王立新2019年积分卡.html
"""

FORM_HELP = """空白表格（打印后手工填写）。


示例：
  jifen form declare --format html -o 申报表.html
"""

DECLARE_FORM_HELP = """空白的月度党员积分申报表（参照种子 003 附件 1），打印后由党员填写。

在支部目录中运行时，表头写上支部名称，并附本支部积分办法中可以申报的加分项目和分值；
不在支部目录中时，生成通用的空白表。
""" + _COMMON + """

示例：
  jifen form declare
  jifen form declare --format html -o 申报表.html
  jifen form declare -C 某支部 --format md
"""

FormatOption = typer.Option("text", "--format", "-f", help="输出格式：text（默认）、md、html",
                            show_default=False)
DateOption = typer.Option(None, "--date", help="公示日期 YYYY-MM-DD（默认今天），异议期从这天算起",
                          show_default=False)


# --------------------------------------------------------------------------- helpers
def _today() -> date:
    from jifen_cli.core.periods import today

    return today()


def _parse_date(text: str | None) -> date:
    if not text:
        return _today()  # the same default as jifen publish (JIFEN_TODAY when set)
    from jifen_cli.core.values import parse_date

    value, problem = parse_date(text)
    if value is None:
        fail(f"--date：{problem.message}", hint=problem.hint or "日期写作 2019-02-05")
    return value


def _period(text: str | None, kind: str, command: str):
    from jifen_cli.core.periods import WEEK, WEEK_HINT, Period, Week

    if kind == WEEK:
        if not text:
            return Week.containing(_today())
        try:
            return Week.parse(text)
        except ValueError as exc:
            fail(str(exc), hint=WEEK_HINT)
    try:
        period = Period.parse(text)
    except ValueError as exc:
        fail(str(exc))
    if period.kind != kind:
        fail(f"jifen {command} 需要{_KIND_NAMES[kind]}，“{text}”是{period.label}",
             hint=f"{period.label}请用：jifen {period.kind} {period.code}")
    return period


_KIND_NAMES = {"month": "月份（如 2019-01）", "quarter": "季度（如 2019-Q1）", "half": "半年（如 2019-H1）"}


def _check_format(fmt: str) -> str:
    """The output format, checked before the ledger is loaded (the renderers' own check)."""
    from jifen_cli.render.common import FORMATS_TEXT, check_format

    return check_format(fmt, FORMATS_TEXT)


def _notice(kind: str, command: str, period_text: str, fmt: str, output, on, as_of, branch):
    fmt = _check_format(fmt)
    period = _period(period_text, kind, command)
    published_on = _parse_date(on) if on else None  # a wrong --date stops before loading

    def build(ledger):
        # imported here, not above: a memoized answer needs no renderer (jinja2, tabulate,
        # the scoring engine: ~60 ms of imports) and no default date
        from jifen_cli.render.notices import render_notice

        return render_notice(ledger, period, fmt, published_on or _today())

    content = with_ledger(branch, as_of, build)
    emit(content, output)
    raise typer.Exit(EXIT_OK)


# --------------------------------------------------------------------------- commands
def register(app: typer.Typer) -> None:
    @app.command("month", help=MONTH_HELP)
    def month(
        period: str = typer.Argument(..., metavar="月份", help="如 2019-01", show_default=False),
        fmt: str = FormatOption,
        output: Path = OutputOption,
        on: str = DateOption,
        as_of: str = AsOfOption,
        branch: Path = BranchOption,
    ):
        _notice("month", "month", period, fmt, output, on, as_of, branch)

    @app.command("quarter", help=QUARTER_HELP)
    def quarter(
        period: str = typer.Argument(..., metavar="季度", help="如 2019-Q1", show_default=False),
        fmt: str = FormatOption,
        output: Path = OutputOption,
        on: str = DateOption,
        as_of: str = AsOfOption,
        branch: Path = BranchOption,
    ):
        _notice("quarter", "quarter", period, fmt, output, on, as_of, branch)

    @app.command("half", help=HALF_HELP)
    def half(
        period: str = typer.Argument(..., metavar="半年", help="如 2019-H1", show_default=False),
        fmt: str = FormatOption,
        output: Path = OutputOption,
        on: str = DateOption,
        as_of: str = AsOfOption,
        branch: Path = BranchOption,
    ):
        _notice("half", "half", period, fmt, output, on, as_of, branch)

    @app.command("week", help=WEEK_HELP)
    def week(
        period: str = typer.Argument(None, metavar="[周]", help="如 2019-W05（默认今天所在的周）",
                                     show_default=False),
        fmt: str = FormatOption,
        output: Path = OutputOption,
        on: str = DateOption,
        as_of: str = AsOfOption,
        branch: Path = BranchOption,
    ):
        _notice("week", "week", period, fmt, output, on, as_of, branch)

    @app.command("card", help=CARD_HELP)
    def card(
        member: str = typer.Argument(..., metavar="党员", help="编号或姓名", show_default=False),
        year: int = typer.Argument(None, metavar="[年度]", help="如 2019（默认台账中最近的年份）", parser=parse_year,
                                   show_default=False),
        fmt: str = FormatOption,
        output: Path = OutputOption,
        as_of: str = AsOfOption,
        branch: Path = BranchOption,
    ):
        fmt = _check_format(fmt)

        def build(ledger):
            from jifen_cli.render.cards import render_card  # not needed for a memoized answer

            from jifen_cli.core.engine import horizon_on

            y = year or ledger.latest_year(until=_today().year) or _today().year
            return render_card(ledger, member, y, fmt, horizon=horizon_on(y, _today()))

        emit(with_ledger(branch, as_of, build), output)
        raise typer.Exit(EXIT_OK)

    form = typer.Typer(help=FORM_HELP, no_args_is_help=True, rich_markup_mode=None,
                       context_settings={"help_option_names": ["-h", "--help"]})

    @form.command("declare", help=DECLARE_FORM_HELP)
    def declare_form(
        fmt: str = FormatOption,
        output: Path = OutputOption,
        branch: Path = BranchOption,
    ):
        from jifen_cli.render.cards import render_declaration_form

        fmt = _check_format(fmt)
        root = branch_dir(branch)
        ledger = load_for_report(root) if (root / "branch.yaml").is_file() or branch else None
        emit(render_declaration_form(ledger, fmt), output)
        raise typer.Exit(EXIT_OK)

    app.add_typer(form, name="form", help=FORM_HELP)


__all__ = ["register", "emit"]
