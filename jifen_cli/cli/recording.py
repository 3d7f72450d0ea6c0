"""Recording commands: add, declare, confirm, reject, pending, void, correct, object,
resolve, log, publish, verify.  Each is a few lines over core.writer / core.audit."""

from __future__ import annotations

import os
import re
import sys
from datetime import date

from pathlib import Path

import typer

from jifen_cli.cli.app import help_paragraphs
from jifen_cli.core.diagnostics import EXIT_CANNOT_RUN, EXIT_OK, EXIT_PROBLEMS, JifenError

# ------------------------------------------------------------------------ help texts
ADD_HELP = """记录一条积分条目（扣分、加分等，直接计分）。

党员可写编号或姓名；同名时会列出候选并拒绝，写错时提示最接近的党员或项目。
写入前检查整本台账，若写入后无法通过 jifen check 则拒绝，什么也不写。
每次记录生成一个 git 提交，作者为记录员。


示例：
  jifen add 张三 absent --date 2019-01-15 --note "无故缺席支部党员大会"
  jifen add M003 volunteer --date 2019-03-05 --level 集团 --subject "春运志愿服务" --by 李四
  jifen add 张三 absent --date 2019-01-15 --dry-run    只显示将写入的内容
"""
DECLARE_HELP = """记录党员本人的申报（待认定，不计分），由支委会用 jifen confirm / jifen reject 认定。


示例：
  jifen declare 王五 honour --date 2019-05-04 --level 成都市级 --subject "优秀共产党员" --note "市委表彰"
"""
CONFIRM_HELP = """认定一条申报：追加一条已认定的条目取代原申报，从此计分。


示例：
  jifen confirm 2019-05-002
  jifen confirm 2019-05-002 --note "支委会 5 月 10 日认定" --by 李四
"""
REJECT_HELP = """不予认定一条申报（须写明理由），申报不计分。


示例：
  jifen reject 2019-05-002 --reason "证明材料不全"
"""
PENDING_HELP = """列出全部待认定的申报（不计分，等待 jifen confirm / jifen reject）。


示例：
  jifen pending
  jifen pending --member 王五
"""
VOID_HELP = """作废一条条目（追加一条作废记录，原条目保留但不再计分）。须写明理由。


示例：
  jifen void 2019-01-004 --reason "记错了人，另行补记"
"""
CORRECT_HELP = """更正一条条目：追加一条新条目取代原条目（原条目保留，不再计分）。
只写要改的字段，其余沿用原条目；日期只能在同一个月内改动。


示例：
  jifen correct 2019-01-004 --points 2 --reason "按规则应扣 2 分"
  jifen correct 2019-01-004 --item leave --reason "当天已请假，改记请假"
"""
OBJECT_HELP = """登记党员对某条公示条目的异议。--by 为提出异议的党员，--recorder 为登记人。


示例：
  jifen object 2019-01-004 --by 张三 --reason "当天请过假，有请假条"
"""
RESOLVE_HELP = """处理一条异议：--upheld 成立（自动追加更正：不给出更正内容则作废原条目，
给出 --points 等则按此更正），或 --dismissed 不成立。异议记录与更正在同一个提交中。


示例：
  jifen resolve Y2019-001 --upheld --note "核实有请假条"
  jifen resolve Y2019-001 --upheld --points 1 --note "按迟到处理"
  jifen resolve Y2019-001 --dismissed --note "请假未获批准"
"""
LOG_HELP = """查看台账的修改历史（来自 git）：全部、某名党员或某个条目。
包括在命令行之外直接修改文件产生的提交（标为“手工”），以及尚未提交的改动。


示例：
  jifen log
  jifen log 2019-01-004
  jifen log 张三
  jifen log --raw            原始的提交说明（jifen: add … member=M001 …）
"""
PUBLISH_HELP = """公示某一期（通常是一个月）：生成公示（published/期间.md 与 .html），提交并打标签
publish/期间。期间可为月（2019-01）、季度（2019-Q1）、半年（2019-H1）或周（2019-W05，每周公示的方案）。
公示后该期的条目冻结：只能追加更正条目，其他改动会被 jifen check 报告（E701）；周公示只冻结这七天的条目。


示例：
  jifen publish 2019-01
  jifen publish 2019-01 --date 2019-02-05 --by 李四
  jifen publish 2019-W05
"""
VERIFY_HELP = """复核全部已公示的公示文件：按公示时（标签处）的台账重新生成，与保存的文件逐字节比较。
不一致的报告 E702。退出码：0 全部一致；1 有不一致；2 无法运行。


示例：
  jifen verify
"""


