"""Fixtures for the renderer tests (helpers live in renderkit.py)."""

import pytest

from renderkit import SAMPLE, load


@pytest.fixture(scope="module")
def sample_ledger():
    return load(SAMPLE)
