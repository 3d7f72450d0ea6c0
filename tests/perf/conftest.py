"""Fixtures for the cache / start-up / roll-up tests (no timing assertions here)."""

import pytest

import perfkit  # noqa: F401  (puts the repository root on sys.path for bench/)


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path_factory, monkeypatch):
    """Each test starts with the cache on, no in-memory pack, no user cache dir of its
    own, and fresh counters."""
    from jifen_cli.core import cache

    monkeypatch.delenv("JIFEN_NO_CACHE", raising=False)
    monkeypatch.delenv("JIFEN_JOBS", raising=False)
    monkeypatch.delenv("JIFEN_IN_WORKER", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg")))
    cache._memo.clear()
    for k in cache.STATS:
        cache.STATS[k] = 0
    yield cache
    cache._memo.clear()
