"""Terminal escape sequences and other control characters in user text (names, keys,
values, file names) are shown escaped in diagnostics, never interpreted (issue 7.4)."""

from __future__ import annotations

import pytest

from jifen_cli.core.diagnostics import Diagnostic, JifenError, inert


@pytest.mark.parametrize("raw,shown", [
    ("\x1b[2J", "\\x1b[2J"),                      # clear screen
    ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),   # set window title (OSC ... BEL)
    ("a\rb", "a\\rb"),                             # carriage return hides text
    ("a\nb", "a\\nb"),                             # a fake second diagnostic line
    ("a\tb", "a\\tb"),
    ("\x9b31m", "\\x9b31m"),                       # C1 CSI
    ("\x7f", "\\x7f"),
    ("\x00", "\\x00"),
    ("abc\u202edcba", "abc\\u202edcba"),          # right-to-left override
    ("\u2066x\u2069", "\\u2066x\\u2069"),
    ("\u200bx", "\\u200bx"),                       # zero-width space
    ("阿卜杜拉·艾力", "阿卜杜拉·艾力"),            # ordinary text is untouched
    ("张三（M001）：扣 2 分", "张三（M001）：扣 2 分"),
])
def test_inert(raw, shown):
    assert inert(raw) == shown


def test_format_escapes_every_part():
    d = Diagnostic("E301", "未知党员“\x1b[31mM32\x1b[0m”", "events/\x1b[1m.yaml", line=3, col=5,
                   hint="是不是 \x1b]8;;http://evil\x07M023\x1b]8;;\x07？")
    text = d.format()
    assert "\x1b" not in text and "\x07" not in text
    assert text.startswith("events/\\x1b[1m.yaml:3:5: E301 未知党员“\\x1b[31mM32\\x1b[0m”")
    assert "\\x1b]8;;http://evil\\x07" in text
    assert "\n" not in Diagnostic("E203", "未知字段“a\nb”").format()


def test_warning_format():
    d = Diagnostic("W101", "文件是 GBK 编码", "a.yaml", line=1, col=1, severity="warning")
    assert d.format() == "a.yaml:1:1: 警告 W101 文件是 GBK 编码"


def test_cli_error_messages_are_inert(tmp_path):
    from typer.testing import CliRunner

    from jifen_cli.cli.app import _register_all, app

    _register_all()
    r = CliRunner().invoke(app, ["-C", str(tmp_path / "evil\x1b[2J"), "check"])
    assert r.exit_code == 2
    assert "\x1b" not in r.output and "\\x1b[2J" in r.output


def test_jifen_error_message_through_main_is_inert(capsys):
    from jifen_cli.cli import app as appmod

    exc = JifenError("坏\x1b[2J消息", hint="提示\x07")
    appmod._report(exc)
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "\\x1b[2J" in err
