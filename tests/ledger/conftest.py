"""Fixtures for tests/ledger and tests/badinput (helpers live in ledgerkit.py)."""

import shutil

import pytest

from ledgerkit import fast_dir


@pytest.fixture
def tmp_path():
    """Overrides pytest's tmp_path here: a memory-backed directory, removed afterwards."""
    path = fast_dir()
    yield path
    try:  # the parse cache writes its packs at exit: write them now, then remove all
        from jifen_cli.core import cache
        cache.flush()
    except ImportError:
        pass
    shutil.rmtree(path, ignore_errors=True)
