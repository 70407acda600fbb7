"""Cambia password from the command palette (Ctrl+P), as a logged-in user chooses to."""

from __future__ import annotations

import pytest

from pdp_tui.services import auth
from pdp_tui.services.errors import AuthenticationFailed

from .helpers import (
    PASSWORD,
    focused_id,
    login_staff,
    screen_name,
    shown,
    type_text,
    wait_until,
)

NEW_PASSWORD = "tavolo-rosso-2026"


async def open_change_password(pilot) -> None:
    """Ctrl+P, type the command's name, Enter: the dialog asks for the current password."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: screen_name(app) == "Palette")
    await type_text(pilot, "Cambia password")
    await wait_until(
        pilot,
        lambda: "Scegli una nuova password" in shown(app, "CommandList"),
        timeout=2,
        what="the command in the palette",
    )
    await pilot.press("enter")
    await wait_until(pilot, lambda: screen_name(app) == "ChangePasswordScreen", timeout=2)
    await wait_until(pilot, lambda: focused_id(app) == "current-password")


async def submit(pilot, current: str, new: str, repeat: str | None = None) -> None:
    await type_text(pilot, current)
    await pilot.press("enter")
    await type_text(pilot, new)
    await pilot.press("enter")
    await type_text(pilot, new if repeat is None else repeat)
    await pilot.press("enter")


async def test_own_password_change_from_the_palette(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await open_change_password(pilot)

        # Too short: the policy's message; every field is emptied for a new attempt.
        await submit(pilot, PASSWORD, "corta")
        await wait_until(
            pilot,
            lambda: (
                shown(app, "#password-message")
                == f"La password deve avere almeno {auth.PASSWORD_MIN_LENGTH} caratteri."
            ),
        )
        assert screen_name(app) == "ChangePasswordScreen"
        assert focused_id(app) == "current-password"

        # The username as the password (in capitals, ten characters: long enough).
        await submit(pilot, PASSWORD, "VENDITE.MI")
        await wait_until(
            pilot,
            lambda: (
                shown(app, "#password-message")
                == "La password non può essere uguale al nome utente."
            ),
        )
        assert screen_name(app) == "ChangePasswordScreen"
        # Neither attempt changed anything.
        assert auth.authenticate("vendite.mi", PASSWORD).username == "vendite.mi"

        await submit(pilot, PASSWORD, NEW_PASSWORD)
        await wait_until(pilot, lambda: screen_name(app) == "PlanEntryScreen")
        assert app.actor.username == "vendite.mi"

    assert auth.authenticate("vendite.mi", NEW_PASSWORD).username == "vendite.mi"
    with pytest.raises(AuthenticationFailed):
        auth.authenticate("vendite.mi", PASSWORD)


async def test_a_common_password_is_refused_saying_why(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await open_change_password(pilot)
        await submit(pilot, PASSWORD, "password12")
        await wait_until(
            pilot,
            lambda: "tra le password più usate" in shown(app, "#password-message"),
        )
        assert shown(app, "#password-message").startswith("Password troppo facile da indovinare")
        assert screen_name(app) == "ChangePasswordScreen"
    assert auth.authenticate("vendite.mi", PASSWORD).username == "vendite.mi"


async def test_guessing_the_current_password_locks_and_ends_the_session(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await open_change_password(pilot)
        for attempt in range(1, 5):
            await submit(pilot, f"tentativo-{attempt}", NEW_PASSWORD)
            await wait_until(
                pilot,
                lambda: shown(app, "#password-message") == "La password attuale non è corretta.",
            )
            await wait_until(pilot, lambda: focused_id(app) == "current-password")
        await submit(pilot, "tentativo-5", NEW_PASSWORD)
        await wait_until(
            pilot,
            lambda: (
                screen_name(app) == "LoginScreen"
                and "account bloccato" in shown(app, "#login-message")
            ),
            what="the login screen after the lock",
        )
        assert "La sessione è terminata." in shown(app, "#login-message")
        assert app.actor is None
    with pytest.raises(AuthenticationFailed):
        auth.authenticate("vendite.mi", PASSWORD)
