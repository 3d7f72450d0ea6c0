"""Issue 2, `jifen check`: one broken ledger per check, asserting file, line and code."""

from __future__ import annotations

import pytest

from ledgerkit import (JANUARY, MARCH, MEMBERS, check, entries, errors, find, make_branch,
                       triples)

EV = "events/2019/2019-05.yaml"


def one(tmp_path, files, code, only=None):
    """Check a branch with ``files`` overridden; exactly one error, of ``code``."""
    root = make_branch(tmp_path, files)
    _, diags = check(root, only)
    errs = errors(diags)
    assert [d.code for d in errs] == [code], "\n".join(d.format() for d in diags)
    return errs[0]


def entry(**fields) -> str:
    base = {"id": "2019-05-001", "date": "2019-05-10", "member": "M023", "item": "absent"}
    base.update(fields)
    return entries("\n".join(f"{k}: {v}" for k, v in base.items() if v is not None))


def test_the_fixture_branch_is_clean(tmp_path):
    ledger, diags = check(make_branch(tmp_path))
    assert errors(diags) == []
    assert len(ledger.members) == 6 and len(ledger.entries) == 5 and len(ledger.evaluations) == 2


# ---------------------------------------------------------------- E1xx: YAML
def test_yaml_syntax_error(tmp_path):
    text = MEMBERS.replace("name: 李四", 'name: "李四')
    d = one(tmp_path, {"members.yaml": text}, "E103")
    assert (d.file, d.line, d.col) == ("members.yaml", 9, 11)  # where the unclosed quote opens
    assert "引号没有闭合" in d.message


def test_yaml_error_in_event_file(tmp_path):
    d = one(tmp_path, {EV: "entries:\n  - id: A\n    date: 2019-05-10\n   member: M001\n"}, "E103")
    assert (d.file, d.line) == (EV, 4)


def test_duplicate_key(tmp_path):
    d = one(tmp_path, {EV: entry(note="a") + "    note: b\n"}, "E107")
    assert (d.file, d.line, d.col) == (EV, 7, 5)
    assert "第 6 行" in d.message


def test_yaml_tag_refused(tmp_path):
    d = one(tmp_path, {EV: "entries: !!python/object/apply:os.system [echo]\n"}, "E104")
    assert (d.file, d.line) == (EV, 1)


# ---------------------------------------------------------------- E2xx: types and fields
@pytest.mark.parametrize("field,value,code,hint", [
    ("times", "两次", "E206", "阿拉伯数字"),
    ("date", "2019/5/10", "E205", "2019-05-10"),
    ("date", "2019-02-30", "E205", "检查月份"),
    ("member", "[M001, M002]", "E201", None),
    ("status", "已确认", "E204", "可选"),
])
def test_wrong_types(tmp_path, field, value, code, hint):
    d = one(tmp_path, {EV: entry(**{field: value})}, code)
    line = {"id": 2, "date": 3, "member": 4, "item": 5}.get(field, 6)
    assert (d.file, d.line) == (EV, line)
    if hint:
        assert hint in d.hint


def test_points_in_chinese_words(tmp_path):
    # only the loader's finding: the rules engine would add that the item needs points
    d = one(tmp_path, {EV: entry(item="other_deduct", points="两分")}, "E206", only=["entries"])
    assert (d.file, d.line) == (EV, 6)
    assert "写作 2" in d.hint


def test_list_where_a_mapping_goes(tmp_path):
    d = one(tmp_path, {EV: "entries:\n  - [2019-05-001, 2019-05-10, M001, absent]\n"}, "E201")
    assert (d.file, d.line) == (EV, 2)


def test_missing_required_field(tmp_path):
    d = one(tmp_path, {EV: entry(item=None)}, "E202")
    assert (d.file, d.line) == (EV, 2)
    assert "item" in d.message


def test_unknown_field_typo_membr(tmp_path):
    text = entry().replace("member: M023", "membr: M023")
    root = make_branch(tmp_path, {EV: text})
    _, diags = check(root)
    assert triples(diags) == {(EV, 4, "E203"), (EV, 2, "E202")}
    d = find(diags, "E203")[0]
    assert "membr" in d.message and "是不是“member”" in d.hint


def test_chinese_key_hint(tmp_path):
    text = entry(note=None) + "    备注: 迟到\n"
    d = one(tmp_path, {EV: text}, "E203")
    assert (d.file, d.line) == (EV, 6) and "note" in d.hint


def test_bad_event_file_name(tmp_path):
    d = one(tmp_path, {"events/2019/2019-5.yaml": entry()}, "E207")
    assert (d.file, d.line) == ("events/2019/2019-5.yaml", 1)


