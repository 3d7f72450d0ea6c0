"""A correction made after a month's notice was published appears in the next notice
(“本期更正的以往条目”): a month cannot be published twice, and a member's running total
must never change on the board without a line saying why.  Real repository, real CLI."""

from __future__ import annotations

from reckit import run_cli, run_proc


def test_correction_after_publication_is_on_the_next_notice(branch):
    assert run_cli(["-C", str(branch), "publish", "2019-01", "--date", "2019-02-01"]).code == 0
    # reckit's today is 2019-02-03: the correction is recorded in February
    r = run_cli(["-C", str(branch), "correct", "2019-01-001", "--item", "leave", "--reason", "核实有请假"])
    assert r.code == 0, r.text
    r = run_cli(["-C", str(branch), "void", "2019-01-002", "--reason", "重复记录"])
    assert r.code == 0, r.text
    r = run_cli(["-C", str(branch), "publish", "2019-02", "--date", "2019-03-01"], env={"JIFEN_TODAY": "2019-03-01"})
    assert r.code == 0, r.text
    md = (branch / "published/2019-02.md").read_text(encoding="utf-8")
    assert "更正以往的条目 2 条（见下）" in md
    assert "## 本期更正的以往条目" in md
    lines = [x for x in md.splitlines() if x.startswith("- 2019-01-")]
    assert len(lines) == 2, md
    assert "张三　2019年1月15日的条目 2019-01-001：原为 无故缺席“三会一课”或组织生活 -5分，" \
           "更正为 组织生活请假 -1分（核实有请假），2月3日登记" in lines[0]
    assert "李四　2019年1月20日的条目 2019-01-002：原为 组织生活请假 -1分，作废（不计分）（重复记录），2月3日登记" \
        in lines[1]
    # the January notice as published is untouched, and verify agrees
    assert "本期更正的以往条目" not in (branch / "published/2019-01.md").read_text(encoding="utf-8")
    r = run_proc(["-C", str(branch), "verify"])
    assert r.code == 0, r.text


def test_a_declaration_voided_after_publication_reads_as_voided(branch):
    """A declaration made in January, still pending when January was published, voided in
    February: the February notice says 申报 … 作废（不计分）, not “认定为”."""
    r = run_cli(["-C", str(branch), "declare", "M003", "absent", "--date", "2019-01-25"])
    assert r.code == 0, r.text
    assert run_cli(["-C", str(branch), "publish", "2019-01", "--date", "2019-02-01"]).code == 0
    r = run_cli(["-C", str(branch), "void", "2019-01-003", "--reason", "记错了"])
    assert r.code == 0, r.text
    r = run_cli(["-C", str(branch), "month", "2019-02", "-f", "md", "--date", "2019-03-01"],
                env={"JIFEN_TODAY": "2019-03-01"})
    line = next(x for x in r.out.splitlines() if "2019-01-003：" in x)
    assert "：申报 无故缺席“三会一课”或组织生活 -5分，作废（不计分）（记错了）" in line and "认定为" not in line, line
