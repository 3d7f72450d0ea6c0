"""The Typer application: global options, error handling, and command registration.

Every command module has ``register(app)``; commands are a few lines that call the
core library and print.  Heavy imports (jinja2, openpyxl) happen inside commands.
"""

from __future__ import annotations

import gc
import os
import re
import sys
from pathlib import Path

import typer

from jifen_cli import __version__
from jifen_cli.core.diagnostics import (EXIT_CANNOT_RUN, EXIT_OK, EXIT_PROBLEMS, Diagnostic,
                                        JifenError, inert)
from typer.core import TyperGroup

#: gc.set_threshold for a jifen process (see main)
_GC_THRESHOLD = (100_000, 50, 50)

HELP = """jifen —— 党员积分管理工具（积分记录、月度公示、年度评定）。

支部目录：默认当前目录；也可用 -C 目录 或环境变量 JIFEN_BRANCH 指定。

\b
退出码：0 成功；1 发现问题或操作被拒绝（什么也没写入）；
2 无法运行（参数错误、找不到支部、文件无法读取、程序内部错误等）。
任何错误都只显示中文说明；加 --debug（或设环境变量 JIFEN_DEBUG=1）
可看到完整的 Python 调用栈，报告问题时请附上。

\b
常用：
  jifen check                 检查台账
  jifen add 王立新 absent --date 2019-01-15 --note "无故缺席支部党员大会"
  jifen month 2019-01         生成 2019 年 1 月公示
  jifen year --grade          最近一年的年度积分、排名与等次
"""

def _zh_usage_args(args: str) -> str:
    """The argument part of a usage line in Chinese: ``[OPTIONS] {党员} [期间]`` →
    ``[选项] 党员 [期间]`` (a bare name is required, a bracketed one optional)."""
    args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
    return re.sub(r"\{([^{}\s]+)\}", r"\1", args)


def _display_width(text: str) -> int:
    """Terminal columns of ``text``: East Asian wide and full-width characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _chinese_help() -> None:
    """Help screens in Chinese: click's own words (Usage, Options, Show this message...)
    are translated by a formatter installed on click's Context class."""
    try:
        from typer._click import core as click_core
        from typer._click.formatting import HelpFormatter
    except ImportError:  # pragma: no cover - a typer without its vendored click
        return
    headings = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}
    words = [("Show this message and exit.", "显示本帮助并退出。"), ("[default: ", "[默认："),
             ("[env var: ", "[环境变量："), ("[required]", "[必填]"), ("default: ", "默认："),
             ("env var: ", "环境变量：")]
    #: the value placeholders of options (typer's type names)
    metavars = [("<int range>", "<整数>"), ("<float range>", "<数字>"), ("<str>", "<文字>"),
                ("<path>", "<路径>"), ("<int>", "<整数>"), ("<float>", "<数字>"), ("<file>", "<文件>")]

    class ChineseHelpFormatter(HelpFormatter):
        def write_usage(self, prog, args="", prefix=None):
            super().write_usage(prog, _zh_usage_args(args), "用法：" if prefix is None else prefix)

        def section(self, name):
            return super().section(headings.get(name, name))

        def write_heading(self, heading):
            self.write(f"{'':>{self.current_indent}}{headings.get(heading, heading)}：\n")

        def write_dl(self, rows, col_max=30, col_spacing=2):
            out = []
            for first, second in rows:
                for en, zh in words:
                    second = second.replace(en, zh)
                second = re.sub(r"; x>=(\S+?)\]", r"；至少 \1]", second)
                for en, zh in metavars:
                    first = first.replace(en, zh)
                out.append((first, second))
            self._write_dl_wide(out, col_max, col_spacing)

        def _write_dl_wide(self, rows, col_max, col_spacing):
            """click's write_dl, measuring a Chinese character as the two columns a
            terminal gives it (so that the help's second column lines up)."""
            from typer._click.formatting import wrap_text

            first_col = min(max((_display_width(f) for f, _ in rows), default=0), col_max) + col_spacing
            for first, second in rows:
                self.write(f"{'':>{self.current_indent}}{first}")
                if not second:
                    self.write("\n")
                    continue
                width = _display_width(first)
                if width <= first_col - col_spacing:
                    self.write(" " * (first_col - width))
                else:
                    self.write("\n" + " " * (first_col + self.current_indent))
                lines = wrap_text(second, max(self.width - first_col - 2, 10),
                                  preserve_paragraphs=True).splitlines() or [""]
                self.write(f"{lines[0]}\n")
                for line in lines[1:]:
                    self.write(f"{'':>{first_col + self.current_indent}}{line}\n")

    click_core.Context.formatter_class = ChineseHelpFormatter


