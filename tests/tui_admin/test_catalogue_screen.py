"""Negozi e rivestimenti (F7): new stores and coverings, a covering withdrawn from sale."""

from __future__ import annotations

from pilot_helpers import (
    cell,
    column,
    login_as,
    move_to_row,
    shown_text,
    steady,
    type_text,
    wait_until,
)
from textual.widgets import DataTable

from pdp_tui.services import catalogue
from pdp_tui.tui.screens.admin_catalogue import CatalogueScreen, NewCoveringDialog, NewStoreDialog
from pdp_tui.tui.widgets.form_dialog import field_id

from .conftest import confirm


async def open_catalogue(pilot, seed) -> None:
    await login_as(pilot, "admin", seed.password)
    await pilot.press("f7")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CatalogueScreen), "F7")
    await steady(pilot)


def field_error(app, name: str) -> str:
    return shown_text(app.screen.query_one(f"#{field_id(name)}-error"))


async def test_add_a_store_with_errors_at_the_fields(make_app, sqlite_seed):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_catalogue(pilot, sqlite_seed)
        stores = app.screen.query_one("#stores", DataTable)
        assert column(stores, "code") == ["MI01", "RM01"]

        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, NewStoreDialog), "NewStoreDialog")
        await type_text(pilot, "mi01")  # exists already
        await pilot.press("enter")
        await type_text(pilot, "Milano Nord")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, NewStoreDialog), "NewStoreDialog")
        assert field_error(app, "code") == "Il negozio MI01 esiste già."

        await pilot.press(*["backspace"] * 4)
        await type_text(pilot, "mi02")
        await pilot.press("enter")
        await pilot.press(*["backspace"] * len("Milano Nord"))
        await pilot.press("enter")  # no name
        await steady(pilot)
        assert field_error(app, "name") == "Nome del negozio: campo obbligatorio."
        assert field_error(app, "code") == ""

        await type_text(pilot, "Milano Nord")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CatalogueScreen), "CatalogueScreen")
        assert column(stores, "code") == ["MI01", "MI02", "RM01"]
        assert stores.cursor_row == 1, "the new store is selected"
    assert ("MI02", "Milano Nord") in [
        (c, n) for _, c, n in catalogue.list_stores(sqlite_seed.admin)
    ]


async def test_a_new_covering_is_offered_to_staff_and_can_be_withdrawn(make_app, sqlite_seed):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_catalogue(pilot, sqlite_seed)
        await pilot.press("r")
        await wait_until(
            pilot, lambda: isinstance(app.screen, NewCoveringDialog), "NewCoveringDialog"
        )
        await pilot.press("enter")  # empty
        await steady(pilot)
        assert field_error(app, "label") != ""
        await type_text(pilot, "Velluto a coste")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CatalogueScreen), "CatalogueScreen")
        coverings = app.screen.query_one("#coverings", DataTable)
        assert app.focused is coverings
        assert column(coverings, "label")[-1] == "Velluto a coste"
        assert column(coverings, "active")[-1] == "sì"
        labels = [c.label for c in catalogue.list_coverings(sqlite_seed.staff_mi)]
        assert "Velluto a coste" in labels

        # Withdraw it: staff no longer see it; the table says so.
        velluto = next(
            c for c in catalogue.list_coverings(sqlite_seed.admin) if c.label == "Velluto a coste"
        )
        await move_to_row(pilot, coverings, str(velluto.id))
        await confirm(pilot, "d")
        await wait_until(pilot, lambda: cell(coverings, str(velluto.id), 1) == "no", "withdrawn")
        labels = [c.label for c in catalogue.list_coverings(sqlite_seed.staff_mi)]
        assert "Velluto a coste" not in labels

        await confirm(pilot, "d")  # back on sale
        await wait_until(pilot, lambda: cell(coverings, str(velluto.id), 1) == "sì", "on sale")
    assert "Velluto a coste" in [c.label for c in catalogue.list_coverings(sqlite_seed.staff_mi)]
