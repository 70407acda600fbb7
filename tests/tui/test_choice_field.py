"""Choice fields: any option by its number, however many there are; labels never broken."""

from __future__ import annotations

import pytest
from pilot_helpers import login_staff, region_text, type_text, wait_until

from pdp_tui.domain import SYSTEM
from pdp_tui.models import Plan
from pdp_tui.services import catalogue
from pdp_tui.tui.widgets.choice_field import ChoiceField, lay_out, pick_by_digits
from pdp_tui.tui.widgets.code_panel import ActivationCodePanel

EXTRA_COVERINGS = [
    "Velluto",
    "Lino",
    "Cotone",
    "Alcantara",
    "Pelle pieno fiore",
    "Nabuk",
    "Tessuto idrorepellente",
    "Ciniglia",
]  # 4 in the default catalogue + 8 = 12


def pick(digits: str, count: int) -> int | None:
    typed, number = "", None
    for digit in digits:
        typed, picked = pick_by_digits(typed, digit, count)
        number = picked if picked is not None else number
    return number


@pytest.mark.parametrize(
    ("digits", "count", "expected"),
    [
        ("1", 12, 1),
        ("10", 12, 10),
        ("12", 12, 12),
        ("23", 12, 3),  # there is no 23: the 3 starts again
        ("13", 12, 3),
        ("121", 12, 1),
        ("12", 4, 2),  # with 4 options each digit is an option of its own
        ("0", 12, None),
        ("7", 6, None),
        ("100", 120, 100),
        ("99", 12, 9),
    ],
)
def test_digits_accumulate_while_they_name_an_option(digits, count, expected):
    assert pick(digits, count) == expected


def test_options_go_on_the_next_line_whole():
    labels = ["Tessuto", "Pelle", "Ecopelle", "Microfibra", "Tessuto idrorepellente"]
    lines = lay_out(labels, 40)
    assert [i for line in lines for i in line] == list(range(len(labels)))
    assert len(lines) > 1
    for line in lines:
        width = sum(len(f" {i + 1} {labels[i]} ") for i in line) + len(line) - 1
        assert width <= 40


async def test_the_twelfth_covering_by_keys(sqlite_seed, make_app):
    for label in EXTRA_COVERINGS:
        catalogue.add_covering(SYSTEM, label)
    coverings = catalogue.list_coverings(SYSTEM)
    assert len(coverings) == 12
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        field = app.screen.query_one("#covering", ChoiceField)
        await pilot.press("1", "0")
        assert field.value == coverings[9].id
        await pilot.press("2", "3")  # no 23: option 3
        assert field.value == coverings[2].id
        await pilot.press("1", "2")
        assert field.value == coverings[11].id
        # Every option's number and label are on screen, none broken across lines.
        shown = region_text(app, field)
        for number, covering in enumerate(coverings, 1):
            assert f"{number} {covering.label}" in shown, (number, shown)
        await pilot.press("enter")
        for text in ("MI-12", "Anna", "Neri"):
            await type_text(pilot, text)
            await pilot.press("enter")
        await pilot.press("1", "enter")
        panel = app.screen.query_one("#code-panel", ActivationCodePanel)
        await wait_until(pilot, lambda: panel.plan is not None)
    assert Plan.get(Plan.contract_number == "MI-12").covering_id == coverings[11].id
