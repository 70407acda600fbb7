"""Utenti (F6): an administrator issues and manages accounts by keys alone."""

from __future__ import annotations

import pytest
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

from pdp_tui.domain import Role
from pdp_tui.models import User
from pdp_tui.services import auth
from pdp_tui.services.errors import AuthenticationFailed
from pdp_tui.tui.screens.admin_users import NewUserDialog, ResetPasswordDialog, UsersScreen
from pdp_tui.tui.widgets.form_dialog import ActionDialog, field_id

from .conftest import confirm

NEW_PASSWORD = "provvisoria-123"


def users_table(app) -> DataTable:
    return app.screen.query_one("#users", DataTable)


def field_error(app, name: str) -> str:
    return shown_text(app.screen.query_one(f"#{field_id(name)}-error"))


async def open_users(pilot, seed) -> None:
    await login_as(pilot, "admin", seed.password)
    assert isinstance(pilot.app.screen, UsersScreen), "admin lands on Utenti"
    await wait_until(
        pilot,
        lambda: pilot.app.screen.query("#users") and users_table(pilot.app).row_count > 0,
        "the accounts",
    )


async def test_admin_creates_a_staff_account_that_must_change_password(make_app, sqlite_seed):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_users(pilot, sqlite_seed)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, NewUserDialog), "NewUserDialog")
        await type_text(pilot, "Nuovo.MI")
        await pilot.press("enter")
        await type_text(pilot, "Carla Neri")
        await pilot.press("enter", "1", "enter")  # role: addetto vendite
        await pilot.press("1", "enter")  # store: MI01 (stores are sorted by code)
        await type_text(pilot, NEW_PASSWORD)
        await pilot.press("enter")
        await type_text(pilot, NEW_PASSWORD)
        await pilot.press("enter")
        await steady(pilot)

        assert isinstance(app.screen, UsersScreen)
        table = users_table(app)
        row = table.get_row_index("nuovo.mi")
        assert table.cursor_row == row, "the new account is selected"
        cells = [str(c) for c in table.get_row_at(row)]
        assert cells == ["nuovo.mi", "Carla Neri", "addetto vendite", "MI01", "attivo", "sì"]
        assert any("nuovo.mi creato" in n.message for n in app._notifications)

    actor = auth.authenticate("nuovo.mi", NEW_PASSWORD)
    assert actor.must_change_password
    assert (actor.role, actor.store_code) == (Role.STAFF, "MI01")


async def test_new_account_errors_are_shown_at_their_fields(make_app, sqlite_seed):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_users(pilot, sqlite_seed)
        await pilot.press("a")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, NewUserDialog)
                and app.focused is app.screen.field("username")
            ),
            "the form",
        )
        await type_text(pilot, "x")  # too short
        await pilot.press("enter", "enter", "enter")  # no name; role staff; no store
        await pilot.press("enter")
        await type_text(pilot, "corta")
        await pilot.press("enter")
        await type_text(pilot, "corta")
        await pilot.press("enter")
        await wait_until(pilot, lambda: field_error(app, "password"), "the errors")

        assert isinstance(app.screen, NewUserDialog), "the form stays open"
        assert "Nome utente" in field_error(app, "username")
        assert field_error(app, "store") == "Un addetto vendite deve appartenere a un negozio."
        assert "almeno 10 caratteri" in field_error(app, "password")
        assert field_error(app, "full_name") == ""
        assert app.focused is app.screen.field("username"), "focus on the first wrong field"

        # Fix them; the two passwords differ: refused before calling the service.
        await pilot.press(*["backspace"] * 3)
        await type_text(pilot, "nuovo.rm")
        await pilot.press("enter", "enter", "enter", "2", "enter")  # RM01
        await type_text(pilot, NEW_PASSWORD)
        await pilot.press("enter")
        await type_text(pilot, NEW_PASSWORD + "x")
        await pilot.press("enter")
        await steady(pilot)
        assert field_error(app, "password2") == "Le due password non coincidono."
        assert field_error(app, "store") == ""
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, UsersScreen), "UsersScreen")
        assert "nuovo.rm" not in column(users_table(app), "username")
    assert not User.select().where(User.username.in_(["x", "nuovo.rm"])).exists()


