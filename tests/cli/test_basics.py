"""The CLI shell: branch selection, init, exit codes, Chinese errors without tracebacks."""

import subprocess


def test_help_is_chinese_and_lists_commands(run_jifen):
    r = run_jifen("--help")
    assert r.returncode == 0
    assert "党员积分管理工具" in r.stdout
    for command in ("check", "init", "presets"):
        assert command in r.stdout


def test_unknown_command_is_a_chinese_usage_error(run_jifen):
    r = run_jifen("chek")
    assert r.returncode == 2
    assert "没有这个命令" in r.stderr and "是不是" in r.stderr
    assert "Traceback" not in r.stderr


def test_missing_branch_dir_exit_2(run_jifen, tmp_path):
    r = run_jifen("-C", tmp_path / "nope", "check")
    assert r.returncode == 2
    assert "不存在" in r.stderr and "Traceback" not in r.stderr


def test_dir_without_branch_exit_2_with_hint(run_jifen, tmp_path):
    r = run_jifen("check", cwd=tmp_path)
    assert r.returncode == 2
    assert "branch.yaml" in r.stderr and "jifen init" in r.stderr


def test_init_creates_a_git_branch_that_passes_check(run_jifen, tmp_path):
    target = tmp_path / "新支部"
    r = run_jifen("init", target, "--preset", "xingshi", "--name", "测试第一党支部", "--from", "2019-01-01")
    assert r.returncode == 0, r.stderr
    for rel in ("branch.yaml", "members.yaml", "rules/xingshi.yaml", ".gitignore"):
        assert (target / rel).is_file(), rel
    log = subprocess.run(["git", "log", "--format=%s"], cwd=target, capture_output=True, text=True)
    assert log.stdout.splitlines() == ["jifen: init branch=测试第一党支部"]
    status = subprocess.run(["git", "status", "--porcelain"], cwd=target, capture_output=True, text=True)
    assert status.stdout == ""  # everything committed
    r = run_jifen("-C", target, "check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "检查通过" in r.stdout


def test_init_refuses_existing_branch_and_writes_nothing(run_jifen, tmp_path):
    target = tmp_path / "b"
    assert run_jifen("init", target).returncode == 0
    before = (target / "branch.yaml").read_bytes()
    r = run_jifen("init", target)
    assert r.returncode == 1
    assert "不会覆盖" in r.stderr
    assert (target / "branch.yaml").read_bytes() == before


def test_init_unknown_preset_suggests(run_jifen, tmp_path):
    r = run_jifen("init", tmp_path / "b", "--preset", "xingshl")
    assert r.returncode != 0
    assert "xingshi" in r.stderr
    assert not (tmp_path / "b" / "branch.yaml").exists()


def test_branch_from_env_and_per_command_option(run_jifen, sample_dir):
    SAMPLE = sample_dir
    by_env = run_jifen("check", env={"JIFEN_BRANCH": str(SAMPLE)})
    by_global = run_jifen("-C", SAMPLE, "check")
    by_command = run_jifen("check", "-C", SAMPLE)
    by_cwd = run_jifen("check", cwd=SAMPLE)
    assert by_env.returncode == by_global.returncode == by_command.returncode == by_cwd.returncode == 0, \
        by_global.stdout + by_global.stderr
    assert by_env.stdout == by_global.stdout == by_command.stdout == by_cwd.stdout


#: the scheme labels of DOMAIN.md's table ("The schemes in the seeds")
DOMAIN_LABELS = ("xingshi sdtbu yimeng county vanguard wudaitou zhengbu company60 quarterly handan "
                 "guangrong fuxing soe orgdept village township jiguan tenstar school abscore").split()


def test_presets_lists_every_scheme_label(run_jifen):
    r = run_jifen("presets")
    assert r.returncode == 0
    listed = {line.split()[0] for line in r.stdout.splitlines()[2:] if line.strip()}
    assert listed == set(DOMAIN_LABELS)
    assert r.stdout.count("种子") == len(DOMAIN_LABELS)
    # the 出处 column lines up on a terminal (a Chinese character is two columns wide)
    from jifen_cli.render.common import display_width

    starts = {display_width(line[:line.index("种子")]) for line in r.stdout.splitlines() if "种子" in line}
    assert len(starts) == 1


def test_every_preset_starts_a_branch_that_passes_check(run_jifen, tmp_path):
    for label in DOMAIN_LABELS:
        target = tmp_path / label
        assert run_jifen("init", target, "--preset", label, "--from", "2019-01-01").returncode == 0, label
        r = run_jifen("-C", target, "check")
        assert r.returncode == 0, (label, r.stdout, r.stderr)


def test_init_of_a_scheme_with_an_attendance_rate_writes_the_meetings_file(run_jifen, tmp_path):
    """vanguard counts 参学参会率 (seed 001 line 53, RULES.md §7.4) against the sessions held:
    init writes meetings/YEAR.yaml with commented examples; the new branch checks clean, and
    once the year has an entry but no meeting recorded, W601 says the rule cannot be judged."""
    target = tmp_path / "v"
    assert run_jifen("init", target, "--preset", "vanguard", "--from", "2019-01-01").returncode == 0
    text = (target / "meetings" / "2019.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[3] == "meetings:" and "#  - {date: 2019-01-10, kind: org_life" in text
    r = run_jifen("-C", target, "check")
    assert r.returncode == 0 and "警告" not in r.stdout, r.stdout
    assert not (tmp_path / "x").exists()
    run_jifen("init", tmp_path / "x", "--preset", "xingshi")  # no rate rule: no meetings file
    assert not (tmp_path / "x" / "meetings").exists()
    with open(target / "members.yaml", "a", encoding="utf-8") as fh:
        fh.write("  - {id: M001, name: 张三, category: ordinary}\n")
    (target / "events" / "2019" / "2019-03.yaml").write_text(
        "entries:\n  - {id: 2019-03-001, date: 2019-03-05, member: M001, item: absent_life}\n", encoding="utf-8")
    r = run_jifen("-C", target, "check")
    assert r.returncode == 0 and "W601 meetings/2019.yaml 中没有会议" in r.stdout, r.stdout


def test_plain_jifen_shows_the_help_and_exits_0(run_jifen):
    r = run_jifen()
    assert r.returncode == 0
    assert r.stdout == run_jifen("--help").stdout


def test_every_command_has_chinese_help_with_unwrapped_examples():
    from typer.testing import CliRunner

    from jifen_cli.cli.app import _register_all, app

    _register_all()
    import typer.main

    group = typer.main.get_command(app)
    names = [n for n in group.list_commands(None) if n != "form"] + ["form declare"]
    assert {"check", "add", "month", "year", "explain", "org"} <= set(names)
    runner = CliRunner()
    for name in names:
        r = runner.invoke(app, [*name.split(), "--help"])
        assert r.exit_code == 0, name
        assert "用法：" in r.output and "显示本帮助并退出。" in r.output, name
        lines = r.output.splitlines()
        assert any("示例" in line for line in lines), f"{name}: no example"
        i = next(i for i, line in enumerate(lines) if "示例" in line)
        assert lines[i + 1].strip().startswith("jifen"), f"{name}: examples were re-wrapped"
