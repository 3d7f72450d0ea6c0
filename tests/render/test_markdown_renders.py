"""Every Markdown output renders as Markdown: pasted into a web page or a WeChat editor
(CommonMark), no emphasis marker may be left over as a literal ``**``.  CommonMark does
not close ``**`` between a punctuation mark and a Chinese character (“…。**党员”), so
the templates put the marker where it closes.  Checked on every md snapshot, with
markdown-it (installed with typer's rich)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

markdown_it = pytest.importorskip("markdown_it")

SNAPSHOTS = sorted((Path(__file__).parent / "snapshots").glob("*.md"))


def test_there_are_markdown_snapshots():
    assert len(SNAPSHOTS) >= 8, SNAPSHOTS


@pytest.mark.parametrize("path", SNAPSHOTS, ids=[p.name for p in SNAPSHOTS])
def test_no_emphasis_marker_is_left_over(path):
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(path.read_text(encoding="utf-8"))
    text = re.sub(r"<[^>]+>", "", html)
    assert "**" not in text, next(line for line in text.splitlines() if "**" in line)


def test_the_old_notice_line_was_broken_and_the_new_one_is_not():
    md = markdown_it.MarkdownIt("commonmark")
    assert "**" in md.render("**公示期：2019年2月5日至2019年2月10日（5天）。**党员对公示内容有异议的")
    assert "<strong>公示期：2019年2月5日至2019年2月10日（5天）</strong>。党员" in md.render(
        "**公示期：2019年2月5日至2019年2月10日（5天）**。党员对公示内容有异议的")
