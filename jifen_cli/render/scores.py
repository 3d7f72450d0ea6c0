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


def render_score_table(table, fmt: str = "text") -> str:
    """Member × section table of :func:`engine.score` for one period."""
    from jifen_cli.core.engine import fmt as num

    check_format(fmt, ("text", "md", "csv"))
    deductions = deductions_title(table.sections)
    headers = (["编号", "姓名", "类别"] + [name for _, name, _ in table.sections]
               + ([deductions] if deductions else []) + ["总分"])
    rows = [[r.member, r.name, r.class_name]
            + [num(r.sections.get(code)) for code, _, _ in table.sections]
            + ([num(r.deductions)] if deductions else []) + [num(r.total)] for r in table.rows]
    out = _table(headers, rows, fmt)
    if table.excluded and fmt != "csv":
        out += "\n不纳入积分管理：" + "；".join(f"{x.name}（{x.reason}）" for x in table.excluded) + "\n"
    return out


def render_ranking(ranking, fmt: str = "text", class_names: dict | None = None) -> str:
    """A list of Ranked (one table) or {category: [Ranked]} (one table per class)."""
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


def render_explanation(member, period, steps, fmt: str = "text") -> str:
    """One member's explanation: every step in order, ending at the score."""
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
    return "\n".join(lines) + "\n"
