"""Property tests over every preset: entry order does not change a score; caps and clamps
are never exceeded; a veto always wins; adding a deduction never raises a score; scoring
is a pure function of the ledger."""

from __future__ import annotations

import copy
import random
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jifen_cli.core import engine
from jifen_cli.core.presets import labels, preset_data
from jifen_cli.core.rules import compile_rules
from jifen_cli.core.rules.model import ACCRUE, BASE, BONUS, EVALUATION, PENALTY

from .helpers import band, entry, ledger, member, scored, votes

YEAR = 2019
PRESETS = labels()
SCHEMES = {label: compile_rules(preset_data(label), "rules.yaml")[0] for label in PRESETS}
PROPS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _entry_for(item, when, who, rnd: random.Random):
    kw = {}
    if item.per is not None:
        kw["quantity"] = rnd.choice([item.per / 2, item.per, item.per * 3])
    if item.levels:
        kw["level"] = rnd.choice(list(item.levels))
        kw["subject"] = rnd.choice(["甲", "乙"])
    if item.open:
        lo, hi = item.open
        kw["points"] = rnd.choice([lo, hi, (lo + hi) / 2])
    times = 1 if (item.levels or item.open or item.per) else rnd.choice([1, 1, 2])
    return entry(when, who, item.code, times=times, **kw)


def _evaluation(scheme, who, rnd):
    sections = [s for s in scheme.sections if s.kind == EVALUATION]
    if not sections:
        return None
    spec = sections[0].evaluation
    if spec.method == "votes":
        groups = list(spec.groups) if spec.groups else ["全体"]
        return votes(YEAR, who, **{g: {rnd.choice(list(spec.options)): rnd.randint(1, 9)} for g in groups})
    if spec.method == "band":
        name = rnd.choice(list(spec.bands))
        lo, hi = spec.bands[name]
        return band(YEAR, who, name, score=hi if lo != hi else None)
    return scored(YEAR, who, rnd.choice([0, 50, 85, sections[0].full or 100]))


def build(label: str, seed: int, n_entries: int, safe_only: bool = False):
    """A small random branch for ``label``.  ``safe_only`` leaves out veto items."""
    scheme = SCHEMES[label]
    rnd = random.Random(seed)
    categories = list(scheme.classes) or ["ordinary"]
    members = []
    for i in range(5):
        cat = rnd.choice(categories)
        members.append(member(f"m{i}", category=cat, status=rnd.choice(["正式", "正式", "预备"]),
                              posts=rnd.choice([[], [], ["书记"], ["党小组长"]]), group=rnd.choice(["g1", "g2"])))
    items = [it for it in scheme.items.values()
             if not (safe_only and (it.veto or it.grades or it.no_grade))]
    entries = []
    for _ in range(n_entries):
        m = rnd.choice(members)
        usable = [it for it in items if _usable(scheme, it, m)]
        if not usable:
            continue
        month, day = rnd.randint(1, 12), rnd.randint(1, 28)
        entries.append(_entry_for(rnd.choice(usable), f"{YEAR}-{month:02d}-{day:02d}", m.id, rnd))
    evaluations = [ev for ev in (_evaluation(scheme, m.id, rnd) for m in members) if ev]
    return ledger(label, members, entries, evaluations)


def _usable(scheme, item, m) -> bool:
    if item.classes is not None and m.category not in item.classes:
        return False
    cls = scheme.classes.get(m.category)
    return not (cls and cls.sections is not None and item.section not in cls.sections)


def _snapshot(table):
    return {r.member: (r.total, dict(r.sections)) for r in table.rows}


cases = st.tuples(st.sampled_from(PRESETS), st.integers(0, 10_000), st.integers(0, 40))


@PROPS
@given(cases)
def test_entry_order_does_not_change_scores(case):
    label, seed, n = case
    led = build(label, seed, n)
    before = _snapshot(engine.score(led, YEAR))
    random.Random(seed).shuffle(led.entries)
    assert _snapshot(engine.score(led, YEAR)) == before


