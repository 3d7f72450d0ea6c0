"""pytest fixtures for tests/recording (helpers live in reckit.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reckit import write_branch


@pytest.fixture
def branch(tmp_path) -> Path:
    return write_branch(tmp_path / "branch")