def test_month_file_in_wrong_year_directory(tmp_path):
    d = one(tmp_path, {"events/2018/2019-05.yaml": entry()}, "E207")
    assert d.file == "events/2018/2019-05.yaml"


def test_missing_rules_file(tmp_path):
    from ledgerkit import BRANCH
    text = BRANCH.replace("rules/xingshi.yaml", "rules/xingshi2.yaml")
    d = one(tmp_path, {"branch.yaml": text}, "E308", only=["members"])
    assert (d.file, d.line) == ("branch.yaml", 9)


def test_rules_file_outside_the_branch(tmp_path):
    from ledgerkit import BRANCH
    text = BRANCH.replace("rules/xingshi.yaml", "../../etc/passwd")
    d = one(tmp_path, {"branch.yaml": text}, "E308", only=["members"])
    assert (d.file, d.line) == ("branch.yaml", 9) and "以外" in d.message


# ---------------------------------------------------------------- E3xx: references
def test_unknown_member_did_you_mean(tmp_path):
    d = one(tmp_path, {EV: entry(member="M32")}, "E301")
    assert (d.file, d.line) == (EV, 4)
    assert "M023 / 李四" in d.hint


def test_unknown_member_by_name_did_you_mean(tmp_path):
    d = one(tmp_path, {EV: entry(member="张散")}, "E301")
    assert (d.file, d.line) == (EV, 4)
    assert "M001 / 张三" in d.hint


def test_member_by_unique_name_is_resolved(tmp_path):
    ledger, diags = check(make_branch(tmp_path, {EV: entry(member="李四")}))
    assert errors(diags) == []
    assert [e.member for e in ledger.entries if e.loc.file == EV] == ["M023"]


def test_unknown_category(tmp_path):
    d = one(tmp_path, {"members.yaml": MEMBERS.replace("category: leader", "category: leadr")}, "E303")
    assert (d.file, d.line) == ("members.yaml", 4)
    assert "leader" in d.hint


def test_category_written_as_its_chinese_name(tmp_path):
    d = one(tmp_path, {"members.yaml": MEMBERS.replace("category: leader", "category: 普通党员")}, "E303")
    assert "ordinary" in d.hint


def test_unknown_status(tmp_path):
    d = one(tmp_path, {"members.yaml": MEMBERS.replace("status: 预备", "status: 预备党员")}, "E304")
    assert (d.file, d.line) == ("members.yaml", 14)
    assert "预备" in d.hint


def test_duplicate_entry_ids_across_files(tmp_path):
    d = one(tmp_path, {EV: entry(id="2019-01-002")}, "E305")
    assert d.file in ("events/2019/2019-01.yaml", EV) and d.line in (8, 2)


def test_duplicate_member_ids(tmp_path):
    text = MEMBERS.replace("id: M023", "id: M001")
    root = make_branch(tmp_path, {"members.yaml": text,
                                  "events/2019/2019-01.yaml": JANUARY.replace("M023", "M001"),
                                  "evaluations/2019.yaml": None})
    _, diags = check(root)
    assert triples(diags) == {("members.yaml", 8, "E305")}


def test_two_members_with_the_same_name_warn_and_name_is_ambiguous(tmp_path):
    text = MEMBERS.replace("name: 李四", "name: 张三")
    root = make_branch(tmp_path, {"members.yaml": text, EV: entry(member="张三")})
    _, diags = check(root)
    assert triples(diags) == {(EV, 4, "E307")}
    assert any(d.code == "W301" and d.line == 3 for d in diags)
    assert "M001" in find(diags, "E307")[0].hint and "M023" in find(diags, "E307")[0].hint


def test_unknown_member_in_evaluation(tmp_path):
    text = "results:\n  - member: M099\n    votes: {群众: {优秀: 1}}\n"
    d = one(tmp_path, {"evaluations/2019.yaml": text}, "E301")
    assert (d.file, d.line) == ("evaluations/2019.yaml", 2)


def test_objection_to_missing_entry(tmp_path):
    text = ("objections:\n  - id: O1\n    entry: 2019-01-009\n    by: 张三\n"
            "    date: 2019-02-01\n    reason: 当天请过假\n")
    d = one(tmp_path, {"objections/2019.yaml": text}, "E306")
    assert (d.file, d.line) == ("objections/2019.yaml", 3)
    assert "2019-01-00" in d.hint


