"""Period parsing, ranges and Chinese labels."""

from datetime import date

import pytest

from jifen_cli.core.periods import Period


@pytest.mark.parametrize("text, kind, index, start, end, label", [
    ("2019", "year", 1, date(2019, 1, 1), date(2019, 12, 31), "2019年"),
    ("2019-H1", "half", 1, date(2019, 1, 1), date(2019, 6, 30), "2019年上半年"),
    ("2019-h2", "half", 2, date(2019, 7, 1), date(2019, 12, 31), "2019年下半年"),
    ("2019-Q1", "quarter", 1, date(2019, 1, 1), date(2019, 3, 31), "2019年第一季度"),
    ("2019-Q4", "quarter", 4, date(2019, 10, 1), date(2019, 12, 31), "2019年第四季度"),
    ("2019-01", "month", 1, date(2019, 1, 1), date(2019, 1, 31), "2019年1月"),
    ("2020-2", "month", 2, date(2020, 2, 1), date(2020, 2, 29), "2020年2月"),
])
def test_parse(text, kind, index, start, end, label):
    p = Period.parse(text)
    assert (p.kind, p.year, p.index, p.start, p.end, p.label) == (kind, int(text[:4]), index, start, end, label)
    assert Period.parse(p.code) == p


@pytest.mark.parametrize("bad", ["19", "2019-13", "2019-Q5", "2019-H3", "2019/01", "abc", "2019-00"])
def test_parse_errors_are_chinese_value_errors(bad):
    with pytest.raises(ValueError) as err:
        Period.parse(bad)
    assert "期间" in str(err.value)


def test_months_contains_of_month_subperiods():
    q2 = Period.parse("2019-Q2")
    assert [m.code for m in q2.months()] == ["2019-04", "2019-05", "2019-06"]
    assert q2.contains(date(2019, 6, 30)) and not q2.contains(date(2019, 7, 1))
    assert Period.of_month(date(2019, 5, 17)) == Period.parse("2019-05")
    assert [p.code for p in Period.parse("2019").subperiods("quarter")] == ["2019-Q1", "2019-Q2", "2019-Q3", "2019-Q4"]
    assert Period.containing(date(2019, 8, 1), "half").code == "2019-H2"
    with pytest.raises(ValueError):
        Period.parse("2019-01").subperiods("year")


def test_period_written_the_way_people_write_it():
    """A recorder types 2019Q3, 2019年3月, 2019年第三季度 or full-width digits as often as
    2019-Q3: all read the same; nothing else is guessed (20193 is not a quarter)."""
    from jifen_cli.core.periods import Period

    same = {
        "2019-Q3": ["2019Q3", "2019q3", "2019年第三季度", "2019年3季度", "2019三季度", "２０１９Ｑ３"],
        "2019-H1": ["2019H1", "2019年上半年", "2019上半年"],
        "2019-H2": ["2019年下半年"],
        "2019-03": ["2019年3月", "2019年03月", "2019年3月份", "２０１９－０３"],
        "2019": ["2019年", "2019年度"],
    }
    for code, texts in same.items():
        for text in texts:
            assert Period.parse(text).code == code, text
    for bad in ("20193", "2019年13月", "2019年第五季度", "2019年中"):
        try:
            Period.parse(bad)
        except ValueError as exc:
            assert "应写成" in str(exc) or "月份应在" in str(exc), bad
        else:
            raise AssertionError(f"{bad} was accepted")


def test_week_written_in_chinese():
    from jifen_cli.core.periods import parse_notice_period

    assert parse_notice_period("2019年第5周").code == parse_notice_period("2019年5周").code == "2019-W05"
    assert parse_notice_period("2019年5").code == "2019-05"  # no 周: a month, not a week
