"""meetings/YEAR.yaml — the sessions a branch held (RULES.md §7.4, FORMAT.md): loading,
`jifen check` (E205 date, E407 date outside the year, E203 unknown key, E305 duplicate,
E207 file name), and the W601 warning of a ``kind: rate`` rule without the year's file.
Real branches in temp dirs, through the whole check pipeline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from ledgerkit import PRESET, RULES_REL, check, errors, find, make_branch

from jifen_cli.core import engine
from jifen_cli.core.loader import load_branch

MEETINGS = "meetings/2019.yaml"

GOOD = """\
# 2019 年支部召开的会议
meetings:
  - {date: 2019-01-05, kind: org_life, name: 一月主题党日}
  - date: 2019-02-05
    kind: org_life
    name: 二月主题党日
  - {date: 2019-03-05, kind: study, name: 集体学习}
  - {date: 2019-03-05, kind: org_life, name: 三月主题党日}
  - {date: 2019-04-05, name: 四月主题党日}
"""

RATE_RULE = """
absence:
  - code: low_attendance
    name: 年内无故参学参会率不足80%
    kind: rate
    missed: [absent]
    below: 80%
    section: daily
    points: 5
"""


def rules_with_rate(root):
    """The fixture branch's xingshi rules plus a rate rule on its `absent` item."""
    (root / RULES_REL).write_text(PRESET.read_text(encoding="utf-8") + RATE_RULE, encoding="utf-8")
    return root


def test_meetings_are_loaded_per_year(tmp_path):
    root = make_branch(tmp_path, {MEETINGS: GOOD, "meetings/2020.yaml": "# 还没有会议\n"})
    ledger, diags = load_branch(root)
    assert errors(diags) == []
    assert sorted(ledger.meetings) == [2019, 2020] and ledger.meetings[2020] == []
    got = [(m.date, m.kind, m.name) for m in ledger.meetings[2019]]
    assert got[0] == (date(2019, 1, 5), "org_life", "一月主题党日")
    assert got[4] == (date(2019, 4, 5), None, "四月主题党日")
    assert ledger.meetings[2019][1].loc.path == ("meetings", 1)
    _, diags = check(root)
    assert errors(diags) == []


def test_no_meetings_directory_is_fine(tmp_path):
    ledger, _ = load_branch(make_branch(tmp_path))
    assert ledger.meetings == {}


def test_bad_date_is_e205_at_its_line(tmp_path):
    text = GOOD.replace("date: 2019-02-05", "date: 2019-02-30")
    root = make_branch(tmp_path, {MEETINGS: text})
    ledger, diags = check(root)
    d = find(diags, "E205")[0]
    assert (d.file, d.line) == (MEETINGS, 4)
    assert len(ledger.meetings[2019]) == 4  # the unreadable one is left out
    assert [x.code for x in errors(diags)] == ["E205"]


def test_date_outside_the_files_year_is_e407(tmp_path):
    text = GOOD.replace("{date: 2019-04-05, name: 四月主题党日}", "{date: 2018-04-05, name: 四月主题党日}")
    _, diags = check(make_branch(tmp_path, {MEETINGS: text}))
    assert [(d.code, d.file, d.line) for d in errors(diags)] == [("E407", MEETINGS, 9)]
    assert "meetings/2018.yaml" in errors(diags)[0].hint


def test_unknown_key_is_e203_with_a_hint(tmp_path):
    text = GOOD.replace("name: 一月主题党日", "名称: 一月主题党日").replace("kind: study", "knd: study")
    _, diags = check(make_branch(tmp_path, {MEETINGS: text}))
    found = {(d.line, d.hint) for d in find(diags, "E203")}
    assert found == {(3, "字段名请用英文：name"), (7, "是不是“kind”？")}
    assert [d.code for d in errors(diags)] == ["E203", "E203"]


def test_top_level_key_misspelt(tmp_path):
    _, diags = check(make_branch(tmp_path, {MEETINGS: GOOD.replace("meetings:", "meeting:")}))
    d = find(diags, "E203")[0]
    assert d.file == MEETINGS and "meetings" in d.hint


def test_duplicate_session_is_e305_at_the_second(tmp_path):
    text = GOOD + "  - {date: 2019-03-05, kind: study, name: 集体学习}\n"
    _, diags = check(make_branch(tmp_path, {MEETINGS: text}))
    assert [(d.code, d.line) for d in errors(diags)] == [("E305", 10)]
    # same day, same kind, another name: two sessions, fine
    text = GOOD + "  - {date: 2019-03-05, kind: study, name: 专题辅导}\n"
    assert errors(check(make_branch(tmp_path / "b", {MEETINGS: text}))[1]) == []


def test_bad_file_name_is_e207(tmp_path):
    _, diags = check(make_branch(tmp_path, {"meetings/二〇一九.yaml": GOOD}))
    assert [(d.code, d.file) for d in errors(diags)] == [("E207", "meetings/二〇一九.yaml")]


def test_rate_rule_without_the_years_file_warns_w601_at_the_rule(tmp_path):
    root = rules_with_rate(make_branch(tmp_path))
    _, diags = check(root)
    assert errors(diags) == []
    w = find(diags, "W601")
    assert len(w) == 1 and w[0].file == RULES_REL and w[0].line is not None
    assert "meetings/2019.yaml" in w[0].message and "年内无故参学参会率不足80%" in w[0].message
    # with the file: no warning, and the rule is judged
    (root / "meetings").mkdir()
    (root / MEETINGS).write_text(GOOD, encoding="utf-8")
    ledger, diags = check(root)
    assert [d for d in diags if d.code == "W601"] == []
    # M001: the January `absent` was corrected to `leave` in March (−1): 0 missed of 5 → 100 %
    row = engine.year_result(ledger, 2019).member("M001").row
    assert row.sections["daily"] == D(99)
    assert any("全年应参加5次，无故缺席0次" in s.text and "不扣分" in s.text for s in row.steps)


def test_format_doc_documents_the_meeting_fields_and_codes():
    from pathlib import Path

    from jifen_cli.core.loader import MEETING_FIELDS

    doc = (Path(__file__).resolve().parents[2] / "docs" / "FORMAT.md").read_text(encoding="utf-8")
    assert "## 8a. meetings/ 会议记录" in doc
    assert [f for f in MEETING_FIELDS if f"| `{f}` |" not in doc] == []
    assert all(f"| {code} |" in doc for code in ("E407", "E512", "W601"))
