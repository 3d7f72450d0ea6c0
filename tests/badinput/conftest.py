"""tests/badinput shares the small valid branch of tests/ledger (ledgerkit.py)."""

import sys
from pathlib import Path

_LEDGER = str(Path(__file__).resolve().parent.parent / "ledger")
if _LEDGER not in sys.path:
    sys.path.insert(0, _LEDGER)

import shutil  # noqa: E402

import pytest  # noqa: E402

from ledgerkit import fast_dir  # noqa: E402


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
