"""core.git against real repositories."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from jifen_cli.core import git
from jifen_cli.core.diagnostics import JifenError

from reckit import git as sh


def test_is_repo_and_require_repo(tmp_path, branch):
    assert git.is_repo(branch)
    assert not git.is_repo(tmp_path / "nope")
    plain = tmp_path / "plain"
    plain.mkdir()
    assert not git.is_repo(plain)
    with pytest.raises(JifenError) as exc:
        git.require_repo(plain)
    assert exc.value.exit_code == 2
    assert "不是 git 仓库" in exc.value.message
    assert "git init && git add -A && git commit" in exc.value.hint
    sh(plain, "init", "-q")
    with pytest.raises(JifenError) as exc:  # a repository without a commit
        git.require_repo(plain)
    assert "还没有任何提交" in exc.value.message


def test_commit_paths_commits_exactly_the_paths(branch):
    (branch / "members.yaml").write_text("members: []\n", encoding="utf-8")  # dirty, unstaged
    (branch / "notes.txt").write_text("staged\n", encoding="utf-8")
    sh(branch, "add", "notes.txt")  # staged by the user
    new = branch / "events/2019/2019-02.yaml"
    new.write_text("entries: []\n", encoding="utf-8")
    sha = git.commit_paths(branch, ["events/2019/2019-02.yaml"], "jifen: test 1\n\n正文", "王记录")
    assert sha == git.head(branch)
    files = sh(branch, "show", "--name-only", "--format=", sha).split()
    assert files == ["events/2019/2019-02.yaml"]
    assert sh(branch, "log", "-1", "--format=%an|%s|%b").strip() == "王记录|jifen: test 1|正文"
    status = sh(branch, "status", "--porcelain")
    assert " M members.yaml" in status and "A  notes.txt" in status  # left as they were
    assert git.dirty_paths(branch, ["members.yaml"]) == ["members.yaml"]
    assert git.dirty_paths(branch, ["events"]) == []


def test_tags_show_file_resolve_and_log(branch):
    first = git.head(branch)
    git.tag(branch, "publish/2019-01", "jifen: publish 2019-01 on=2019-02-05")
    assert git.list_tags(branch, "publish/*") == ["publish/2019-01"]
    assert git.tag_commit(branch, "publish/2019-01") == first
    assert git.tag_message(branch, "publish/2019-01") == "jifen: publish 2019-01 on=2019-02-05"
    assert git.tag_commit(branch, "publish/2019-02") is None
    p = branch / "events/2019/2019-01.yaml"
    old = p.read_bytes()
    p.write_bytes(old + b"# more\n")
    second = git.commit_paths(branch, ["events/2019/2019-01.yaml"], "hand edit", "王五")
    assert git.show_file(branch, first, "events/2019/2019-01.yaml") == old
    assert git.show_file(branch, "HEAD", "events/2019/2019-01.yaml") == old + b"# more\n"
    assert git.show_file(branch, first, "no/such.yaml") is None
    assert git.resolve(branch, "HEAD~1") == first
    assert git.resolve(branch, "publish/2019-01") == first
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert git.resolve(branch, tomorrow) == second  # the last commit on or before
    with pytest.raises(JifenError):
        git.resolve(branch, "1999-01-01")
    with pytest.raises(JifenError):
        git.resolve(branch, "no-such-rev")
    after = git.commits_after(branch, "refs/tags/publish/2019-01", "events/2019/2019-01.yaml")
    assert [(c.sha, c.author, c.subject) for c in after] == [(second, "王五", "hand edit")]
    log = git.log(branch)
    assert [c.sha for c in log] == [second, first]
    assert log[0].files == ["events/2019/2019-01.yaml"]


def test_branch_in_a_subdirectory(tmp_path):
    """sample_branch/ lives inside the project repository: paths are relative to the
    branch, and the materialised tree is the branch's own sub-tree."""
    from reckit import write_branch

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README.md").write_text("project\n", encoding="utf-8")
    branch = write_branch(repo / "sub" / "branch", init_git=False)
    sh(repo, "init", "-q")
    sh(repo, "add", "-A")
    sh(repo, "commit", "-q", "-m", "init")
    assert git.prefix(branch) == "sub/branch/"
    assert git.show_file(branch, "HEAD", "members.yaml") == (branch / "members.yaml").read_bytes()
    (branch / "members.yaml").write_text("members: []\n", encoding="utf-8")
    git.commit_paths(branch, ["members.yaml"], "change", "李四")
    assert git.log(branch)[0].files == ["members.yaml"]
    with git.checkout_at(branch, "HEAD~1") as past:
        assert (past / "branch.yaml").is_file()
        assert not (past / "README.md").exists()
        assert "M001" in (past / "members.yaml").read_text(encoding="utf-8")
        kept = past
    assert not kept.exists()  # removed afterwards


def test_checkout_at_none_is_the_branch_itself_and_needs_a_repo_otherwise(tmp_path, branch):
    with git.checkout_at(branch, None) as same:
        assert same == branch
    from reckit import write_branch

    plain = write_branch(tmp_path / "plain", init_git=False)
    with pytest.raises(JifenError) as exc:
        with git.checkout_at(plain, "2019-01-01"):
            pass
    assert exc.value.exit_code == 2 and "git init" in exc.value.hint
