"""Helpers for the perf tests: the repository root on sys.path (for bench/), and the
real CLI as a subprocess."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_branch"
if str(REPO) not in sys.path:  # the benchmark kit's generator lives in bench/
    sys.path.insert(0, str(REPO))


def jifen(*args, env=None, python_flags=()):
    full_env = {k: v for k, v in os.environ.items() if k not in ("JIFEN_BRANCH", "JIFEN_NO_CACHE")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, *python_flags, "-m", "jifen_cli", *map(str, args)],
                          cwd=tempfile.gettempdir(), env=full_env, capture_output=True, text=True)
