"""Ranking by sorted totals + bisect equals the definition (1 + number of higher totals;
bottom rank 1 + number of lower totals), with ties, and stays fast for a township."""

from __future__ import annotations

import random
import time
from decimal import Decimal

from jifen_cli.core.engine.grading import bottom_ranks, competition_ranks, ranked
from jifen_cli.core.engine.results import Row


def _rows(totals):
    return [Row(f"M{i:05d}", f"党员{i}", "正式党员", "正式党员", "正式", {}, Decimal(0), t, t)
            for i, t in enumerate(totals)]


def test_ranks_equal_the_definition_with_ties():
    rnd = random.Random(6)
    for n in (0, 1, 2, 3, 10, 57):
        for _ in range(20):
            rows = _rows([Decimal(rnd.randint(-3, 6)) / 2 for _ in range(n)])
            totals = [r.total for r in rows]
            assert competition_ranks(rows) == {r.member: 1 + sum(1 for t in totals if t > r.total)
                                               for r in rows}
            assert bottom_ranks(rows) == {r.member: 1 + sum(1 for t in totals if t < r.total)
                                          for r in rows}


def test_competition_ranking_1_2_2_4():
    rows = _rows([Decimal(90), Decimal(80), Decimal(80), Decimal(70)])
    assert [x.rank for x in ranked(rows)] == [1, 2, 2, 4]
    assert bottom_ranks(rows) == {"M00000": 4, "M00001": 2, "M00002": 2, "M00003": 1}


def test_ranking_is_not_quadratic():
    rows = _rows([Decimal(random.Random(1).randint(0, 1000)) / 10 for _ in range(50_000)])
    t = time.process_time()
    competition_ranks(rows)
    bottom_ranks(rows)
    assert time.process_time() - t < 5  # quadratic: 2.5 × 10^9 comparisons


def test_negated_step_equals_dataclasses_replace():
    import dataclasses

    from jifen_cli.core.engine.scoring import _negated
    from jifen_cli.core.engine.results import Step

    assert [f.name for f in dataclasses.fields(Step)] == [
        "kind", "text", "points", "value", "section", "entry", "period"]  # _negated copies these
    st = Step("entry", "2019-01-15 参加会议", Decimal("2.5"), Decimal(7), "A", "E1", "2019-01")
    assert _negated(st) == dataclasses.replace(st, points=-st.points)
    assert _negated(st) is not st and st.points == Decimal("2.5")
