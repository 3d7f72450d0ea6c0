"""check_rules: entries, members and evaluations against the rules in force."""

from jifen_cli.core import engine

from .helpers import band, entry, ledger, member, votes


def diags_for(rules, members, entries=(), evaluations=()):
    return engine.check_rules(ledger(rules, members, entries, evaluations))


def test_entry_problems():
    ds = diags_for("wudaitou", [member("a")], [
        entry("2019-01-05", "a", "complain"),                       # E302 → did you mean complaint
        entry("2019-01-06", "a", "complaint", points=5),            # E601 fixed 3 points
        entry("2019-01-07", "a", "honour"),                         # E603 level missing
        entry("2019-01-08", "a", "honour", level="省级"),             # E603 unknown level
        entry("2019-01-09", "a", "other_deduct", points=9),         # E606 open range 0.5–3
        entry("2019-01-10", "a", "other_deduct"),                   # E606 points missing
    ], [votes(2019, "a", 全体={"优": 3})])                          # E605 unknown option
    got = [(d.code, d.path) for d in ds]
    assert ("E302", ("item",)) in got
    assert next(d for d in ds if d.code == "E302").hint.startswith("是不是想写 complaint")
    assert ("E601", ("points",)) in got
    assert [c for c, _ in got].count("E603") == 2
    assert [c for c, _ in got].count("E606") == 2
    assert any(c == "E605" for c, _ in got)
    assert all(d.file for d in ds)


def test_quantity_missing_and_category():
    ds = diags_for("fuxing", [member("a", category="hom")], [entry("2019-01-05", "a", "public_good")])
    d = next(d for d in ds if d.code == "E303")
    assert d.path == ("a", "category") and "home" in d.hint


def test_band_evaluation_needs_score_in_range():
    raw = """
format: 1
scheme: 测试
sections:
  - {code: daily, name: 日常, kind: base, full: 75, items: [{code: absent, name: 缺席, points: 2},
     {code: app, name: 学习强国, points: 1, per: 500}]}
  - {code: ev, name: 评议, kind: evaluation, full: 25, method: band, bands: {优秀: [23, 25], 不合格: 0}}
total: {method: sum}
"""
    ds = diags_for(raw, [member("a")], [entry("2019-01-05", "a", "app")], [band(2019, "a", "优秀")])
    assert {"E602", "E605"} <= {d.code for d in ds}
