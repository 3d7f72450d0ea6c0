"""The week notice of a yearly scheme (xingshi): a member exempt from points and graded
from the year-end evaluation alone (钱七, M004; 种子000 二、2) has nothing to show or rank
mid-year — “—”, not 0 and last place — and the others are ranked among themselves."""

from __future__ import annotations

from datetime import date

from ledgerkit import make_branch

from jifen_cli.core.loader import load_branch
from jifen_cli.core.periods import Week
from jifen_cli.render.notices import build_notice


def test_exempt_member_shows_dashes_and_takes_no_rank(tmp_path):
    ledger, _ = load_branch(make_branch(tmp_path / "b"))
    n = build_notice(ledger, Week.parse("2019-W03"), date(2019, 1, 21))
    running = {m["name"]: m["running"] for m in n["members"]}
    assert set(running["钱七"]) == {"—"}
    ranks = [r[-1] for name, r in running.items() if name != "钱七"]
    # 张三 −5 (January absence, its March correction not yet made), 李四 −1, the others 0;
    # 王五 joins in March but is in the year's table: five ranked members
    assert all(r.endswith("/5") for r in ranks), running
    assert running["张三"][-1] == "5/5" and running["李四"][-1] == "4/5"
