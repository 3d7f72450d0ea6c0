"""The benchmark runner: times whole CLI processes against the baselines measured in
the same run, and prints a table of ratios against the targets of issue 6.

    python -m bench.run --quick                  # dry run: branch + township1, few runs
    python -m bench.run --sizes branch,township1,township --runs 5 --cold-runs 3
    python -m bench.run --sizes county --runs 3 --cold-runs 1 --county-runs 3 --out county.md

Each case is run once as a warm-up (not counted; "warm (unchanged)": until a run leaves
the caches as they were, at most 4 runs), then ``--runs`` times; the median is reported
(and the min/max spread).  Three states of the caches (``.jifen-cache``: the parse cache
and the results memo) are measured for every command with a warm target:

  warm (unchanged)     nothing changed since the last run: the warm-up runs fill the
                       caches (and, once the results memo is in, store the answer) until
                       a run writes nothing to them; then no file of the data set is
                       touched between the runs.  The kit checks this (every file's
                       size/mtime/ctime/inode after the warm-up and after each run) and
                       counts the runs that (re)wrote a memo file (0 = every run was a
                       memo hit).  It starts only once the edited file's last change is
                       older than the caches' "racy" window (3 s), so that no file has
                       to be re-hashed.
  warm, 1 file edited  the recorder's loop (``jifen add`` then ``jifen month``): before
                       each run (the warm-up too) one month file gets a new last line
                       ``# bench edit N (session)`` -- the latest month file of the branch;
                       for a tree, of its middle branch.  The memo misses (for a tree: for
                       that branch only), the parse cache re-parses only that file.  The
                       file's original bytes are put back at the end (try/finally, also on
                       Ctrl-C/SIGTERM; a leftover edit line from a killed run is removed
                       at the next start).  Same target as "warm".
  cold                 every ``.jifen-cache`` of the data set removed before each run; the
                       operating system's file cache stays warm, as it would for a
                       recorder who just saved a file.

Cases: ``jifen month 2024-12`` on ``branch`` (200 members x 5 years); ``jifen check`` and
``jifen year --grade 2024`` on ``township1`` (one branch of 5,000 members); ``jifen org
--year 2024 --jobs N`` on the ``township`` (100 branches) and ``county`` (2,000 branches)
trees; plus, on a tree, a check that editing one month file re-parses exactly that file.

Peak memory: the largest resident set of any one process and, sampled every 50 ms, the
sum over the process and its workers.

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
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.generate import DATA, generate

#: bytecode of the processes timed (see run_once)
PYCACHE = DATA / ".pycache"

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
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("JIFEN_NO_CACHE", "JIFEN_BRANCH", "PYTHONDONTWRITEBYTECODE")}
    # byte-compiled as after `pip install` (which compiles every module); an editable
    # checkout keeps its bytecode out of the tree (the warm-up run writes it)
    full_env.setdefault("PYTHONPYCACHEPREFIX", str(PYCACHE))
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


def measure(cmd, runs: int, warmup: int = 1, setup=None, cwd=None, env=None, ok=(0,),
            after_warmup=None, after_run=None) -> dict:
    """``setup()`` runs before every run (warm-up included), untimed; ``after_warmup()``
    once after the warm-up runs and ``after_run()`` after each timed run, both untimed."""
    for _ in range(warmup):
        if setup:
            setup()
        run_once(cmd, cwd, env)
    if after_warmup:
        after_warmup()
    samples = []
    for _ in range(runs):
        if setup:
            setup()
        r = run_once(cmd, cwd, env)
        if r["code"] not in ok:
            raise SystemExit(f"command failed ({r['code']}): {' '.join(map(str, cmd))}\n{r['stderr']}")
        samples.append(r)
        if after_run:
            after_run()
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


# --------------------------------------------------------------------------- cache states
#: the caches' "racy" window: a file changed less than this before a run read it is
#: re-hashed by every later run (jifen_cli.core.cache.RACY_SECONDS)
try:
    from jifen_cli.core.cache import RACY_SECONDS
except Exception:  # noqa: BLE001 - the kit must run on older trees too
    RACY_SECONDS = 3
CACHE_DIR = ".jifen-cache"
EDIT_MARK = b"# bench edit "
_SESSION = f"{os.getpid()}-{time.time_ns() % 10 ** 12:x}"


def edit_target(size: str) -> Path:
    """The month file the "1 file edited" cases change: the latest month file of the
    branch (for a tree, of its middle branch)."""
    dirs = branch_dirs(size)
    d = dirs[len(dirs) // 2]
    months = sorted((d / "events").glob("*/*.yaml"), key=lambda p: p.name)
    if not months:
        raise SystemExit(f"no month file under {d / 'events'}")
    return months[-1]


def _strip_edits(raw: bytes) -> bytes:
    """``raw`` without trailing ``# bench edit`` lines (left by a run that was killed)."""
    lines = raw.splitlines(keepends=True)
    while lines and lines[-1].startswith(EDIT_MARK):
        lines.pop()
    return b"".join(lines)


