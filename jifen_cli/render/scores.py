"""Score tables, rankings and explanations as terminal text, Markdown or CSV."""

from __future__ import annotations

from .common import check_format, csv_safe, deductions_title, md_escape, text_clean, text_table


def _table(headers: list[str], rows: list[list], fmt: str) -> str:
    if fmt == "md":
        lines = ["| " + " | ".join(md_escape(h) for h in headers) + " |",
                 "|" + "|".join("---" for _ in headers) + "|"]
        lines += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows([[csv_safe(c) for c in row] for row in rows])
        return "\ufeff" + buf.getvalue()
    return text_table(headers, [[text_clean(c) for c in row] for row in rows]) + "\n"


def _day(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def provisional_note(period, horizon) -> str | None:
    """The footnote of a report on a period not yet over (``horizon`` = the day the
    ledger is known up to; RULES.md §7.3), or None for a finished period."""
    if horizon is None:
        return None
    what = f"{period.year}年度" if period.kind == "year" else period.label
    return (f"注：截至{_day(horizon)}，{what}尚未结束，各项积分为暂定数：全年性规则（年度最低次数、"
            f"“全年未参加……”等）到年底才结算，尚未计入；连续若干个月的规则只计已开始的月份；"
            f"按月（季度、半年）计分再合成的，只合成已开始的各期。")


def settled_note(day) -> str:
    """The footnote of a year table settled before the year's end (``--final``)."""
    return (f"注：本表于{_day(day)}年终评定时按全年结算（全年性规则已计入），"
            f"此后记入的条目未计入。")


def _with_note(out: str, note: str | None, fmt: str) -> str:
    if not note:
        return out
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([[], [csv_safe(note)]])
        return out + buf.getvalue()
    return out + "\n" + (md_escape(note) if fmt == "md" else text_clean(note)) + "\n"


def render_score_table(table, fmt: str = "text") -> str:
    """Member × section table of :func:`engine.score` for one period."""
    from jifen_cli.core.engine import fmt as num

    check_format(fmt, ("text", "md", "csv"))
    deductions = deductions_title(table.sections)
    classes = bool(table.scheme.classes)  # no 类别 column for a scheme without classes
    headers = (["编号", "姓名"] + (["类别"] if classes else []) + [name for _, name, _ in table.sections]
               + ([deductions] if deductions else []) + ["总分"])
    rows = [[r.member, r.name] + ([r.class_name] if classes else [])
            + [num(r.sections.get(code)) for code, _, _ in table.sections]
            + ([num(r.deductions)] if deductions else []) + [num(r.total)] for r in table.rows]
    out = _table(headers, rows, fmt)
    if table.excluded and fmt != "csv":
        out += "\n不纳入积分管理：" + "；".join(f"{x.name}（{x.reason}）" for x in table.excluded) + "\n"
    return _with_note(out, provisional_note(table.period, getattr(table, "horizon", None)), fmt)


def render_ranking(ranking, fmt: str = "text", class_names: dict | None = None,
                   note: str | None = None) -> str:
    """A list of Ranked (one table) or {category: [Ranked]} (one table per class);
    ``note``: a footnote (e.g. :func:`provisional_note`)."""
    return _with_note(_ranking(ranking, fmt, class_names), note, fmt)


def _ranking(ranking, fmt: str, class_names: dict | None) -> str:
    from jifen_cli.core.engine import fmt as num

    check_format(fmt, ("text", "md", "csv"))
    headers = ["名次", "编号", "姓名", "总分"]
    if isinstance(ranking, dict):
        parts = []
        for category, rows in ranking.items():
            title = (class_names or {}).get(category, category)
            body = _table(headers, [[f"{r.rank}/{r.of}", r.member, r.name, num(r.total)] for r in rows], fmt)
            parts.append((f"## {md_escape(title)}\n\n" if fmt == "md" else f"【{text_clean(title)}】\n") + body)
        return "\n".join(parts)
    return _table(headers, [[f"{r.rank}/{r.of}", r.member, r.name, num(r.total)] for r in ranking], fmt)


def render_explanation(member, period, steps, fmt: str = "text", note: str | None = None) -> str:
    """One member's explanation: every step in order, ending at the score; ``note``: a
    footnote (e.g. :func:`provisional_note`)."""
    check_format(fmt, ("text", "md"))
    title = f"{member.name}（{member.id}）{period.label}积分说明"
    lines = [f"# {md_escape(title)}", ""] if fmt == "md" else [text_clean(title), "=" * 20]
    current = None
    for step in steps:
        if step.period and step.period != current:
            current = step.period
            lines.append(f"\n## {md_escape(current)}\n" if fmt == "md" else f"\n【{text_clean(current)}】")
        text = step.format()
        lines.append(f"- {md_escape(text)}" if fmt == "md" else "  " + text_clean(text))
    return _with_note("\n".join(lines) + "\n", note, fmt)
