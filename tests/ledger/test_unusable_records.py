"""Evaluation and objection records whose required field is broken (FORMAT.md §7, §8):
every problem of the record is reported, but the record takes no part in scoring,
grading or the notices (loader.unusable_evaluations / unusable_objections)."""

from __future__ import annotations

from decimal import Decimal

from ledgerkit import EVALUATIONS, make_branch

from jifen_cli.core import engine
from jifen_cli.core.checks import check_branch
from jifen_cli.core.loader import load_branch, unusable_evaluations, unusable_objections

EVAL = "evaluations/2019.yaml"
OBJ = "objections/2019.yaml"

# ledgerkit's evaluations: M001 97.8 (evaluation section), M023 87.27
M001_EVALUATION = Decimal("97.80")
M023_EVALUATION = Decimal("87.27")


def errors(diags):
    return [(d.file, d.line, d.col, d.code) for d in diags if d.is_error]


def test_broken_later_evaluation_does_not_replace_the_good_one(tmp_path):
    # a second record for 李四 (M023, by name) whose votes cannot be read: had it been
    # scored it would have been the one used (the last record of the year) and given 0
    root = make_branch(tmp_path / "b", {EVAL: EVALUATIONS + "  - member: 李四\n    votes: [4, 8]\n"})
    ledger, _ = load_branch(root)
    assert [(ev.member, ev.loc.path) for ev in unusable_evaluations(ledger)] == [("M023", ("results", 2))]
    assert [ev.member for ev in ledger.evaluations] == ["M001", "M023"]
    table = engine.score(ledger, 2019)
    assert table.row("M023").sections["evaluation"] == M023_EVALUATION
    year = engine.year_result(ledger, 2019)
    assert year.member("M023").row.sections["evaluation"] == M023_EVALUATION
    _, diags = check_branch(root)
    assert errors(diags) == [(EVAL, 12, 5, "E305"), (EVAL, 12, 5, "E605"), (EVAL, 13, 5, "E201")]


def test_evaluation_with_unreadable_period_is_not_taken_for_the_year(tmp_path):
    # "H3" is no period: read as a yearly record, this later one (all votes 不合格) would
    # have replaced M023's real result; it is reported and never scored instead
    bad = ("  - member: M023\n    period: H3\n    votes:\n"
           "      群众: {不合格: 12}\n      党员: {不合格: 11}\n      支委: {不合格: 3}\n")
    root = make_branch(tmp_path / "b", {EVAL: EVALUATIONS + bad})
    ledger, _ = load_branch(root)
    assert [(ev.member, ev.period, ev.loc.path) for ev in unusable_evaluations(ledger)] == \
        [("M023", None, ("results", 2))]
    assert engine.score(ledger, 2019).row("M023").sections["evaluation"] == M023_EVALUATION
    _, diags = check_branch(root)
    assert errors(diags) == [(EVAL, 12, 5, "E305"), (EVAL, 13, 5, "E204")]


def test_evaluation_with_broken_member_is_checked_not_scored(tmp_path):
    text = EVALUATIONS.replace("  - member: M001\n", "  - member: [M001]\n").replace(
        "群众: {优秀: 10,", "群众: {优秀: -10,").replace("支委: {优秀: 3,", "外人: {优秀: 3,", 1)
    root = make_branch(tmp_path / "b", {EVAL: text})
    ledger, _ = load_branch(root)
    [broken] = unusable_evaluations(ledger)
    assert broken.member is None and broken.loc.path == ("results", 0)
    assert [ev.member for ev in ledger.evaluations] == ["M023"]
    table = engine.score(ledger, 2019)
    assert table.row("M001").sections["evaluation"] == Decimal(0)  # no usable record
    assert table.row("M023").sections["evaluation"] == M023_EVALUATION
    _, diags = check_branch(root)
    assert errors(diags) == [(EVAL, 2, 5, "E201"), (EVAL, 4, 12, "E206"), (EVAL, 6, 7, "E605")]


def test_evaluation_without_result_for_unknown_member(tmp_path):
    root = make_branch(tmp_path / "b", {EVAL: EVALUATIONS + "  - member: M999\n    note: 漏填\n"})
    ledger, _ = load_branch(root)
    assert [ev.member for ev in unusable_evaluations(ledger)] == ["M999"]
    assert engine.score(ledger, 2019).row("M001").sections["evaluation"] == M001_EVALUATION
    _, diags = check_branch(root)
    assert errors(diags) == [(EVAL, 12, 5, "E202"), (EVAL, 12, 5, "E301"), (EVAL, 12, 5, "E605")]


OBJECTION = """\
objections:
  - id: Y2019-001
    entry: 2019-01-009
    by: M999
    date: 2019-13-01
    reason: 已请假
  - id: Y2019-001
    entry: 2019-03-001
    by: 王五
    date: 2019-04-02
    reason: 已补学
"""


