"""Creating a new branch directory from a preset (`jifen init`)."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from .diagnostics import JifenError

BRANCH_TEMPLATE = """\
# 支部设置。每个字段的说明与示例见 docs/FORMAT.md。
format: 1
name: {name}                # 支部名称，出现在公示标题中
upper: {upper}              # 上级党组织（年度表报送对象）
secretary: ""               # 支部书记姓名（公示落款签字）
recorders: []               # 积分记录员，例如 [李四]
objection_days: {days}            # 公示异议期（天）
rules:                      # 积分规则：自某日起适用哪个规则文件
  - from: {start}
    file: rules/{preset}.yaml
notice:
  show_empty_members: true  # 当月没有记录的党员也列入公示
  hide_sanction_notes: true # 公示中不显示处分、否决类条目的具体说明
"""

MEMBERS_TEMPLATE = """\
# 党员花名册。每名党员一段，编号一经使用不要改动。字段说明见 docs/FORMAT.md。
# 类别（category）：{categories}
# 添加党员：照下面的示例写在 members: 下面（删去行首的 # 即可用），每人一段。
members:
#  - id: M001
#    name: 张三
#    category: {first_category}
#    status: 正式          # 正式 / 预备 / 积极分子
#    posts: [支部书记]
#    group: 第一党小组
#    joined: 2010-07-01
#    private:              # 隐私字段，任何输出中都不显示
#      phone: "13800000000"
"""


def create_branch(target: Path, preset: str = "xingshi", name: str = "某某党支部",
                  upper: str = "某某党委", start: date | None = None,
                  objection_days: int = 5, git: bool = True) -> list[Path]:
    """Write a new branch that passes `jifen check`; returns the files written.

    Refuses a directory that already holds a branch (nothing is overwritten)."""
    from .presets import preset_text

    target = Path(target)
    if (target / "branch.yaml").exists():
        raise JifenError(f"“{target}”里已经有支部台账（branch.yaml），不会覆盖", exit_code=1)
    if target.exists() and any(target.iterdir()):
        raise JifenError(f"目录“{target}”不是空的", exit_code=1,
                         hint="请指定一个新目录或空目录")
    try:
        rules = preset_text(preset)
    except KeyError as exc:
        from .presets import list_presets
        from .values import suggest

        labels = [label for label, _, _ in list_presets()]
        near = suggest(preset, labels, 1)
        raise JifenError(f"没有名为“{preset}”的预设方案", exit_code=2,
                         hint=(f"是不是“{near[0]}”？" if near else "") + "用 jifen presets 查看全部") from exc
    classes = _classes(rules)
    from .periods import today

    start = start or date(today().year, 1, 1)
    files = {
        "branch.yaml": BRANCH_TEMPLATE.format(name=_q(name), upper=_q(upper), start=start.isoformat(),
                                              preset=preset, days=objection_days),
        "members.yaml": MEMBERS_TEMPLATE.format(
            categories=("可选 " + "、".join(f"{code}（{title}）" for code, title in classes)) if classes
            else "本方案不分类别，可写任意代码（例如 ordinary）",
            first_category=classes[0][0] if classes else "ordinary"),
        f"rules/{preset}.yaml": rules,
        f"events/{start.year}/.gitkeep": "",
        "evaluations/.gitkeep": "",
        ".gitignore": ".jifen-cache/\n",
    }
    if _has_rate_rule(rules):  # 参学参会率 needs the sessions held (RULES.md §7.4)
        files[f"meetings/{start.year}.yaml"] = MEETINGS_TEMPLATE.format(year=start.year)
    written = []
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    if git:
        _git_init(target, name)
    return written


MEETINGS_TEMPLATE = """\
# {year} 年支部召开的会议：积分规则中的“参学参会率”按这里记录的次数计算（docs/RULES.md 7.4，
# 字段说明见 docs/FORMAT.md“meetings/ 会议记录”）。每开一次会记一行，照下面的示例写在 meetings: 下面
# （删去行首的 # 即可用）；kind 写规则 sessions 中的会议类型，不写则每次会议都算。
meetings:
#  - {{date: {year}-01-10, kind: org_life, name: 一月主题党日}}
#  - {{date: {year}-01-20, kind: study, name: 集中学习}}
"""


def _has_rate_rule(rules_text: str) -> bool:
    from .yamlio import parse_text

    data, _ = parse_text(rules_text, "preset")
    rules = data.get("absence") if isinstance(data, dict) else None
    return isinstance(rules, list) and any(isinstance(r, dict) and r.get("kind") == "rate" for r in rules)


def _classes(rules_text: str) -> list[tuple[str, str]]:
    """(code, Chinese title) of the member classes a rules file declares."""
    from .yamlio import parse_text

    data, _ = parse_text(rules_text, "preset")
    classes = data.get("classes") if isinstance(data, dict) else None
    if isinstance(classes, dict):
        return [(str(code), str(v.get("name", code)) if isinstance(v, dict) else str(v))
                for code, v in classes.items()]
    return []


def _q(text: str) -> str:
    """Quote a scalar for YAML when it needs it."""
    import json

    plain = text and not any(c in text for c in ":#{}[],&*!|>'\"%@`") and text.strip() == text
    return text if plain else json.dumps(text, ensure_ascii=False)


def _git_init(target: Path, name: str) -> None:
    def run(*args):
        return subprocess.run(["git", *args], cwd=target, capture_output=True, text=True)

    if run("rev-parse", "--is-inside-work-tree").returncode != 0:
        if run("init", "-q").returncode != 0:
            raise JifenError("git init 失败", hint="请确认已安装 git")
    run("add", "-A")
    result = run("-c", "user.name=jifen", "-c", "user.email=jifen@localhost",
                 "commit", "-q", "-m", f"jifen: init branch={name}")
    if result.returncode != 0:
        raise JifenError("首次提交失败：" + (result.stderr.strip() or result.stdout.strip()))
