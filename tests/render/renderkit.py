"""Helpers for the renderer tests: a hostile branch, a 40-member branch, snapshots,
and headless Chromium printing to PDF.  (Imported by name: ``from renderkit import ...``.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import zlib
from pathlib import Path

import pytest

import jifen_cli

HERE = Path(__file__).resolve().parent
SNAPSHOTS = HERE / "snapshots"
REPO = HERE.parents[1]
SAMPLE = REPO / "sample_branch"
PRESET = Path(jifen_cli.__file__).parent / "core" / "presets" / "xingshi.yaml"

XSS = "<script>alert(1)</script>"
TEMPLATE = "{{ 7*7 }}"
PRIVATE_MARKERS = ("13912345678", "身份证110101199001011234", "住址幸福路8号")


# --------------------------------------------------------------------------- snapshots
def check_snapshot(name: str, content: str | bytes) -> None:
    """Compare with tests/render/snapshots/<name>; JIFEN_UPDATE_SNAPSHOTS=1 rewrites it."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path = SNAPSHOTS / name
    if os.environ.get("JIFEN_UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    assert path.exists(), f"没有快照 {path}：用 JIFEN_UPDATE_SNAPSHOTS=1 pytest tests/render 生成并逐个目视检查"
    expected = path.read_bytes()
    if data != expected:
        import difflib

        diff = "\n".join(difflib.unified_diff(expected.decode("utf-8", "replace").splitlines(),
                                              data.decode("utf-8", "replace").splitlines(),
                                              "snapshot", "rendered", lineterm="", n=1))
        pytest.fail(f"{name} 与快照不同（有意的改动请用 JIFEN_UPDATE_SNAPSHOTS=1 重新生成）：\n{diff[:6000]}")


# --------------------------------------------------------------------------- branches
BRANCH = """\
format: 1
name: 测试第一党支部
upper: 测试集团党委
secretary: 张三
recorders: [李四]
objection_days: {days}
rules:
  - from: 2019-01-01
    file: rules/xingshi.yaml
notice:
  show_empty_members: {show_empty}
  hide_sanction_notes: {hide}
"""

HOSTILE_MEMBERS = """\
members:
  - id: M001
    name: 张三
    category: leader
    status: 正式
    posts: [支部书记]
    group: 第一党小组
    private:
      phone: "13912345678"
  - id: M002
    name: "<script>alert(1)</script>"
    category: ordinary
    group: 第一党小组
    private:
      id_card: "身份证110101199001011234"
      address: "住址幸福路8号"
  - id: M003
    name: "=HYPERLINK(\\"http://x\\")"
    category: ordinary
  - id: M004
    name: "王|五"
    category: ordinary
  - id: M005
    name: 赵六
    category: ordinary
"""

HOSTILE_JANUARY = """\
entries:
  - id: 2019-01-001
    date: 2019-01-10
    member: M002
    item: absent
    note: "{{ 7*7 }} 与 {% if true %}x{% endif %}"
  - id: 2019-01-002
    date: 2019-01-11
    member: M003
    item: leave
    note: "+SUM(A1:A9) @cmd -2+3 \\e[31m红字\\e[0m 第二行\\n继续 | 管道 *星* _下划线_"
  - id: 2019-01-003
    date: 2019-01-12
    member: M004
    item: negative_list
    note: 秘密的处分细节
  - id: 2019-01-004
    date: 2019-01-15
    member: M001
    item: honour
    level: 集团
    status: pending
    note: 申报集团表彰
  - id: 2019-01-005
    date: 2019-01-16
    member: M004
    item: theme_day
    note: 无故不参加固定党日
  - id: 2019-01-006
    date: 2019-01-16
    member: M004
    item: theme_day
    corrects: 2019-01-005
    status: void
    note: 记错了，作废
  - id: 2019-01-007
    date: 2019-01-20
    member: M001
    item: dues_late
    note: 党费迟交
"""

HOSTILE_OBJECTIONS = """\
objections:
  - id: Y2019-001
    entry: 2019-01-007
    by: M001
    date: 2019-02-06
    reason: 已按时交纳
    status: open
"""


def write_branch(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "rules").mkdir(exist_ok=True)
    shutil.copy(PRESET, root / "rules" / "xingshi.yaml")
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def hostile_branch(root: Path, *, hide: bool = True, show_empty: bool = True, days: int = 5) -> Path:
    return write_branch(root, {
        "branch.yaml": BRANCH.format(days=days, hide=str(hide).lower(), show_empty=str(show_empty).lower()),
        "members.yaml": HOSTILE_MEMBERS,
        "events/2019/2019-01.yaml": HOSTILE_JANUARY,
        "objections/2019.yaml": HOSTILE_OBJECTIONS,
    })


SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章"
GIVEN = ["建国", "秀英", "志强", "丽华", "海燕", "文博", "晓燕", "明辉", "桂芳", "立新"]


def big_branch(root: Path, members: int = 40) -> Path:
    """A branch of ``members`` members and a busy January (one in three members has an
    entry, some with long notes): what one A4 notice must hold."""
    lines = ["members:"]
    for i in range(1, members + 1):
        lines += [f"  - id: M{i:03d}", f"    name: {SURNAMES[i % len(SURNAMES)]}{GIVEN[i % len(GIVEN)]}",
                  "    category: ordinary"]
    items = ["absent", "leave", "theme_day", "dues_late", "study_missing"]
    entries = ["entries:"]
    n = 0
    for i in range(1, members + 1, 3):
        n += 1
        entries += [f"  - id: 2019-01-{n:03d}", f"    date: 2019-01-{(n % 27) + 1:02d}", f"    member: M{i:03d}",
                    f"    item: {items[n % len(items)]}",
                    "    note: 1月支部党员大会（学习党章、讨论本支部积分扣分标准）未参加，事先未向党小组长请假"]
    return write_branch(root, {
        "branch.yaml": BRANCH.format(days=7, hide="true", show_empty="true"),
        "members.yaml": "\n".join(lines) + "\n",
        "events/2019/2019-01.yaml": "\n".join(entries) + "\n",
    })


def load(root: Path):
    from jifen_cli.core.loader import load_branch

    ledger, diags = load_branch(root)
    errors = [d.format() for d in diags if d.is_error]
    assert not errors, errors
    return ledger


# --------------------------------------------------------------------------- markdown
_MD_UNESCAPE = re.compile(r"\\([\\`*_\[\]{}#+!~|])")


def md_text(md: str) -> str:
    """What a Markdown renderer shows for our escaped cells (entities and backslashes)."""
    s = _MD_UNESCAPE.sub(r"\1", md)
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# --------------------------------------------------------------------------- chromium
def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def print_pdf(html: str, out_dir: Path) -> bytes:
    exe = chromium()
    if exe is None:
        pytest.skip("没有安装 Chromium（Debian: apt-get install chromium fonts-noto-cjk），跳过打印测试")
    src = out_dir / "page.html"
    src.write_text(html, encoding="utf-8")
    pdf = out_dir / "page.pdf"
    profile = tempfile.mkdtemp(prefix="jifen-chromium-")
    try:
        proc = subprocess.run(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
             src.as_uri()],
            capture_output=True, text=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert pdf.exists() and pdf.stat().st_size > 0, f"Chromium 没有生成 PDF：{proc.stderr[-2000:]}"
    return pdf.read_bytes()


def pdf_pages(data: bytes) -> int:
    """Page count, read from the PDF itself: /Type /Page objects (not /Pages)."""
    n = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    if n == 0:  # object streams: look inside compressed streams as well
        for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
            try:
                n += len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", zlib.decompress(m.group(1))))
            except zlib.error:
                pass
    return n


def pdf_page_sizes(data: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of each page's MediaBox."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    return [(float(c) - float(a), float(d) - float(b)) for a, b, c, d in boxes]


def pdf_text(data: bytes, out_dir: Path) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("没有 pdftotext（Debian: apt-get install poppler-utils），跳过 PDF 文字检查")
    path = out_dir / "text.pdf"
    path.write_bytes(data)
    out = subprocess.run([exe, "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=60)
    return out.stdout.decode("utf-8")