_chinese_help()


class JifenGroup(TyperGroup):
    """Turns every failure inside a command into a Chinese message and a documented exit
    code, so that the same handling applies under ``main()`` and under a test runner."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except JifenError as exc:
            if not getattr(exc, "jifen_reported", False):
                _report(exc)
                exc.jifen_reported = True
            if debug_enabled():
                raise
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt, BrokenPipeError):
            raise
        except Exception as exc:
            if _is_usage_error(exc) or type(exc).__name__ in ("Exit", "Abort"):
                raise
            _report_internal(exc)
            exc.jifen_reported = True
            if debug_enabled():
                raise
            raise typer.Exit(EXIT_CANNOT_RUN) from None


def debug_enabled() -> bool:
    return bool(_state["debug"] or os.environ.get("JIFEN_DEBUG"))


app = typer.Typer(help=HELP, cls=JifenGroup, no_args_is_help=True, add_completion=False,
                  rich_markup_mode=None, pretty_exceptions_enable=False,
                  context_settings={"help_option_names": ["-h", "--help"]})

_state = {"branch": None, "debug": False}


def _version(value: bool):
    if value:
        typer.echo(f"jifen {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    branch: Path = typer.Option(None, "-C", "--branch", envvar="JIFEN_BRANCH",
                                help="支部目录（默认当前目录）", show_default=False),
    debug: bool = typer.Option(False, "--debug", help="出错时显示完整的 Python 调用栈（报告问题时使用）"),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="显示版本号"),
    no_cache: bool = typer.Option(False, "--no-cache", help="不使用缓存（.jifen-cache：解析结果和上次的计算结果），全部重新读取、重新计算"),
):
    _state["branch"] = branch
    _state["debug"] = debug
    if no_cache:  # read by jifen_cli.core.cache (and inherited by worker processes)
        os.environ["JIFEN_NO_CACHE"] = "1"


#: the shared per-command option, so that `jifen check -C DIR` works as well as `jifen -C DIR check`
BranchOption = typer.Option(None, "-C", "--branch", envvar="JIFEN_BRANCH",
                            help="支部目录（默认当前目录）", show_default=False)


def branch_dir(override: Path | None = None) -> Path:
    """The branch directory chosen by -C / JIFEN_BRANCH / the current directory."""
    chosen = override or _state["branch"] or Path.cwd()
    path = Path(chosen).expanduser()
    if not path.exists():
        raise JifenError(f"支部目录“{path}”不存在", hint="检查 -C 参数或 JIFEN_BRANCH 环境变量")
    return path.resolve()


OutputOption = typer.Option(None, "-o", "--output", help="写入此文件（默认显示在屏幕上）",
                            show_default=False)
AsOfOption = typer.Option(None, "--as-of", help="按某个提交、标签或日期（YYYY-MM-DD）时的台账生成",
                          show_default=False)


def load_for_report(root: Path):
    """Load and check a branch for a report; stop (exit 1) with the problems if it has
    errors, since any output would be untrustworthy.  The git audit of published
    periods is left to `jifen check` / `jifen verify`, so a report never runs git."""
    from jifen_cli.core.checks import CHECKS, check_branch
    from jifen_cli.core.loader import find_branch_root

    ledger, diags = check_branch(find_branch_root(root), only=[n for n in CHECKS if n != "published"])
    errors = [d for d in diags if d.is_error]
    if errors:
        fail(f"台账有 {len(errors)} 个错误，不能生成", code=EXIT_PROBLEMS, diagnostics=errors,
             hint="先用 jifen check 查看并修正")
    return ledger


def with_ledger(branch: Path | None, as_of: str | None, fn):
    """``fn(ledger)`` on the branch as it is, or as it was at a commit, tag or date —
    then made as it would have been made on that day (``periods.today`` is that day: a
    year not over then is provisional, a notice is dated then).  On the branch as it is,
    the result comes from the results memo when nothing it depends on changed
    (:func:`memoized_report`)."""
    root = branch_dir(branch)
    if not as_of:
        return memoized_report(root, lambda: _located(fn, load_for_report(root)))
    from jifen_cli.core import git
    from jifen_cli.core.audit import as_of_day
    from jifen_cli.core.periods import today_is

    git.require_repo(root)
    with git.checkout_at(root, as_of) as past, today_is(as_of_day(root, as_of)):
        return _located(fn, load_for_report(past))


def _located(fn, ledger):
    """``fn(ledger)``; the diagnostics of an error it raises (the engine's, which reads no
    files) get their lines and columns from the branch's files here."""
    try:
        return fn(ledger)
    except JifenError as exc:
        if any(d.file and d.line is None for d in exc.diagnostics):
            from jifen_cli.core.yamlio import resolve_locations

            resolve_locations(ledger.root, exc.diagnostics)
        raise