# ---------------------------------------------------------------- E4xx: dates
def test_entry_outside_its_month_file(tmp_path):
    d = one(tmp_path, {EV: entry(date="2019-06-02")}, "E401")
    assert (d.file, d.line) == (EV, 3)
    assert "2019-06.yaml" in d.hint


def test_entry_before_member_joined(tmp_path):
    d = one(tmp_path, {"events/2019/2019-02.yaml": entry(id="X", date="2019-02-10", member="M002")}, "E402")
    assert (d.file, d.line) == ("events/2019/2019-02.yaml", 3)


def test_entry_after_member_left(tmp_path):
    d = one(tmp_path, {"events/2019/2019-07.yaml": entry(id="X", date="2019-07-01", member="M003")}, "E403")
    assert (d.file, d.line) == ("events/2019/2019-07.yaml", 3)


def test_entry_for_exempt_member(tmp_path):
    d = one(tmp_path, {EV: entry(member="M004")}, "E404")
    assert (d.file, d.line) == (EV, 4)


def test_pending_entry_for_exempt_member_is_fine(tmp_path):
    _, diags = check(make_branch(tmp_path, {EV: entry(member="M004", status="pending")}))
    assert errors(diags) == []


def test_voided_entry_for_exempt_member_is_fine(tmp_path):
    # an entry recorded by mistake for an exempt member, then voided by a new entry
    # (entries are never deleted): once voided it no longer counts, so no E404
    text = entries("id: 2019-05-001\ndate: 2019-05-10\nmember: M004\nitem: absent",
                   "id: 2019-05-002\ndate: 2019-05-10\nmember: M004\nitem: absent\n"
                   "status: void\ncorrects: 2019-05-001\nnote: 误记，作废")
    _, diags = check(make_branch(tmp_path, {EV: text}))
    assert errors(diags) == []


def test_left_before_joined(tmp_path):
    text = MEMBERS.replace("left: 2019-06-30", "left: 2019-06-30\n    joined: 2019-07-01")
    d = one(tmp_path, {"members.yaml": text,
                       "events/2019/2019-03.yaml": MARCH.replace("member: M003", "member: M023")}, "E405")
    assert (d.file, d.line) == ("members.yaml", 19)


def test_month_file_for_a_month_the_rules_do_not_cover(tmp_path):
    rel = "events/2018/2018-12.yaml"
    d = one(tmp_path, {rel: entry(id="X", date="2018-12-10")}, "E406", only=["coverage"])
    assert (d.file, d.line) == (rel, 1)


# ---------------------------------------------------------------- corrections
def test_correction_of_missing_entry(tmp_path):
    d = one(tmp_path, {EV: entry(corrects="2019-01-003")}, "E306")
    assert (d.file, d.line) == (EV, 6)
    assert "是不是“2019-03-003”" in d.hint


def test_correction_cycle(tmp_path):
    text = entries("id: A\ndate: 2019-05-02\nmember: M023\nitem: leave\ncorrects: B",
                   "id: B\ndate: 2019-05-03\nmember: M023\nitem: leave\ncorrects: A")
    d = one(tmp_path, {EV: text}, "E306")
    assert d.file == EV and d.line in (6, 11)
    assert "循环" in d.message


def test_entry_correcting_itself(tmp_path):
    d = one(tmp_path, {EV: entry(corrects="2019-05-001")}, "E306")
    assert (d.file, d.line) == (EV, 6)


def test_entry_corrected_twice(tmp_path):
    text = entries("id: A\ndate: 2019-05-02\nmember: M023\nitem: leave\ncorrects: 2019-01-002",
                   "id: B\ndate: 2019-05-03\nmember: M023\nitem: leave\ncorrects: 2019-01-002")
    d = one(tmp_path, {EV: text}, "E306")
    assert (d.file, d.line) == (EV, 11)


# ---------------------------------------------------------------- branch.yaml
def test_broken_branch_yaml_raises_with_located_diagnostics(tmp_path):
    from jifen_cli.core.diagnostics import JifenError
    from ledgerkit import BRANCH

    root = make_branch(tmp_path, {"branch.yaml": BRANCH.replace("name: 测试第一党支部\n", "")})
    with pytest.raises(JifenError) as info:
        check(root)
    assert [(d.file, d.line, d.code) for d in info.value.diagnostics] == [("branch.yaml", 1, "E202")]


def test_only_runs_the_named_checks(tmp_path):
    root = make_branch(tmp_path, {EV: entry(member="M32", date="2019-06-01")})
    _, diags = check(root, only=["coverage"])
    assert errors(diags) == []
    _, diags = check(root, only=["entries"])
    assert {d.code for d in errors(diags)} == {"E301", "E401"}
