"""The roll-up for an upper organisation (`jifen org`): many branch directories → one
table of every member's year scores and grades, plus per-branch grade statistics.

Each branch is validated (the whole ``check`` pipeline) and scored with the engine's
``year_result``; a branch that cannot be loaded, has errors, or cannot be scored is
reported and skipped — never fatal to the rest.  Branches are independent, so with
``jobs > 1`` they are spread over worker processes (each parses its own files serially;
the parse cache of each branch is used and updated as by any command).

Only plain, picklable results cross process boundaries, and each worker holds one
branch's ledger at a time, so memory is bounded by the largest branch plus the table.
Private member fields never reach the output.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

FORMATS = ("md", "csv", "xlsx")
_YEAR_DIR = re.compile(r"^\d{4}$")


@dataclass
class MemberLine:
    member: str
    name: str
    category: str  # class name as the scheme names it
    sections: dict[str, Decimal | None]  # section name → score
    total: Decimal | None
    rank: int | None
    grades: dict[str, str]  # scale → band ("" = no grade)
    remark: str


@dataclass
class BranchResult:
    dir: str
    name: str = ""
    ok: bool = False
    problem: str = ""  # why it was skipped (Chinese), with the first diagnostics
    errors: int = 0
    warnings: int = 0
    entries: int = 0
    parsed: int = 0  # files parsed (not served by the cache) while loading this branch
    sections: list[str] = field(default_factory=list)
    scales: dict[str, list[str]] = field(default_factory=dict)  # scale → band names
    lines: list[MemberLine] = field(default_factory=list)
    excluded: list[tuple[str, str, str]] = field(default_factory=list)  # id, name, reason

    def counts(self, scale: str) -> dict[str, int]:
        out = {band: 0 for band in self.scales.get(scale, [])}
        ungraded = 0
        for ln in self.lines:
            band = ln.grades.get(scale, "")
            if band == NOT_APPLICABLE:
                continue  # the member's status takes no part in this scale
            if band:
                out[band] = out.get(band, 0) + 1
            else:
                ungraded += 1
        out[UNGRADED] = ungraded
        return out


UNGRADED = "不定等次"
NOT_APPLICABLE = "—"  # a scale the member's status takes no part in (statuses.scales)


@dataclass
class Rollup:
    year: int
    branches: list[BranchResult]
    #: the footnote when the year was still running on the day of the roll-up (the
    #: scores are provisional, RULES.md §7.3), else None
    note: str | None = None

    @property
    def good(self) -> list[BranchResult]:
        return [b for b in self.branches if b.ok]

    @property
    def skipped(self) -> list[BranchResult]:
        return [b for b in self.branches if not b.ok]

    def sections(self) -> list[str]:
        return _union(b.sections for b in self.good)

    def scales(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for b in self.good:
            for scale, bands in b.scales.items():
                have = out.setdefault(scale, [])
                have.extend(x for x in bands if x not in have)
        return out


def _union(lists) -> list[str]:
    out: list[str] = []
    for names in lists:
        out.extend(n for n in names if n not in out)
    return out


# --------------------------------------------------------------------------- one branch
def latest_year(dirs: list[Path], until: int | None = None) -> int | None:
    """The latest year that has an events/YYYY directory in any of the branches (with
    ``until``, today's year: none after it — a year that has not begun is a mistake)."""
    best = None
    for d in dirs:
        try:
            for p in (Path(d) / "events").iterdir():
                if p.is_dir() and _YEAR_DIR.match(p.name) and (until is None or int(p.name) <= until):
                    best = max(best or 0, int(p.name))
        except OSError:
            continue
    return best


def _num(d) -> str:
    if d is None:
        return ""
    if not isinstance(d, Decimal):
        return str(d)
    if d == 0:
        return "0"
    return format(d.normalize(), "f")


def rollup_branch(directory: str, year: int, today: str | None = None) -> BranchResult:
    """Validate and score one branch.  Never raises: every failure is a skipped
    branch with a Chinese reason.  The result comes from the branch's results memo
    (:mod:`jifen_cli.core.memo`) when none of its files changed since the same year
    was rolled up (``today``, YYYY-MM-DD, is part of the question); the audit of
    published periods (git) always runs."""
    from . import cache
    from .diagnostics import Diagnostic, JifenError

    res = BranchResult(dir=str(directory))
    parsed_before = cache.STATS["parsed"]
    try:
        from .audit import check_published
        from .checks import CHECKS, LIVE_CHECKS
        from .loader import find_branch_root
        from .memo import Memo
        from .yamlio import resolve_locations

        root = find_branch_root(Path(directory))
        memo = Memo(root, {"ask": "org", "year": year, "today": today})
        raw = memo.get()
        got = _from_plain(raw) if raw is not None else None
        if got is None:
            got = _compute(root, year, [n for n in CHECKS if n not in LIVE_CHECKS], today)
            memo.put(_to_plain(*got))
        res, errors = got
        res.dir = str(directory)
        live = check_published(root)
        if live:
            resolve_locations(root, live)
            live_errors = [d for d in live if d.is_error]
            res.warnings += len(live) - len(live_errors)
            if live_errors:
                errors = sorted(errors + live_errors, key=Diagnostic.sort_key)
                res.ok, res.lines, res.excluded = False, [], []
        res.errors = len(errors)
        if errors and not res.problem:
            first = "；".join(d.format() for d in errors[:3])
            res.problem = f"台账有 {len(errors)} 个错误，未汇总（{first}）"
    except JifenError as exc:
        res.problem = exc.message + _where(exc)
    except Exception as exc:  # a broken branch must never stop the roll-up
        res.problem = f"内部错误：{type(exc).__name__}: {exc}"
    finally:
        cache.flush()
        res.parsed = cache.STATS["parsed"] - parsed_before
    return res


def _where(exc) -> str:
    """Where the diagnostics of a refusal point (“（branch.yaml:9:5 E406）”), without
    repeating a message that is the refusal's own."""
    parts = []
    for d in exc.diagnostics[:3]:
        at = ":".join(str(x) for x in (d.file, d.line, d.col) if x)
        parts.append(f"{at} {d.code}" if d.message == exc.message else d.format())
    return f"（{'；'.join(parts)}）" if parts else ""


def _compute(root: Path, year: int, checks: list[str], today: str | None = None):
    """(BranchResult, its error diagnostics) of a branch, the live checks left out.
    For a year still running on ``today`` the scores are provisional (RULES.md §7.3)."""
    from datetime import date

    from .checks import check_branch

    res = BranchResult(dir=str(root))
    ledger, diags = check_branch(root, checks)
    res.name = ledger.settings.name
    res.entries = len(ledger.entries)
    errors = [d for d in diags if d.is_error]
    res.warnings = len(diags) - len(errors)
    if not errors and not any(e.date.year == year for e in ledger.entries) \
            and not any(ev.year == year for ev in ledger.evaluations):
        # nothing recorded that year: scoring it would give everyone the defaults (and grade
        # them) — say so instead
        res.problem = f"{year}年没有任何积分记录（条目或评议结果），未汇总"
        return res, errors
    if not errors:
        from .engine import horizon_on, year_result

        horizon = horizon_on(year, date.fromisoformat(today)) if today else None
        _fill(res, year_result(ledger, year, grade=True, horizon=horizon))
        res.ok = True
    return res, errors


def _to_plain(res: BranchResult, errors) -> dict:
    def dec(d):
        return None if d is None else str(d)

    return {"name": res.name, "ok": res.ok, "problem": res.problem, "warnings": res.warnings, "entries": res.entries,
            "sections": res.sections, "scales": res.scales,
            "lines": [[ln.member, ln.name, ln.category, [[k, dec(v)] for k, v in ln.sections.items()],
                       dec(ln.total), ln.rank, ln.grades, ln.remark] for ln in res.lines],
            "excluded": [list(x) for x in res.excluded],
            "errors": [d.to_plain() for d in errors]}


def _from_plain(raw) -> tuple[BranchResult, list] | None:
    """The memo's answer back as (BranchResult, errors); None when it is malformed."""
    from .diagnostics import Diagnostic

    def dec(v):
        return None if v is None else Decimal(v)

    try:
        res = BranchResult(dir="", name=raw["name"], ok=bool(raw["ok"]), problem=str(raw.get("problem") or ""),
                           warnings=int(raw["warnings"]),
                           entries=int(raw["entries"]), sections=list(raw["sections"]),
                           scales={str(k): list(v) for k, v in raw["scales"].items()})
        for member, name, category, sections, total, rank, grades, remark in raw["lines"]:
            res.lines.append(MemberLine(member, name, category, {k: dec(v) for k, v in sections},
                                        dec(total), rank, dict(grades), remark))
        res.excluded = [tuple(x) for x in raw["excluded"]]
        errors = [Diagnostic.from_plain(d) for d in raw["errors"]]
        return res, errors
    except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError):
        return None