(ADD_HELP, DECLARE_HELP, CONFIRM_HELP, REJECT_HELP, PENDING_HELP, VOID_HELP, CORRECT_HELP, OBJECT_HELP,
 RESOLVE_HELP, LOG_HELP, PUBLISH_HELP, VERIFY_HELP) = map(help_paragraphs, (
    ADD_HELP, DECLARE_HELP, CONFIRM_HELP, REJECT_HELP, PENDING_HELP, VOID_HELP, CORRECT_HELP,
    OBJECT_HELP, RESOLVE_HELP, LOG_HELP, PUBLISH_HELP, VERIFY_HELP))

# ------------------------------------------------------------------------- helpers


def _root(branch: Path | None) -> Path:
    from jifen_cli.cli.app import branch_dir
    from jifen_cli.core.loader import find_branch_root

    return find_branch_root(branch_dir(branch))


def _interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _need(value, label: str, option: str, default=None, hint: str | None = None):
    """A missing argument: asked for on a terminal, a clear failure in a script."""
    if value not in (None, ""):
        return value
    if _interactive():
        answer = typer.prompt(label, default=default) if default is not None else typer.prompt(label)
        if str(answer).strip():
            return str(answer).strip()
    raise JifenError(f"缺少{label}（{option}）", exit_code=EXIT_CANNOT_RUN,
                     hint=hint or "在脚本中运行时请写全参数；用 --help 查看用法")


def _date(text, label: str = "日期") -> date:
    from jifen_cli.core.values import parse_date

    day, problem = parse_date(text)
    if day is None:
        raise JifenError(f"{label}：{problem.message}", exit_code=EXIT_CANNOT_RUN, hint=problem.hint)
    return day


def _decimal(text, label: str):
    if text is None:
        return None
    from jifen_cli.core.values import parse_decimal

    value, problem = parse_decimal(text)
    if value is None:
        raise JifenError(f"{label}：{problem.message}", exit_code=EXIT_CANNOT_RUN, hint=problem.hint)
    return value


def _recorder(root: Path, given: str | None) -> str:
    if given:
        return given.strip()
    env = os.environ.get("JIFEN_RECORDER", "").strip()
    if env:
        return env
    from jifen_cli.core.loader import load_branch

    try:
        ledger, _ = load_branch(root)
        if ledger.settings.recorders:
            return ledger.settings.recorders[0]
    except JifenError:
        pass
    return _need(None, "记录员姓名", "--by 或环境变量 JIFEN_RECORDER",
                 hint="在 branch.yaml 中填上记录员（例如 recorders: [张三]）并提交，"
                      "或加 --by 姓名，或设置环境变量 JIFEN_RECORDER")


def _report(result, root: Path | None = None) -> None:
    from jifen_cli.core.writer import render_record

    if result.dry_run:
        for ch in result.changes:
            typer.echo(f"# 将写入 {ch.file}：")
            if result.records and ch.file.startswith("events/"):
                typer.echo(render_record(result.records[0]).rstrip())
            else:
                typer.echo(ch.diff().rstrip() or ch.new.rstrip())
        typer.echo(f"# 提交说明：{result.message.splitlines()[0]}")
        typer.echo("（试运行：没有写入任何内容）")
        return
    typer.echo(_in_words(root, result.message.splitlines()[0]))
    typer.echo(f"已写入 {'、'.join(ch.file for ch in result.changes)}，提交 {result.commit[:8]}。")
    for d in result.warnings:
        typer.echo(d.format(), err=True)


def _in_words(root: Path | None, subject: str) -> str:
    """What was just recorded, in the words `jifen log` uses (names, not codes); the
    commit subject itself keeps the audit grammar (docs/AUDIT.md)."""
    from jifen_cli.core.audit import LogWords

    ledger = None
    if root is not None:
        from jifen_cli.core.loader import load_branch

        try:
            ledger = load_branch(root)[0]
        except Exception:  # noqa: BLE001 — wording only: the codes are shown as they are
            ledger = None
    return LogWords(ledger).subject(subject)