def memoized_report(root: Path, compute):
    """``compute()`` — a report's text (or xlsx bytes) made from the branch at ``root`` —
    through the results memo (:mod:`jifen_cli.core.memo`).  The question is the whole
    command line as given to :func:`main` plus today's date (``JIFEN_TODAY``), so every
    parameter of every report command, present or future, is part of the key.  Outside
    :func:`main` (no command line known) it simply computes."""
    argv = _state.get("argv")
    if argv is None:
        return compute()
    if not (root / "branch.yaml").is_file():  # not a branch: compute() says so
        return compute()
    import base64

    from jifen_cli.core.memo import Memo
    from jifen_cli.core.periods import today

    memo = Memo(root, {"ask": "report", "argv": _question_words(argv), "today": today().isoformat()})
    raw = memo.get()
    if isinstance(raw, dict) and isinstance(raw.get("text"), str):
        return raw["text"]
    if isinstance(raw, dict) and isinstance(raw.get("base64"), str):
        try:
            return base64.b64decode(raw["base64"], validate=True)
        except ValueError:
            pass
    content = compute()
    if isinstance(content, str):
        memo.put({"text": content})
    elif isinstance(content, bytes):
        memo.put({"base64": base64.b64encode(content).decode("ascii")})
    return content


#: options that choose *which* branch or how to run, not what to report: the memo is
#: per branch, so `-C sample_branch` and `-C /abs/path/sample_branch` ask the same question
_NOT_THE_QUESTION = {"-C": 1, "--branch": 1, "--no-cache": 0, "--debug": 0}


def _question_words(argv: list[str]) -> list[str]:
    out, skip = [], 0
    for word in argv:
        if skip:
            skip -= 1
        elif word in _NOT_THE_QUESTION:
            skip = _NOT_THE_QUESTION[word]
        elif not word.startswith("--branch="):
            out.append(word)
    return out


def emit(content: str | bytes, output: Path | None) -> None:
    """Print the content, or write it to ``output`` whole or not at all."""
    import tempfile

    if output is None:
        if isinstance(content, bytes):
            fail("这种格式只能写入文件", hint="加 -o 文件名，例如 -o 2019年度党员积分汇总表.xlsx")
        typer.echo(content, nl=False)
        return
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    target = Path(output)
    if not target.parent.is_dir():
        fail(f"目录“{target.parent}”不存在")
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            # mkstemp makes the file private (0600); an output file is for everyone at
            # the office PC, so give it the permissions an ordinary new file would get
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        fail(f"无法写入“{output}”：{exc.strerror or exc}")
    typer.echo(f"已写入 {output}", err=True)


def print_diagnostics(diags: list[Diagnostic], err: bool = True) -> None:
    for d in diags:
        typer.echo(d.format(), err=err)


