"""The HTML pages printed by headless Chromium (Debian's chromium package) to PDF: page
count, paper size and orientation, and the text really on the page."""

from __future__ import annotations

from datetime import date

import pytest

from renderkit import big_branch, load, pdf_page_sizes, pdf_pages, pdf_text, print_pdf

from jifen_cli.core.periods import Period

A4_PORTRAIT = (595, 842)
A4_LANDSCAPE = (842, 595)


def _size(data: bytes) -> tuple[int, int]:
    sizes = {(round(w), round(h)) for w, h in pdf_page_sizes(data)}
    assert len(sizes) == 1, sizes
    return sizes.pop()


def test_monthly_notice_of_sample_branch_is_one_portrait_page(sample_ledger, tmp_path):
    from jifen_cli.render.notices import render_notice

    html = render_notice(sample_ledger, Period.parse("2019-06"), "html", date(2019, 7, 5))
    pdf = print_pdf(html, tmp_path)
    assert pdf_pages(pdf) == 1
    assert _size(pdf) == A4_PORTRAIT
    text = pdf_text(pdf, tmp_path)
    assert "兴市集团第一党支部2019年6月党员积分情况公示" in text.replace("\n", "").replace(" ", "")
    for needle in ("李海燕", "徐刚", "2019-06-012", "2019年7月10日", "王立新"):
        assert needle in text, needle


def test_forty_member_notice_fits_one_a4_page(tmp_path):
    from jifen_cli.render.notices import render_notice

    ledger = load(big_branch(tmp_path / "big", members=40))
    assert len(ledger.members) == 40 and len(ledger.entries) == 14
    html = render_notice(ledger, Period.parse("2019-01"), "html", date(2019, 2, 5))
    pdf = print_pdf(html, tmp_path)
    assert pdf_pages(pdf) == 1
    assert _size(pdf) == A4_PORTRAIT
    text = pdf_text(pdf, tmp_path)
    for m in (ledger.members[0], ledger.members[20], ledger.members[39]):
        assert m.name in text, m.name
    assert "支部书记" in text and "2019年2月12日" in text  # signatures and a 7-day window, on page 1


def test_year_table_is_landscape_with_statistics_on_its_own_page(sample_ledger, tmp_path):
    from jifen_cli.render.year import render_year

    pdf = print_pdf(render_year(sample_ledger, 2019, "html", True), tmp_path)
    assert pdf_pages(pdf) == 2  # 28 members on page 1, the two statistics tables on page 2
    assert _size(pdf) == A4_LANDSCAPE
    text = pdf_text(pdf, tmp_path)
    flat = text.replace("\n", "").replace(" ", "")
    assert "兴市集团第一党支部2019年度党员积分汇总表" in flat
    assert "星级评定情况统计表" in flat and "等次评定情况统计表" in flat
    for needle in ("郑伟", "徐刚", "93.93", "44.8", "优秀", "五星级"):
        assert needle in text, needle


def test_card_and_form_are_one_portrait_page(sample_ledger, tmp_path):
    from jifen_cli.render.cards import render_card, render_declaration_form

    for html, needles in ((render_card(sample_ledger, "李海燕", 2019, "html"), ("李海燕", "95.48", "志愿服务")),
                          (render_declaration_form(sample_ledger, "html"), ("月度党员积分申报表", "申报人签字"))):
        pdf = print_pdf(html, tmp_path)
        assert pdf_pages(pdf) == 1
        assert _size(pdf) == A4_PORTRAIT
        text = pdf_text(pdf, tmp_path)
        for needle in needles:
            assert needle in text.replace(" ", ""), needle


@pytest.mark.parametrize("members,pages", [(120, 3)])
def test_long_notice_breaks_across_pages_with_headers(tmp_path, members, pages):
    """A big branch still prints: the table continues on later pages."""
    from jifen_cli.render.notices import render_notice

    ledger = load(big_branch(tmp_path / "big", members=members))
    pdf = print_pdf(render_notice(ledger, Period.parse("2019-01"), "html", date(2019, 2, 5)), tmp_path)
    assert pdf_pages(pdf) == pages
