"""git.is_repo / git.surely_no_tags decide without a git process where that is safe, and
agree with git everywhere."""

from __future__ import annotations

import subprocess

import pytest

from jifen_cli.core import audit, git


def _git(cwd, *args):
    subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True,
                   env={**git._env(), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x"})


@pytest.fixture
def no_spawn(monkeypatch):
    def boom(*a, **k):
        raise AssertionError(f"git spawned: {a}")
    monkeypatch.setattr(git.subprocess, "run", boom)


@pytest.fixture
def repo(tmp_path):
    r = tmp_path / "repo"
    (r / "b").mkdir(parents=True)
    _git(r, "init", "-q")
    (r / "b" / "f.txt").write_text("x")
    _git(r, "add", "-A")
    _git(r, "commit", "-q", "-m", "c")
    return r


def test_outside_any_repository_no_git_process(tmp_path, monkeypatch, no_spawn):
    for v in git._GIT_DIR_VARS:
        monkeypatch.delenv(v, raising=False)
    if git._find_dotgit(tmp_path) is not None:
        pytest.skip("tmp dir is inside a git repository")
    assert git.is_repo(tmp_path) is False
    assert git.surely_no_tags(tmp_path, "publish/") is True
    assert audit.check_published(tmp_path) == []


def test_repository_without_publish_tags_needs_no_git(repo, monkeypatch):
    _git(repo, "tag", "other")
    assert git.surely_no_tags(repo / "b", "publish/") is True
    with monkeypatch.context() as m:
        m.setattr(git.subprocess, "run", lambda *a, **k: (_ for _ in ()).throw(AssertionError(a)))
        assert audit.check_published(repo / "b") == []
    assert git.is_repo(repo / "b") is True  # a found .git is still confirmed by git


@pytest.mark.parametrize("packed", [False, True])
def test_publish_tag_loose_or_packed_means_ask_git(repo, packed):
    _git(repo, "tag", "-a", "publish/b/2019-01", "-m", "m")
    if packed:
        _git(repo, "pack-refs", "--all")
        assert b"refs/tags/publish/" in (repo / ".git" / "packed-refs").read_bytes()
    assert git.surely_no_tags(repo / "b", "publish/") is False


def test_worktree_reads_the_common_dir(repo, tmp_path):
    wt = tmp_path / "wt"
    _git(repo, "worktree", "add", "-q", str(wt))
    assert (wt / ".git").is_file()
    assert git.surely_no_tags(wt / "b", "publish/") is True
    _git(repo, "tag", "publish/b/2019-02")
    assert git.surely_no_tags(wt / "b", "publish/") is False


def test_git_dir_in_environment_means_ask_git(tmp_path, monkeypatch, repo):
    monkeypatch.setenv("GIT_DIR", str(repo / ".git"))
    assert git.surely_no_tags(tmp_path, "publish/") is False
