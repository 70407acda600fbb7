"""Columns laid out by the terminal's width (pdp_tui.tui.columns): whole where it matters."""

from __future__ import annotations

import pytest

from pdp_tui.tui.columns import Column, fit, lay_out, least_width, natural_width

CONTRACT = Column("contract", "Contratto", whole=True, priority=10)
CUSTOMER = Column("customer", "Cliente", minimum=12, grow=True, priority=8)
COVERING = Column("covering", "Rivestimento", minimum=6, optional=True, priority=2, short="Riv.")
DATE = Column("date", "Data", whole=True, priority=7)
COLUMNS = [CONTRACT, CUSTOMER, COVERING, DATE]
TEXTS = {
    "contract": ["CONTRATTO-2026-00011", "PDP-1"],
    "customer": ["Bianchi Della Gherardesca Maria Vittoria"],
    "covering": ["Tessuto idrorepellente"],
    "date": ["29/11/2026"],
}


def widths(width: int) -> dict[str, int]:
    naturals = {c.key: natural_width(c, TEXTS[c.key]) for c in COLUMNS}
    floors = {c.key: least_width(c, TEXTS[c.key]) for c in COLUMNS}
    return lay_out(COLUMNS, naturals, width, floors=floors)


@pytest.mark.parametrize("width", [50, 60, 78, 100, 118, 200])
def test_whole_columns_are_whole_and_everything_fits(width):
    laid = widths(width)
    assert laid["contract"] == 20 and laid["date"] == 10
    assert sum(w + 2 for w in laid.values()) <= width


def test_narrow_drops_the_optional_column_before_crushing_the_customer():
    laid = widths(50)
    assert "covering" not in laid
    assert laid["customer"] >= 12


def test_wide_shows_everything_whole_and_the_customer_grows():
    laid = widths(118)
    assert laid["covering"] == len("Tessuto idrorepellente")
    assert laid["customer"] >= len(TEXTS["customer"][0])


def test_shrinking_takes_from_the_widest_first():
    laid = widths(78)
    assert laid["customer"] >= laid.get("covering", 0)
    assert laid.get("covering", 6) >= 6


def test_fit_ends_with_an_ellipsis_only_when_cut():
    assert fit("Rossi Anna", 12).plain == "Rossi Anna"
    assert fit("Bianchi Della Gherardesca", 12).plain == "Bianchi Del…"
    assert fit("Bianchi Della Gherardesca", 12).cell_len == 12
    assert fit("漢字漢字漢字漢字", 9).cell_len <= 9


def test_the_short_header_when_the_full_one_does_not_fit():
    assert COVERING.header_for(12).plain == "Rivestimento"
    assert COVERING.header_for(8).plain == "Riv."