def _write(root: Path, command: str, fn, **kw):
    from jifen_cli.core import writer

    try:
        with writer.transaction(root, command):
            result = fn(root, **kw)
    except writer.Refused as exc:
        _add_option_hint(exc)
        raise
    _report(result, root)
    if not result.dry_run:
        _note_uncommitted(root, [ch.file for ch in result.changes])
    raise typer.Exit(EXIT_OK)


#: the check's wording names the file's fields; on the command line they are options
_OPTION_HINTS = {"E606": "该项目的分值由记录人确定：用 --points 写分值，须在该项目的分值范围内（见 jifen items）",
                 "E601": "该项目分值固定：去掉 --points；同一事项多次用 --times",
                 "E602": "命令行中用 --quantity 写数量",
                 "E603": "命令行中用 --level 写等级，写法见 jifen items"}


def _add_option_hint(exc) -> None:
    if exc.hint:
        return
    hints = [_OPTION_HINTS[d.code] for d in exc.diagnostics
             if d.code in _OPTION_HINTS and "写入前已存在" not in d.message]
    if hints:
        exc.hint = "；".join(dict.fromkeys(hints))


def _note_uncommitted(root: Path, written: list[str]) -> None:
    """The commit holds only the files this command wrote.  Other ledger files with
    uncommitted changes (a member just typed into members.yaml, say) are not in it, so
    the history would name a member the committed roster lacks: say so."""
    from jifen_cli.core import git
    from jifen_cli.core.diagnostics import JifenError

    try:
        dirty = [p for p in git.dirty_paths(root, ["branch.yaml", "members.yaml", "history.yaml",
                                                   "rules", "events", "evaluations", "objections",
                                                   "meetings"])
                 if p not in written]
    except JifenError:
        return
    if dirty:
        shown = "、".join(dirty[:5]) + ("等" if len(dirty) > 5 else "")
        typer.echo(f"注意：{shown} 有尚未提交的改动，本次提交不包含它们；台账的修改记录要完整，"
                   "请尽快提交：git add -A && git commit -m \"说明改了什么\"", err=True)


BranchOpt = typer.Option(None, "-C", "--branch", envvar="JIFEN_BRANCH",
                         help="支部目录（默认当前目录）", show_default=False)
ByOpt = typer.Option(None, "--by", help="记录员（默认环境变量 JIFEN_RECORDER，或 branch.yaml 中第一位记录员）")
DryOpt = typer.Option(False, "--dry-run", help="只显示将写入的内容，不写入")


