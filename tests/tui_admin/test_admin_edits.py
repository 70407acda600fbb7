"""Administration that can edit what it creates, by keys: an account's role, store and name
on Utenti; a store renamed, closed and reopened, and the protection types' validity on
Negozi e rivestimenti."""

from __future__ import annotations

from pilot_helpers import cell, login_as, move_to_row, shown_text, steady, type_text, wait_until
from textual.widgets import DataTable

from pdp_tui.domain import ProtectionType, Role
from pdp_tui.models import Protection, Store, User
from pdp_tui.tui.screens.admin_catalogue import (
    CatalogueScreen,
    RenameStoreDialog,
    ValidityDialog,
)
from pdp_tui.tui.screens.admin_users import EditUserDialog, UsersScreen
from pdp_tui.tui.widgets.form_dialog import ActionDialog, field_id

from .conftest import confirm


def field_error(app, name: str) -> str:
    return shown_text(app.screen.query_one(f"#{field_id(name)}-error"))


async def open_users(pilot, seed) -> DataTable:
    await login_as(pilot, "admin", seed.password)
    assert isinstance(pilot.app.screen, UsersScreen)
    table = pilot.app.screen.query_one("#users", DataTable)
    await wait_until(pilot, lambda: table.row_count > 0, what="the accounts")
    return table


async def open_catalogue(pilot, seed) -> DataTable:
    await login_as(pilot, "admin", seed.password)
    await pilot.press("f7")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CatalogueScreen), what="F7")
    stores = pilot.app.screen.query_one("#stores", DataTable)
    await wait_until(pilot, lambda: stores.row_count == 2, what="the stores")
    return stores


async def test_edit_an_account_moves_staff_to_another_store(make_app, sqlite_seed):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_users(pilot, sqlite_seed)
        await move_to_row(pilot, table, "vendite.mi")
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, EditUserDialog), what="the dialog")
        dialog = app.screen
        await wait_until(pilot, lambda: dialog.field("store").value == "MI01", what="the stores")
        assert dialog.field("full_name").value == "Giulia Bianchi"
        assert dialog.field("role").value is Role.STAFF
        assert app.focused is dialog.field("full_name")

        await pilot.press(*["backspace"] * len("Bianchi"))
        await type_text(pilot, "Rossi")
        await pilot.press("enter", "enter")  # name, role (kept)
        await pilot.press("2", "enter")  # store: RM01, and save
        await wait_until(pilot, lambda: isinstance(app.screen, UsersScreen), what="back on Utenti")
        await wait_until(
            pilot, lambda: cell(table, "vendite.mi", 3) == "RM01", what="the new store"
        )
        assert cell(table, "vendite.mi", 1) == "Giulia Rossi"
    user = User.get(User.username == "vendite.mi")
    assert (user.full_name, Store.get_by_id(user.store_id).code) == ("Giulia Rossi", "RM01")
    assert user.session_epoch == 1  # the store changed: her sessions end


async def test_edit_from_the_actions_with_an_error_at_the_store(make_app, sqlite_seed):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_users(pilot, sqlite_seed)
        await move_to_row(pilot, table, "assistenza")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ActionDialog), what="the actions")
        await pilot.press("enter")  # the first action: Modifica account
        await wait_until(pilot, lambda: isinstance(app.screen, EditUserDialog), what="the dialog")
        dialog = app.screen
        await steady(pilot)
        assert dialog.field("store").disabled  # support have no store
        await pilot.press("enter", "1")  # role: addetto vendite; no store chosen
        await wait_until(pilot, lambda: not dialog.field("store").disabled, what="the store asked")
        await pilot.press("enter", "enter")
        await wait_until(pilot, lambda: field_error(app, "store") != "", what="the error")
        assert field_error(app, "store") == "Un addetto vendite deve appartenere a un negozio."
        assert app.focused is dialog.field("store")
        await pilot.press("1", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, UsersScreen), what="saved")
        await wait_until(pilot, lambda: cell(table, "assistenza", 3) == "MI01", what="the store")
    assert User.get(User.username == "assistenza").role == "staff"


async def test_an_admin_cannot_change_their_own_role(make_app, sqlite_seed):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_users(pilot, sqlite_seed)
        await move_to_row(pilot, table, "admin")
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, EditUserDialog), what="the dialog")
        await steady(pilot)
        await pilot.press("enter", "2", "enter")  # role: assistenza, and save
        await wait_until(pilot, lambda: field_error(app, "role") != "", what="the error")
        assert "tuo stesso account" in field_error(app, "role")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, UsersScreen), what="cancelled")
    assert User.get(User.username == "admin").role == "admin"


async def test_rename_close_and_reopen_a_store(make_app, sqlite_seed):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        stores = await open_catalogue(pilot, sqlite_seed)
        await move_to_row(pilot, stores, "RM01")
        await pilot.press("m")
        await wait_until(
            pilot, lambda: isinstance(app.screen, RenameStoreDialog), what="the dialog"
        )
        name = app.screen.field("name")
        assert name.value == "Roma Eur"
        await pilot.press(*["backspace"] * len("Roma Eur"), "enter")
        await wait_until(pilot, lambda: field_error(app, "name") != "", what="the error")
        assert field_error(app, "name") == "Nome del negozio: campo obbligatorio."
        await type_text(pilot, "Roma Termini")
        await pilot.press("enter")
        await wait_until(pilot, lambda: cell(stores, "RM01", 1) == "Roma Termini", what="renamed")

        await confirm(pilot, "c")  # close
        await wait_until(pilot, lambda: cell(stores, "RM01", 2) == "chiuso", what="closed")
        assert not Store.get(Store.code == "RM01").active
        await confirm(pilot, "c", "escape")  # reopen asked, then cancelled
        assert cell(stores, "RM01", 2) == "chiuso"
        await confirm(pilot, "c")
        await wait_until(pilot, lambda: cell(stores, "RM01", 2) == "aperto", what="reopened")
    assert Store.get(Store.code == "RM01").active


async def test_set_the_validity_of_the_protection_types(make_app, sqlite_seed):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_catalogue(pilot, sqlite_seed)
        line = app.screen.query_one("#catalogue-validity")
        assert "solo rivestimento 60 mesi" in shown_text(line)
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, ValidityDialog), what="the dialog")
        dialog = app.screen
        first = dialog.field(ProtectionType.COVERING.value)
        assert (first.value, app.focused) == ("60", first)
        await pilot.press("backspace", "backspace")
        await type_text(pilot, "200")
        await pilot.press("enter", "enter")
        await wait_until(pilot, lambda: field_error(app, "covering") != "", what="the error")
        assert field_error(app, "covering") == "Un numero di mesi da 1 a 120."
        await pilot.press(*["backspace"] * 3)
        await type_text(pilot, "36")
        await pilot.press("enter", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CatalogueScreen), what="saved")
        await wait_until(
            pilot, lambda: "solo rivestimento 36 mesi" in shown_text(line), what="the new validity"
        )
    months = {p.code: p.validity_months for p in Protection.select()}
    assert months == {"covering": 36, "covering_motion": 60}
