"""The year-end tables: 汇总表 and 星级/等次评定情况统计表.

``render_year(ledger, year, fmt, grade)`` — text / md / html / csv (str) or xlsx (bytes).
The scores, ranks and grades are the engine's (``year_result``); this module only lays
them out.  Decimals stay Decimals until the very last moment: a string for text
formats, an int or float in an xlsx cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from jifen_cli.core.diagnostics import JifenError

from .common import (TERMINAL_WIDTH, cell_number, check_format, class_names, csv_safe,
                     deductions_title, display_width, num, render_template, text_clean, text_table,
                     xlsx_text)

FORMATS = ("text", "md", "html", "csv", "xlsx")
_ROUND = {"floor": ROUND_FLOOR, "ceil": ROUND_CEILING, "half_up": ROUND_HALF_UP}


def engine_year_result(ledger, year: int, horizon=None):
    """The engine's YearResult (imported lazily); ``horizon``: the day the ledger is
    known up to while the year is still running (provisional results)."""
    try:
        from jifen_cli.core.engine import year_result
    except ImportError as exc:  # pragma: no cover - only while the engine is missing
        raise JifenError("积分计算引擎不可用，无法生成年度表", hint=str(exc)) from exc
    return year_result(ledger, year, horizon=horizon)


# --------------------------------------------------------------------------- the data
@dataclass
class Column:
    title: str
    key: str
    numeric: bool = False


def build_year(ledger, year: int, grade: bool, result=None, horizon=None, settled=None) -> dict:
    """Plain data of both tables.  ``horizon``: the year is still running (today): the
    tables are provisional and say so in the title and a footnote.  ``settled``: the day
    a year still running was settled as a whole (``jifen year --final``)."""
    from .scores import provisional_note, settled_note

    res = result if result is not None else engine_year_result(ledger, year, horizon)
    horizon = getattr(res, "horizon", None)
    mark = "（暂定）" if horizon is not None else ""
    note = provisional_note(res.table.period, horizon) if horizon is not None else (
        settled_note(settled) if settled is not None else None)
    s = ledger.settings
    scheme = res.scheme
    table = res.table
    classes = class_names(scheme)
    sections = [(code, name, kind) for code, name, kind in table.sections if kind != "account"]
    scales = list(res.scales) if grade else []

    columns = [Column("序号", "no", True), Column("姓名", "name")]
    if scheme.classes:  # a scheme without classes has nothing to say in a 类别 column
        columns.append(Column("类别", "category"))
    columns += [Column(name, f"s:{code}", True) for code, name, _ in sections]
    deductions = deductions_title(sections)
    if deductions:
        columns.append(Column(deductions, "deductions", True))
    columns += [Column("年度总积分", "total", True), Column("排名", "rank", True)]
    # accounts (a B score: 种子001 “累计b分”) are balances carried over the years, not part
    # of the year's total: shown after it
    accounts = [(code, name) for code, name, kind in table.sections if kind == "account"]
    columns += [Column(f"{name}（累计）", f"a:{code}", True) for code, name in accounts]
    columns += [Column(sc, f"g:{sc}") for sc in scales]
    columns.append(Column("说明", "remark"))

    order = {m.id: i for i, m in enumerate(ledger.members)}
    results = sorted(res.members, key=lambda mr: (mr.rank, order.get(mr.member, 10 ** 9), mr.member))
    rows = []
    for i, mr in enumerate(results, 1):
        r = mr.row
        member = ledger.member(r.member)
        cells = {
            "no": i,
            "name": member.name if member else r.name,
            "category": r.class_name or classes.get(r.category, r.category or ""),
            "deductions": r.deductions,
            "total": r.total,
            "rank": mr.rank,
        }
        for code, _, _ in sections:
            cells[f"s:{code}"] = r.sections.get(code)
        for code, _ in accounts:
            cells[f"a:{code}"] = r.accounts.get(code)
        remark = []
        forced: dict[str, list[str]] = {}  # "reason → band" of several scales, said once
        for sc in scales:
            g = mr.grades.get(sc)
            cells[f"g:{sc}"] = ("—" if not g.applicable else g.band or "不定等次") if g else ""
            if g is None or not g.reason or not g.applicable:
                continue  # a scale the member's status takes no part in: a dash, no remark
            head, arrow, band = g.reason.rpartition(" → ")
            if arrow:
                if head not in forced:
                    forced[head] = []
                    remark.append(head)
                forced[head].append(band)
            elif g.reason not in remark:
                remark.append(g.reason)
        remark = [f"{r} → {'、'.join(forced[r])}" if r in forced else r for r in remark]
        if grade:
            for o in mr.outcomes:
                if o not in remark:
                    remark.append(o)
        for row_note in r.notes:  # not `note`: that is the table's footnote, set above
            if row_note not in remark:
                remark.append(row_note)
        remark.extend(_membership_notes(member, year))
        cells["remark"] = "；".join(remark)
        rows.append(cells)
    excluded = [{"name": (ledger.member(x.member).name if ledger.member(x.member) else x.name),
                 "reason": x.reason} for x in table.excluded]

    stats = [scale_stats(res, sc) for sc in scales]
    return {
        "title": f"{s.name}{year}年度党员积分汇总表{mark}",
        "stats_title": f"{s.name}{year}年度党员{'、'.join(scales) or '等次'}评定情况统计表{mark}",
        "provisional": horizon is not None,
        "note": note,
        "branch": s.name,
        "upper": s.upper,
        "secretary": s.secretary,
        "scheme": scheme.name,
        "year": year,
        "grade": grade,
        "columns": columns,
        "rows": rows,
        "excluded": excluded,
        "stats": stats,
        # the column a reader would otherwise subtract a second time (RULES.md §3)
        "legend": f"注：“{deductions}”为各板块被扣掉的分数合计，已计入各板块得分和年度总积分，不再另减。"
                  if deductions else "",
        "scored": len(res.members),
    }


def scale_stats(res, scale: str) -> dict:
    """Counts and shares per band of one scale, with the quota check."""
    sc = res.scheme.scale(scale)
    counts = res.counts(scale)
    # members whose status takes no part in this scale (statuses.scales) are not its business
    scored = sum(1 for m in res.members if (g := m.grades.get(scale)) is None or g.applicable)
    graded = sum(1 for m in res.members if (g := m.grades.get(scale)) is not None and g.band)
    ungraded = scored - graded
    lines = []
    for band in (sc.bands if sc else []):
        n = counts.get(band.name, 0)
        line = {"band": band.name, "range": band_range(band), "count": n,
                "share": _share(n, scored), "quota": "", "ok": ""}
        q = band.quota
        if q is not None:
            base = scored if q.of == "scored" else graded
            limit = int((q.share * base).to_integral_value(rounding=_ROUND.get(q.round, ROUND_FLOOR)))
            pct = num(q.share * 100) + "%"
            if q.mode == "top":
                line["quota"] = f"排名前{pct}（第{limit}名以内）"
                worst = max((m.rank for m in res.members
                             if (g := m.grades.get(scale)) is not None and g.band == band.name), default=0)
                good = worst <= limit
            else:
                line["quota"] = f"不超过{pct}（{limit}人）"
                good = n <= limit
            line["ok"] = "符合" if good else "超出名额"
        lines.append(line)
    # bands given outside the scale (should not happen, but never drop a member silently)
    for name, n in counts.items():
        if sc is None or sc.band(name) is None:
            lines.append({"band": name, "range": "", "count": n, "share": _share(n, scored),
                          "quota": "", "ok": ""})
    if ungraded:
        lines.append({"band": "不定等次", "range": "原因见汇总表说明栏", "count": ungraded,
                      "share": _share(ungraded, scored), "quota": "", "ok": ""})
    return {"scale": scale, "lines": lines, "scored": scored, "graded": graded}


def band_range(band) -> str:
    """The score range of a band for the statistics table.  A ``forced`` band has none:
    members reach it only by a forced grade or as another band's ``else``."""
    return FORCED_RANGE if band.forced else band.range_text()


