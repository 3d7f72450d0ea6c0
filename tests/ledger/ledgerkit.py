"""A small valid branch for the ledger and bad-input tests, and helpers around it.

``make_branch(tmp_path)`` writes a branch that passes ``jifen check``; tests then
overwrite or add one file to break it and assert the (file, line, code) of the error.
The rules file is a copy of the xingshi preset, and every entry uses one of its
fixed-points deduction items, so the rules engine's own checks stay quiet.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import jifen_cli

PRESET = Path(jifen_cli.__file__).parent / "core" / "presets" / "xingshi.yaml"
RULES_REL = "rules/xingshi.yaml"

BRANCH = """\
format: 1
name: 测试第一党支部
upper: 测试集团党委
secretary: 张三
recorders: [李四]
objection_days: 5
rules:
  - from: 2019-01-01
    file: rules/xingshi.yaml
"""

MEMBERS = """\
members:
  - id: M001
    name: 张三
    category: leader
    status: 正式
    posts: [支部书记]
    joined: 2005-07-01
  - id: M023
    name: 李四
    category: ordinary
  - id: M002
    name: 王五
    category: ordinary
    status: 预备
    joined: 2019-03-01
  - id: M003
    name: 赵六
    category: mobile
    left: 2019-06-30
  - id: M004
    name: 钱七
    category: old
    exempt:
      approved: 2019-01-01
      reason: 年老体弱，经支部委员会批准
  - id: M005
    name: 阿卜杜拉·艾力
    category: retired
"""

JANUARY = """\
entries:
  - id: 2019-01-001
    date: 2019-01-15
    member: M001
    item: absent
    note: 无故缺席支部党员大会
    by: 李四
  - id: 2019-01-002
    date: 2019-01-20
    member: M023
    item: leave
    by: 李四
"""

MARCH = """\
entries:
  - id: 2019-03-001
    date: 2019-03-10
    member: M002
    item: study_missing
  - id: 2019-03-002
    date: 2019-03-12
    member: M003
    item: theme_day
  - id: 2019-03-003
    date: 2019-03-12
    member: M001
    item: leave
    corrects: 2019-01-001
    note: 更正：1 月 15 日为请假，非无故缺席
"""

EVALUATIONS = """\
results:
  - member: M001
    votes:
      群众: {优秀: 10, 合格: 2, 基本合格: 0, 不合格: 0}
      党员: {优秀: 8, 合格: 3, 基本合格: 0, 不合格: 0}
      支委: {优秀: 3, 合格: 0, 基本合格: 0, 不合格: 0}
  - member: M023
    votes:
      群众: {优秀: 4, 合格: 8, 基本合格: 0, 不合格: 0}
      党员: {优秀: 5, 合格: 6, 基本合格: 0, 不合格: 0}
      支委: {优秀: 1, 合格: 2, 基本合格: 0, 不合格: 0}
"""

FILES = {
    "branch.yaml": BRANCH,
    "members.yaml": MEMBERS,
    "events/2019/2019-01.yaml": JANUARY,
    "events/2019/2019-03.yaml": MARCH,
    "evaluations/2019.yaml": EVALUATIONS,
}


def make_branch(root: Path, files: dict[str, str | bytes | None] | None = None) -> Path:
    """Write the valid branch into ``root``; ``files`` overrides (None deletes)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / "rules").mkdir(exist_ok=True)
    (root / RULES_REL).write_bytes(PRESET.read_bytes())
    merged = dict(FILES)
    merged.update(files or {})
    for rel, text in merged.items():
        path = root / rel
        if text is None:
            if path.exists():
                path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def entries(*blocks: str) -> str:
    """An events file from entry blocks written as flat ``key: value`` lines."""
    out = ["entries:"]
    for block in blocks:
        lines = [ln for ln in dedent(block).splitlines() if ln.strip()]
        out.append("  - " + lines[0])
        out.extend("    " + ln for ln in lines[1:])
    return "\n".join(out) + "\n"


def check(root: Path, only=None):
    """(ledger, diagnostics) of the whole `jifen check` pipeline."""
    from jifen_cli.core.checks import check_branch

    return check_branch(root, only)


def errors(diags):
    return [d for d in diags if d.is_error]


def triples(diags, errors_only=True):
    """{(file, line, code)} of the diagnostics."""
    return {(d.file, d.line, d.code) for d in diags if d.is_error or not errors_only}


def find(diags, code):
    hits = [d for d in diags if d.code == code]
    assert hits, f"no {code} in: " + "\n".join(d.format() for d in diags)
    return hits


def entry(**fields) -> str:
    """A May events file with one valid entry, fields overridden (None drops a field)."""
    base = {"id": "2019-05-001", "date": "2019-05-10", "member": "M023", "item": "absent"}
    base.update(fields)
    return entries("\n".join(f"{k}: {v}" for k, v in base.items() if v is not None))


def fast_dir() -> Path:
    """A fresh directory on a memory file system when there is one (/dev/shm): these
    tests write many small files, and on a busy disk each open() costs a millisecond."""
    import os
    import tempfile

    shm = "/dev/shm"
    base = shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix="jifen-test-", dir=base))


@pytest.fixture
def tmp_path():
    """Overrides pytest's tmp_path in tests/ledger and tests/badinput (their conftests
    import it): a memory-backed directory, removed afterwards."""
    import shutil

    from jifen_cli.core import cache

    path = fast_dir()
    yield path
    cache.flush()  # the parse cache writes its packs at exit: write them now, then remove all
    shutil.rmtree(path, ignore_errors=True)
