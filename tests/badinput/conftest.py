"""tests/badinput shares the small valid branch of tests/ledger (ledgerkit.py)."""

import sys
from pathlib import Path

_LEDGER = str(Path(__file__).resolve().parent.parent / "ledger")
if _LEDGER not in sys.path:
    sys.path.insert(0, _LEDGER)

from ledgerkit import tmp_path  # noqa: E402,F401  (a memory-backed tmp_path)
