"""Accesso: good and bad credentials, lockout, demo accounts, the forced password change."""

from __future__ import annotations

import pytest
from pilot_helpers import (
    LOGIN_FAILED,
    PASSWORD,
    flat,
    input_value,
    login,
    region_text,
    screen_text,
    type_text,
    wait_until,
)
from textual.widgets import Input

from pdp_tui import domain
from pdp_tui.domain import Role
from pdp_tui.models import User
from pdp_tui.services import accounts, auth
from pdp_tui.services.errors import AuthenticationFailed
from pdp_tui.tui.screens.change_password import ChangePasswordScreen
from pdp_tui.tui.screens.login import LoginScreen
from pdp_tui.tui.screens.plan_entry import PlanEntryScreen


def login_message(app) -> str:
    return flat(region_text(app, app.screen.query_one("#login-message")))


async def test_good_credentials_open_the_plan_form(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, LoginScreen)
        assert app.focused is app.screen.query_one("#username")
        await login(pilot, "vendite.mi")
        await wait_until(pilot, lambda: isinstance(app.screen, PlanEntryScreen))
        assert app.actor is not None and app.actor.username == "vendite.mi"
        await wait_until(pilot, lambda: "MI01 Milano Centro" in screen_text(app))
        assert app.focused is app.screen.query_one("#covering")


@pytest.mark.parametrize(
    ("username", "password"),
    [
        pytest.param("vendite.mi", "password-sbagliata", id="wrong-password"),
        pytest.param("nessuno.mi", PASSWORD, id="unknown-user"),
    ],
)
async def test_bad_credentials_one_message_that_does_not_say_which(
    sqlite_seed, make_app, username, password
):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, username, password)
        assert isinstance(app.screen, LoginScreen)
        assert app.actor is None
        await wait_until(pilot, lambda: login_message(app) == LOGIN_FAILED)
        # Same words whatever was wrong: the message names both and neither.
        assert LOGIN_FAILED.startswith("Accesso non riuscito")
        assert input_value(app, "#password") == ""
        assert input_value(app, "#username") == username
        assert app.focused is app.screen.query_one("#password")
        assert not app.screen.query_one("#password", Input).disabled


async def test_empty_fields_ask_for_both(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await wait_until(pilot, lambda: login_message(app) == "Inserisci nome utente e password.")
        assert app.focused is app.screen.query_one("#username")


async def test_five_failures_lock_the_account_with_the_same_message(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "vendite.mi", "x")
        for _ in range(4):
            await wait_until(pilot, lambda: app.focused is app.screen.query_one("#password"))
            await pilot.press("y", "enter")
            await wait_until(pilot, lambda: not app.screen.query_one("#password").disabled)
        assert User.get(User.username == "vendite.mi").locked_until is not None
        # The right password now: refused, with the very same words.
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await wait_until(pilot, lambda: not app.screen.query_one("#password").disabled)
        await wait_until(pilot, lambda: login_message(app) == LOGIN_FAILED)
        assert isinstance(app.screen, LoginScreen)
        assert app.actor is None
    with pytest.raises(AuthenticationFailed):
        auth.authenticate("vendite.mi", PASSWORD)


async def test_demo_accounts_are_listed_only_in_demo_mode(sqlite_seed, make_app):
    app = make_app(demo_accounts=domain.DEMO_ACCOUNTS)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = flat(region_text(app, app.screen.query_one("#demo-accounts")))
        assert "Account dimostrativi" in text
        for account in domain.DEMO_ACCOUNTS:
            assert f"{account.username} / {account.password}" in text

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not app.screen.query("#demo-accounts")
        assert "demo-vendite-1" not in screen_text(app)


NEW_PASSWORD = "nuova-password-1"


def password_message(app) -> str:
    return flat(region_text(app, app.screen.query_one("#password-message")))


async def test_must_change_password_before_the_first_screen(sqlite_seed, make_app):
    accounts.create_user(
        domain.SYSTEM,
        "nuovo.mi",
        Role.STAFF,
        password="password-iniziale",
        store_code="MI01",
        full_name="Nina Nuovi",
        must_change_password=True,
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "nuovo.mi", "password-iniziale")
        await wait_until(pilot, lambda: isinstance(app.screen, ChangePasswordScreen))
        assert app.actor is None  # no session until the password is changed
        assert app.focused is app.screen.query_one("#new-password")

        # The two entries differ.
        await type_text(pilot, NEW_PASSWORD)
        await pilot.press("enter")
        await type_text(pilot, NEW_PASSWORD + "x")
        await pilot.press("enter")
        await wait_until(pilot, lambda: password_message(app) == "Le due password non coincidono.")
        assert isinstance(app.screen, ChangePasswordScreen)

        # Too short: the policy's Italian message.
        await pilot.press("shift+tab")
        await pilot.press("ctrl+u")  # clear the first entry
        await type_text(pilot, "corta")
        await pilot.press("enter")
        await type_text(pilot, "corta")
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: password_message(app) == "La password deve avere almeno 10 caratteri.",
        )
        assert isinstance(app.screen, ChangePasswordScreen)
        assert app.actor is None
        assert User.get(User.username == "nuovo.mi").must_change_password

        # A good one: on to the first screen of the role.
        await wait_until(pilot, lambda: app.focused is app.screen.query_one("#new-password"))
        await type_text(pilot, NEW_PASSWORD)
        await pilot.press("enter")
        await type_text(pilot, NEW_PASSWORD)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PlanEntryScreen))
        assert app.actor is not None and app.actor.username == "nuovo.mi"
        assert not app.actor.must_change_password

    actor = auth.authenticate("nuovo.mi", NEW_PASSWORD)
    assert actor.username == "nuovo.mi" and not actor.must_change_password
    with pytest.raises(AuthenticationFailed):
        auth.authenticate("nuovo.mi", "password-iniziale")
