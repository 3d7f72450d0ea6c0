"""A year-to-date score (a monthly notice's running total) must not apply rules on the
absence of events to months that have not happened yet (RULES.md §7)."""

from datetime import date
from decimal import Decimal as D

from jifen_cli.core import engine

from .helpers import entry, ledger, member

RULES = """
format: 1
scheme: 缺项规则
sections:
  - code: daily
    name: 日常
    kind: base
    full: 100
    items:
      - {code: org_life, name: 参加组织生活, points: 0}
      - {code: dues, name: 按月交纳党费, points: 0}
absence:
  - {code: org_min, name: 组织生活不少于4次, kind: minimum, items: [org_life], measure: times,
     min: 4, section: daily, points: 1}
  - {code: no_dues, name: 连续3个月未交党费, kind: consecutive, months: 3, without: [dues],
     section: daily, points: 10}
total: {method: sum}
"""


def _daily(led, horizon=None):
    return engine.score(led, 2019, horizon=horizon).row("a").sections["daily"]


def test_yearly_minimum_waits_for_the_year_end():
    # one org-life session, dues paid every month: the only absence is the minimum
    entries = [entry("2019-01-10", "a", "org_life")] + [
        entry(f"2019-{m:02d}-05", "a", "dues") for m in range(1, 13)]
    led = ledger(RULES, [member("a")], entries)
    # the finished year: 4 required, 1 held → 3 short × 1 = 3 → 100 − 3 = 97
    assert _daily(led) == D("97")
    # a January notice's running total: the year is not over, nothing to settle yet
    assert _daily(led, horizon=date(2019, 1, 31)) == D("100")
    # on the last day the year is over and the minimum is settled
    assert _daily(led, horizon=date(2019, 12, 31)) == D("97")


def test_consecutive_months_count_only_months_begun():
    # four sessions (minimum met); dues paid in January only
    entries = [entry(f"2019-0{m}-10", "a", "org_life") for m in (1, 2, 3, 4)] + [
        entry("2019-01-05", "a", "dues")]
    led = ledger(RULES, [member("a")], entries)
    # by the end of February only one month without dues has passed: no deduction
    assert _daily(led, horizon=date(2019, 2, 28)) == D("100")
    # February, March, April without dues = 3 months running → −10 once: 100 − 10 = 90
    assert _daily(led, horizon=date(2019, 4, 30)) == D("90")
    assert _daily(led) == D("90")


ABSCORE = """
format: 1
scheme: A分按月
period: month
combine: average
sections:
  - code: a
    name: A分
    kind: base
    full: 100
    floor: none
    items:
      - {code: late, name: 迟到早退, points: 2}
      - {code: absent, name: 旷工, points: 10}
total: {method: sum, cap: 100}
"""


def test_a_year_in_progress_combines_only_the_months_begun():
    """种子001 公司 A/B 分（年度 A 分为各月 A 分的平均）：on 10 March the year-to-date
    average is over January, February and March, not over twelve months of which nine
    are still to come at the full 100."""
    entries = [entry("2019-01-15", "a", "absent"), entry("2019-02-03", "a", "late"),
               entry("2019-03-05", "a", "late")]
    led = ledger(ABSCORE, [member("a")], entries)
    # January 90, February 98, March 98 → (90 + 98 + 98) / 3 = 95.33
    assert engine.score(led, 2019, horizon=date(2019, 3, 10)).row("a").total == D("95.33")
    # the finished year: (90 + 98 + 98 + 9 × 100) / 12 = 98.83
    assert engine.score(led, 2019).row("a").total == D("98.83")
    # a quarter in progress on 20 February: January and February → (90 + 98) / 2 = 94
    assert engine.score(led, "2019-Q1", horizon=date(2019, 2, 20)).row("a").total == D("94")


def test_consecutive_months_run_across_the_new_year():
    """RULES.md §7.2 (党章第九条 “连续六个月”; 种子001 复兴镇(三)4, 区委组织部(四)4): a run of
    months without dues counts across 31 December.  Here 3 months: dues paid every month of
    2018 up to October, none in November, December and January → the run ends in January
    2019 and counts in 2019 (100 − 10), not in 2018.  A run that already reached 3 months in
    2018 (August–October) counts there and not again while it goes on into 2019."""
    paid = [entry(f"2018-{m:02d}-05", "a", "dues") for m in range(1, 11)] + [
        entry(f"2019-{m:02d}-05", "a", "dues") for m in range(2, 13)]
    entries = paid + [entry(f"2018-{m:02d}-10", "a", "org_life") for m in range(1, 5)] + [
        entry(f"2019-{m:02d}-10", "a", "org_life") for m in range(2, 6)]
    led = ledger(RULES, [member("a")], entries, start="2018-01-01")
    assert _daily(led) == D("90")                                   # Nov, Dec, Jan
    assert engine.score(led, 2018).row("a").sections["daily"] == D("100")
    # dues paid up to July 2018 and from March 2019: the run reached 3 in October 2018
    early = [e for e in paid if e.date < date(2018, 8, 1) or e.date >= date(2019, 3, 1)]
    led = ledger(RULES, [member("a")], early + entries[len(paid):], start="2018-01-01")
    assert engine.score(led, 2018).row("a").sections["daily"] == D("90")
    assert _daily(led) == D("100")                                  # the same run: not again
    # a previous year without any entry is not recorded: unknown, not months without —
    # January 2019 alone is one month
    led = ledger(RULES, [member("a")], [e for e in entries if e.date.year == 2019] + paid[10:])
    assert _daily(led) == D("100")