FORCED_RANGE = "仅由强制或转入"


def _share(n: int, total: int) -> Decimal:
    if not total:
        return Decimal(0)
    return (Decimal(n) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


STATS_COLUMNS = [Column("档次", "band"), Column("分数范围", "range"), Column("人数", "count", True),
                 Column("占参评人数比例（%）", "share", True), Column("名额要求", "quota"),
                 Column("核对", "ok")]


# --------------------------------------------------------------------------- rendering
def _membership_notes(member, year: int) -> list[str]:
    """“7月15日加入”, “6月30日离开” for a member who joined or left during the year: the
    year table says why his year is shorter (RULES.md §10: no pro-rating)."""
    if member is None:
        return []
    out = []
    if member.joined and member.joined.year == year and (member.joined.month, member.joined.day) != (1, 1):
        out.append(f"{member.joined.month}月{member.joined.day}日加入")
    if member.left and member.left.year == year and (member.left.month, member.left.day) != (12, 31):
        out.append(f"{member.left.month}月{member.left.day}日离开")
    return out


def render_year(ledger, year: int, fmt: str, grade: bool, horizon=None, settled=None) -> str | bytes:
    """The year tables of ``year`` as text / md / html / csv (str) or xlsx (bytes).
    ``horizon`` / ``settled``: see :func:`build_year`."""
    fmt = check_format(fmt, FORMATS)
    data = build_year(ledger, year, grade, horizon=horizon, settled=settled)
    if fmt == "csv":
        return _csv(data)
    if fmt == "xlsx":
        return _xlsx(data)
    if fmt == "text":
        data["table"] = _text(data)
        return render_template("year.txt.j2", y=data)
    data["cells"] = [[_display(c, row[c.key]) for c in data["columns"]] for row in data["rows"]]
    for st in data["stats"]:
        st["cells"] = [[_display(c, line[c.key]) for c in STATS_COLUMNS] for line in st["lines"]]
    data["stats_columns"] = STATS_COLUMNS
    return render_template(f"year.{fmt}.j2", y=data)


def _display(col: Column, value) -> str:
    if value is None:
        return "—" if col.numeric else ""
    if isinstance(value, Decimal):
        return num(value)
    return str(value)


_TEXT_WIDTHS = {"name": 12, "category": 12, "remark": 36}


def _text(data: dict) -> str:
    cols = data["columns"]
    rows = [[text_clean(_display(c, r[c.key])) for c in cols] for r in data["rows"]]
    # section and scale names wrap at 4 characters (日常表现/积分); the 说明 column gives
    # way so that the table fits a terminal
    widths = [_TEXT_WIDTHS.get(c.key, 8 if c.key[:2] in ("s:", "g:") else None) for c in cols]
    out = text_table([c.title for c in cols], rows, ["right" if c.numeric else "left" for c in cols],
                     widths=widths, fit=TERMINAL_WIDTH)
    for st in data["stats"]:
        srows = [[text_clean(_display(c, line[c.key])) for c in STATS_COLUMNS] for line in st["lines"]]
        st["table"] = text_table([c.title for c in STATS_COLUMNS], srows,
                                 ["right" if c.numeric else "left" for c in STATS_COLUMNS])
    return out


def _sheet_rows(data: dict) -> list[tuple[str, list[str], list[list]]]:
    """(sheet title, headers, rows of raw values) for csv and xlsx."""
    cols = data["columns"]
    main = [[r[c.key] for c in cols] for r in data["rows"]]
    for x in data["excluded"]:  # not scored: named, with the reason, no numbers
        row = [None if c.numeric else "" for c in cols]
        row[1], row[-1] = x["name"], "不参加积分排名：" + x["reason"]
        main.append(row)
    out = [("积分汇总表", [c.title for c in cols], main)]
    for st in data["stats"]:
        title = f"{st['scale']}评定情况统计表"
        out.append((title, [c.title for c in STATS_COLUMNS],
                    [[line[c.key] for c in STATS_COLUMNS] for line in st["lines"]]))
    return out


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return num(value)
    if isinstance(value, (int, float)):
        return str(value)
    return csv_safe(text_clean(value))


def _csv(data: dict) -> str:
    """UTF-8 with BOM (the caller writes the str as UTF-8); formula-safe cells.  The
    statistics tables follow the summary table after one empty line each."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for i, (title, headers, rows) in enumerate(_sheet_rows(data)):
        if i:
            writer.writerow([])
            writer.writerow([csv_safe(title)])
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])
    if data.get("note"):
        writer.writerow([])
        writer.writerow([csv_safe(text_clean(data["note"]))])
    return "\ufeff" + buf.getvalue()


def _xlsx(data: dict) -> bytes:
    try:
        import openpyxl
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
        from openpyxl.utils import get_column_letter
    except ImportError as exc:
        raise JifenError("输出 Excel（xlsx）需要安装 openpyxl",
                         hint="请运行：pip install \"jifen[xlsx]\"（或 pip install openpyxl）") from exc
    import io

    wb = openpyxl.Workbook()
    thin = Side(style="thin", color="333333")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_font = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="EEEEEE")
    title_font = Font(bold=True, size=14)
    for n, (title, headers, rows) in enumerate(_sheet_rows(data)):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = title[:31]
        caption = data["title"] if n == 0 else (data["stats_title"] if len(data["stats"]) == 1
                                                else f"{data['branch']}{data['year']}年度党员{title}")
        ws.cell(row=1, column=1, value=xlsx_text(caption)).font = title_font
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
        ws.cell(row=2, column=1, value=xlsx_text(f"单位：{data['branch']}"))
        widths = [display_width(h) for h in headers]
        for j, h in enumerate(headers, 1):
            c = ws.cell(row=3, column=j, value=xlsx_text(h))
            c.font, c.fill, c.border = head_font, head_fill, border
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for i, row in enumerate(rows, 4):
            for j, value in enumerate(row, 1):
                c = ws.cell(row=i, column=j)
                if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
                    c.value = cell_number(value)
                    c.number_format = "0.##" if isinstance(c.value, float) else "0"
                    shown = num(value)
                elif value is None:
                    shown = ""
                else:
                    c.value = xlsx_text(value)
                    c.data_type = "s"  # text is text: never a formula, whatever it starts with
                    shown = str(value)
                c.border = border
                widths[j - 1] = max(widths[j - 1], display_width(shown))
        for j, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(j)].width = min(max(w + 2, 6), 60)
        ws.freeze_panes = "C4" if n == 0 else "A4"
        ws.page_setup.orientation = "landscape" if n == 0 else "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.print_title_rows = "3:3"
        if n == 0:
            ws.cell(row=len(rows) + 5, column=1, value="党组织书记签名：")
            if data.get("note"):
                ws.cell(row=len(rows) + 7, column=1, value=xlsx_text(data["note"]))
    buf = io.BytesIO()
    wb.properties.creator = "jifen"
    # a fixed timestamp: the same ledger gives the same file
    from datetime import datetime
    wb.properties.created = wb.properties.modified = datetime(data["year"], 12, 31)
    wb.save(buf)
    return buf.getvalue()


__all__ = ["render_year", "build_year", "scale_stats"]