def _safe_streams() -> None:
    """A console that cannot show a character (a GBK terminal and an emoji in a name)
    gets an escape sequence instead of a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError, OSError):
            pass


def parse_year(text) -> int | None:
    """A year as people type it: 2019, 2019年, 2019年度, full-width digits (a Typer
    ``parser``: a bad one is a Chinese usage error)."""
    if text is None or isinstance(text, int):
        return text
    plain = str(text).strip().translate({c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)})
    plain = plain.removesuffix("年度").removesuffix("年").strip()
    if not (plain.isdigit() and len(plain) == 4 and plain.isascii()):
        raise typer.BadParameter(f"“{text}”不是年份，应写成 2019 或 2019年")
    return int(plain)


def help_paragraphs(text: str) -> str:
    """Join the lines of each prose paragraph (click would join them with a space, which
    Chinese does not want); example blocks (marked ``\b``) are kept as written."""
    out = []
    for para in text.strip("\n").split("\n\n"):
        out.append(para if para.startswith("\b") else "".join(x.strip() for x in para.splitlines()))
    return "\n\n".join(out) + "\n"


def fail(message: str, code: int = EXIT_CANNOT_RUN, hint: str | None = None,
         diagnostics: list[Diagnostic] | None = None):
    """Stop the command with a Chinese message and a documented exit code."""
    raise JifenError(message, diagnostics, exit_code=code, hint=hint)


_registered: list[bool] = []


def _register_all(args: list[str] | None = None) -> None:
    """Register every command module once (idempotent: tests call it too).  With the
    command line ``args`` of a run, only the module providing the command it names (the
    others cost ~15 ms to import and convert), unless all are registered already; a
    later call registers afresh, so the command list keeps its order."""
    if _registered:
        return
    from jifen_cli.cli import commands

    app.registered_commands.clear()
    app.registered_groups.clear()
    if commands.register(app, args):
        _registered.append(True)


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the app, turning every failure into a Chinese message and an
    exit code (a traceback only with --debug)."""
    _safe_streams()
    # jifen builds large, long-lived heaps (ledgers of 10^5 entries) and creates few cycles:
    # the default threshold (700) re-scans them over and over (~20 % of a big command's CPU,
    # docs/PERFORMANCE.md).  Collections still happen, just less often.
    gc.set_threshold(_GC_THRESHOLD[0], *_GC_THRESHOLD[1:])
    args = list(argv if argv is not None else sys.argv[1:])
    debug = "--debug" in args or os.environ.get("JIFEN_DEBUG")
    if not args:  # plain `jifen` is a request for the help, not a mistake
        args = ["--help"]
    _state["argv"] = list(args)  # the question a report answers (results memo)
    try:
        try:
            _register_all(args)
            code = app(args=args, standalone_mode=False)
        except JifenError as exc:
            if not getattr(exc, "jifen_reported", False):
                _report(exc)
            _traceback_if(debug)
            sys.exit(exc.exit_code)
        except BrokenPipeError:  # `jifen check | head`: the reader went away
            try:
                sys.stdout = open(os.devnull, "w")
            except OSError:
                pass
            sys.exit(EXIT_OK)
        except typer.Exit as exc:
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("已取消。", err=True)
            sys.exit(EXIT_PROBLEMS)
        except KeyboardInterrupt:
            typer.echo("已中断，没有写入任何内容。", err=True)
            sys.exit(130)
        except Exception as exc:  # click's usage errors and anything unexpected
            if _is_usage_error(exc):
                _report_usage(exc)
                sys.exit(EXIT_CANNOT_RUN)
            if not getattr(exc, "jifen_reported", False):
                _report_internal(exc)
            _traceback_if(debug)
            sys.exit(EXIT_CANNOT_RUN)
        sys.exit(code if isinstance(code, int) else EXIT_OK)
    finally:
        _state["argv"] = None  # a later in-process call (tests) must not inherit it


def _traceback_if(debug) -> None:
    """--debug: the full Python traceback (for bug reports), then the usual exit code."""
    if debug:
        import traceback

        traceback.print_exc()


def _is_usage_error(exc: Exception) -> bool:
    # typer vendors click in recent versions; recognise its ClickException by shape
    return all(hasattr(exc, attr) for attr in ("format_message", "exit_code", "show"))


def _report(exc: JifenError) -> None:
    if exc.diagnostics:
        print_diagnostics(exc.diagnostics)
    # a diagnostic that only repeats the message (no file to point at) is said once
    if not any(d.file is None and d.message == exc.message for d in exc.diagnostics):
        typer.echo(f"错误：{inert(exc.message)}", err=True)
    if exc.hint and not any(d.hint == exc.hint for d in exc.diagnostics):  # said once
        typer.echo(f"提示：{inert(exc.hint)}", err=True)


def _report_internal(exc: BaseException) -> None:
    if isinstance(exc, MemoryError):
        typer.echo("错误：内存不足，无法完成（文件可能过大）。", err=True)
        return
    if isinstance(exc, OSError):
        where = f"“{inert(exc.filename)}”" if getattr(exc, "filename", None) else ""
        typer.echo(f"错误：读写文件{where}失败：{inert(exc.strerror or exc)}", err=True)
        typer.echo("提示：检查文件是否存在、是否有读写权限、磁盘是否已满。", err=True)
        return
    typer.echo(f"内部错误：{type(exc).__name__}: {inert(exc)}", err=True)
    typer.echo("这是 jifen 的缺陷，不是您的操作问题。请加 --debug 重新运行，并把输出发给维护者。", err=True)