def _fill(res: BranchResult, result) -> None:
    table = result.table
    sections = [(code, name) for code, name, kind in table.sections if kind != "account"]
    res.sections = [name for _, name in sections]
    for scale in result.scales:
        sc = result.scheme.scale(scale)
        res.scales[scale] = [b.name for b in sc.bands] if sc else []
    for m in result.members:
        row = m.row
        remark = [g.reason for g in m.grades.values() if g.reason and g.applicable]
        if not m.graded and not remark:
            remark.append("不确定等次")
        remark.extend(row.notes)
        remark.extend(m.outcomes)
        res.lines.append(MemberLine(
            member=row.member, name=row.name, category=row.class_name,  # "" for a scheme without classes
            sections={name: row.sections.get(code) for code, name in sections},
            total=row.total, rank=m.rank,
            grades={scale: (NOT_APPLICABLE if not m.grades[scale].applicable else m.grades[scale].band or "")
                    if scale in m.grades else "" for scale in result.scales},
            remark="；".join(dict.fromkeys(r for r in remark if r))))
    res.excluded = [(x.member, x.name, x.reason) for x in table.excluded]


# --------------------------------------------------------------------------- many
def _init_worker():
    os.environ["JIFEN_IN_WORKER"] = "1"  # one process per branch: no nested parse pools