def settle(paths) -> None:
    """Wait until every path was last changed more than the racy window ago, so that the
    warm-up run records stat signatures the later runs can trust."""
    newest = 0
    for p in paths:
        try:
            st = os.stat(p)
        except OSError:
            continue
        newest = max(newest, st.st_mtime_ns, st.st_ctime_ns)
    wait = newest / 1e9 + RACY_SECONDS + 0.5 - time.time()
    if wait > 0:
        time.sleep(wait)


class OneEdit:
    """``with OneEdit(path) as edit: measure(..., setup=edit)`` -- each call appends a new
    comment line (``# bench edit N (session)``) to the file's original bytes; the original
    bytes are written back on leaving the block.  A comment changes the file's content hash
    (so the memo misses and the parse cache re-parses it) but not what it means."""

    def __init__(self, path: Path):
        self.path = Path(path)
        raw = self.path.read_bytes()
        self.original = _strip_edits(raw)
        if raw != self.original:
            print(f"(removed a leftover bench edit from {self.path})", file=sys.stderr)
            self.path.write_bytes(self.original)
        self.n = 0

    def __call__(self):
        self.n += 1
        sep = b"" if self.original.endswith(b"\n") or not self.original else b"\n"
        line = EDIT_MARK + f"{self.n} ({_SESSION})\n".encode("ascii")
        self.path.write_bytes(self.original + sep + line)

    def restore(self):
        if self.path.read_bytes() != self.original:
            self.path.write_bytes(self.original)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.restore()
        return False


def _stat_walk(top: Path, skip=()) -> dict:
    """{path: (size, mtime_ns, ctime_ns, inode)} of every regular file under ``top``,
    the directories named in ``skip`` left out at the top level."""
    out = {}
    root = str(top)
    for base, dirs, files in os.walk(root):
        if base == root:
            dirs[:] = [x for x in dirs if x not in skip]
        for name in files:
            full = os.path.join(base, name)
            try:
                st = os.stat(full)
            except OSError:
                continue
            out[full] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    return out


def _branch_files(d: Path) -> dict:
    """Every regular file of a branch except ``.git`` and the cache (the memo's view),
    with its stat signature."""
    return _stat_walk(d, (".git", CACHE_DIR))


def _memo_files(d: Path) -> dict:
    out = {}
    try:
        with os.scandir(d / CACHE_DIR / "memo") as it:
            for e in it:
                if e.name.endswith(".json"):
                    st = e.stat()
                    out[e.path] = (st.st_mtime_ns, st.st_ino)
    except OSError:
        pass
    return out