_CLICK_WORDS = [
    ("No such command", "没有这个命令"),
    ("No such option", "没有这个选项"),
    ("Missing argument", "缺少参数"),
    ("Missing option", "缺少选项"),
    ("Invalid value for", "参数取值无效"),
    ("requires an argument", "需要一个值"),
    ("Got unexpected extra arguments", "多余的参数"),
    ("Got unexpected extra argument", "多余的参数"),
    ("Did you mean", "是不是"),
    ("Possible options:", "可用的选项："),
    ("Option ", "选项 "),
    ("Error: ", ""),
]


def _zh_usage(text: str) -> str:
    return text.replace("Usage:", "用法：").replace("Show this message and exit.", "显示本帮助并退出。")


def _param_label(param, with_help: bool = True) -> str:
    """How a message names a command-line parameter: an argument by its Chinese metavar
    and help (``党员（编号或姓名）``), an option by its switches and help
    (``--date（发生日期 YYYY-MM-DD）``)."""
    if getattr(param, "param_type_name", "") == "argument":
        name = (param.metavar or param.name or "").strip("[]{}. ")
    else:
        name = " / ".join(getattr(param, "opts", []) or [param.name or ""])
    helptext = (getattr(param, "help", None) or "").strip() if with_help else ""
    if helptext.startswith(name) and len(helptext) > len(name) and "（" not in helptext:
        helptext = helptext[len(name):].lstrip("，：: ")  # 党员 + 党员编号或姓名 → 党员（编号或姓名）
    if not helptext or helptext == name:
        return name
    return f"{name}（{helptext}）" if "（" not in helptext else f"{name}：{helptext}"


#: click's words for a value that does not convert (the value is quoted back)
_BAD_VALUE = [(r"^'?(.*?)'? is not a valid (?:int|integer)\.?$", "“{}”不是整数"),
              (r"^'?(.*?)'? is not a valid (?:float|decimal)\.?$", "“{}”不是数字"),
              (r"^'?(.*?)'? is not a valid boolean\.?$", "“{}”不是“是/否”"),
              (r"^(.*?) is not in the range x>=(\S+?)\.?$", "“{}”不能小于 {}"),
              (r"^(.*?) is not in the range x<=(\S+?)\.?$", "“{}”不能大于 {}"),
              (r"^'?(.*?)'? is not one of (.*?)\.?$", "“{}”不是可选的值（{}）")]


def _structured_usage_message(exc) -> str | None:
    """Missing and invalid parameters, worded from the parameter itself (its Chinese
    metavar and help) rather than from click's English sentence; None for other errors."""
    param = getattr(exc, "param", None)
    kind = type(exc).__name__
    if param is None:
        return None
    if kind == "MissingParameter":
        label = _param_label(param)
        noun = "参数" if getattr(param, "param_type_name", "") == "argument" else "选项"
        return f"缺少{noun}：{label}"
    if kind == "BadParameter":
        label = _param_label(param, with_help=False)
        detail = str(getattr(exc, "message", "") or "").strip()
        for pattern, zh in _BAD_VALUE:
            m = re.match(pattern, detail)
            if m:
                return f"{label}：" + zh.format(*(inert(g) for g in m.groups()))
        if detail and re.search(r"[\u4e00-\u9fff]", detail):  # our own parsers speak Chinese already
            return f"{label}：{inert(detail)}"
        return f"{label}的取值无效" + (f"：{inert(detail)}" if detail else "")
    return None


def _report_usage(exc) -> None:
    if type(exc).__name__ == "NoArgsIsHelpError":  # plain `jifen`: the help is the message
        typer.echo(_zh_usage(exc.format_message()), err=True)
        return
    message = _structured_usage_message(exc)
    if message is None:
        message = "\n".join(inert(line) for line in exc.format_message().splitlines())
        for en, zh in _CLICK_WORDS:
            message = message.replace(en, zh)
        message = re.sub(r"'([^'\n]*)'", r"“\1”", message).replace(": ", "：").rstrip(".")
        message = message.replace(". ", "。").replace("?", "？")
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        typer.echo(_zh_usage(ctx.get_usage()), err=True)
    typer.echo(f"错误：{message}", err=True)
    typer.echo("提示：用 jifen --help 或 jifen 命令 --help 查看用法", err=True)
