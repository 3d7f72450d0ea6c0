import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_branch"


def jifen_subprocess(*args, cwd=None, env=None, input=None):
    """Run the real CLI as a subprocess.  The default working directory is a temp dir so
    that ``python -m jifen_cli`` imports the *installed* package, not the source tree."""
    full_env = {k: v for k, v in os.environ.items() if k != "JIFEN_BRANCH"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "jifen_cli", *map(str, args)],
                          cwd=cwd or tempfile.gettempdir(), env=full_env,
                          capture_output=True, text=True, input=input)


@pytest.fixture
def run_jifen():
    return jifen_subprocess


@pytest.fixture
def sample_dir():
    """The repository's sample branch (read-only: copy it before writing)."""
    return SAMPLE
