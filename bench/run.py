"""The benchmark runner: times whole CLI processes against the baselines measured in
the same run, and prints a table of ratios against the targets of issue 6.

    python -m bench.run                      # every size (the county takes a while)
    python -m bench.run --sizes branch,township1 --runs 5
    python -m bench.run --sizes county --runs 3 --cold-runs 1 --out bench/results-county.md

Each case is run once as a warm-up (not counted), then ``--runs`` times; the median is
reported (and the min/max spread).  "cold" means the parse cache is removed before each
run (every ``.jifen-cache`` of the data set); the operating system's file cache stays
warm, as it would for a recorder who just saved a file.  Peak memory: the largest
resident set of any one process (``wait4`` rusage) and, sampled every 50 ms, the sum
over the process and its workers.

Baselines, measured in the same run on the same records:
  python -c pass / import typer / import typer, jinja2
  json.load of the data set's event records (written once to bench/data/SIZE.records.json)
  PyYAML CSafeLoader parsing the same YAML files, one process (one core)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.generate import DATA, generate

PY = sys.executable
JIFEN = [PY, "-m", "jifen_cli"]
CLK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# --------------------------------------------------------------------------- measuring
def _tree_rss_kb(pid: int) -> tuple[int, int]:
    """(sum, largest) resident memory of ``pid`` and its descendants (Linux /proc), KiB."""
    children: dict[int, list[int]] = {}
    try:
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as fh:
                    stat = fh.read()
                ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
                children.setdefault(ppid, []).append(int(name))
            except (OSError, ValueError, IndexError):
                continue
    except OSError:
        return 0, 0
    total, largest, todo = 0, 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        kb = int(line.split()[1])
                        total += kb
                        largest = max(largest, kb)
                        break
        except OSError:
            pass
    return total, largest


def run_once(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> dict:
    """Run one process; returns wall seconds, CPU seconds (user+sys of the process and
    its workers), the sampled peak RSS of the largest process and of the whole process
    tree, exit code.  (``ru_maxrss`` is not used: on Linux a child inherits the runner's
    high-water mark through fork, so it would report the runner's own size.)"""
    full_env = {k: v for k, v in os.environ.items() if k not in ("JIFEN_NO_CACHE", "JIFEN_BRANCH")}
    full_env.update(env or {})
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=full_env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    peak = [0, 0]
    stop = threading.Event()

    def sample():
        while not stop.wait(0.05):
            total, largest = _tree_rss_kb(proc.pid)
            peak[0] = max(peak[0], total)
            peak[1] = max(peak[1], largest)

    sampler = None
    if os.path.isdir("/proc"):
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    stop.set()
    if sampler:
        sampler.join()
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            "rss_max_kb": peak[1], "rss_tree_kb": peak[0],
            "code": code, "stderr": err[-2000:]}


def measure(cmd, runs: int, warmup: int = 1, setup=None, cwd=None, env=None, ok=(0,)) -> dict:
    for _ in range(warmup):
        if setup:
            setup()
        run_once(cmd, cwd, env)
    samples = []
    for _ in range(runs):
        if setup:
            setup()
        r = run_once(cmd, cwd, env)
        if r["code"] not in ok:
            raise SystemExit(f"command failed ({r['code']}): {' '.join(map(str, cmd))}\n{r['stderr']}")
        samples.append(r)
    walls = [s["wall"] for s in samples]
    return {"median": statistics.median(walls), "min": min(walls), "max": max(walls),
            "cpu": statistics.median(s["cpu"] for s in samples),
            "rss_max_mb": max(s["rss_max_kb"] for s in samples) / 1024,
            "rss_tree_mb": max(s["rss_tree_kb"] for s in samples) / 1024, "runs": runs}


# --------------------------------------------------------------------------- data sets
def branch_dirs(size: str) -> list[Path]:
    info = generate(size)
    base = DATA / size
    return [base if b == "." else base / b for b in info["branches"]]


def clear_caches(size: str):
    def go():
        for d in branch_dirs(size):
            shutil.rmtree(d / ".jifen-cache", ignore_errors=True)
    return go


def yaml_files(size: str) -> list[str]:
    out = []
    for d in branch_dirs(size):
        for sub in ("events", "evaluations", "objections"):
            out.extend(str(p) for p in sorted((d / sub).rglob("*.yaml")) if p.is_file())
        out.extend(str(d / n) for n in ("branch.yaml", "members.yaml") if (d / n).is_file())
    return out


