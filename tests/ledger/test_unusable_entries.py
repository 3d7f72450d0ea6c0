"""An entry whose required field is broken (FORMAT.md §5: date, member, item, id) is
reported with *all* its problems but takes no part in scoring (loader.LoadedLedger)."""

from __future__ import annotations

from decimal import Decimal

from ledgerkit import entries, make_branch

from jifen_cli.core import engine
from jifen_cli.core.checks import check_branch
from jifen_cli.core.loader import load_branch, unusable_entries

MAY = "events/2019/2019-05.yaml"


def test_broken_date_is_checked_but_not_scored(tmp_path):
    # 李四 (M023): January `leave` (1 point, xingshi daily, seed 000 倒扣分制) → daily 99;
    # the May `absent` (5 points) has a date that does not exist, so it does not count
    root = make_branch(tmp_path / "b", {MAY: entries(
        "id: 2019-05-001\ndate: 2019-05-32\nmember: M023\nitem: absent")})
    ledger, _ = load_branch(root)
    assert [e.id for e in unusable_entries(ledger)] == ["2019-05-001"]
    assert unusable_entries(ledger)[0].date is None
    assert "2019-05-001" not in {e.id for e in ledger.entries}
    assert engine.score(ledger, 2019).row("M023").sections["daily"] == Decimal(99)
    _, diags = check_branch(root)
    assert [(d.file, d.line, d.code) for d in diags if d.is_error] == [(MAY, 3, "E205")]


def test_all_problems_of_the_broken_entry(tmp_path):
    root = make_branch(tmp_path / "b", {MAY: entries(
        "id: 2019-05-001\ndate: 2019-13-45\nmember: M999\nitem: nosuch")})
    _, diags = check_branch(root)
    assert [(d.file, d.line, d.col, d.code) for d in diags if d.is_error] == [
        (MAY, 3, 5, "E205"), (MAY, 4, 5, "E301"), (MAY, 5, 5, "E302")]
