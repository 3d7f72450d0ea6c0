"""jifen month / quarter / half / card / form declare, through the real CLI."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from renderkit import SAMPLE, hostile_branch

from jifen_cli.core.periods import Period


def jifen(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "jifen_cli", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, env=_env())


def _env():
    import os

    return {k: v for k, v in os.environ.items() if k != "JIFEN_BRANCH"}


def test_month_exactly_as_written_in_the_branch_directory():
    r = jifen("month", "2019-01", cwd=SAMPLE)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("兴市集团第一党支部2019年1月党员积分情况公示\n")
    assert f"{date.today().year}年{date.today().month}月{date.today().day}日" in r.stdout  # dated today


def test_month_output_equals_the_renderer(sample_ledger, tmp_path):
    from jifen_cli.render.notices import render_notice

    for fmt in ("md", "html", "text"):
        out = tmp_path / f"n.{fmt}"
        r = jifen("month", "2019-01", "-C", SAMPLE, "--format", fmt, "--date", "2019-02-05", "-o", out)
        assert r.returncode == 0, r.stderr
        assert "已写入" in r.stderr
        assert out.read_text(encoding="utf-8") == render_notice(sample_ledger, Period.parse("2019-01"), fmt,
                                                               date(2019, 2, 5))


def test_quarter_half_card_and_form(tmp_path):
    r = jifen("quarter", "2019-Q1", "-C", SAMPLE, "--date", "2019-04-08", "-f", "md")
    assert r.returncode == 0 and r.stdout.startswith("# 兴市集团第一党支部2019年第一季度党员积分情况公示")
    r = jifen("half", "2019-H2", "-C", SAMPLE, "--date", "2020-01-06")
    assert r.returncode == 0 and "2019年下半年" in r.stdout
    r = jifen("card", "李海燕", "-C", SAMPLE)  # year defaults to the ledger's latest
    assert r.returncode == 0 and "党员积分登记卡（2019年度）" in r.stdout and "95.48" in r.stdout
    r = jifen("card", "M003", "2019", "-C", SAMPLE, "--format", "html")
    assert r.returncode == 0 and r.stdout.startswith("<!DOCTYPE html>")
    r = jifen("form", "declare", "-C", SAMPLE, "-f", "md")
    assert r.returncode == 0 and "兴市集团第一党支部" in r.stdout and "志愿服务" in r.stdout
    r = jifen("form", "declare", cwd=tmp_path)  # outside a branch: the generic blank form
    assert r.returncode == 0 and "月度党员积分申报表" in r.stdout and "可申报的积分项目" not in r.stdout


@pytest.mark.parametrize("args,message", [
    (("month", "2019-Q1"), "jifen quarter 2019-Q1"),
    (("month", "2019-13"), "月份应在 1 到 12 之间"),
    (("quarter", "2019-01"), "jifen month 2019-01"),
    (("month", "2019-01", "--format", "pdf"), "不支持的输出格式"),
    (("month", "2019-01", "--date", "2019-02-30"), "--date"),
])
def test_mistakes_are_explained_in_chinese(args, message):
    r = jifen(*args, "-C", SAMPLE)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert message in r.stderr
    assert "Traceback" not in r.stderr


def test_card_member_lookup_is_the_shared_one():
    """jifen card finds members like jifen explain (core.lookup.resolve_member): an
    unknown name is refused with exit 1 and the nearest names suggested."""
    r = jifen("card", "王立", "2019", "-C", SAMPLE)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "花名册中没有“王立”" in r.stderr and "王立新" in r.stderr
    assert "Traceback" not in r.stderr
    r = jifen("card", "不存在的人", "-C", SAMPLE)
    assert r.returncode == 1 and "花名册中没有" in r.stderr


def test_broken_ledger_refuses_with_the_problems(tmp_path):
    root = hostile_branch(tmp_path / "b")
    (root / "events/2019/2019-02.yaml").write_text("entries:\n  - id: x\n    member: 没有这人\n", encoding="utf-8")
    r = jifen("month", "2019-01", "-C", root)
    assert r.returncode == 1
    assert "个错误，不能生成" in r.stderr and "2019-02.yaml" in r.stderr


def test_help_is_chinese_with_examples():
    for cmd in (["month"], ["quarter"], ["half"], ["card"], ["form", "declare"], ["form"]):
        r = jifen(*cmd, "--help")
        assert r.returncode == 0, cmd
        assert "示例" in r.stdout and "jifen " + cmd[0] in r.stdout, cmd


def test_cli_and_core_do_not_import_jinja2_or_openpyxl():
    code = ("import sys; import jifen_cli.cli.app as a; a._register_all(); import jifen_cli.cli.notices; "
            "import jifen_cli.render.notices, jifen_cli.render.year, jifen_cli.render.cards; "
            "bad = [m for m in ('jinja2', 'openpyxl', 'tabulate') if m in sys.modules]; "
            "print(','.join(bad))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == ""


def test_as_of_renders_the_ledger_of_that_commit(tmp_path):
    import shutil

    root = tmp_path / "b"
    hostile_branch(root)
    def git(*a):
        subprocess.run(["git", "-C", str(root), *a], check=True, capture_output=True)
    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-m", "one")
    git("tag", "first")
    before = jifen("month", "2019-01", "-C", root, "--date", "2019-02-05", "-f", "md").stdout
    path = root / "events/2019/2019-01.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - id: 2019-01-099\n    date: 2019-01-30\n"
                    "    member: M005\n    item: leave\n", encoding="utf-8")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-m", "two")
    now = jifen("month", "2019-01", "-C", root, "--date", "2019-02-05", "-f", "md").stdout
    past = jifen("month", "2019-01", "-C", root, "--date", "2019-02-05", "-f", "md", "--as-of", "first")
    assert "2019-01-099" in now and "2019-01-099" not in before
    assert past.returncode == 0, past.stderr
    assert past.stdout == before
    shutil.rmtree(root)
