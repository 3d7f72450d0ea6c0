"""The recording commands on a copy of sample_branch/, at the top of a repository and
inside a sub-directory of one (as in the project repository)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jifen_cli.core import audit
from reckit import git, run_cli

# the repository's sample branch (beside tests/, wherever jifen itself is installed)
SAMPLE = Path(__file__).resolve().parents[2] / "sample_branch"


@pytest.mark.parametrize("sub", ["", "branches/一支部"])
def test_sample_branch_add_publish_verify(tmp_path, sub):
    repo = tmp_path / "repo"
    root = repo / sub if sub else repo
    shutil.copytree(SAMPLE, root)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "导入示例支部")
    b = ["-C", str(root)]
    assert run_cli(b + ["check"]).code == 0
    r = run_cli(b + ["publish", "2019-01", "--date", "2019-02-05"])
    assert r.code == 0, r.text
    tag = f"publish/{sub}/2019-01" if sub else "publish/2019-01"
    assert git(repo, "tag", "--list").split() == [tag]
    assert audit.published_periods(root) == {"2019-01": tag}
    first = (root / "events/2019/2019-01.yaml").read_text(encoding="utf-8")
    eid = next(line.split(":", 1)[1].strip() for line in first.splitlines()
               if line.strip().startswith("- id:"))
    r = run_cli(b + ["void", eid, "--reason", "复核后作废"])
    assert r.code == 0, r.text
    r = run_cli(b + ["add", "M001", "leave", "--date", "2019-02-27"])
    assert r.code == 0, r.text
    assert run_cli(b + ["check"]).code == 0
    r = run_cli(b + ["verify"])
    assert r.code == 0, r.text
    # only the branch's own files were ever committed by jifen
    for sha in git(repo, "log", "--format=%H", "-3").split():
        for f in git(repo, "show", "--name-only", "--format=", sha).split():
            assert f.startswith(f"{sub}/" if sub else "")