class Watch:
    """Between the timed runs of a case: did any file of the data set change (``ignore``:
    the file the case edits on purpose), and in how many runs was a memo file written
    (a memo hit writes nothing; a miss stores the new answer)."""

    def __init__(self, dirs: list[Path], ignore: Path | None = None):
        self.dirs = dirs
        self.ignore = str(ignore) if ignore else None
        self.files0: dict = {}
        self.memo: dict = {}
        self.runs = self.memo_runs = self.memo_writes = 0
        self.which: list[int] = []  # the timed runs that wrote a memo file
        self.changed: set[str] = set()

    def _files(self) -> dict:
        out = {}
        for d in self.dirs:
            out.update(_branch_files(d))
        out.pop(self.ignore, None)
        return out

    def _memos(self) -> dict:
        out = {}
        for d in self.dirs:
            out.update(_memo_files(d))
        return out

    def start(self):
        self.files0 = self._files()
        self.memo = self._memos()

    def after_run(self):
        self.runs += 1
        now = self._memos()
        written = sum(1 for k, v in now.items() if self.memo.get(k) != v)
        self.memo = now
        if written:
            self.memo_runs += 1
            self.memo_writes += written
            self.which.append(self.runs)
        files = self._files()
        if files != self.files0:
            self.changed |= {k for k in set(files) | set(self.files0)
                             if files.get(k) != self.files0.get(k)}
            self.files0 = files

    def note(self, expect_miss: bool) -> str:
        parts = []
        if self.changed:
            few = ", ".join(sorted(os.path.relpath(c, DATA) for c in self.changed)[:3])
            parts.append(f"FILES CHANGED between runs ({len(self.changed)}: {few}) -- not a warm measurement")
        elif not expect_miss:
            parts.append("no file changed between runs")
        if not self.memo and not self.memo_runs:
            parts.append("no results memo in the cache")
        elif expect_miss:
            parts.append(f"memo written in {self.memo_runs} of {self.runs} runs ({self.memo_writes} file(s); "
                         f"expected: every run)")
        else:
            verdict = ("all hits" if self.memo_runs == 0 else
                       "MEMO MISSED in run " + ", ".join(map(str, self.which)))
            parts.append(f"memo written in {self.memo_runs} of {self.runs} runs ({verdict})")
        return "; ".join(parts)


def _cache_state(dirs: list[Path]) -> dict:
    """Stat signature of every file in the data set's caches (pack, memo)."""
    out = {}
    for d in dirs:
        out.update(_stat_walk(d / CACHE_DIR))
    return out


def warm_up(cmd, dirs: list[Path], ok=(0,), most: int = 4) -> str:
    """Run ``cmd`` until a run leaves the caches as they were (at most ``most`` runs): the
    steady state of "nothing changed since the last run".  One run is not always enough:
    after a change to jifen's code (other engineers' edits invalidate the parse cache and
    the memo) the first run re-parses, and the memo can only be stored by a run that found
    every file in the parse cache.  Returns "" or a warning for the note."""
    for i in range(most):
        before = _cache_state(dirs)
        r = run_once(cmd)
        if r["code"] not in ok:
            raise SystemExit(f"command failed ({r['code']}): {' '.join(map(str, cmd))}\n{r['stderr']}")
        if _cache_state(dirs) == before:
            return "" if i < 2 else f"caches steady after {i + 1} warm-up runs; "
    return f"CACHES STILL CHANGING after {most} warm-up runs; "


def warm_cases(t, label: str, size: str, cmd, runs: int, target: str, base=None, limit=None,
               absolute=None, ok=(0,), note=None) -> dict:
    """The two warm states of one command: unchanged, then one month file edited before
    each run.  Returns the unchanged measurement."""
    dirs = branch_dirs(size)
    path = edit_target(size)
    rel = path.relative_to(DATA).as_posix()
    with OneEdit(path) as edit:  # puts back a leftover edit before anything is measured
        settle([path])
        steady = warm_up(cmd, dirs, ok)
        w = Watch(dirs)
        m = measure(cmd, runs, warmup=0, ok=ok, after_warmup=w.start, after_run=w.after_run)
        extra = f"; {note(m)}" if note else ""
        t.add(f"{label}, warm (unchanged)", m, target, base, limit, absolute,
              note=steady + w.note(False) + extra)
        w = Watch(dirs, ignore=path)
        e = measure(cmd, runs, ok=ok, setup=edit, after_warmup=w.start, after_run=w.after_run)
    extra = f"; {note(e)}" if note else ""
    t.add(f"{label}, warm, 1 file edited", e, target, base, limit, absolute,
          note=f"`{rel}` + a comment line before each run; " + w.note(True) + extra)
    return m


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


