"""score / rank / year / explain / items / members through the real CLI (subprocess)."""

import re
import zipfile
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_year_without_a_year_means_the_latest_year(run_jifen, sample_dir):
    latest = run_jifen("-C", sample_dir, "year", "--grade")
    explicit = run_jifen("-C", sample_dir, "year", "2019", "--grade")
    assert latest.returncode == 0, latest.stderr
    assert latest.stdout == explicit.stdout
    assert "2019年度" in latest.stdout


def test_year_table_has_every_member_and_a_grade_column(run_jifen, sample_dir):
    from jifen_cli.core.loader import load_branch

    ledger, _ = load_branch(sample_dir)
    out = run_jifen("-C", sample_dir, "year", "2019", "--grade").stdout
    for m in ledger.members:
        assert m.name in out
    assert "等次" in out and "星级" in out


def test_score_quarter_and_month(run_jifen, sample_dir):
    r = run_jifen("-C", sample_dir, "score", "2019-Q1")
    assert r.returncode == 0, r.stderr
    assert "日常表现积分" in r.stdout and "总分" in r.stdout
    csv = run_jifen("-C", sample_dir, "score", "2019-01", "--format", "csv")
    assert csv.stdout.startswith("\ufeff编号,姓名,类别")


def test_bad_period_is_a_chinese_error(run_jifen, sample_dir):
    r = run_jifen("-C", sample_dir, "score", "2019-13")
    assert r.returncode == 2
    assert "无法识别" in r.stderr and "Traceback" not in r.stderr


def test_rank_by_class_has_one_table_per_class(run_jifen, sample_dir):
    r = run_jifen("-C", sample_dir, "rank", "2019", "--by-class")
    assert r.returncode == 0, r.stderr
    for title in ("【党员领导干部】", "【普通党员】", "【离退休党员】", "【流动党员】"):
        assert title in r.stdout


def test_explain_ends_at_the_members_score_and_grade(run_jifen, sample_dir):
    year = run_jifen("-C", sample_dir, "score", "2019", "--format", "csv").stdout
    row = next(line for line in year.splitlines() if ",王立新," in line)
    total = row.split(",")[-1]
    r = run_jifen("-C", sample_dir, "explain", "王立新", "2019")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("王立新（M001）2019年积分说明")
    assert f"→ {total}" in r.stdout  # the running value reaches the score in the table
    assert "排名" in r.stdout


def test_explain_unknown_member_suggests(run_jifen, sample_dir):
    r = run_jifen("-C", sample_dir, "explain", "王立", "2019")
    assert r.returncode == 1
    assert "花名册中没有“王立”" in r.stderr and "王立新" in r.stderr


def test_members_never_shows_private_fields(run_jifen, sample_dir):
    from jifen_cli.core.loader import load_branch

    ledger, _ = load_branch(sample_dir)
    private = [str(v) for m in ledger.members for v in m.private.values()]
    assert private, "the sample branch should have private fields to protect"
    out = run_jifen("-C", sample_dir, "members").stdout
    assert "王立新" in out
    for value in private:
        assert value not in out


def test_items_lists_the_codes_used_by_add(run_jifen, sample_dir):
    r = run_jifen("-C", sample_dir, "items", "--date", "2019-06-01")
    assert r.returncode == 0, r.stderr
    for code in ("absent", "honour", "negative_list"):
        assert re.search(rf"\b{code}\b", r.stdout)


def test_wheel_ships_templates_and_presets(tmp_path):
    # built the way `pip install .` builds it (isolated build environment)
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path),
                        str(REPO)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    wheel = next(tmp_path.glob("jifen-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {p.name for p in (REPO / "templates").iterdir() if p.is_file()}
    assert templates
    for name in templates:
        assert f"jifen_cli/templates/{name}" in names
    for init in (REPO / "jifen_cli").rglob("__init__.py"):  # every subpackage is shipped
        assert init.relative_to(REPO).as_posix() in names
    presets = {p.name for p in (REPO / "jifen_cli/core/presets").glob("*.yaml")}
    assert len(presets) >= 20
    for name in presets:
        assert f"jifen_cli/core/presets/{name}" in names


def test_as_of_reproduces_every_read_command_after_a_later_entry(run_jifen, sample_dir, tmp_path):
    import shutil

    branch = tmp_path / "支部"
    shutil.copytree(sample_dir, branch, ignore=shutil.ignore_patterns(".jifen-cache"))

    def git(*a):
        return subprocess.run(["git", *a], cwd=branch, capture_output=True, text=True, check=True)

    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start")
    before_sha = git("rev-parse", "HEAD").stdout.strip()
    commands = [("score", "2019"), ("rank", "2019", "--by-class"), ("year", "2019", "--grade"),
                ("explain", "王立新", "2019")]
    before = {c: run_jifen("-C", branch, *c).stdout for c in commands}
    r = run_jifen("-C", branch, "add", "王立新", "absent", "--date", "2019-12-20",
                  "--note", "无故缺席12月支部党员大会", "--by", "测试记录员")
    assert r.returncode == 0, r.stderr
    for c in commands:
        now = run_jifen("-C", branch, *c)
        past = run_jifen("-C", branch, *c, "--as-of", before_sha)
        assert past.returncode == 0, past.stderr
        assert past.stdout == before[c], c
        assert now.stdout != before[c], c  # the new deduction shows up without --as-of
