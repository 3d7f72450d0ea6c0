"""Fixtures for tests/ledger and tests/badinput (helpers live in ledgerkit.py)."""

from ledgerkit import tmp_path  # noqa: F401  (a memory-backed tmp_path)