def rollup(dirs: list[Path], year: int, jobs: int = 1,
           progress: Callable[[int, int, BranchResult], None] | None = None,
           today: str | None = None) -> Rollup:
    """Roll up ``dirs`` (in the given order) for ``year`` using ``jobs`` processes.
    ``today`` (YYYY-MM-DD) defaults to :func:`periods.today` (``JIFEN_TODAY``)."""
    if today is None:
        from .periods import today as today_date

        today = today_date().isoformat()
    dirs = [str(d) for d in dirs]
    results: list[BranchResult | None] = [None] * len(dirs)
    done = 0
    if jobs <= 1 or len(dirs) <= 1:
        saved = os.environ.get("JIFEN_JOBS")
        os.environ["JIFEN_JOBS"] = "1" if jobs <= 1 else str(jobs)
        try:
            for i, d in enumerate(dirs):
                results[i] = rollup_branch(d, year, today)
                done += 1
                if progress:
                    progress(done, len(dirs), results[i])
        finally:
            if saved is None:
                os.environ.pop("JIFEN_JOBS", None)
            else:
                os.environ["JIFEN_JOBS"] = saved
        return Rollup(year, results, _note(year, today))  # type: ignore[arg-type]

    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from . import cache

    cache.flush()  # nothing pending may be written twice by forked children
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker) as pool:
        futures = {pool.submit(rollup_branch, d, year, today): i for i, d in enumerate(dirs)}
        for fut in as_completed(futures):
            i = futures[fut]
            try:
                results[i] = fut.result()
            except Exception as exc:  # a worker died (out of memory, killed)
                results[i] = BranchResult(dir=dirs[i], problem=f"处理进程异常退出：{exc}")
            done += 1
            if progress:
                progress(done, len(dirs), results[i])
    return Rollup(year, results, _note(year, today))  # type: ignore[arg-type]


def _note(year: int, today: str) -> str | None:
    from datetime import date

    from jifen_cli.render.scores import provisional_note

    from .engine import as_period, horizon_on

    return provisional_note(as_period(year), horizon_on(year, date.fromisoformat(today)))


# --------------------------------------------------------------------------- tables
def member_table(r: Rollup) -> tuple[list[str], list[list]]:
    sections, scales = r.sections(), list(r.scales())
    headers = ["支部", "编号", "姓名", "类别", *sections, "年度总积分", "支部内排名", *scales, "说明"]
    rows = []
    for b in r.good:
        for ln in b.lines:
            rows.append([b.name, ln.member, ln.name, ln.category,
                         *[ln.sections.get(s, "") for s in sections], ln.total,
                         "" if ln.rank is None else ln.rank,
                         *[ln.grades.get(sc, "") for sc in scales], ln.remark])
        for mid, name, reason in b.excluded:
            rows.append([b.name, mid, name, "", *["" for _ in sections], "", "",
                         *["" for _ in scales], reason])
    return headers, rows


