"""The bad-input corpus (issue 7): broken, hostile and foreign ledgers, each with the
diagnostics `jifen check` must give.

Every case starts from the small valid branch of ``tests/ledger/ledgerkit.py`` and
overrides some files (``None`` deletes one).  ``expect`` lists every *error* as
``file:line:CODE`` (``-`` when the problem has no line, e.g. an unreadable file); the
check must report exactly these errors, no more.  ``warn`` lists warnings that must be
present; ``exit`` defaults to 1 when errors are expected, else 0; ``contains`` are
texts the output must show (hints).  Cases whose files are too large to write out here
(the 50 MB file, the deep nesting) are built by functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledgerkit import BRANCH, MEMBERS, PRESET, entry

EV = "events/2019/2019-05.yaml"
M = "members.yaml"
B = "branch.yaml"
EVAL = "evaluations/2019.yaml"
OBJ = "objections/2019.yaml"


@dataclass
class Case:
    name: str
    files: dict
    expect: tuple = ()
    warn: tuple = ()
    exit: int | None = None
    contains: tuple = ()
    only: tuple = ()

    @property
    def exit_code(self) -> int:
        if self.exit is not None:
            return self.exit
        return 1 if self.expect else 0


def members_with(old: str, new: str) -> dict:
    assert old in MEMBERS, old
    return {M: MEMBERS.replace(old, new, 1)}


def may(**fields) -> dict:
    return {EV: entry(**fields)}


def results(*blocks: str) -> dict:
    """evaluations/2019.yaml with the given records (flat ``key: value`` lines; a value
    may be a flow mapping such as ``{群众: {优秀: 1}}``)."""
    return {EVAL: _records("results", blocks)}


def objections(*blocks: str) -> dict:
    """objections/2019.yaml with the given records."""
    return {OBJ: _records("objections", blocks)}


def _records(key: str, blocks) -> str:
    out = [f"{key}:"]
    for block in blocks:
        lines = [ln.strip() for ln in block.strip().splitlines() if ln.strip()]
        out.append("  - " + lines[0])
        out.extend("    " + ln for ln in lines[1:])
    return "\n".join(out) + "\n"


#: one valid objection (against the January entry of M001), fields overridden by lines
OBJECTION = "id: Y2019-001\nentry: 2019-01-001\nby: M001\ndate: 2019-02-01\nreason: 已请假"


def objection(**fields) -> str:
    base = dict(line.split(": ", 1) for line in OBJECTION.splitlines())
    base.update(fields)
    return "\n".join(f"{k}: {v}" for k, v in base.items() if v is not None)


def branch_with(old: str, new: str) -> dict:
    assert old in BRANCH, old
    return {B: BRANCH.replace(old, new, 1)}


PRESET_TEXT = PRESET.read_text(encoding="utf-8")
#: the preset up to its grade scales (line 100 on), for cases that write their own
PRESET_GRADES_CUT = PRESET_TEXT[:PRESET_TEXT.index("\ngrades:") + 1]


def rules_with_sections(extra: str, codes: tuple) -> dict:
    """The preset with formula sections added (weighted 0 so that weights still add up)."""
    marker = "  # 负面清单"
    weights = "negative: 1}"
    assert marker in PRESET_TEXT and weights in PRESET_TEXT
    text = PRESET_TEXT.replace(marker, extra + marker, 1)
    text = text.replace(weights, "negative: 1" + "".join(f", {c}: 0" for c in codes) + "}", 1)
    return {"rules/xingshi.yaml": text}


BILLION_LAUGHS = """\
a: &a ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
members: *g
"""

CASES: list[Case] = [
    # ------------------------------------------------------------ malformed YAML
    Case("tab_indent_members", members_with("    name: 张三", "\tname: 张三"),
         expect=("members.yaml:3:1:E103",), warn=("members.yaml:-:W300",), contains=("制表符",)),
    Case("tab_indent_event", {EV: entry().replace("    member:", "\t  member:")},
         expect=(f"{EV}:4:1:E103",), contains=("Tab",)),
    # reported where the quote opens (not at the end of the file, a line that does not exist)
    Case("unclosed_double_quote", may(note='"无故缺席'), expect=(f"{EV}:6:11:E103",), contains=("引号没有闭合",)),
    Case("unclosed_single_quote", may(note="'无故缺席"), expect=(f"{EV}:6:11:E103",), contains=("引号没有闭合",)),
    Case("deeper_indent_of_one_key", {EV: entry().replace("    item:", "      item:")},
         expect=(f"{EV}:5:7:E103",), contains=("多缩进了 2 格",)),
    Case("shallower_indent_of_one_key", {EV: entry().replace("    item:", "   item:")},
         expect=(f"{EV}:5:4:E103",), contains=("缩进",)),
    Case("unclosed_flow_sequence", members_with("posts: [支部书记]", "posts: [支部书记, 组织委员"),
         expect=("members.yaml:7:11:E103",), warn=("members.yaml:-:W300",), contains=("方括号",)),
    Case("unclosed_flow_mapping", {EV: "entries:\n  - {id: A, date: 2019-05-10, member: M023, item: absent\n"},
         expect=(f"{EV}:3:1:E103",), contains=("花括号",)),
    # the parser notices on the next line; the diagnostic names the line with the glued colon
    Case("no_space_after_colon", {EV: entry().replace("member: M023", "member:M023")},
         expect=(f"{EV}:4:5:E103",), contains=("“member:”后面缺少空格",)),
    Case("time_value_is_not_a_glued_key", may(note="9:30开会"), expect=()),
    Case("field_indented_one_space_too_far", {EV: entry().replace("    item: absent", "     item: absent")},
         expect=(f"{EV}:5:6:E103",), contains=("这一行比上一行多缩进了 1 格", "与上一行的 member 左端对齐")),
    Case("colon_inside_unquoted_value", may(note="时间: 上午九点"), expect=(f"{EV}:6:13:E103",),
         contains=("加引号",)),
    Case("value_starting_with_at_sign", may(note="@张三 请注意"), expect=(f"{EV}:6:11:E103",),
         contains=("加引号",)),
    Case("value_starting_with_backtick", may(note="`缺席`"), expect=(f"{EV}:6:11:E103",)),
    Case("windows_path_in_double_quotes", may(note='"见 D:\\台账\\说明"'), expect=(f"{EV}:6:16:E103",),
         contains=("反斜杠",)),
    Case("duplicate_key_in_entry", {EV: entry(note="a") + "    note: b\n"}, expect=(f"{EV}:7:5:E107",),
         contains=("第 6 行已出现",)),
    Case("duplicate_top_level_key", {EV: entry() + entry(id="2019-05-002")},
         expect=(f"{EV}:6:1:E107",)),
    Case("duplicate_key_in_branch_yaml", {B: BRANCH + "name: 另一个名字\n"},
         expect=("branch.yaml:10:1:E107",), contains=("其余文件未检查",)),
    Case("two_documents_in_one_file", {EV: entry() + "---\n" + entry(id="2019-05-002")},
         expect=(f"{EV}:6:1:E103",), contains=("---",)),
    Case("list_dash_without_space", {EV: entry().replace("  - id:", "  -id:")},
         expect=(f"{EV}:2:3:E103",), contains=("“-”后面缺少空格",)),
    Case("fullwidth_space_indent", {EV: entry().replace("    item:", "\u3000\u3000item:")},
         expect=(f"{EV}:2:5:E202", f"{EV}:5:1:E203"), contains=("全角空格",)),
    Case("unknown_directive", {EV: "%YAML 9.9\n---\n" + entry()}, expect=(f"{EV}:1:1:E103",)),

    # ------------------------------------------------------------ encodings and line endings
    Case("gbk_members", {M: MEMBERS.encode("gbk")}, warn=("members.yaml:1:1:W101",)),
    Case("gb18030_rare_name", {M: MEMBERS.replace("王五", "王䶮").encode("gb18030")},
         warn=("members.yaml:1:1:W101",)),
    Case("gbk_event_with_error", {EV: entry(member="M32", note="迟到").encode("gbk")},
         expect=(f"{EV}:4:5:E301",), warn=(f"{EV}:1:1:W101",)),
    Case("utf16_le_bom", {M: MEMBERS.encode("utf-16")}, warn=("members.yaml:1:1:W101",)),
    Case("utf16_be_bom", {M: b"\xfe\xff" + MEMBERS.encode("utf-16-be")}, warn=("members.yaml:1:1:W101",)),
    Case("utf16_le_without_bom", {EV: entry().encode("utf-16-le")}, warn=(f"{EV}:1:1:W101",)),
    Case("utf8_bom", {M: b"\xef\xbb\xbf" + MEMBERS.encode()}),
    Case("utf8_bom_with_error_keeps_line", {EV: b"\xef\xbb\xbf" + entry(member="M32").encode()},
         expect=(f"{EV}:4:5:E301",)),
    Case("crlf_line_endings", {M: MEMBERS.replace("\n", "\r\n").encode()}),
    Case("crlf_with_error_keeps_line", {EV: entry(date="2019-06-01").replace("\n", "\r\n").encode()},
         expect=(f"{EV}:3:5:E401",)),
    Case("cr_only_line_endings", {EV: entry().replace("\n", "\r").encode()}),
    Case("latin1_bytes", {M: "members: [{id: M9, name: Jos\xe9, category: ordinary}]\n".encode("latin-1")},
         expect=("members.yaml:-:E102",), warn=("members.yaml:-:W300",), contains=("UTF-8",)),
    Case("binary_garbage", {EV: bytes(range(256)) * 4}, expect=(f"{EV}:-:E102",)),
    Case("nul_byte", {EV: entry().encode() + b"\x00"}, expect=(f"{EV}:-:E102",)),
    Case("bell_control_character", {EV: entry(note="迟到\a")}, expect=(f"{EV}:6:13:E102",),
         contains=("U+0007",)),

    # ------------------------------------------------------------ full-width input
    Case("fullwidth_date", may(date="２０１９－０５－１０"), warn=(f"{EV}:3:5:W201",), contains=("2019-05-10",)),
    Case("fullwidth_points", may(item="other_deduct", points="３"), warn=(f"{EV}:6:5:W202",)),
    Case("fullwidth_negative_points_accepted_as_number", may(item="other_deduct", points="－２"),
         warn=(f"{EV}:6:5:W202",), only=("entries",)),
    Case("fullwidth_member_id", may(member="Ｍ０２３"), warn=(f"{EV}:4:5:W203",)),
    Case("fullwidth_colon_key_separator", {EV: entry().replace("date: ", "date：")},
         warn=(f"{EV}:3:1:W102",), contains=("全角冒号",)),
    Case("fullwidth_colon_everywhere", {EV: entry().replace(": ", "：")},
         warn=(f"{EV}:2:1:W102", f"{EV}:5:1:W102")),
    Case("fullwidth_colon_ambiguous", {EV: entry().replace("item: absent", "note：说明: 缺席")},
         expect=(f"{EV}:2:5:E202", f"{EV}:5:5:E203"), contains=("全角冒号",)),
    Case("points_with_fen_suffix", may(item="other_deduct", points="2分"), warn=(f"{EV}:6:5:W202",)),

    # ------------------------------------------------------------ wrong types and values
    Case("points_in_chinese_words", may(item="other_deduct", points="两分"),
         expect=(f"{EV}:6:5:E206",), contains=("写作 2",), only=("entries",)),
    Case("points_in_chinese_words_said_once", may(item="other_deduct", points="两分"),
         expect=(f"{EV}:6:5:E206",), contains=("写作 2", "1—10 分之间")),
    Case("points_in_chinese_five", may(item="other_deduct", points="五分"),
         expect=(f"{EV}:6:5:E206",), contains=("写作 5",)),
    Case("level_is_a_list_said_once", may(item="honour", level="[省级, 国家级]", subject="先进"),
         expect=(f"{EV}:6:5:E201",), contains=("按等级计分",)),
    # an entry with a broken required field is not scored, but its other fields are checked
    Case("bad_date_keeps_other_errors", may(date="2019-13-45", member="M999", item="nosuch"),
         expect=(f"{EV}:3:5:E205", f"{EV}:4:5:E301", f"{EV}:5:5:E302"),
         contains=("月份只能是 01—12",)),
    Case("bad_date_with_duplicate_id", may(id="2019-01-001", date="2019-5-10"),
         expect=(f"{EV}:3:5:E205", "events/2019/2019-01.yaml:2:5:E305"),
         contains=("2019-05-10", f"另见 {EV} 的第 1 条")),
    Case("bad_date_with_open_points", may(date="2019-05-32", item="other_deduct", points="两分"),
         expect=(f"{EV}:3:5:E205", f"{EV}:6:5:E206"), contains=("只有 31 天", "1—10 分之间")),
    Case("bad_date_member_by_name", may(date="2019/05/10", member="李四"), expect=(f"{EV}:3:5:E205",)),
    Case("bad_date_corrected_later", {EV: "entries:\n  - id: 2019-05-001\n    date: 2019-05-40\n"
                                          "    member: M023\n    item: absent\n"
                                          "  - id: 2019-05-002\n    date: 2019-05-10\n    member: M023\n"
                                          "    item: absent\n    corrects: 2019-05-001\n"},
         expect=(f"{EV}:3:5:E205",)),
    Case("missing_date_keeps_other_errors", may(date=None, item="absnet"),
         expect=(f"{EV}:2:5:E202", f"{EV}:4:5:E302"), contains=("absent",)),
    Case("bad_date_wrong_level", may(date="2019-00-10", item="honour", level="市级"),
         expect=(f"{EV}:3:5:E205", f"{EV}:6:5:E603")),
    Case("date_with_slashes", may(date="2019/5/10"), expect=(f"{EV}:3:5:E205",), contains=("2019-05-10",)),
    Case("date_in_chinese", may(date="2019年5月10日"), expect=(f"{EV}:3:5:E205",), contains=("2019-05-10",)),
    Case("date_single_digit_month", may(date="2019-5-10"), expect=(f"{EV}:3:5:E205",), contains=("2019-05-10",)),
    Case("date_as_number", may(date="20190510"), expect=(f"{EV}:3:5:E205",)),
    Case("date_that_does_not_exist", may(date="2019-02-30"), expect=(f"{EV}:3:5:E205",)),
    Case("times_zero", may(times=0), expect=(f"{EV}:6:5:E204",)),
    Case("times_hex", may(times="0x10"), expect=(f"{EV}:6:5:E206",)),
    Case("times_sexagesimal", may(times="1:30"), expect=(f"{EV}:6:5:E206",)),
    Case("number_far_too_large", may(times="9" * 40), expect=(f"{EV}:6:5:E206",), contains=("过大",)),
    Case("list_where_a_mapping_goes", {EV: "entries:\n  - [2019-05-001, 2019-05-10, M023, absent]\n"},
         expect=(f"{EV}:2:5:E201",)),
    Case("mapping_where_a_list_goes", {M: "members:\n  id: M001\n  name: 张三\n"},
         expect=("members.yaml:1:1:E201",), warn=("members.yaml:1:1:W300",)),
    Case("scalar_where_a_list_goes", {EV: "entries: 张三缺席一次\n"}, expect=(f"{EV}:1:1:E201",)),
    Case("top_level_list", {EV: "- id: A\n  date: 2019-05-10\n"}, expect=(f"{EV}:1:1:E201",)),
    Case("name_is_a_list", members_with("name: 张三", "name: [张三]"), expect=("members.yaml:3:5:E201",)),
    Case("name_is_a_boolean", members_with("name: 李四", "name: true"), expect=("members.yaml:9:5:E201",)),
    Case("empty_id", may(id='""'), expect=(f"{EV}:2:5:E204",)),
    Case("exempt_as_yes", members_with("    exempt:\n      approved: 2019-01-01\n      reason: 年老体弱，经支部委员会批准",
                                       "    exempt: 是"), expect=("members.yaml:23:5:E201",)),
    Case("exempt_without_approval_date", members_with("      approved: 2019-01-01\n", ""),
         expect=("members.yaml:23:5:E202",)),
    Case("posts_as_mapping", members_with("posts: [支部书记]", "posts: {书记: 是}"), expect=("members.yaml:6:5:E201",)),
    # the rules engine adds that a votes evaluation has no usable votes (E605)
    Case("votes_as_list", {"evaluations/2019.yaml": "results:\n  - member: M001\n    votes: [10, 2]\n"},
         expect=("evaluations/2019.yaml:3:5:E201", "evaluations/2019.yaml:2:5:E605")),
    # an evaluation or objection with a broken required field is not used, but all its
    # problems are reported (loader.unusable_evaluations / unusable_objections)
    Case("evaluation_unknown_member_without_result", results("member: M999\nnote: 漏填票数"),
         expect=(f"{EVAL}:2:5:E202", f"{EVAL}:2:5:E301", f"{EVAL}:2:5:E605")),
    Case("evaluation_unknown_member_unreadable_score", results("member: M23\nscore: 九十分"),
         expect=(f"{EVAL}:2:5:E301", f"{EVAL}:3:5:E206", f"{EVAL}:2:5:E605"), contains=("是不是 M023 / 李四", "写作 90")),
    Case("evaluation_broken_member_keeps_vote_errors",
         results("member: [M001]\nvotes: {群众: {优秀: -1}, 外人: {好: 2}}"),
         expect=(f"{EVAL}:2:5:E201", f"{EVAL}:3:18:E206", f"{EVAL}:3:27:E605", f"{EVAL}:3:32:E605")),
    Case("evaluation_missing_member_keeps_period_error",
         results("votes: {群众: {优秀: 1}}\nperiod: H1"),
         expect=(f"{EVAL}:2:5:E202", f"{EVAL}:3:5:E605"), contains=("一年一次",)),
    Case("evaluation_empty_member_twice_no_duplicate",
         results("member: ''\nvotes: {群众: {优秀: 1}}", "member: ''\nvotes: {群众: {优秀: 1}}"),
         expect=(f"{EVAL}:2:5:E204", f"{EVAL}:4:5:E204")),
    Case("evaluation_broken_duplicate_by_name",
         results("member: M023\nvotes: {群众: {优秀: 1}}", "member: 李四\nvotes: [4, 8]"),
         expect=(f"{EVAL}:4:5:E305", f"{EVAL}:5:5:E201", f"{EVAL}:4:5:E605")),
    Case("objection_bad_date_unknown_entry", objections(objection(date="2019-13-01", entry="2019-01-009")),
         expect=(f"{OBJ}:3:5:E306", f"{OBJ}:5:5:E205"), contains=("是不是“2019-01-002”", "月份只能是 01—12")),
    Case("objection_missing_reason_unknown_by_duplicate_id",
         objections(objection(), objection(reason=None, by="张散")),
         expect=(f"{OBJ}:7:5:E202", f"{OBJ}:7:5:E305", f"{OBJ}:9:5:E301"), contains=("M001 / 张三",)),
    Case("objection_missing_id_and_entry_unknown_by", objections(objection(id=None, entry=None, by="M999")),
         expect=(f"{OBJ}:2:5:E202", f"{OBJ}:2:5:E202", f"{OBJ}:2:5:E301")),
    Case("objection_bad_date_against_broken_entry",
         {**may(date="2019-05-32"), **objections(objection(entry="2019-05-001", date="昨天"))},
         expect=(f"{EV}:3:5:E205", f"{OBJ}:5:5:E205")),
    Case("status_not_a_choice", may(status="已确认"), expect=(f"{EV}:6:5:E204",), contains=("confirmed（已认定）",)),
    Case("status_in_chinese_accepted", may(status="待认定")),
    Case("missing_required_field", may(item=None), expect=(f"{EV}:2:5:E202",)),
    Case("unknown_field_typo", may(member=None, membr="M023"), expect=(f"{EV}:2:5:E202", f"{EV}:5:5:E203"),
         contains=("是不是“member”",)),
    Case("chinese_field_name", {EV: entry().replace("member:", "党员:")},
         expect=(f"{EV}:2:5:E202", f"{EV}:4:5:E203"), contains=("字段名请用英文：member",)),
    Case("null_key", {EV: entry() + "    ~: 1\n"}, expect=(f"{EV}:6:5:E203",), contains=("（空）",)),
    Case("list_as_key", {EV: entry() + "    ? [a, b]\n    : 1\n"}, expect=(f"{EV}:6:7:E201",)),
    Case("unknown_top_level_key", {EV: entry().replace("entries:", "entires:")},
         expect=(f"{EV}:1:1:E203",), contains=("是不是“entries”",)),
    Case("objection_days_unreasonable", branch_with("objection_days: 5", "objection_days: 100"),
         expect=("branch.yaml:6:1:E204",)),
    Case("format_version_too_new", branch_with("format: 1", "format: 2"),
         expect=("branch.yaml:1:1:E208",), contains=("升级",)),
    Case("rules_as_a_string", branch_with("rules:\n  - from: 2019-01-01\n    file: rules/xingshi.yaml",
                                          "rules: rules/xingshi.yaml"),
         expect=("branch.yaml:7:1:E201",)),

    # ------------------------------------------------------------ names and members
    Case("name_with_middle_dot_exact", may(member="阿卜杜拉·艾力")),
    Case("name_with_ascii_dot", may(member="阿卜杜拉.艾力"), warn=(f"{EV}:4:5:W302",)),
    Case("name_with_space_instead_of_dot", may(member="阿卜杜拉 艾力"), warn=(f"{EV}:4:5:W302",)),
    Case("name_with_katakana_dot", may(member="阿卜杜拉・艾力"), warn=(f"{EV}:4:5:W302",)),
    Case("padded_two_character_name", {**members_with("name: 李四", "name: 李 四"), **may(member="李四")},
         warn=(f"{EV}:4:5:W302",)),
    Case("two_members_same_name", members_with("name: 李四", "name: 张三"), warn=("members.yaml:3:5:W301",)),
    Case("two_members_same_name_referenced_by_name", {**members_with("name: 李四", "name: 张三"), **may(member="张三")},
         expect=(f"{EV}:4:5:E307",), warn=("members.yaml:3:5:W301",), contains=("M001", "M023")),
    Case("unknown_member_did_you_mean", may(member="M32"), expect=(f"{EV}:4:5:E301",), contains=("M023 / 李四",)),
    Case("unknown_name_did_you_mean", may(member="张散"), expect=(f"{EV}:4:5:E301",), contains=("M001 / 张三",)),
    Case("member_with_broken_name_keeps_entries", members_with("name: 张三", "name: {姓: 张}"),
         expect=("members.yaml:3:5:E201",)),

    # ------------------------------------------------------------ empty and missing files
    Case("empty_members_file", {M: ""}, expect=("members.yaml:-:E202",), contains=("花名册中没有党员",)),
    Case("comment_only_members_file", {M: "# 花名册\n# 待补充\n"}, expect=("members.yaml:-:E202",)),
    Case("missing_members_file", {M: None}, expect=("members.yaml:-:E106",), warn=("members.yaml:-:W300",)),
    Case("empty_event_file", {EV: ""}),
    Case("comment_only_event_file", {EV: "# 本月无记录\n"}),
    Case("empty_branch_file", {B: ""}, expect=("branch.yaml:1:-:E202",)),
    Case("comment_only_branch_file", {B: "# 支部设置\n"}, expect=("branch.yaml:1:-:E202",)),
    Case("month_not_covered_by_rules", {"events/2018/2018-12.yaml": entry(id="X", date="2018-12-10")},
         expect=("events/2018/2018-12.yaml:1:1:E406",), only=("coverage",)),
    Case("empty_month_not_covered_by_rules", {"events/2018/2018-12.yaml": "entries: []\n"},
         warn=("events/2018/2018-12.yaml:1:1:W406",)),
    Case("month_thirteen", {"events/2019/2019-13.yaml": "entries: []\n"}, expect=("events/2019/2019-13.yaml:1:1:E207",)),
    Case("event_file_named_in_english", {"events/2019/may.yaml": entry()}, expect=("events/2019/may.yaml:1:1:E207",)),
    Case("month_file_in_wrong_year", {"events/2018/2019-05.yaml": entry()},
         expect=("events/2018/2019-05.yaml:1:1:E207",)),
    Case("evaluation_file_badly_named", {"evaluations/2019年.yaml": "results: []\n"},
         expect=("evaluations/2019年.yaml:1:1:E207",)),
    Case("rules_file_missing", {"rules/xingshi.yaml": None}, expect=("branch.yaml:9:5:E308",)),
    Case("rules_path_outside_branch", branch_with("file: rules/xingshi.yaml", "file: ../../../../etc/passwd"),
         expect=("branch.yaml:9:5:E308",), contains=("支部目录以外",)),
    Case("rules_path_absolute", branch_with("file: rules/xingshi.yaml", "file: /etc/passwd"),
         expect=("branch.yaml:9:5:E308",), contains=("绝对路径",)),

    # ------------------------------------------------------------ hostile YAML
    Case("python_object_apply", {EV: "entries: !!python/object/apply:os.system ['echo pwned']\n"},
         expect=(f"{EV}:1:10:E104",)),
    Case("python_name", {M: "members:\n  - !!python/name:os.system\n"}, expect=("members.yaml:2:5:E104",),
         warn=("members.yaml:1:1:W300",)),
    Case("tag_directive_python", {EV: "%TAG !p! tag:yaml.org,2002:python/\n---\nentries: !p!object:os.system {}\n"},
         expect=(f"{EV}:3:10:E104",)),
    Case("local_tag", {EV: "entries: !entry {id: A}\n"}, expect=(f"{EV}:1:10:E104",)),
    Case("binary_tag", {EV: "entries: !!binary aGVsbG8=\n"}, expect=(f"{EV}:1:10:E104",)),
    Case("explicit_int_tag_on_text", may(times="!!int 两"), expect=(f"{EV}:6:12:E201",)),
    Case("billion_laughs", {M: BILLION_LAUGHS}, expect=("members.yaml:7:4:E104",), warn=("members.yaml:1:1:W300",)),
    Case("recursive_alias", {EV: "entries: &a [*a]\n"}, expect=(f"{EV}:1:10:E104",)),
    Case("merge_key", {EV: "base: &b {member: M023, item: absent}\nentries:\n  - <<: *b\n    id: A\n    date: 2019-05-10\n"},
         expect=(f"{EV}:3:5:E104",)),
    Case("undefined_alias", {EV: "entries: *nothing\n"}, expect=(f"{EV}:1:10:E103",)),
    Case("escape_sequence_in_unknown_member", may(member='"\\e[2J\\e[31mM32\\a"'),
         expect=(f"{EV}:4:5:E301",), contains=("\\x1b[2J",)),
    Case("escape_sequence_in_unknown_key", {EV: entry() + '    "\\e]0;pwned\\a": 1\n'},
         expect=(f"{EV}:6:5:E203",), contains=("\\x1b]0;pwned\\x07",)),
    Case("bidi_override_in_name", may(member='"M\\u202e32"'), expect=(f"{EV}:4:5:E301",), contains=("\\u202e",)),

    # ------------------------------------------------------------ rules files (rules package)
    Case("rules_formula_cycle", rules_with_sections(
        "  - {code: aa, name: 甲, kind: formula, formula: bb + 1}\n"
        "  - {code: bb, name: 乙, kind: formula, formula: aa * 2}\n", ("aa", "bb")),
        expect=("rules/xingshi.yaml:E508",), contains=("循环",)),
    Case("rules_formula_division_by_zero", rules_with_sections(
        "  - {code: aa, name: 甲, kind: formula, formula: daily / 0}\n", ("aa",)),
        expect=("rules/xingshi.yaml:E507",), contains=("除以 0",)),
    # found by the fuzzer (CI of 2026-12-06): a grade scale that is not a mapping crashed the compiler
    Case("rules_grade_scale_is_a_string", {"rules/xingshi.yaml": PRESET_GRADES_CUT + "grades:\n  - 优秀\n"
                                           "  - {scale: 星级, bands: 5}\n"},
         expect=("rules/xingshi.yaml:72:17:E503", "rules/xingshi.yaml:72:26:E503", "rules/xingshi.yaml:101:5:E510",
                 "rules/xingshi.yaml:102:17:E510"), contains=("该等次表还没有档次",)),
    Case("rules_grade_scale_is_empty", {"rules/xingshi.yaml": PRESET_GRADES_CUT + "grades:\n  -\n"},
         expect=("rules/xingshi.yaml:72:17:E503", "rules/xingshi.yaml:72:26:E503", "rules/xingshi.yaml:101:4:E511",
                 "rules/xingshi.yaml:101:4:E511")),
    # found by the fuzzer: an absence rule whose kind is a list crashed the compiler
    Case("rules_absence_kind_is_a_list", {"rules/xingshi.yaml": PRESET_TEXT + "\nabsence:\n  - {code: six, "
                                          "name: 连续六个月未交党费, kind: [], months: 6, with: [dues_late], "
                                          "section: daily}\n"},
         expect=("rules/xingshi.yaml:123:34:E510",), contains=("consecutive（连续 N 个月）",)),
    # found by the fuzzer: 2,000,055 decimal places overflowed the rounding unit
    Case("rules_rounding_places_absurd", {"rules/xingshi.yaml": PRESET_TEXT.replace(
        "rounding: {places: 2,", "rounding: {places: 2000055,", 1)}, expect=("rules/xingshi.yaml:15:12:E510",),
         contains=("小数位数应为 0 到 6 之间的整数",)),
    Case("rules_file_is_a_list", {"rules/xingshi.yaml": "- a\n- b\n"}, expect=("rules/xingshi.yaml:1:1:E201",)),
    Case("rules_file_syntax_error", {"rules/xingshi.yaml": PRESET_TEXT.replace("scheme: ", "scheme: '", 1)},
         expect=("rules/xingshi.yaml:E103",)),
]