def register(app: typer.Typer) -> None:
    def entry_command(name: str, help_text: str, action: str, status: str | None):
        @app.command(name, help=help_text)
        def command(
            member: str = typer.Argument(None, metavar="党员", help="党员编号或姓名", show_default=False),
            item: str = typer.Argument(None, metavar="项目", help="积分项目代码（见规则文件）", show_default=False),
            day: str = typer.Option(None, "--date", "-d", help="发生日期 YYYY-MM-DD", show_default=False),
            times: str = typer.Option(None, "--times", help="次数（默认 1）", show_default=False),
            quantity: str = typer.Option(None, "--quantity", "-q", help="数量（学时、学习强国积分等）",
                                         show_default=False),
            points: str = typer.Option(None, "--points", "-p", help="分值（仅规则未规定分值时）",
                                       show_default=False),
            level: str = typer.Option(None, "--level", help="级别（国家级、省级、市级……）", show_default=False),
            subject: str = typer.Option(None, "--subject", help="荣誉或事项名称（同一事项只计一次）",
                                        show_default=False),
            note: str = typer.Option("", "--note", "-m", help="说明"),
            by: str = ByOpt,
            dry_run: bool = DryOpt,
            branch: Path = BranchOpt,
        ):
            from jifen_cli.core import writer

            root = _root(branch)
            member = _need(member, "党员（编号或姓名）", "第 1 个参数")
            item = _need(item, "积分项目代码", "第 2 个参数")
            day_ = _date(_need(day, "日期", "--date", default=writer.today().isoformat()))
            if day_ > writer.today():  # 2091 for 2019: a slip of the keyboard, not a plan
                typer.echo(f"注意：日期 {day_.isoformat()} 晚于今天（{writer.today().isoformat()}），"
                           "请核对年份和月份；记错了可用 jifen void 编号 --reason 理由 作废", err=True)
            recorder = _recorder(root, by)
            _write(root, name, writer.new_entry, action=action, member=member, item=item, day=day_,
                   by=recorder, times=_decimal(times, "次数"), quantity=_decimal(quantity, "数量"),
                   points=_decimal(points, "分值"), level=level, subject=subject, note=note,
                   status=status, dry_run=dry_run)

        return command

    entry_command("add", ADD_HELP, "add", None)
    entry_command("declare", DECLARE_HELP, "declare", "pending")

    def settle_command(name: str, help_text: str, reason_label: str, required: bool):
        @app.command(name, help=help_text)
        def command(
            entry_id: str = typer.Argument(None, metavar="条目编号", help="条目编号，如 2019-01-004", show_default=False),
            reason: str = typer.Option(None, "--reason", "--note", "-m", help=reason_label,
                                       show_default=False),
            by: str = ByOpt,
            dry_run: bool = DryOpt,
            branch: Path = BranchOpt,
        ):
            from jifen_cli.core import writer

            root = _root(branch)
            entry_id = _need(entry_id, "条目编号", "第 1 个参数")
            if required:
                reason = _need(reason, reason_label, "--reason")
            _write(root, name, writer.supersede, action=name, entry_id=entry_id,
                   by=_recorder(root, by), reason=reason or "", dry_run=dry_run)

        return command

    settle_command("confirm", CONFIRM_HELP, "认定说明", False)
    settle_command("reject", REJECT_HELP, "不予认定的理由", True)
    settle_command("void", VOID_HELP, "作废理由", True)

    @app.command("correct", help=CORRECT_HELP)
    def correct(
        entry_id: str = typer.Argument(None, metavar="条目编号", help="要更正的条目编号", show_default=False),
        reason: str = typer.Option(None, "--reason", "--note", "-m", help="更正理由", show_default=False),
        member: str = typer.Option(None, "--member", help="改为哪名党员", show_default=False),
        item: str = typer.Option(None, "--item", help="改为哪个积分项目", show_default=False),
        day: str = typer.Option(None, "--date", "-d", help="改为哪天（同月内）", show_default=False),
        times: str = typer.Option(None, "--times", help="次数", show_default=False),
        quantity: str = typer.Option(None, "--quantity", "-q", help="数量", show_default=False),
        points: str = typer.Option(None, "--points", "-p", help="分值", show_default=False),
        level: str = typer.Option(None, "--level", help="级别", show_default=False),
        subject: str = typer.Option(None, "--subject", help="荣誉或事项名称", show_default=False),
        by: str = ByOpt,
        dry_run: bool = DryOpt,
        branch: Path = BranchOpt,
    ):
        from jifen_cli.core import writer

        root = _root(branch)
        entry_id = _need(entry_id, "条目编号", "第 1 个参数")
        reason = _need(reason, "更正理由", "--reason")
        changes = _corrections(member, item, day, times, quantity, points, level, subject)
        _write(root, "correct", writer.supersede, action="correct", entry_id=entry_id,
               by=_recorder(root, by), reason=reason, changes=changes, dry_run=dry_run)

    @app.command("pending", help=PENDING_HELP)
    def pending(
        member: str = typer.Option(None, "--member", help="只看某名党员（编号或姓名）", show_default=False),
        branch: Path = BranchOpt,
    ):
        from jifen_cli.core import writer
        from jifen_cli.core.lookup import resolve_member

        root = _root(branch)
        ledger = writer.load(root)
        gone = ledger.superseded_ids()
        only = resolve_member(ledger, member).id if member else None
        rows = [e for e in ledger.entries if e.status == "pending" and e.id not in gone
                and (only is None or e.member == only)]
        if not rows:
            typer.echo("没有待认定的申报。")
            raise typer.Exit(EXIT_OK)
        from jifen_cli.core.audit import LogWords

        words = LogWords(ledger)  # item names from the rules in force on each entry's date
        for e in sorted(rows, key=lambda e: (e.date, e.id)):
            m = ledger.member(e.member)
            extra = " ".join(x for x in (e.level, e.subject, e.note) if x)
            item = words.item(e.item, e.date.isoformat(), with_code=True)
            typer.echo(f"{e.id}  {e.date}  {m.name if m else e.member}（{e.member}）  {item}  {extra}".rstrip())
        typer.echo(f"共 {len(rows)} 条待认定。认定：jifen confirm 编号；不予认定：jifen reject 编号 --reason 理由")

    @app.command("object", help=OBJECT_HELP)
    def object_(
        entry_id: str = typer.Argument(None, metavar="条目编号", help="有异议的条目编号", show_default=False),
        member: str = typer.Option(None, "--by", help="提出异议的党员（编号或姓名）", show_default=False),
        reason: str = typer.Option(None, "--reason", "--note", "-m", help="异议理由", show_default=False),
        day: str = typer.Option(None, "--date", "-d", help="提出日期（默认今天）", show_default=False),
        recorder: str = typer.Option(None, "--recorder", help="登记人（默认 JIFEN_RECORDER 或第一位记录员）",
                                     show_default=False),
        dry_run: bool = DryOpt,
        branch: Path = BranchOpt,
    ):
        from jifen_cli.core import writer

        root = _root(branch)
        entry_id = _need(entry_id, "条目编号", "第 1 个参数")
        member = _need(member, "提出异议的党员", "--by")
        reason = _need(reason, "异议理由", "--reason")
        _write(root, "object", writer.new_objection, entry_id=entry_id, member=member, reason=reason,
               by=_recorder(root, recorder), day=_date(day) if day else None, dry_run=dry_run)

    @app.command("resolve", help=RESOLVE_HELP)
    def resolve(
        objection_id: str = typer.Argument(None, metavar="异议编号", help="异议编号，如 Y2019-001", show_default=False),
        upheld: bool = typer.Option(None, "--upheld/--dismissed", help="异议成立 / 不成立", show_default=False),
        note: str = typer.Option("", "--note", "--reason", "-m", help="处理结果说明"),
        member: str = typer.Option(None, "--member", help="（成立时）改为哪名党员", show_default=False),
        item: str = typer.Option(None, "--item", help="（成立时）改为哪个积分项目", show_default=False),
        times: str = typer.Option(None, "--times", help="（成立时）次数", show_default=False),
        quantity: str = typer.Option(None, "--quantity", help="（成立时）数量", show_default=False),
        points: str = typer.Option(None, "--points", help="（成立时）分值", show_default=False),
        by: str = ByOpt,
        dry_run: bool = DryOpt,
        branch: Path = BranchOpt,
    ):
        from jifen_cli.core import writer

        root = _root(branch)
        objection_id = _need(objection_id, "异议编号", "第 1 个参数")
        if upheld is None:
            answer = _need(None, "异议是否成立（是/否）", "--upheld 或 --dismissed")
            upheld = answer.strip() in ("是", "y", "yes", "成立", "1")
        changes = _corrections(member, item, None, times, quantity, points, None, None)
        if changes and not upheld:
            raise JifenError("异议不成立时不能给出更正内容", exit_code=EXIT_CANNOT_RUN)
        _write(root, "resolve", writer.resolve_objection, objection_id=objection_id, upheld=upheld,
               resolution=note, by=_recorder(root, by), changes=changes, dry_run=dry_run)

    @app.command("log", help=LOG_HELP)
    def log(
        target: str = typer.Argument(None, metavar="条目编号或党员", help="条目编号或党员（编号或姓名）；不写则显示全部",
                                     show_default=False),
        limit: int = typer.Option(50, "--limit", "-n", help="最多显示多少个提交（不指定对象时）"),
        raw: bool = typer.Option(False, "--raw", help="显示原始的提交说明和字段（jifen: add … member=M001 …），"
                                                      "供程序处理或核对"),
        branch: Path = BranchOpt,
    ):
        from jifen_cli.core import audit, writer
        from jifen_cli.core.lookup import resolve_member

        root = _root(branch)
        entry_id = member = name = None
        ledger = None
        if target:
            ledger = writer.load(root)
            if any(e.id == target for e in ledger.entries):
                entry_id = target
            elif re.match(r"^\d{4}-\d{2}-\d+$", target.strip()):
                entry_id = writer.find_entry(ledger, target.strip()).id  # refuses with a hint
            else:
                m = resolve_member(ledger, target)
                member, name = m.id, m.name
                if sum(1 for x in ledger.members if x.name == name) > 1:
                    name = None  # a shared name in a record cannot be told apart
        words = None
        if not raw:
            if ledger is None:
                try:
                    ledger = writer.load(root)
                except JifenError:  # a ledger that does not load: codes instead of names
                    ledger = None
            words = audit.LogWords(ledger)
        items = audit.history(root, entry_id=entry_id, member=member,
                              member_name=name if member else None, limit=limit,
                              describe=words.change if words else None)
        if not items:
            typer.echo("没有找到相关的修改记录。")
        for it in items:
            c = it.commit
            if c is None:
                typer.echo("（未提交）  工作区中的改动")
            else:
                mark = "" if it.by_jifen else "【手工】"
                text = c.subject if words is None else words.subject(c.subject)
                typer.echo(f"{c.when:%Y-%m-%d %H:%M}  {c.short}  {c.author}  {mark}{text}")
            for line in it.changes:
                typer.echo(f"    {line}")

    @app.command("publish", help=PUBLISH_HELP)
    def publish(
        period: str = typer.Argument(None, metavar="期间", help="公示期间，如 2019-01", show_default=False),
        on: str = typer.Option(None, "--date", "-d", help="公示日期（默认今天）", show_default=False),
        early: bool = typer.Option(False, "--early", help="本期尚未结束也公示（此后本期的条目不能再记）"),
        by: str = ByOpt,
        dry_run: bool = DryOpt,
        branch: Path = BranchOpt,
    ):
        from jifen_cli.core import audit, writer

        root = _root(branch)
        period = _need(period, "公示期间（如 2019-01）", "第 1 个参数")
        try:
            from jifen_cli.core.periods import parse_notice_period

            parse_notice_period(period)
        except ValueError as exc:
            raise JifenError(str(exc), exit_code=EXIT_CANNOT_RUN) from None
        with writer.transaction(root, "publish"):
            result = audit.publish(root, period, by=_recorder(root, by), on=_date(on) if on else None,
                                   dry_run=dry_run, early=early)
        if dry_run:
            for ch in result.changes:
                typer.echo(f"# 将写入 {ch.file}（{len(ch.new.encode('utf-8'))} 字节）")
            typer.echo(f"# 提交说明：{result.message.splitlines()[0]}")
            typer.echo("（试运行：没有写入任何内容）")
            raise typer.Exit(EXIT_OK)
        typer.echo(_in_words(root, result.message.splitlines()[0]))
        typer.echo(f"已公示 {result.target}：{'、'.join(ch.file for ch in result.changes)}，"
                   f"提交 {result.commit[:8]}，标签 {audit.publish_tag(root, result.target)}。")

    @app.command("verify", help=VERIFY_HELP)
    def verify(branch: Path = BranchOpt):
        from jifen_cli.cli.app import print_diagnostics
        from jifen_cli.core import audit

        root = _root(branch)
        items = audit.verify(root)
        if not items:
            typer.echo("还没有公示过任何期间（没有 publish/ 标签）。")
            raise typer.Exit(EXIT_OK)
        bad = 0
        for it in items:
            if it.ok:
                typer.echo(f"{it.period}：一致（{it.tag}，公示日期 {it.on}）")
            else:
                bad += 1
                typer.echo(f"{it.period}：不一致（{it.tag}）")
                print_diagnostics(it.problems, err=False)
        if bad:
            typer.echo(f"共 {len(items)} 期公示，{bad} 期不一致。")
            raise typer.Exit(EXIT_PROBLEMS)
        typer.echo(f"共 {len(items)} 期公示，全部一致。")


def _corrections(member, item, day, times, quantity, points, level, subject) -> dict:
    changes = {"member": member, "item": item, "date": _date(day) if day else None,
               "times": _decimal(times, "次数"), "quantity": _decimal(quantity, "数量"),
               "points": _decimal(points, "分值"), "level": level, "subject": subject}
    return {k: v for k, v in changes.items() if v is not None}



