"""The periodic notice (公示): month, quarter or half-year.

``render_notice(ledger, period, fmt, published_on)`` is the one entry point; the
publishing code calls it and stores its output, and ``jifen verify`` calls it again to
compare, so its output depends only on the ledger, the period and ``published_on``
(no clock, no environment, no dictionary-order accidents).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from jifen_cli.core.model import CONFIRMED, PENDING, REJECTED, VOID
from jifen_cli.core.periods import MONTH, Period

from .common import (FORMATS_TEXT, check_format, class_names, cn_date, cn_month_day,
                     member_public, num, render_template, signed, text_clean, text_table)
from .points import PointsBook

FORMATS = FORMATS_TEXT


def render_notice(ledger, period: Period, fmt: str, published_on: date) -> str:
    """The notice of ``period`` (a month, quarter or half-year) as ``fmt``
    (``md`` / ``html`` / ``text``), dated ``published_on``."""
    fmt = check_format(fmt, FORMATS)
    notice = build_notice(ledger, period, published_on)
    if fmt == "text":
        notice["table"] = _text_table(notice)
    return render_template(f"notice.{'txt' if fmt == 'text' else fmt}.j2", n=notice)


# --------------------------------------------------------------------------- the data
def notice_title(settings, period: Period) -> str:
    """``notice.title`` of branch.yaml with {支部}/{期间} (or {branch}/{period})
    filled in, else “XX党支部2019年1月党员积分公示”."""
    template = settings.notice.title
    if not template:
        return f"{settings.name}{period.label}党员积分公示"
    out = template
    for key, value in (("{支部}", settings.name), ("{branch}", settings.name),
                       ("{期间}", period.label), ("{period}", period.label)):
        out = out.replace(key, value)
    return out


def build_notice(ledger, period: Period, published_on: date) -> dict:
    """Everything the notice shows, as plain data (no model objects, no private
    fields): what the templates receive."""
    s = ledger.settings
    book = PointsBook(ledger, upto=period.end)
    scheme = book.scheme(period.end)
    classes = class_names(scheme)
    names = {m.id: m.name for m in ledger.members}

    in_period = sorted(ledger.entries_between(period.start, period.end), key=lambda e: (e.date, e.id))
    superseded = ledger.superseded_ids()
    by_id = {e.id: e for e in ledger.entries}
    open_objections = [o for o in ledger.objections if o.status == "open"]
    # an objection names one version of an entry; it stays on the current version
    chain_of = _chains(ledger)
    objected: dict[str, list] = {}
    for o in open_objections:
        head = chain_of.get(o.entry, o.entry)
        objected.setdefault(head, []).append(o)

    hide = s.notice.hide_sanction_notes
    rows_by_member: dict[str, list[dict]] = {}
    pending, objections = [], []
    for e in in_period:
        later = None
        if e.id in superseded:
            head = by_id.get(chain_of.get(e.id, e.id))
            if head is None or period.contains(head.date):
                continue  # shown through the entry that replaced it, in this notice
            later = head  # replaced by an entry of a later period: show it, not counted
        item = book.item(e)
        item_name = item.name if item else e.item
        points = book.points(e)
        original = by_id.get(e.corrects) if e.corrects else None
        marks, note = [], e.note
        # sanction-related is what the scheme says (``sanction: true``, veto, forced grade,
        # no grade), never a guess from the item's wording
        hidden = hide and item is not None and item.is_sanction
        if hidden:
            note = ""
        shown_item = item_name if hidden or not e.level else f"{item_name}：{e.level}"
        if later is not None:
            marks.append("已更正")
        elif e.status == PENDING:
            marks.append("待认定")
        elif e.status == REJECTED:
            marks.append("不予认定")
        elif e.status == VOID:
            marks.append("已作废")
        elif original is not None and original.status == PENDING:
            marks.append("申报已认定")
        elif original is not None:
            marks.append("更正")
        correction = ""
        if original is not None and original.status != PENDING:
            o_item = book.item(original)
            o_points = book.points(original)
            correction = (f"更正{original.id}：原为{o_item.name if o_item else original.item}"
                          + (f" {signed(o_points)}分" if o_points is not None else ""))
        if later is not None:
            correction = (correction + "；" if correction else "") + f"见{later.id}（{cn_date(later.date)}）"
        skip = book.skip_reason(e.id) if e.status == CONFIRMED and later is None else None
        if skip:
            marks.append("不计分")
            correction = (correction + "；" if correction else "") + skip
        obs = objected.get(e.id, []) if later is None else []
        if obs:
            marks.append("异议核实中")
        counted = e.status == CONFIRMED and later is None
        row = {
            "key": (e.date.isoformat(), 0, e.id),
            "id": e.id,
            "date": cn_month_day(e.date),
            "item": shown_item,
            "points": _points_text(points, counted, e.status),
            "note": note,
            "correction": correction,
            "marks": marks,
            "counted": counted,
        }
        rows_by_member.setdefault(e.member, []).append(row)
        if e.status == PENDING and later is None:
            pending.append({"id": e.id, "name": names.get(e.member, e.member), "date": cn_month_day(e.date),
                            "item": shown_item, "points": signed(points) if points is not None else ""})
        for o in obs:
            objections.append({"id": o.id, "entry": e.id, "name": names.get(e.member, e.member),
                               "item": item_name, "date": cn_month_day(o.date)})

    # joint liability (连带扣分): charges received for other members' entries of this period
    extra: dict[str, Decimal] = {}
    for member_id, charges in book.liability.items():
        for source_id, pts, text in charges:
            source = by_id.get(source_id)
            if source is None or not period.contains(source.date):
                continue
            rows_by_member.setdefault(member_id, []).append({
                "key": (source.date.isoformat(), 1, source_id),
                "id": source_id,
                "date": cn_month_day(source.date),
                "item": "连带扣分",
                "points": signed(pts),
                "note": text.split(" ", 1)[1] if text[:4].isdigit() and " " in text else text,
                "correction": "",
                "marks": ["连带"],
                "counted": True,
            })
            extra[member_id] = extra.get(member_id, Decimal(0)) + pts
    for rows in rows_by_member.values():
        rows.sort(key=lambda r: r["key"])
    members = []
    for m in ledger.members:
        rows = rows_by_member.get(m.id, [])
        active = m.active_on(period.end) or m.active_on(period.start) or bool(
            m.joined and period.start <= m.joined <= period.end)
        if not rows and not active:
            continue
        if not rows and not s.notice.show_empty_members:
            continue
        period_total = book.total(m.id, period.start, period.end) + extra.get(m.id, Decimal(0))
        running = book.running.get(m.id)
        remark = []
        if m.exempt is not None:
            remark.append("不纳入积分管理")
        if m.joined and period.start <= m.joined <= period.end:
            remark.append(f"{cn_month_day(m.joined)}转入")
        if m.left and period.start <= m.left <= period.end:
            remark.append(f"{cn_month_day(m.left)}转出")
        members.append({
            **{k: v for k, v in member_public(m, classes).items() if k in ("name", "category", "status")},
            "rows": rows,
            "period_total": signed(period_total),
            "running": [num(running.get(code)) if running and running.get(code) is not None else "—"
                        for code, _, _ in book.running_sections],
            "remark": "，".join(remark),
        })
    for i, m in enumerate(members, 1):
        m["no"] = i

    closing = published_on + timedelta(days=s.objection_days)
    counted_rows = sum(1 for m in members for r in m["rows"] if r["counted"] and "连带" not in r["marks"])
    return {
        "title": notice_title(s, period),
        "branch": s.name,
        "upper": s.upper,
        "scheme": scheme.name if scheme is not None else "",
        "period": period.label,
        "period_kind": {MONTH: "月"}.get(period.kind, {"quarter": "季度", "half": "半年"}.get(period.kind, "年")),
        "range": f"{cn_date(period.start)}至{cn_date(period.end)}",
        "published": cn_date(published_on),
        "objection_days": s.objection_days,
        "closing": cn_date(closing),
        "recorders": "、".join(s.recorders),
        "secretary": s.secretary,
        "members": members,
        "running_titles": [name for _, name, _ in book.running_sections],
        "pending": pending,
        "objections": objections,
        "show_empty": s.notice.show_empty_members,
        "hide_sanction_notes": hide,
        "counts": {
            "members": len(members),
            "with_entries": sum(1 for m in members if m["rows"]),
            "entries": counted_rows,
            "pending": len(pending),
            "objections": len(objections),
        },
    }


def _chains(ledger) -> dict[str, str]:
    """entry id → id of the current (latest) version of its correction chain."""
    later = {e.corrects: e.id for e in ledger.entries if e.corrects}
    out = {}
    for e in ledger.entries:
        head, seen = e.id, set()
        while head in later and head not in seen:
            seen.add(head)
            head = later[head]
        out[e.id] = head
    return out


def _points_text(points: Decimal | None, counted: bool, status: str) -> str:
    if points is None:
        return "—"
    if status == VOID:
        return "0"
    text = signed(points)
    return text if counted else f"（{text}）"


# --------------------------------------------------------------------------- terminal
def _text_table(n: dict) -> str:
    running = n["running_titles"]
    headers = ["序号", "姓名", "编号", "日期", "积分事项", "分值", "说明", "本期"] + [f"累计{t}" for t in running]
    rows = []
    for m in n["members"]:
        name = text_clean(m["name"])
        first = True
        for r in m["rows"] or [None]:
            if r is None:
                detail = ["", "", "本期无记录", "", text_clean(m["remark"])]
            else:
                note = "".join(f"【{k}】" for k in r["marks"]) + "；".join(
                    x for x in (text_clean(r["note"]), text_clean(r["correction"])) if x)
                detail = [r["id"], r["date"], text_clean(r["item"]), r["points"], note]
            rows.append([str(m["no"]) if first else "", name if first else "", *detail,
                         m["period_total"] if first else "", *(m["running"] if first else [""] * len(running))])
            first = False
    return text_table(headers, rows, ["right", "left", "left", "left", "left", "right", "left"]
                      + ["right"] * (1 + len(running)),
                      widths=[None, 14, None, None, 20, None, 30, None] + [8] * len(running))


__all__ = ["render_notice", "build_notice", "notice_title"]