def records_json(size: str) -> Path:
    """All event records of a data set as one JSON list (the json.load baseline).
    Written by a child process, so that this runner stays small."""
    path = DATA / f"{size}.records.json"
    if path.exists():
        return path
    code = ("import json, sys\nfrom pathlib import Path\n"
            "from jifen_cli.core.loader import read_files\n"
            "records = []\n"
            "for d in map(Path, json.loads(sys.argv[1])):\n"
            "    rels = sorted(p.relative_to(d).as_posix() for p in (d / 'events').rglob('*.yaml'))\n"
            "    for rel, (data, _) in read_files(d, rels).items():\n"
            "        if isinstance(data, dict):\n"
            "            records.extend(data.get('entries') or [])\n"
            "Path(sys.argv[2]).write_text(json.dumps(records, ensure_ascii=False), encoding='utf-8')\n")
    subprocess.run([PY, "-c", code, json.dumps([str(d) for d in branch_dirs(size)]), str(path)],
                   check=True)
    return path


def yaml_baseline_cmd(size: str) -> list[str]:
    listing = DATA / f"{size}.files.txt"
    listing.write_text("\n".join(yaml_files(size)), encoding="utf-8")
    code = ("import sys, yaml\n"
            "L = yaml.CSafeLoader\n"
            "for f in open(sys.argv[1], encoding='utf-8').read().split('\\n'):\n"
            "    with open(f, 'rb') as fh: yaml.load(fh, Loader=L)\n")
    return [PY, "-c", code, str(listing)]


# --------------------------------------------------------------------------- cases
class Table:
    """Rows of measurements.  A ratio is given on wall time (what the targets say) and
    on CPU time (user+sys of the process and its workers), which is far steadier on a
    shared machine; a target is judged on the wall-time ratio."""

    def __init__(self):
        self.rows: list[dict] = []

    def add(self, name, m, target="", base=None, limit=None, absolute=None, note=""):
        ratio = cpu_ratio = met = None
        if base is not None:
            ratio = m["median"] / base["median"]
            cpu_ratio = m["cpu"] / base["cpu"] if base["cpu"] else None
            if limit is not None:
                met = ratio <= limit
        if absolute is not None:
            met = m["median"] <= absolute
        row = {"case": name, **m, "target": target, "ratio": ratio, "cpu_ratio": cpu_ratio,
               "met": met, "note": note}
        self.rows.append(row)
        print(self.format_row(row), flush=True)
        return m

    @staticmethod
    def format_row(r) -> str:
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}×"
        cpu_ratio = "" if r.get("cpu_ratio") is None else f"{r['cpu_ratio']:.2f}×"
        met = "" if r["met"] is None else ("met" if r["met"] else "MISSED")
        spread = f"{r['min']:.2f}–{r['max']:.2f}" if r.get("runs", 1) > 1 else ""
        return (f"| {r['case']} | {r['median']:.3f} s | {spread} | {r.get('cpu', 0):.2f} s | "
                f"{r.get('rss_max_mb', 0):.0f} / {r.get('rss_tree_mb', 0):.0f} MB | "
                f"{ratio} | {cpu_ratio} | {r['target']} | {met} | {r['note']} |")

    def markdown(self) -> str:
        head = ("| case | median wall | min–max | CPU (median) | peak RSS: largest process / tree | "
                "wall ratio | CPU ratio | target | | note |\n|---|---|---|---|---|---|---|---|---|---|")
        return head + "\n" + "\n".join(self.format_row(r) for r in self.rows)


def startup_cases(t: Table, runs: int):
    base = t.add("`python -c pass`", measure([PY, "-c", "pass"], runs))
    typer = t.add("`python -c 'import typer'`", measure([PY, "-c", "import typer"], runs))
    tj = t.add("`python -c 'import typer, jinja2'`", measure([PY, "-c", "import typer, jinja2"], runs))
    t.add("`jifen --help`", measure([*JIFEN, "--help"], runs), "(no target)", typer,
          note="ratios to `import typer`")
    small = branch_dirs("small")[0]
    t.add("`jifen check` 12-member branch, warm", measure([*JIFEN, "-C", str(small), "check"], runs),
          "(no target)", typer, note="ratios to `import typer`")
    del base
    return tj


def branch_cases(t: Table, runs: int, cold_runs: int, tj):
    d = branch_dirs("branch")[0]
    cmd = [*JIFEN, "-C", str(d), "month", "2024-12"]
    t.add("`jifen month` 200×5y branch, warm", measure(cmd, runs), "≤ 1.5× import typer,jinja2",
          tj, 1.5)
    t.add("`jifen month` 200×5y branch, cold", measure(cmd, cold_runs, setup=clear_caches("branch")),
          "≤ 3 s", absolute=3.0)