def stats_table(r: Rollup) -> tuple[list[str], list[list]]:
    """One row per branch: members scored, then per scale the count of each band."""
    scales = r.scales()
    headers = ["支部", "参评人数"]
    for scale, bands in scales.items():
        headers += [f"{scale}·{band}" for band in bands] + [f"{scale}·{UNGRADED}"]
    rows = []
    totals = [0] * (len(headers) - 1)
    for b in r.good:
        row = [len(b.lines)]
        for scale, bands in scales.items():
            if scale not in b.scales:  # the branch's scheme has no such scale: blank, not 0
                row += [""] * (len(bands) + 1)
                continue
            counts = b.counts(scale)
            row += [counts.get(band, 0) for band in bands] + [counts.get(UNGRADED, 0)]
        totals = [t + (v or 0) for t, v in zip(totals, row)]
        rows.append([b.name, *row])
    if len(r.good) > 1:
        rows.append(["合计", *totals])
    return headers, rows


def problems_table(r: Rollup) -> tuple[list[str], list[list]]:
    return ["支部目录", "支部", "原因"], [[b.dir, b.name, b.problem] for b in r.skipped]


def render(r: Rollup, fmt: str, title: str | None = None) -> str | bytes:
    """The roll-up as md / csv (str) or xlsx (bytes)."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    title = title or f"{r.year} 年度党员积分汇总表" + ("（暂定）" if r.note else "")
    # (title, footnote under the title, headers, rows)
    tables = [(title, r.note, *member_table(r)), (f"{r.year} 年度各支部等次统计表", None, *stats_table(r))]
    if r.skipped:
        tables.append(("未汇总的支部", None, *problems_table(r)))
    if fmt == "md":
        return _md(tables)
    if fmt == "csv":
        return _csv(tables)
    return _xlsx(tables)


def _md(tables) -> str:
    from jifen_cli.render.common import md_escape

    out = []
    for title, note, headers, rows in tables:
        out.append(f"## {md_escape(title)}\n")
        if note:
            out.append(f"{md_escape(note)}\n")
        out.append("| " + " | ".join(md_escape(h) for h in headers) + " |")
        out.append("|" + "|".join("---" for _ in headers) + "|")
        for row in rows:
            out.append("| " + " | ".join(md_escape(_text(c)) for c in row) + " |")
        out.append("")
    return "\n".join(out)


def _csv(tables) -> str:
    """The tables one after another, each preceded by its title row and separated by
    an empty line (spreadsheet programs open it as one sheet)."""
    import csv
    import io

    from jifen_cli.render.common import csv_safe

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for i, (title, note, headers, rows) in enumerate(tables):
        if i:
            w.writerow([])
        w.writerow([csv_safe(title)])
        if note:
            w.writerow([csv_safe(note)])
        w.writerow([csv_safe(h) for h in headers])
        for row in rows:
            w.writerow([_text(c) if isinstance(c, (int, Decimal)) else csv_safe(c) for c in row])
    return "\ufeff" + buf.getvalue()  # BOM: Excel/WPS open UTF-8 CSV correctly


def _xlsx(tables) -> bytes:
    import io

    from .diagnostics import JifenError

    try:
        import openpyxl
        from openpyxl.styles import Font
    except ImportError as exc:
        raise JifenError("输出 Excel（xlsx）需要安装 openpyxl",
                         hint="请运行：pip install \"jifen[xlsx]\"（或 pip install openpyxl）") from exc
    from jifen_cli.render.common import display_width, xlsx_text

    names = ["汇总表", "等次统计", "未汇总"]
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for (title, note, headers, rows), name in zip(tables, names):
        ws = wb.create_sheet(name)
        ws.append([xlsx_text(title)])
        ws["A1"].font = Font(bold=True, size=14)
        if note:
            ws.append([xlsx_text(note)])
        ws.append([xlsx_text(h) for h in headers])
        head = ws.max_row
        for c in ws[head]:
            c.font = Font(bold=True)
        widths = [display_width(str(h)) for h in headers]
        for row in rows:
            cells = [_xlsx_cell(c) for c in row]
            ws.append(cells)
            for j, c in enumerate(row[:len(widths)]):
                widths[j] = max(widths[j], min(60, display_width(_text(c))))
        from openpyxl.utils import get_column_letter

        for j, wdt in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(j)].width = wdt + 2
        ws.freeze_panes = f"A{head + 1}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return _num(value)
    return str(value)


def _xlsx_cell(value):
    """Scores and counts as numbers (int when whole), everything else as text."""
    from jifen_cli.render.common import xlsx_text

    if isinstance(value, bool) or value is None:
        return xlsx_text(value)
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return xlsx_text(value)
