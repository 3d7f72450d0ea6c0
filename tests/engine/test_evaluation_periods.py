"""Half-yearly evaluation records combined into the year (RULES.md §8.3a).  The model's
Evaluation has no ``period`` yet, so records here are stand-ins with that attribute."""

from decimal import Decimal as D
from types import SimpleNamespace

from jifen_cli.core import engine

from .helpers import ledger, member

RULES = """
format: 1
scheme: 半年评议
sections:
  - {code: daily, name: 日常, kind: base, full: 100, items: [{code: absent, name: 缺席, points: 2}]}
  - code: evaluation
    name: 评议
    kind: evaluation
    full: 100
    method: band
    bands: {优秀: [90, 100], 合格: [80, 89], 基本合格: [60, 79], 不合格: 0}
    periods: half
    combine: average
total: {method: formula, formula: daily * 50% + evaluation * 50%}
"""


def record(who, period, band, score):
    return SimpleNamespace(year=2019, member=who, votes={}, band=band, score=D(score), note="", period=period)


def test_half_year_records_are_averaged():
    led = ledger(RULES, [member("a")], [], [record("a", "H1", "优秀", 94), record("a", "H2", "合格", 86)])
    row = engine.score(led, 2019).row("a")
    # 种子003 一(三)3: H1 94, H2 86 → (94 + 86) ÷ 2 = 90; total 100 × 50% + 90 × 50% = 95
    assert row.sections["evaluation"] == D("90")
    assert row.total == D("95")
    texts = [s.format() for s in engine.explain(led, "a", 2019)]
    assert any(t.startswith("【H1】") for t in texts) and any("2次评议平均" in t for t in texts)