def test_objection_with_broken_date_reports_its_other_problems(tmp_path):
    root = make_branch(tmp_path / "b", {OBJ: OBJECTION})
    ledger, _ = load_branch(root)
    [broken] = unusable_objections(ledger)
    assert (broken.id, broken.entry, broken.by, broken.date) == ("Y2019-001", "2019-01-009", "M999", None)
    assert [o.entry for o in ledger.objections] == ["2019-03-001"]  # the notices see this one only
    _, diags = check_branch(root)
    assert errors(diags) == [(OBJ, 3, 5, "E306"), (OBJ, 4, 5, "E301"), (OBJ, 5, 5, "E205"),
                             (OBJ, 7, 5, "E305")]
    hints = {d.code: d.hint for d in diags}
    assert "是不是“2019-01-002”" in hints["E306"]


def test_objection_by_name_is_read_as_the_member_id(tmp_path):
    # FORMAT.md §8: `by` may be the objector's name, like an entry's `member`; a name
    # written with other spacing is accepted with W302, a name two members share is E307
    text = OBJECTION.replace("by: M999", "by: 王 五").replace("date: 2019-13-01", "date: 2019-04-01") \
        .replace("id: Y2019-001\n    entry: 2019-03-001", "id: Y2019-002\n    entry: 2019-03-001")
    root = make_branch(tmp_path / "b", {OBJ: text})
    ledger, diags = load_branch(root)
    assert [o.by for o in ledger.objections] == ["M002", "M002"]
    assert [(d.file, d.code) for d in diags if d.severity == "warning" and d.file == OBJ] == [(OBJ, "W302")]

    from ledgerkit import MEMBERS
    twins = MEMBERS + "  - {id: M046, name: 王五, category: ordinary}\n"
    root = make_branch(tmp_path / "c", {OBJ: text, "members.yaml": twins})
    _, diags = check_branch(root)
    assert (OBJ, 9, 5, "E307") in errors(diags), errors(diags)
    assert not [d for d in diags if d.code == "E301"]


def test_members_without_an_evaluation_are_warned_and_the_exempt_one_is_not_graded(tmp_path):
    """A forgotten evaluation line counts 0 (RULES.md §8): once a year's results are being
    entered, every member they apply to without one gets W410.  ledgerkit records results
    for M001 and M023 only.  钱七 (M004) is exempt and graded from the evaluation alone
    (种子000 二、2): with no record he gets no grade, not 不合格 on a score of 0."""
    root = make_branch(tmp_path / "b")
    ledger, diags = check_branch(root)
    w410 = [d for d in diags if d.code == "W410"]
    assert [(d.file, d.line) for d in w410] == [(EVAL, 1)] * 4
    assert [d.message.split("：")[0] for d in w410] == [
        "2019 年民主评议结果中没有 王五（M002）", "2019 年民主评议结果中没有 赵六（M003）",
        "2019 年民主评议结果中没有 钱七（M004）", "2019 年民主评议结果中没有 阿卜杜拉·艾力（M005）"]
    assert "只按民主评议确定积分，缺少评议结果时不确定等次" in w410[2].message
    assert "年中离开" in w410[1].hint  # 赵六 left on 30 June
    # the others without a result are scored with 0 for it, and the year table says so
    wang = engine.year_result(ledger, 2019).member("M002")
    assert "缺少2019年民主评议结果，年度民主评议积分按0分计" in wang.row.notes
    # not scored at 0, ranked last and graded: left out of the table until his result is in
    year = engine.year_result(ledger, 2019)
    assert "M004" not in [m.row.member for m in year.members]
    assert [(x.member, x.reason) for x in year.table.excluded] == [
        ("M004", "只按民主评议确定积分，缺少2019年民主评议结果，暂不计分、不排名")]
    # his result entered: graded again, and the warning gone
    text = EVALUATIONS + "  - member: M004\n    votes:\n      群众: {优秀: 10}\n      党员: {优秀: 9}\n" \
                         "      支委: {优秀: 3}\n"
    root = make_branch(tmp_path / "c", {EVAL: text})
    ledger, diags = check_branch(root)
    assert "M004" not in " ".join(d.message for d in diags if d.code == "W410")
    assert engine.year_result(ledger, 2019).member("M004").grade("等次") == "优秀"


def test_evaluation_of_a_member_left_out_entirely_is_warned(tmp_path):
    """A rules file that leaves exempt members out (exempt: excluded) never uses their
    evaluation result: said (W412, at the record) instead of dropping it silently."""
    from ledgerkit import PRESET, RULES_REL

    rules = PRESET.read_text(encoding="utf-8").replace(
        "exempt: {method: evaluation, section: evaluation}", "exempt: {method: excluded}")
    text = EVALUATIONS + "  - member: M004\n    votes:\n      群众: {优秀: 10}\n      党员: {优秀: 9}\n" \
                         "      支委: {优秀: 3}\n"
    root = make_branch(tmp_path / "b", {EVAL: text, RULES_REL: rules})
    _, diags = check_branch(root)
    [w] = [d for d in diags if d.code == "W412"]
    assert (w.file, w.line) == (EVAL, 12) and "钱七（M004）2019 年不纳入积分管理" in w.message
    assert "exempt: {method: evaluation" in w.hint
    # with the preset's own rule (exempt members graded from the evaluation) nothing to say
    root = make_branch(tmp_path / "c", {EVAL: text})
    _, diags = check_branch(root)
    assert not [d for d in diags if d.code == "W412"]