@PROPS
@given(cases)
def test_caps_and_clamps_hold(case):
    label, seed, n = case
    led = build(label, seed, n)
    scheme = SCHEMES[label]
    for r in engine.score(led, YEAR).rows:
        for s in scheme.sections:
            v = r.sections.get(s.code)
            if v is None or r.evaluation_only:
                continue
            # full values and caps hold per scoring unit: a year summed from 12 months may reach 12 × full
            units = 1 if (s.yearly or scheme.combine == "average") else _units_per_year(scheme.period)
            if s.kind == BASE:
                assert v <= s.full * units
                if s.floor is not None:
                    assert v >= s.floor
            if s.kind in (ACCRUE, EVALUATION):
                assert D(0) <= v <= s.full * units
            if s.kind in (BONUS, PENALTY):
                assert v >= 0 or s.kind == PENALTY
                if s.cap is not None:
                    assert v <= s.cap * units
        tdef = scheme.total_for(r.category)
        if tdef.cap is not None and not r.evaluation_only:
            assert r.total <= tdef.cap
        if tdef.floor is not None and not r.evaluation_only:
            assert r.total >= tdef.floor


def _units_per_year(kind: str) -> int:
    return {"year": 1, "half": 2, "quarter": 4, "month": 12}[kind]


VETO_PRESETS = [p for p in PRESETS if any(it.veto for it in SCHEMES[p].items.values())]


@PROPS
@given(st.tuples(st.sampled_from(VETO_PRESETS or ["xingshi"]), st.integers(0, 10_000), st.integers(0, 30)))
def test_veto_always_wins(case):
    label, seed, n = case
    scheme = SCHEMES[label]
    vetoes = [it for it in scheme.items.values() if it.veto]
    if not vetoes:
        return
    led = build(label, seed, n)
    target = next((m for m in led.members if any(_usable(scheme, v, m) for v in vetoes)), None)
    if target is None or scheme.classes.get(target.category, None) and scheme.classes[target.category].evaluation_only:
        return
    veto = next(v for v in vetoes if _usable(scheme, v, target))
    led.entries.append(entry("2019-06-15", target.id, veto.code))
    result = engine.year_result(led, YEAR)
    m = result.member(target.id)
    assert m.row.vetoed
    if veto.veto.score is not None:
        assert m.row.total == engine.round_value(veto.veto.score, scheme)
    for scale, band_name in veto.veto.grades.items():
        if m.grades.get(scale) and (m.grades[scale].band is not None or m.grades[scale].forced):
            assert m.grades[scale].band == band_name


def _deductions(scheme):
    counted = {c for a in scheme.absence for c in a.items + a.without + a.with_}
    return [it for it in scheme.items.values()
            if scheme.section(it.section).deducting and it.code not in counted
            and (it.points or it.zero or it.open)]


@PROPS
@given(cases)
def test_adding_a_deduction_never_raises_a_score(case):
    label, seed, n = case
    scheme = SCHEMES[label]
    led = build(label, seed, n, safe_only=True)
    before = {r.member: r.total for r in engine.score(led, YEAR).rows}
    rnd = random.Random(seed + 1)
    for m in led.members:
        usable = [it for it in _deductions(scheme) if _usable(scheme, it, m)]
        if usable:
            led.entries.append(_entry_for(rnd.choice(usable), f"2019-{rnd.randint(1, 12):02d}-15", m.id, rnd))
    after = {r.member: r.total for r in engine.score(led, YEAR).rows}
    for mid, total in after.items():
        assert total <= before[mid], (label, mid)


@PROPS
@given(cases)
def test_scoring_is_pure(case):
    label, seed, n = case
    led = build(label, seed, n)
    frozen = copy.deepcopy((led.entries, led.members, led.evaluations, led.rules, led.history))
    first = engine.year_result(led, YEAR)
    second = engine.year_result(led, YEAR)
    assert (led.entries, led.members, led.evaluations, led.rules, led.history) == frozen
    assert [(m.member, m.row.total, {k: g.band for k, g in m.grades.items()}) for m in first.members] == \
           [(m.member, m.row.total, {k: g.band for k, g in m.grades.items()}) for m in second.members]


@pytest.mark.parametrize("label", PRESETS)
def test_every_preset_compiles_without_diagnostics(label):
    assert compile_rules(preset_data(label), "rules.yaml")[1] == []