def branch_cases(t: Table, runs: int, cold_runs: int, tj, cold_warmup: int = 1):
    d = branch_dirs("branch")[0]
    cmd = [*JIFEN, "-C", str(d), "month", "2024-12"]
    warm_cases(t, "`jifen month` 200×5y branch", "branch", cmd, runs, "≤ 1.5× import typer,jinja2",
               tj, 1.5)
    t.add("`jifen month` 200×5y branch, cold",
          measure(cmd, cold_runs, warmup=cold_warmup, setup=clear_caches("branch")),
          "≤ 3 s", absolute=3.0)


def township_cases(t: Table, runs: int, cold_runs: int, cold_warmup: int = 1):
    size = "township1"
    d = branch_dirs(size)[0]
    rec = records_json(size)
    js = t.add(f"baseline: json.load {size} records",
               measure([PY, "-c", "import json,sys; json.load(open(sys.argv[1], encoding='utf-8'))", str(rec)],
                       runs))
    yl = t.add(f"baseline: PyYAML CSafeLoader {size} files",
               measure(yaml_baseline_cmd(size), cold_runs, warmup=cold_warmup))
    for name, cmd, ok in (("check", [*JIFEN, "-C", str(d), "check"], (0,)),
                          ("year --grade", [*JIFEN, "-C", str(d), "year", "--grade", "2024"], (0,))):
        warm_cases(t, f"`jifen {name}` township1 (1 branch, 5,000 members, ~100k events)", size, cmd,
                   runs, "≤ 2× json.load", js, 2, ok=ok)
        t.add(f"`jifen {name}` township1, cold",
              measure(cmd, cold_runs, warmup=cold_warmup, setup=clear_caches(size), ok=ok),
              "≤ 1.2× PyYAML C", yl, 1.2)


def _memory_note(m) -> str:
    return f"peak memory < 2 GB: {'met' if m['rss_tree_mb'] < 2048 else 'MISSED'}"


def tree_cases(t: Table, size: str, runs: int, cold_runs: int, jobs: int, warm_target: float | None,
               baseline_runs: int):
    """``jifen org`` over a tree: cold, warm (unchanged), warm with one month file of one
    branch edited.  The county and the township tree run exactly this code."""
    root = DATA / size
    out = DATA / f"{size}.org.csv"  # outside every branch: writing it changes no input
    cmd = [*JIFEN, "org", str(root), "--year", "2024", "--jobs", str(jobs), "-o", str(out)]
    yl = t.add(f"baseline: PyYAML CSafeLoader {size} files (one core)",
               measure(yaml_baseline_cmd(size), baseline_runs, warmup=0))
    m = measure(cmd, cold_runs, setup=clear_caches(size), warmup=0)
    t.add(f"`jifen org --jobs {jobs}` {size}, cold", m, "< PyYAML C one core", yl, 1.0,
          note=_memory_note(m))
    return warm_cases(t, f"`jifen org --jobs {jobs}` {size}", size, cmd, runs,
                      f"< {warm_target:g} s" if warm_target else "(no target)", absolute=warm_target,
                      note=_memory_note)