async def test_support_and_admin_accounts_have_no_store(make_app, sqlite_seed):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_users(pilot, sqlite_seed)
        await pilot.press("a")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, NewUserDialog)
                and app.focused is app.screen.field("username")
            ),
            "the form",
        )
        dialog = app.screen
        await pilot.press("enter", "enter")  # to the role
        await pilot.press("2")  # assistenza
        await pilot.pause()
        assert dialog.field("store").disabled
        await pilot.press("enter")  # skips the store
        assert app.focused is dialog.field("password")


async def test_disabled_account_cannot_log_in_until_enabled_again(make_app, sqlite_seed):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_users(pilot, sqlite_seed)
        table = users_table(app)
        await move_to_row(pilot, table, "vendite.mi")
        await confirm(pilot, "d")
        await wait_until(pilot, lambda: cell(table, "vendite.mi", 4) == "disattivato", "off")
        with pytest.raises(AuthenticationFailed):
            auth.authenticate("vendite.mi", sqlite_seed.password)

        # Esc on the confirmation changes nothing.
        await confirm(pilot, "d", "escape")
        await steady(pilot)
        assert cell(table, "vendite.mi", 4) == "disattivato"

        await confirm(pilot, "d")
        await wait_until(pilot, lambda: cell(table, "vendite.mi", 4) == "attivo", "on again")
    assert auth.authenticate("vendite.mi", sqlite_seed.password).username == "vendite.mi"


async def test_admin_cannot_disable_own_account(make_app, sqlite_seed):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_users(pilot, sqlite_seed)
        table = users_table(app)
        await move_to_row(pilot, table, "admin")
        await confirm(pilot, "d")
        await wait_until(
            pilot, lambda: any(n.severity == "error" for n in app._notifications), "refusal"
        )
        assert str(table.get_row("admin")[4]) == "attivo"


async def test_reset_password_forces_a_change_at_next_login(make_app, sqlite_seed):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_users(pilot, sqlite_seed)
        table = users_table(app)
        await move_to_row(pilot, table, "vendite.rm")
        await pilot.press("p")
        await wait_until(
            pilot, lambda: isinstance(app.screen, ResetPasswordDialog), "ResetPasswordDialog"
        )
        await type_text(pilot, NEW_PASSWORD)
        await pilot.press("enter")
        await type_text(pilot, NEW_PASSWORD)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, UsersScreen), "the users again")
        await wait_until(pilot, lambda: str(table.get_row("vendite.rm")[5]) == "sì", "reloaded")
    with pytest.raises(AuthenticationFailed):
        auth.authenticate("vendite.rm", sqlite_seed.password)
    assert auth.authenticate("vendite.rm", NEW_PASSWORD).must_change_password


async def test_unlock_a_locked_account(make_app, sqlite_seed):
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            auth.authenticate("vendite.mi", "sbagliata-sbagliata")
    with pytest.raises(AuthenticationFailed):
        auth.authenticate("vendite.mi", sqlite_seed.password)  # locked
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_users(pilot, sqlite_seed)
        table = users_table(app)
        assert str(table.get_row("vendite.mi")[4]) == "bloccato"
        await move_to_row(pilot, table, "vendite.rm")
        await pilot.press("s")  # not locked: nothing happens
        await steady(pilot)
        await move_to_row(pilot, table, "vendite.mi")
        await pilot.press("s")
        await steady(pilot)
        assert str(table.get_row("vendite.mi")[4]) == "attivo"
    assert auth.authenticate("vendite.mi", sqlite_seed.password).username == "vendite.mi"


async def test_enter_on_a_row_lists_the_actions(make_app, sqlite_seed):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_users(pilot, sqlite_seed)
        table = users_table(app)
        await move_to_row(pilot, table, "vendite.mi")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ActionDialog), "ActionDialog")
        await pilot.press("down", "down", "enter")  # Modifica, Disattiva, Reimposta password
        await wait_until(
            pilot, lambda: isinstance(app.screen, ResetPasswordDialog), "ResetPasswordDialog"
        )
        assert app.screen.username == "vendite.mi"
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, UsersScreen), "UsersScreen")


async def test_help_lists_the_keys_that_apply_to_the_selected_account(make_app, sqlite_seed):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_users(pilot, sqlite_seed)
        await move_to_row(pilot, users_table(app), "assistenza")  # active, not locked
        await pilot.press("f1")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "HelpScreen", "the help")
        from pdp_tui.tui.screens.help import help_rows

        shown = {description for _, description in help_rows(app.screen.behind, palette=True)}
        assert {"Nuovo utente", "Disattiva", "Nuova password"} <= shown
        assert not {"Riattiva", "Sblocca"} & shown
