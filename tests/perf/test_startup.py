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
