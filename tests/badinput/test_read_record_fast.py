"""loader.read_record's fast path gives exactly what the full path gives: same values
(same types), same None for unusable records, same diagnostics."""

from __future__ import annotations

import itertools
import random
from datetime import date
from decimal import Decimal

import pytest

from jifen_cli.core import loader
from jifen_cli.core.model import Loc

VALUES = [
    None, "", " ", "A001", " A001 ", "A001\n", "Ａ００１", "M 1", "党员甲", "2019-01-15",
    "2019-1-15", "2019-02-30", "２０１９－０１－１５", "2019-01-15 ", "2019/01/15", "0019-01-15",
    "١٩٩٩-01-15", 12, -3, 0, 10**9, -(10**9), 10**9 - 1, True, False, 1.5, "1.5", "2分", "-2",
    "两分", [], ["a"], {}, {"a": 1}, date(2019, 1, 15), "confirmed", "作废", "voided", "x" * 70,
]


def _both(data, fields):
    out = []
    for fast in (True, False):
        loader._FAST_PATH = fast
        try:
            diags: list = []
            rec = loader.read_record(data, Loc("x.yaml"), fields, "记录", diags)
            out.append((rec, [(type(v).__name__, v) for v in (rec or {}).values()],
                        [repr(d) for d in diags]))
        finally:
            loader._FAST_PATH = True
    return out


@pytest.mark.parametrize("fields", [loader.ENTRY_FIELDS, loader.MEMBER_FIELDS,
                                    loader.EVALUATION_FIELDS, loader.OBJECTION_FIELDS])
def test_fast_path_equals_full_path_field_by_field(fields):
    base = {name: "A1" for name, spec in fields.items() if spec.required}
    for name, value in itertools.product(fields, VALUES):
        data = dict(base)
        data[name] = value
        fast, full = _both(data, fields)
        assert fast == full, (name, value)


def test_fast_path_equals_full_path_on_random_records():
    rnd = random.Random(6)
    fields = loader.ENTRY_FIELDS
    keys = list(fields) + ["extra", "备注"]
    for _ in range(3000):
        data = {k: rnd.choice(VALUES) for k in rnd.sample(keys, rnd.randint(0, 8))}
        fast, full = _both(data, fields)
        assert fast == full, data
    assert _both("not a mapping", fields)[0] == _both("not a mapping", fields)[1]


def test_common_entry_takes_the_fast_path_and_is_typed():
    diags: list = []
    rec = loader.read_record({"id": "E1", "date": "2019-01-15", "member": "M001", "item": "meeting",
                              "times": 2, "note": "按时参加"}, Loc("x.yaml"), loader.ENTRY_FIELDS,
                             "条目", diags)
    assert diags == []
    assert rec["date"] == date(2019, 1, 15) and rec["times"] == Decimal(2)
    assert type(rec["times"]) is Decimal and rec["status"] == loader.ENTRY_FIELDS["status"].default
