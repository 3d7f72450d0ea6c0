"""The member's registration card (登记卡, seed 003 appendix 2) and the blank monthly
declaration form (申报表, seed 003 appendix 1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from jifen_cli.core.lookup import resolve_member
from jifen_cli.core.model import PENDING

from .common import (FORMATS_TEXT, check_format, class_names, levels_text, num, part_name,
                     render_template, scheme_at, signed, text_clean, text_table, value_text)
from .points import PointsBook

FORMATS = FORMATS_TEXT
_KIND_WORD = {"base": "基础分", "accrue": "累加", "bonus": "加分", "penalty": "扣减分",
              "evaluation": "民主评议", "formula": "计算", "account": "累计账户"}
_CN_NUM = "一二三四五六七八九十"


def _ordinal(i: int) -> str:
    return f"（{_CN_NUM[i - 1] if i <= 10 else i}）"


# --------------------------------------------------------------------------- card
def render_card(ledger, member_id: str, year: int, fmt: str, horizon=None) -> str:
    """The member's card for ``year``: every item of the scheme down the side, months
    1–12 across, the year score at the end.  ``horizon``: the day the ledger is known
    up to while the year is still running (the score is provisional and the card says
    so, RULES.md §7.3)."""
    fmt = check_format(fmt, FORMATS)
    card = build_card(ledger, member_id, year, horizon=horizon)
    if fmt == "text":
        card["table"] = _card_text(card)
    return render_template(f"card.{'txt' if fmt == 'text' else fmt}.j2", c=card)


def build_card(ledger, member_id: str, year: int, result=None, horizon=None) -> dict:
    m = resolve_member(ledger, member_id)
    start, end = date(year, 1, 1), date(year, 12, 31)
    res = _year_result(ledger, year, horizon) if result is None else result
    scheme = res.scheme  # the engine's scheme of the year (in force on 31 December)
    classes = class_names(scheme)
    book = PointsBook(ledger, upto=end)

    # month cells: signed points of the member's counted entries per item and month;
    # pending declarations are shown apart (not counted)
    cells: dict[str, dict[int, Decimal]] = {}
    marks: dict[str, dict[int, str]] = {}
    extra_items: dict[str, str] = {}
    for e in ledger.effective_entries(start, end):
        if e.member != m.id:
            continue
        p = book.points(e)
        item = book.item(e)
        if item is None or e.item not in scheme.items:
            extra_items.setdefault(e.item, item.name if item else e.item)
        per = cells.setdefault(e.item, {})
        if p is not None:
            per[e.date.month] = per.get(e.date.month, Decimal(0)) + p
        else:
            marks.setdefault(e.item, {})[e.date.month] = "✓"
    pending = []
    superseded = ledger.superseded_ids()
    for e in ledger.entries_between(start, end):
        if e.member == m.id and e.status == PENDING and e.id not in superseded:
            item = book.item(e)
            pending.append({"id": e.id, "date": f"{e.date.month}月{e.date.day}日",
                            "item": item.name if item else e.item})

    mr = res.member(m.id)
    row = mr.row if mr is not None else res.table.row(m.id)

    sections = []
    for si, sec in enumerate(scheme.sections, 1):
        lines = []
        for it in sec.all_items():
            months = []
            for month in range(1, 13):
                v = cells.get(it.code, {}).get(month)
                months.append(signed(v) if v is not None else marks.get(it.code, {}).get(month, ""))
            year_sum = sum(cells.get(it.code, {}).values(), Decimal(0)) if it.code in cells else None
            lines.append({"item": it.name, "part": part_name(scheme, it), "value": value_text(it),
                          "months": months, "year": signed(year_sum) if year_sum is not None else ""})
        score = row.sections.get(sec.code) if row is not None else None
        full = sec.full if sec.full is not None else sec.cap
        sections.append({
            "no": _ordinal(si),
            "name": sec.name,
            "kind": _KIND_WORD.get(sec.kind, sec.kind),
            "full": num(full) if full is not None else "",
            "lines": lines,
            "score": num(score) if score is not None else "",
        })
    vetoes = []
    for e in ledger.effective_entries(start, end):
        it = book.item(e)
        if e.member == m.id and it is not None and it.is_sanction:
            vetoes.append(f"{e.date.month}月{e.date.day}日 {it.name}")
    grades = []
    if mr is not None:
        for scale, g in mr.grades.items():
            grades.append({"scale": scale, "band": g.band or "不定等次", "reason": g.reason or ""})
    s = ledger.settings
    return {
        "title": "党员积分登记卡",
        "branch": s.name,
        "year": year,
        "name": m.name,
        "category": classes.get(m.category, m.category or ""),
        "status": m.status,
        "group": m.group or "",
        "posts": "、".join(m.posts or []),
        "scheme": scheme.name,
        "sections": sections,
        "others": [{"code": k, "name": v} for k, v in sorted(extra_items.items())],
        "pending": pending,
        "vetoes": vetoes,
        "total": num(row.total) if row is not None else "",
        "rank": (f"{mr.rank}/{len(res.members)}" if mr is not None else ""),
        "grades": grades,
        "outcomes": list(mr.outcomes) if mr is not None else [],
        "notes": _provisional(res) + (list(row.notes) if row is not None else []),
        "scored": row is not None,
        "excluded": next((x.reason for x in res.table.excluded if x.member == m.id), ""),
        "recorders": "、".join(s.recorders),
    }


def _year_result(ledger, year: int, horizon=None):
    from .year import engine_year_result

    return engine_year_result(ledger, year, horizon=horizon)


def _provisional(res) -> list[str]:
    from .scores import provisional_note

    note = provisional_note(res.table.period, res.horizon)
    return [note] if note else []


def _card_text(c: dict) -> str:
    headers = ["类别", "项目", "分值"] + [str(i) for i in range(1, 13)] + ["年度得分"]
    rows = []
    for sec in c["sections"]:
        head = f"{sec['no']}{sec['name']}" + (f"（{sec['full']}分）" if sec["full"] else "")
        first = True
        for ln in sec["lines"]:
            name = (f"{ln['part']}：" if ln["part"] else "") + ln["item"]
            rows.append([text_clean(head) if first else "", text_clean(name), ln["value"], *ln["months"],
                         ln["year"]])
            first = False
        rows.append([text_clean(head) if first else "", "板块得分", "", *[""] * 12, sec["score"] or "—"])
    return text_table(headers, rows, ["left", "left", "right"] + ["right"] * 13,
                      widths=[12, 18, 8] + [None] * 13)


# --------------------------------------------------------------------------- declaration form
def render_declaration_form(ledger, fmt: str) -> str:
    """The blank monthly declaration form (申报表); with a ledger it carries the
    branch's name and the items members may declare under its scheme."""
    fmt = check_format(fmt, FORMATS)
    form = build_declaration_form(ledger)
    if fmt == "text":
        form["table"] = text_table(["序号", "日期", "积分项目", "级别/数量", "具体情况", "证明材料", "申报分值"],
                                   [[str(i), "", "", "", " " * 24, "", ""] for i in range(1, form["rows"] + 1)])
        form["declarable_table"] = text_table(["板块", "积分项目", "代码", "分值"],
                                         [[text_clean(i["section"]), text_clean(i["item"]), text_clean(i["code"]),
                                           text_clean(i["value"])] for i in form["declarable"]],
                                         widths=[16, 30, None, 40])
    return render_template(f"declare.{'txt' if fmt == 'text' else fmt}.j2", f=form)


def build_declaration_form(ledger) -> dict:
    branch = ""
    items = []
    scheme_name = ""
    if ledger is not None:
        branch = ledger.settings.name
        # the scheme of the latest year with records, else the latest rules file
        years = ledger.years()
        starts = sorted(r.start for r in ledger.settings.rules)
        day = date(years[-1], 12, 31) if years else (starts[-1] if starts else date(1, 1, 1))
        scheme = scheme_at(ledger, day)
        scheme_name = scheme.name if scheme is not None else ""
        for sec in scheme.sections if scheme is not None else []:
            if sec.kind not in ("bonus", "accrue"):
                continue
            for it in sec.all_items():
                items.append({"section": sec.name, "code": it.code, "item": it.name,
                              "value": levels_text(it) or value_text(it)})
    return {
        "title": "月度党员积分申报表",
        "branch": branch,
        "scheme": scheme_name,
        "declarable": items,
        "rows": 6,
    }


__all__ = ["render_card", "render_declaration_form", "build_card", "build_declaration_form"]
