"""Half-yearly evaluation records combined into the year (RULES.md §8.3a), and the
check that records fit the scheme's evaluation periods."""

from decimal import Decimal as D

from jifen_cli.core import engine
from jifen_cli.core.model import Evaluation, Loc

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
    return Evaluation(year=2019, member=who, votes={}, band=band, score=D(score), note="",
                      loc=Loc("evaluations/2019.yaml", ("results", 0)), period=period)


def test_half_year_records_are_averaged():
    led = ledger(RULES, [member("a")], [], [record("a", "H1", "优秀", 94), record("a", "H2", "合格", 86)])
    row = engine.score(led, 2019).row("a")
    # 种子003 一(三)3: H1 94, H2 86 → (94 + 86) ÷ 2 = 90; total 100 × 50% + 90 × 50% = 95
    assert row.sections["evaluation"] == D("90")
    assert row.total == D("95")
    texts = [s.format() for s in engine.explain(led, "a", 2019)]
    assert any(t.startswith("【H1】") for t in texts) and any("2次评议平均" in t for t in texts)


def _e605(rules, *records):
    led = ledger(rules, [member("a")], [], list(records))
    return [d for d in engine.check_rules(led) if d.code == "E605"]


def test_half_yearly_scheme_needs_h1_or_h2():
    assert _e605(RULES, record("a", "H1", "优秀", 94), record("a", "H2", "合格", 86)) == []
    missing = _e605(RULES, record("a", None, "优秀", 94))
    assert len(missing) == 1 and "须写 period" in missing[0].message and "H1" in missing[0].hint
    wrong = _e605(RULES, record("a", "Q1", "优秀", 94))
    assert len(wrong) == 1 and "period 不能是 Q1" in wrong[0].message


def test_yearly_scheme_refuses_a_period():
    yearly = RULES.replace("    periods: half\n    combine: average\n", "")
    assert _e605(yearly, record("a", None, "优秀", 94)) == []
    extra = _e605(yearly, record("a", "H1", "优秀", 94))
    assert len(extra) == 1 and "不应写 period" in extra[0].message