def reparse_one(size: str, jobs: int) -> str:
    """Edit one month file of the tree; a rerun must parse exactly that file."""
    dirs = branch_dirs(size)
    target = dirs[len(dirs) // 2] / "events" / "2024" / "2024-06.yaml"
    code = ("import json, sys\nfrom pathlib import Path\n"
            "from jifen_cli.core import cache\nfrom jifen_cli.core.rollup import rollup\n"
            "dirs = [Path(p) for p in json.loads(sys.argv[1])]\n"
            "r = rollup(dirs, 2024, jobs=int(sys.argv[2]))\n"
            "print(json.dumps({'parsed': sum(b.parsed for b in r.branches),"
            " 'skipped': len(r.skipped)}))\n")
    args = [PY, "-c", code, json.dumps([str(d) for d in dirs]), str(jobs)]
    env = dict(os.environ)
    env.pop("JIFEN_NO_CACHE", None)
    with OneEdit(target) as edit:  # a content never seen before (session-unique line)
        subprocess.run(args, env=env, check=True, capture_output=True)  # warm everything
        edit()
        out = subprocess.run(args, env=env, check=True, capture_output=True, text=True).stdout
    got = json.loads(out.strip().splitlines()[-1])
    ok = got["parsed"] == 1
    return (f"edited {target.relative_to(DATA)}; the rerun over all {len(dirs)} branches parsed "
            f"{got['parsed']} file(s) → {'met' if ok else 'MISSED'}")


def _sigterm(signum, frame):
    raise SystemExit(128 + signum)  # so that an edited month file is put back (finally)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default=None,
                    help="comma-separated: branch, township1, township, county "
                         "(default: all four; with --quick: branch,township1)")
    ap.add_argument("--quick", action="store_true",
                    help="dry run: --sizes branch,township1 --runs 2 --cold-runs 1, no warm-up "
                         "before cold runs (explicit options still win)")
    ap.add_argument("--runs", type=int, default=None,
                    help="timed runs per warm case, unchanged and 1-file-edited (default 5; --quick 2)")
    ap.add_argument("--cold-runs", type=int, default=None,
                    help="timed runs per cold case and of the township1 PyYAML baseline "
                         "(default 3; --quick 1)")
    ap.add_argument("--county-runs", type=int, default=3,
                    help="timed runs of each warm county roll-up (unchanged, 1 file edited)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, help="also write the table (markdown) here")
    a = ap.parse_args(argv)
    sizes_arg = a.sizes or ("branch,township1" if a.quick else "branch,township1,township,county")
    sizes = [s.strip() for s in sizes_arg.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in ("branch", "township1", "township", "county")]
    if unknown:
        ap.error(f"unknown size(s): {', '.join(unknown)}")
    runs = a.runs if a.runs is not None else (2 if a.quick else 5)
    cold_runs = a.cold_runs if a.cold_runs is not None else (1 if a.quick else 3)
    cold_warmup = 0 if a.quick else 1
    signal.signal(signal.SIGTERM, _sigterm)

    t = Table()
    t0 = time.perf_counter()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at start", flush=True)
    print(Table().markdown(), flush=True)
    tj = startup_cases(t, runs)
    notes = []
    if "branch" in sizes:
        branch_cases(t, runs, cold_runs, tj, cold_warmup)
    if "township1" in sizes:
        township_cases(t, runs, cold_runs, cold_warmup)
    if "township" in sizes:
        tree_cases(t, "township", runs, cold_runs, a.jobs, None, cold_runs)
    if "county" in sizes:
        tree_cases(t, "county", a.county_runs, 1, a.jobs, 15.0, 1)
        notes.append("re-parse after one edit (county): " + reparse_one("county", a.jobs))
    elif "township" in sizes:
        notes.append("re-parse after one edit (township): " + reparse_one("township", a.jobs))
    notes.append(f"kit ran {time.perf_counter() - t0:.0f} s; sizes {','.join(sizes)}, runs {runs}, "
                 f"cold runs {cold_runs}" + (f", county runs {a.county_runs}" if "county" in sizes else ""))
    text = (f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
            f"{os.getloadavg()[0]:.1f} at end\n\n" + t.markdown() + "\n\n" + "\n".join(f"- {n}" for n in notes))
    for n in notes:
        print("-", n)
    if a.out:
        a.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
