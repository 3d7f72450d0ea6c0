"""The periodic notice (公示): month, quarter or half-year, or an ISO week (``jifen week``).

``render_notice(ledger, period, fmt, published_on)`` is the one entry point; the
publishing code calls it and stores its output, and ``jifen verify`` calls it again to
compare, so its output depends only on the ledger, the period and ``published_on``
(no clock, no environment, no dictionary-order accidents).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from jifen_cli.core.model import CONFIRMED, PENDING, REJECTED, VOID
from jifen_cli.core.periods import KINDS, MONTH, WEEK, YEAR, Period, Week

from .common import (FORMATS_TEXT, check_format, class_names, cn_date, cn_month_day,
                     member_public, num, render_template, signed, text_clean, text_table)
from .points import PointsBook

FORMATS = FORMATS_TEXT


def render_notice(ledger, period: Period | Week, fmt: str, published_on: date) -> str:
    """The notice of ``period`` (a month, quarter, half-year or week) as ``fmt``
    (``md`` / ``html`` / ``text``), dated ``published_on``."""
    fmt = check_format(fmt, FORMATS)
    notice = build_notice(ledger, period, published_on)
    if fmt == "text":
        notice["table"] = _text_table(notice)
    return render_template(f"notice.{'txt' if fmt == 'text' else fmt}.j2", n=notice)


# --------------------------------------------------------------------------- the data
def notice_title(settings, period: Period | Week) -> str:
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


def build_notice(ledger, period: Period | Week, published_on: date) -> dict:
    """Everything the notice shows, as plain data (no model objects, no private
    fields): what the templates receive."""
    s = ledger.settings
    # the running totals are as of the period's end, or of the notice's date when it is
    # made before then (a preview of the month in progress: the year is not over, so
    # year-end rules wait, as in `jifen year` and `jifen explain`)
    upto = min(period.end, published_on)
    book = PointsBook(ledger, upto=upto)
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
    earlier = _earlier_corrections(ledger, book, period, names, by_id)
    # a week, or any notice of a scheme scored by month / quarter / half-year, shows the
    # totals of its scoring period (the year-to-date running totals below are for yearly
    # schemes: a year average of months still to come means nothing mid-year)
    span = _span_running(ledger, book, period, upto) if period.kind == WEEK or (
        scheme is not None and scheme.period != YEAR) else None
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
            remark.append(f"{cn_month_day(m.joined)}加入")
        if m.left and period.start <= m.left <= period.end:
            remark.append(f"{cn_month_day(m.left)}离开")
        members.append({
            **{k: v for k, v in member_public(m, classes).items() if k in ("name", "category", "status")},
            "rows": rows,
            "period_total": signed(period_total),
            "running": span["values"].get(m.id, span["empty"]) if span else
                       [num(running.get(code)) if running and running.get(code) is not None else "—"
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
        "period_kind": _KIND_WORDS.get(period.kind, "年"),
        "range": f"{cn_date(period.start)}至{cn_date(period.end)}",
        "published": cn_date(published_on),
        "objection_days": s.objection_days,
        "closing": cn_date(closing),
        "recorders": "、".join(s.recorders),
        "secretary": s.secretary,
        "members": members,
        # html: titles under one “本年累计” header; text / md: one header each.  A notice
        # with its own span columns (a week; a scheme not scored by the year) has no common
        # header (its columns are of different spans) and its own note
        "running_titles": span["headers"] if span else [name for _, name, _ in book.running_sections],
        "running_headers": span["headers"] if span else [f"累计{name}" for _, name, _ in book.running_sections],
        "running_group": "" if span else "本年累计",
        "running_note": span["note"] if span else "",
        "pending": pending,
        "objections": objections,
        "earlier": earlier,
        "show_empty": s.notice.show_empty_members,
        "hide_sanction_notes": hide,
        "counts": {
            "members": len(members),
            "with_entries": sum(1 for m in members if m["rows"]),
            "entries": counted_rows,
            "pending": len(pending),
            "objections": len(objections),
            "earlier": len(earlier),
        },
    }


_KIND_WORDS = {MONTH: "月", "quarter": "季度", "half": "半年", WEEK: "周"}
_SPAN_WORDS = {MONTH: "本月", "quarter": "本季度", "half": "本半年", "year": "本年"}


def _scoring_span(period: Period | Week, scheme_period: str) -> Period:
    """The scoring period whose totals a notice of ``period`` shows: for a week, the one
    containing its Sunday; for a notice at least as long as the scheme's period (a month
    notice of a monthly scheme, a quarter notice of one), the notice period itself
    (combined as the rules say); for a shorter one (a month notice of a quarterly scheme),
    the scoring period containing its last day, to date."""
    if period.kind == WEEK:
        return period.scoring_period(scheme_period)
    if KINDS.index(period.kind) <= KINDS.index(scheme_period):
        return period
    return Period.containing(period.end, scheme_period)


def _span_running(ledger, book, period: Period | Week, upto: date) -> dict:
    """The running totals of a week notice, or of any notice of a scheme not scored by
    the year: every entry-driven section and account of the scoring period
    (:func:`_scoring_span`), its total and the rank by that total, computed by the engine
    on the entries dated up to ``upto`` (the notice's last day, or its date if earlier)
    with ``horizon`` = that day (RULES.md §7.3), as the month notice of a yearly scheme
    does for its year.  A week spanning two months (or years) lists all its seven days'
    entries; its totals are those of the month (year) of its Sunday."""
    from dataclasses import replace

    from jifen_cli.core import engine

    from .points import ENTRY_KINDS

    scheme = book.scheme(period.end)
    if scheme is None:
        return {"headers": [], "values": {}, "empty": [], "note": ""}
    scoring = _scoring_span(period, scheme.period)
    cut = replace(ledger, entries=[e for e in ledger.entries if e.date <= upto], evaluations=[])
    table = engine.score(cut, scoring, horizon=upto)
    # a member scored from the year-end evaluation alone (exempt) has nothing to show or
    # rank before it: “—”, and the others are ranked among themselves
    ranks = {r.member: r for r in engine.ranked([row for row in table.rows if not row.evaluation_only])}
    span = _SPAN_WORDS.get(scoring.kind, "本期")
    shown = [(code, name, kind) for code, name, kind in table.sections if kind in ENTRY_KINDS]
    accounts = [(code, name) for code, name, kind in table.sections if kind == "account"]
    headers = ([f"{span}{name}" for _, name, _ in shown] + [f"{name}累计" for _, name in accounts]
               + [f"{span}总分", f"{span}排名"])
    values = {}
    for row in table.rows:
        r = ranks.get(row.member)
        if row.evaluation_only:
            values[row.member] = ["—"] * len(headers)
            continue
        values[row.member] = ([num(row.sections.get(code)) if row.sections.get(code) is not None else "—"
                               for code, _, _ in shown]
                              + [num(row.accounts.get(code)) if row.accounts.get(code) is not None else "—"
                                 for code, _ in accounts]
                              + [num(row.total), f"{r.rank}/{r.of}" if r else "—"])
    crossing = "" if scoring.contains(period.start) else (
        f"本周跨{'年' if period.start.year != period.end.year else '月'}，列出本周七天的全部条目，"
        f"累计只按本周日所在的{scoring.label}计算。")
    this = "本" + _KIND_WORDS.get(period.kind, "期")
    last_day = "公示日" if upto < period.end else "本周日" if period.kind == WEEK else "本期末"
    note = (f"注：分值为该条目按积分办法所计分数（扣分为负），括号内的不计分；“本期”为{this}已认定条目分值之和；"
            f"“{span}”各栏为{cn_date(scoring.start)}至{last_day}"
            f"（{cn_date(upto)}）按积分办法计算的{scoring.label}得分"
            f"（不含民主评议{'，为暂定数' if upto < scoring.end else ''}）"
            + (f"，{'、'.join(f'“{name}累计”' for _, name in accounts)}为截至{last_day}的累计余额" if accounts else "")
            + f"；排名按“{span}总分”由高到低，总分相同名次相同，“1/3”表示共3人中第1名。{crossing}")
    return {"headers": headers, "values": values, "empty": ["—"] * len(headers), "note": note}


def _earlier_corrections(ledger, book, period, names: dict, by_id: dict) -> list[dict]:
    """Corrections and voidings recorded during ``period`` (their ``recorded`` date) of
    entries dated before it: a month already published cannot be published again, so
    the next notice says what changed in it (and why) — a member's running total never
    moves without an explanation on the board.  Values are the rules' nominal ones."""
    out = []
    for e in ledger.entries:
        if not e.corrects or e.recorded is None or not period.contains(e.recorded):
            continue
        original = by_id.get(e.corrects)
        if original is None or original.date >= period.start:
            continue  # an entry of this period: shown in the table with its correction

        def what(x):
            item = book.item(x)
            pts = book.nominal(x)
            return (item.name if item else x.item) + (f"：{x.level}" if x.level else "") + \
                (f" {signed(pts)}分" if pts is not None else "")
        if e.status == VOID:
            change = f"{'申报' if original.status == PENDING else '原为'} {what(original)}，作废（不计分）"
        elif original.status == PENDING:  # a declaration decided after its month's notice
            change = f"申报 {what(original)}，" + ("不予认定" if e.status == REJECTED else f"认定为 {what(e)}")
        else:
            change = f"原为 {what(original)}，更正为 {what(e)}"
        item = book.item(e) or book.item(original)
        hidden = ledger.settings.notice.hide_sanction_notes and item is not None and item.is_sanction
        out.append(((e.recorded, e.id), {
            "id": e.id, "original": original.id, "name": names.get(e.member, e.member),
            "date": cn_date(original.date), "change": change, "note": "" if hidden else e.note,
            "recorded": cn_month_day(e.recorded)}))
    return [row for _, row in sorted(out, key=lambda pair: pair[0])]


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
    running = n["running_headers"]
    headers = ["序号", "姓名", "编号", "日期", "积分事项", "分值", "说明", "本期"] + list(running)
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
