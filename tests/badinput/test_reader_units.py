"""Unit tests of the lenient-but-strict reading rules in yamlio and values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jifen_cli.core import values as V
from jifen_cli.core.yamlio import decode, parse_text


@pytest.mark.parametrize("text,value", [
    ("a: 12", 12), ("a: -3", -3), ("a: +4", 4), ("a: 0", 0),
    ("a: 0x10", "0x10"), ("a: 017", "017"), ("a: 1:30", "1:30"), ("a: 1_000", "1_000"),
    ("a: 0b101", "0b101"), ("a: 1.5", "1.5"), ("a: 2019-01-15", "2019-01-15"), ("a: .nan", ".nan"),
    ("a: yes", "yes"), ("a: on", "on"), ("a: true", True), ("a: FALSE", False), ("a: ~", None),
    ("a: =", "="), ("a: <<", "<<"), ("a: " + "9" * 30, "9" * 30),
])
def test_only_plain_decimal_integers_are_numbers(text, value):
    data, diags = parse_text(text, "x.yaml")
    assert diags == [] and data == {"a": value}


def test_fullwidth_colon_inside_a_block_scalar_is_left_alone():
    text = "note: |\n  原因：生病\n  地点：医院\nid: A\n"
    data, diags = parse_text(text, "x.yaml")
    assert diags == [] and data == {"note": "原因：生病\n地点：医院\n", "id": "A"}


def test_fullwidth_colon_key_is_accepted_with_a_warning_per_line():
    data, diags = parse_text("id：A\ndate：2019-01-15\nnote: 时间：上午\n", "x.yaml")
    assert data == {"id": "A", "date": "2019-01-15", "note": "时间：上午"}
    assert [(d.code, d.line) for d in diags] == [("W102", 1), ("W102", 2)]


@pytest.mark.parametrize("raw,note", [
    ("成员".encode("utf-8"), None),
    ("\ufeff成员".encode("utf-8"), None),
    ("成员: 张三".encode("gbk"), "GB18030/GBK"),
    ("成员: 张三".encode("utf-16"), "UTF-16"),
    ("members: [M001]".encode("utf-16-le"), "UTF-16"),
    ("members: [M001]".encode("utf-16-be"), "UTF-16"),
])
def test_decode(raw, note):
    text, got = decode(raw)
    assert got == note
    assert "成员" in text or "members" in text


def test_decode_refuses_binary():
    with pytest.raises(UnicodeError):
        decode(bytes(range(256)))


@pytest.mark.parametrize("value,number,code", [
    ("-2", Decimal(-2), None), ("０．５", Decimal("0.5"), "W202"), ("－２", Decimal(-2), "W202"),
    ("2分", Decimal(2), "W202"), ("两分", None, "E206"), ("1e3", None, "E206"),
    (10**12, None, "E206"), ("9" * 30, None, "E206"), ("x" * 1000, None, "E206"), (True, None, "E206"),
])
def test_parse_decimal(value, number, code):
    got, problem = V.parse_decimal(value)
    assert got == number
    assert (problem.code if problem else None) == code
    if problem:
        assert len(problem.message) < 120  # user text is shortened


@pytest.mark.parametrize("value,date,code", [
    ("2019-01-15", "2019-01-15", None), ("２０１９－０１－１５", "2019-01-15", "W201"),
    ("2019/1/15", None, "E205"), ("2019年1月15日", None, "E205"), ("2019-02-29", None, "E205"),
    (20190115, None, "E205"), ([2019], None, "E205"), ("0000-01-01", None, "E205"),
])
def test_parse_date(value, date, code):
    got, problem = V.parse_date(value)
    assert (got.isoformat() if got else None) == date
    assert (problem.code if problem else None) == code


@pytest.mark.parametrize("value,out,code", [
    ("M001", "M001", None), ("M００１", "M001", "W203"), ("Ｍ００１", "M001", "W203"), ("  ", None, "E204"),
    ([1], None, "E201"),
])
def test_parse_id(value, out, code):
    got, problem = V.parse_id(value)
    assert got == out and (problem.code if problem else None) == code
