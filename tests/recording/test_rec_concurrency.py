"""Twenty `jifen add` processes at once: every one lands, each in its own commit."""

from __future__ import annotations

import os
import subprocess
import time

import yaml

from reckit import REPO, git, proc_command, run_cli

N = 20


def test_twenty_concurrent_adds(branch):
    env = dict(os.environ, JIFEN_TODAY="2019-02-03", PYTHONPATH=str(REPO),
               JIFEN_LOCK_TIMEOUT="120")
    members = ["M001", "M002", "M003", "M005"]
    t0 = time.monotonic()
    procs = [subprocess.Popen([*proc_command(), "-C", str(branch), "add", members[i % 4], "leave",
                               "--date", f"2019-02-{i % 28 + 1:02d}", "--note", f"并发测试 {i}",
                               "--by", f"记录员{i}"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL)
             for i in range(N)]
    results = [(p.wait(timeout=120), p.stdout.read().decode(), p.stderr.read().decode())
               for p in procs]
    elapsed = time.monotonic() - t0
    for code, out, err in results:
        assert code == 0, out + err
    data = yaml.safe_load((branch / "events/2019/2019-02.yaml").read_text(encoding="utf-8"))
    ids = [e["id"] for e in data["entries"]]
    assert sorted(ids) == [f"2019-02-{n:03d}" for n in range(1, N + 1)]
    assert sorted(e["note"] for e in data["entries"]) == sorted(f"并发测试 {i}" for i in range(N))
    log = git(branch, "log", "--format=%an|%s").splitlines()
    assert len(log) == N + 1
    authors = sorted(line.split("|")[0] for line in log[:N])
    assert authors == sorted(f"记录员{i}" for i in range(N))
    # each commit adds exactly one entry, named in its message
    for line in log[:N]:
        assert line.split("|")[1].startswith("jifen: add 2019-02-")
    assert git(branch, "status", "--porcelain") == ""
    assert not (branch / ".git/jifen.lock").exists()
    r = run_cli(["-C", str(branch), "check"])
    assert r.code == 0, r.text
    print(f"{N} concurrent adds: {elapsed:.1f}s")
