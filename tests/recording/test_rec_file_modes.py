"""Files jifen creates get the mode a plain ``open()`` would give them (0666 less the
umask), not the 0600 of a temporary file: on a shared office PC the next account must be
able to read the new month file and the caches (cache.new_file_mode)."""

from __future__ import annotations

import os
import stat

import pytest

from reckit import run_proc

FEB = "events/2019/2019-02.yaml"


def modes(root, pattern):
    return {p.relative_to(root).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in root.glob(pattern)
            if p.is_file()}


@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o002, 0o664)])
def test_new_month_file_and_caches_follow_the_umask(branch, umask, expected):
    def with_umask():
        os.umask(umask)

    r = run_proc(["-C", str(branch), "add", "M003", "absent", "--date", "2019-02-01"], preexec_fn=with_umask)
    assert r.code == 0, r.text
    assert modes(branch, FEB) == {FEB: expected}
    r = run_proc(["-C", str(branch), "month", "2019-02"], preexec_fn=with_umask)
    assert r.code == 0, r.text
    cached = modes(branch, ".jifen-cache/**/*")
    assert any(rel.startswith(".jifen-cache/memo/") for rel in cached), cached
    assert set(cached.values()) == {expected}, cached