def township_cases(t: Table, runs: int, cold_runs: int):
    size = "township1"
    d = branch_dirs(size)[0]
    rec = records_json(size)
    js = t.add(f"baseline: json.load {size} records",
               measure([PY, "-c", "import json,sys; json.load(open(sys.argv[1], encoding='utf-8'))", str(rec)],
                       runs))
    yl = t.add(f"baseline: PyYAML CSafeLoader {size} files", measure(yaml_baseline_cmd(size), cold_runs))
    for name, cmd, ok in (("check", [*JIFEN, "-C", str(d), "check"], (0,)),
                          ("year --grade", [*JIFEN, "-C", str(d), "year", "--grade", "2024"], (0,))):
        t.add(f"`jifen {name}` township (1 branch, 5,000 members, ~100k events), warm",
              measure(cmd, runs, ok=ok), "≤ 2× json.load", js, 2)
        t.add(f"`jifen {name}` township, cold", measure(cmd, cold_runs, setup=clear_caches(size), ok=ok),
              "≤ 1.2× PyYAML C", yl, 1.2)


def tree_cases(t: Table, size: str, runs: int, cold_runs: int, jobs: int, warm_target: float | None,
               baseline_runs: int):
    root = DATA / size
    out = DATA / f"{size}.org.csv"
    cmd = [*JIFEN, "org", str(root), "--year", "2024", "--jobs", str(jobs), "-o", str(out)]
    yl = t.add(f"baseline: PyYAML CSafeLoader {size} files (one core)",
               measure(yaml_baseline_cmd(size), baseline_runs, warmup=0))
    m = measure(cmd, cold_runs, setup=clear_caches(size), warmup=0)
    t.add(f"`jifen org --jobs {jobs}` {size}, cold", m, "< PyYAML C one core", yl, 1.0,
          note=f"peak memory < 2 GB: {'met' if m['rss_tree_mb'] < 2048 else 'MISSED'}")
    m = measure(cmd, runs, warmup=1)
    t.add(f"`jifen org --jobs {jobs}` {size}, warm", m,
          f"< {warm_target:g} s" if warm_target else "(no target)", absolute=warm_target,
          note=f"peak memory < 2 GB: {'met' if m['rss_tree_mb'] < 2048 else 'MISSED'}")
    return m


def reparse_one(size: str, jobs: int) -> str:
    """Edit one month file of the tree; a rerun must parse exactly that file."""
    dirs = branch_dirs(size)
    target = dirs[len(dirs) // 2] / "events" / "2024" / "2024-06.yaml"
    original = target.read_bytes()
    code = ("import json, sys\nfrom pathlib import Path\n"
            "from jifen_cli.core import cache\nfrom jifen_cli.core.rollup import rollup\n"
            "dirs = [Path(p) for p in json.loads(sys.argv[1])]\n"
            "r = rollup(dirs, 2024, jobs=int(sys.argv[2]))\n"
            "print(json.dumps({'parsed': sum(b.parsed for b in r.branches),"
            " 'skipped': len(r.skipped)}))\n")
    args = [PY, "-c", code, json.dumps([str(d) for d in dirs]), str(jobs)]
    env = dict(os.environ)
    env.pop("JIFEN_NO_CACHE", None)
    subprocess.run(args, env=env, check=True, capture_output=True)  # warm everything
    try:
        target.write_bytes(original + "# 修改：补记说明\n".encode("utf-8"))
        out = subprocess.run(args, env=env, check=True, capture_output=True, text=True).stdout
    finally:
        target.write_bytes(original)
    got = json.loads(out.strip().splitlines()[-1])
    ok = got["parsed"] == 1
    return (f"edited {target.relative_to(DATA)}; the rerun over all {len(dirs)} branches parsed "
            f"{got['parsed']} file(s) → {'met' if ok else 'MISSED'}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="branch,township1,township,county",
                    help="comma-separated: branch, township1, township, county")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per warm case")
    ap.add_argument("--cold-runs", type=int, default=3, help="timed runs per cold case")
    ap.add_argument("--county-runs", type=int, default=3, help="timed runs of the warm county roll-up")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, help="also write the table (markdown) here")
    a = ap.parse_args(argv)
    sizes = [s.strip() for s in a.sizes.split(",") if s.strip()]

    t = Table()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at start", flush=True)
    print(Table().markdown(), flush=True)
    tj = startup_cases(t, a.runs)
    notes = []
    if "branch" in sizes:
        branch_cases(t, a.runs, a.cold_runs, tj)
    if "township1" in sizes:
        township_cases(t, a.runs, a.cold_runs)
    if "township" in sizes:
        tree_cases(t, "township", a.runs, a.cold_runs, a.jobs, None, a.cold_runs)
    if "county" in sizes:
        tree_cases(t, "county", a.county_runs, 1, a.jobs, 15.0, 1)
        notes.append("re-parse after one edit (county): " + reparse_one("county", a.jobs))
    elif "township" in sizes:
        notes.append("re-parse after one edit (township): " + reparse_one("township", a.jobs))
    text = (f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
            f"{os.getloadavg()[0]:.1f} at end\n\n" + t.markdown() + "\n\n" + "\n".join(f"- {n}" for n in notes))
    for n in notes:
        print("-", n)
    if a.out:
        a.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
