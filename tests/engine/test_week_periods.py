"""ISO weeks (``jifen week``): parsing, ranges, labels, and that a week never becomes a
scoring period of a rules file."""

from datetime import date

import pytest

from jifen_cli.core.periods import WEEK, Period, Week, weeks_in


@pytest.mark.parametrize("text", ["2019-W05", "2019w5", "2019-W5", "2019W05", " 2019-w05 "])
def test_spellings_of_one_week(text):
    w = Week.parse(text)
    assert (w.year, w.index, w.kind, w.code) == (2019, 5, WEEK, "2019-W05")
    assert (w.start, w.end) == (date(2019, 1, 28), date(2019, 2, 3))  # Monday … Sunday
    assert w.label == "2019年第5周（1月28日—2月3日）"
    assert str(w) == "2019-W05"


def test_week_crossing_the_year():
    # ISO week 1 is the week with Jan 4th: 2019-W01 starts on Monday 2018-12-31
    w = Week.parse("2019-W01")
    assert (w.start, w.end) == (date(2018, 12, 31), date(2019, 1, 6))
    assert w.label == "2019年第1周（2018年12月31日—2019年1月6日）"
    assert Week.containing(date(2018, 12, 31)) == w
    assert w.contains(date(2018, 12, 31)) and not w.contains(date(2019, 1, 7))


def test_53_week_years():
    assert weeks_in(2020) == 53 and weeks_in(2015) == 53 and weeks_in(2019) == 52
    w = Week.parse("2020-W53")
    assert (w.start, w.end) == (date(2020, 12, 28), date(2021, 1, 3))
    assert Week.containing(date(2021, 1, 3)) == w
    assert Week.containing(date(2021, 1, 4)) == Week.parse("2021-W01")


@pytest.mark.parametrize("text, words", [
    ("2019-W54", "2019年只有52周"),
    ("2019-W53", "2019年只有52周"),  # 2019 has 52 ISO weeks
    ("2019-W00", "只有52周"),
    ("2019-5", "ISO 周"),
    ("第5周", "ISO 周"),
    ("", "ISO 周"),
])
def test_bad_weeks_say_why_in_chinese(text, words):
    with pytest.raises(ValueError) as exc:
        Week.parse(text)
    assert words in str(exc.value) and "无法识别的周" in str(exc.value)


def test_scoring_period_is_the_one_of_the_sunday():
    w = Week.parse("2019-W05")  # Jan 28 – Feb 3
    assert w.scoring_period("month") == Period.parse("2019-02")
    assert w.scoring_period("quarter") == Period.parse("2019-Q1")
    assert w.scoring_period("year") == Period.parse("2019")
    assert Week.parse("2019-W01").scoring_period("year") == Period.parse("2019")
    assert Week.parse("2020-W53").scoring_period("month") == Period.parse("2021-01")


def test_a_week_is_not_a_scoring_period():
    with pytest.raises(ValueError) as exc:
        Period.parse("2019-W05")
    assert "jifen week" in str(exc.value)
    from jifen_cli.core.presets import preset_data
    from jifen_cli.core.rules import compile_rules

    data = preset_data("abscore")
    data["period"] = "week"
    _, diags = compile_rules(data, "rules/abscore.yaml")
    assert [d.code for d in diags if d.is_error] == ["E510"]
    assert "month / quarter / half / year" in diags[0].message
