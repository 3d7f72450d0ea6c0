"""Snapshot tests: every output format on sample_branch/, compared byte for byte with
tests/render/snapshots/.  After an intended change, regenerate with

    JIFEN_UPDATE_SNAPSHOTS=1 pytest tests/render/test_snapshots.py

and look at every changed file (git diff) before committing."""

from __future__ import annotations

from datetime import date

import pytest

from renderkit import SAMPLE, check_snapshot, load

from jifen_cli.core.periods import Period

TEXT_FORMATS = ("text", "md", "html")
EXT = {"text": "txt", "md": "md", "html": "html", "csv": "csv"}

NOTICES = [  # (period, published on)
    ("2019-01", date(2019, 2, 5)),
    ("2019-04", date(2019, 5, 6)),   # an objection upheld and its correction
    ("2019-05", date(2019, 6, 5)),   # a declaration confirmed and an objection upheld after April's notice
    ("2019-06", date(2019, 7, 5)),   # honours counted once at the highest level
    ("2019-09", date(2019, 10, 8)),
    ("2019-Q1", date(2019, 4, 8)),
    ("2019-H2", date(2020, 1, 6)),
]


@pytest.fixture(scope="module")
def ledger():
    return load(SAMPLE)


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
@pytest.mark.parametrize("period,on", NOTICES, ids=[p for p, _ in NOTICES])
def test_notice(ledger, period, on, fmt):
    from jifen_cli.render.notices import render_notice

    out = render_notice(ledger, Period.parse(period), fmt, on)
    check_snapshot(f"notice-{period}.{EXT[fmt]}", out)


@pytest.mark.parametrize("fmt", ("text", "md", "html", "csv"))
def test_year_graded(ledger, fmt):
    from jifen_cli.render.year import render_year

    check_snapshot(f"year-2019-grade.{EXT[fmt]}", render_year(ledger, 2019, fmt, True))


@pytest.mark.parametrize("fmt", ("text", "csv"))
def test_year_without_grades(ledger, fmt):
    from jifen_cli.render.year import render_year

    out = render_year(ledger, 2019, fmt, False)
    header = next(line for line in out.splitlines() if "序号" in line)
    assert "排名" in header and "等次" not in header and "星级" not in header
    assert "评定情况统计表" not in out
    check_snapshot(f"year-2019.{EXT[fmt]}", out)


def test_year_xlsx(ledger):
    """xlsx bytes carry zip timestamps, so the snapshot is a dump of every cell: sheet,
    coordinate, type and value, plus the column widths."""
    from openpyxl import load_workbook
    import io

    from jifen_cli.render.year import render_year

    wb = load_workbook(io.BytesIO(render_year(ledger, 2019, "xlsx", True)))
    lines = []
    for ws in wb.worksheets:
        lines.append(f"## {ws.title}")
        widths = {k: v.width for k, v in ws.column_dimensions.items()}
        lines.append("widths " + " ".join(f"{k}={widths[k]:g}" for k in sorted(widths)))
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    lines.append(f"{c.coordinate}\t{c.data_type}\t{type(c.value).__name__}\t{c.value}")
    check_snapshot("year-2019-grade.xlsx.txt", "\n".join(lines) + "\n")


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
@pytest.mark.parametrize("member", ["李海燕", "徐刚", "曹德明"])
def test_card(ledger, member, fmt):
    from jifen_cli.render.cards import render_card

    check_snapshot(f"card-{member}-2019.{EXT[fmt]}", render_card(ledger, member, 2019, fmt))


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_declaration_form(ledger, fmt):
    from jifen_cli.render.cards import render_declaration_form

    check_snapshot(f"declare-branch.{EXT[fmt]}", render_declaration_form(ledger, fmt))
    check_snapshot(f"declare-blank.{EXT[fmt]}", render_declaration_form(None, fmt))
