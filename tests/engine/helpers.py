"""Building small ledgers directly from the model dataclasses for engine tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from jifen_cli.core.model import (
    Entry, Evaluation, Exemption, Investigation, Ledger, Loc, Meeting, Member, NoticeSettings, RuleRef,
    Settings,
)
from jifen_cli.core.presets import load_rules_text, preset_data

D = Decimal
RULES = "rules.yaml"


def day(text: str) -> date:
    return date.fromisoformat(text)


def member(mid, name=None, category="ordinary", status="正式", posts=(), group=None, joined=None,
           left=None, exempt=None, investigation=None) -> Member:
    return Member(
        id=mid, name=name or mid, category=category, status=status, posts=list(posts), group=group,
        joined=day(joined) if joined else None, left=day(left) if left else None,
        exempt=Exemption(day(exempt), "年老体弱，经支部审批", True) if exempt else None,
        investigation=Investigation(day(investigation), None, "涉嫌违纪正在接受调查") if investigation else None,
        private={}, loc=Loc("members.yaml", (mid,)))


_counter = [0]


def entry(when, who, item, times=1, quantity=None, points=None, level=None, subject=None, note="",
          status="confirmed", eid=None, corrects=None) -> Entry:
    _counter[0] += 1
    return Entry(id=eid or f"e{_counter[0]}", date=day(when), member=who, item=item, times=D(str(times)),
                 quantity=D(str(quantity)) if quantity is not None else None,
                 points=D(str(points)) if points is not None else None, level=level, subject=subject,
                 note=note, status=status, corrects=corrects, loc=Loc(f"entries/{when[:7]}.yaml"))


def votes(year, who, **groups) -> Evaluation:
    return Evaluation(year=year, member=who, votes=groups, band=None, score=None, note="",
                      loc=Loc("evaluations.yaml"))


def band(year, who, name, score=None) -> Evaluation:
    return Evaluation(year=year, member=who, votes={}, band=name,
                      score=D(str(score)) if score is not None else None, note="", loc=Loc("evaluations.yaml"))


def scored(year, who, score) -> Evaluation:
    return Evaluation(year=year, member=who, votes={}, band=None, score=D(str(score)), note="",
                      loc=Loc("evaluations.yaml"))


def meeting(when, kind=None, name=None) -> Meeting:
    """One session held (meetings/YEAR.yaml, RULES.md §7.4)."""
    return Meeting(date=day(when), kind=kind, name=name or f"{when} 会议", note="",
                   loc=Loc(f"meetings/{when[:4]}.yaml"))


def ledger(rules, members, entries=(), evaluations=(), history=None, start="2000-01-01",
           meetings=None) -> Ledger:
    """``rules``: a preset label, raw rules data (dict) or YAML text.  ``meetings``: the
    sessions held (``meeting(...)``), grouped into their years' files, or a dict
    {year: [meetings]} (an empty list: an empty file); None = no meetings file at all."""
    if isinstance(rules, str) and "\n" in rules:
        raw = load_rules_text(rules)
    elif isinstance(rules, str):
        raw = preset_data(rules)
    else:
        raw = rules
    settings = Settings(format=1, name="测试支部", upper="上级党委", secretary="书记", recorders=["记录员"],
                        objection_days=5, rules=[RuleRef(day(start), RULES, Loc("branch.yaml", ("rules", 0)))],
                        notice=NoticeSettings(), loc=Loc("branch.yaml"))
    return Ledger(root=Path("."), settings=settings, members=list(members), rules={RULES: raw},
                  entries=list(entries), evaluations=list(evaluations), objections=[],
                  history=dict(history or {}), meetings=_by_year(meetings))


def _by_year(meetings) -> dict:
    if meetings is None:
        return {}
    if isinstance(meetings, dict):
        return {int(y): list(v) for y, v in meetings.items()}
    out: dict = {}
    for mt in meetings:
        out.setdefault(mt.date.year, []).append(mt)
    return out
