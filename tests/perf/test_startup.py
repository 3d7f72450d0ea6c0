"""Start fast: `jifen --help` and `jifen check` must not import jinja2 or openpyxl (nor
the other heavy libraries only some commands need).  Checked on the real CLI in a
subprocess with ``python -X importtime``; no timing is asserted."""

import pytest
from perfkit import SAMPLE, jifen

from bench.generate import generate_branch

HEAVY = ("jinja2", "openpyxl")


def imported(stderr: str) -> set[str]:
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


def top_level(names):
    return {n.split(".")[0] for n in names}


def test_help_imports_no_heavy_library():
    r = jifen("--help", python_flags=("-X", "importtime"))
    assert r.returncode == 0, r.stderr[-2000:]
    mods = top_level(imported(r.stderr))
    assert "jifen_cli" in mods and "typer" in mods  # the trace did work
    assert not mods & set(HEAVY), sorted(mods & set(HEAVY))


@pytest.mark.parametrize("where", ["generated", "sample"])
def test_check_imports_no_heavy_library(tmp_path, where):
    if where == "sample":
        if not (SAMPLE / "branch.yaml").is_file():
            pytest.skip("sample_branch/ not present")
        branch = SAMPLE
        env = {"JIFEN_NO_CACHE": "1"}  # do not write into the repository
    else:
        branch = tmp_path / "b"
        generate_branch(branch, members=10, years=1, rate=10, seed=5)
        env = {}
    r = jifen("-C", branch, "check", python_flags=("-X", "importtime"), env=env)
    assert r.returncode in (0, 1), r.stderr[-2000:]
    mods = top_level(imported(r.stderr))
    assert "yaml" in mods  # it did read the branch
    assert not mods & set(HEAVY), sorted(mods & set(HEAVY))


#: never imported by a run: pydantic (typer 0.29 imports it to convert every parameter,
#: ~0.1 s — pyproject.toml pins typer below 0.29) and rich (typer's rich help and
#: pretty tracebacks, switched off in app.py)
NEVER = ("pydantic", "rich")


@pytest.mark.parametrize("args", [("--help",), ("check",), ("month", "2019-01"), ("year", "--grade")],
                         ids=lambda a: " ".join(a))
def test_command_imports_no_pydantic_nor_rich(args):
    if not (SAMPLE / "branch.yaml").is_file():
        pytest.skip("sample_branch/ not present")
    # no cache: the command really converts its parameters and runs (and writes nothing
    # into the repository)
    r = jifen("-C", SAMPLE, *args, python_flags=("-X", "importtime"), env={"JIFEN_NO_CACHE": "1"})
    assert r.returncode in (0, 1), r.stderr[-2000:]
    mods = top_level(imported(r.stderr))
    assert "jifen_cli" in mods and "typer" in mods  # the trace did work
    assert not mods & set(NEVER), sorted(mods & set(NEVER))


def test_command_map_matches_the_modules():
    """cli/commands.py's COMMANDS (which module to register for a command, so that a run
    registers one module, not all) names exactly the commands each module registers."""
    import typer

    from jifen_cli.cli import commands

    assert set(commands.COMMANDS) == set(commands.MODULES)
    for name, module in zip(commands.MODULES, commands.modules()):
        app = typer.Typer()
        module.register(app)
        names = [c.name for c in app.registered_commands] + [g.name for g in app.registered_groups]
        assert sorted(names) == sorted(commands.COMMANDS[name]), name


@pytest.mark.parametrize("args, module", [
    (["-C", "x", "month", "2019-01"], "notices"),
    (["--branch", "check", "year", "--grade"], "scoring"),  # "check" is the -C value here
    (["--debug", "--no-cache", "check", "-C", "x"], "check"),
    (["-Cx", "form", "declare"], "notices"),
    (["--branch=x", "add", "张三", "absent"], "recording"),
    (["--help"], None),
    (["--version"], None),
    (["mnth", "2019-01"], None),  # a typo: all commands, for "did you mean"
    ([], None),
])
def test_module_for_command_line(args, module):
    from jifen_cli.cli import commands

    assert commands.module_for(args) == module
