"""The roster and the scheme's item list as terminal tables (public fields only)."""

from __future__ import annotations

from .common import class_names, text_clean, text_table


def render_members(ledger, members) -> str:
    from jifen_cli.core.diagnostics import JifenError
    from jifen_cli.core.engine import scheme_for

    classes = {}
    if ledger.settings.rules:
        try:
            latest = max(ledger.settings.rules, key=lambda r: r.start)
            classes = class_names(scheme_for(ledger, latest.start))
        except JifenError:  # a broken rules file must not hide the roster
            classes = {}
    rows = []
    for m in members:
        note = []
        if m.exempt:
            note.append(f"不纳入积分管理（{m.exempt.approved} 批准）")
        if m.investigation and m.investigation.end is None:
            note.append("正在接受调查")
        span = f"{m.joined or ''}—{m.left or ''}" if (m.joined or m.left) else ""
        rows.append([m.id, m.name, classes.get(m.category, m.category), m.status, "、".join(m.posts),
                     m.group or "", span, "；".join(note)])
    table = text_table(["编号", "姓名", "类别", "身份", "职务", "党小组", "在册", "备注"],
                       [[text_clean(c) for c in row] for row in rows])
    return table + f"\n共 {len(members)} 人。\n"


def _points(item) -> str:
    from jifen_cli.core.engine import fmt

    if item.levels:
        return "按级别：" + "、".join(f"{k} {fmt(v)}" for k, v in item.levels.items())
    if item.open:
        return f"酌情 {fmt(item.open[0])}—{fmt(item.open[1])}（条目写 points）"
    if item.per is not None and item.points is not None:
        return f"每 {fmt(item.per)} 计 {fmt(item.points)}（条目写 quantity）"
    if item.points is not None:
        return fmt(item.points)
    return ""


def _effects(item) -> str:
    out = []
    if item.zero:
        out.append("该项不得分")
    if item.veto:
        out.append("一票否决")
    if item.grades:
        out.append("强制等次：" + "、".join(f"{s} {b}" for s, b in item.grades.items()))
    if item.no_grade:
        out.append("不定等次")
    if item.highest_only:
        out.append("同一" + ("事项" if item.highest_only == "subject" else "项目") + "只按最高级别计一次")
    if item.cap is not None:
        from jifen_cli.core.engine import fmt
        out.append(f"最多 {fmt(item.cap)} 分")
    if item.max_count is not None:
        out.append(f"最多 {item.max_count} 次")
    if item.classes:
        out.append("仅适用：" + "、".join(item.classes))
    return "；".join(out)


def render_items(scheme) -> str:
    sign = {"base": "扣", "penalty": "扣", "accrue": "加", "bonus": "加", "account": "记"}
    rows = []
    for section in scheme.sections:
        for item in section.all_items():
            rows.append([item.code, item.name, section.name, sign.get(section.kind, ""), _points(item),
                         _effects(item)])
    table = text_table(["代码", "项目", "板块", "加/扣", "分值", "说明"],
                       [[text_clean(c) for c in row] for row in rows])
    return f"{scheme.name}\n" + table + "\n"
