"""The idle lock: after a pause the session hides behind a password; the same user resumes
where they were, another user starts afresh, and nothing of the customer shows meanwhile."""

from __future__ import annotations

from textual.command import CommandPalette

from pdp_tui.domain import SYSTEM, Role
from pdp_tui.services import accounts
from pdp_tui.services.errors import AuthenticationFailed
from pdp_tui.tui.screens.lock import LockScreen

from .helpers import (
    PASSWORD,
    focused_id,
    input_value,
    login_staff,
    screen_name,
    screen_text,
    shown,
    type_text,
    wait_until,
)

IDLE_MINUTES = 0.02  # 1.2 s without a key
CUSTOMER = {
    "contract_number": "PDP-9911-ZQ",
    "first_name": "Ermenegildo",
    "last_name": "Zanzottera",
}


async def fill_form(pilot) -> None:
    """Covering 1, then the customer's fields, stopping on the surname (nothing saved)."""
    await pilot.press("1", "enter")
    await type_text(pilot, CUSTOMER["contract_number"])
    await pilot.press("enter")
    await type_text(pilot, CUSTOMER["first_name"])
    await pilot.press("enter")
    await type_text(pilot, CUSTOMER["last_name"])


def customer_data_visible(app) -> list[str]:
    """Every typed customer value that can be read on the screen or in a screenshot."""
    text = screen_text(app)
    svg = app.export_screenshot()
    return [v for v in CUSTOMER.values() if v in text or v in svg]


async def lock_by_waiting(pilot) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: app.locked, timeout=10, what="the idle lock")
    await wait_until(pilot, lambda: isinstance(app.screen, LockScreen))
    await wait_until(pilot, lambda: focused_id(app) == "lock-password")


async def test_lock_hides_the_form_and_the_same_user_resumes(sqlite_seed, make_app):
    app = make_app(idle_lock_minutes=IDLE_MINUTES)
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await fill_form(pilot)
        # What is about to be hidden is on show now (so that the check below can fail).
        assert customer_data_visible(app) == list(CUSTOMER.values())

        await lock_by_waiting(pilot)
        assert customer_data_visible(app) == []
        await wait_until(pilot, lambda: "Sessione bloccata" in shown(app, "#lock-title"))
        assert input_value(app, "#lock-username") == "vendite.mi"

        # While locked, the screen keys and the palette do nothing.
        for key in ("f2", "f3", "ctrl+n", "ctrl+l", "ctrl+p"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, LockScreen), key
            assert app.current_mode == "nuovo", key
        assert not any(isinstance(s, CommandPalette) for s in app.screen_stack)
        assert customer_data_visible(app) == []
        # Help stays available; what it shows over the lock is the lock, not the form.
        await pilot.press("f1")
        await wait_until(pilot, lambda: screen_name(app) == "HelpScreen")
        assert customer_data_visible(app) == []
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, LockScreen))
        await wait_until(pilot, lambda: focused_id(app) == "lock-password")

        # A wrong password: the login failure message, still locked.
        await type_text(pilot, "password-sbagliata")
        await pilot.press("enter")
        await wait_until(pilot, lambda: shown(app, "#lock-message") == str(AuthenticationFailed()))
        assert app.locked and isinstance(app.screen, LockScreen)
        assert input_value(app, "#lock-password") == ""
        assert customer_data_visible(app) == []

        # The right one: back to the form, with everything that was typed.
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await wait_until(pilot, lambda: not app.locked and screen_name(app) == "PlanEntryScreen")
        for field, value in CUSTOMER.items():
            assert input_value(app, f"#{field}") == value
        assert app.actor.username == "vendite.mi"
        assert app.focused is app.screen.query_one("#last_name")


async def test_another_user_from_the_lock_screen_starts_afresh(sqlite_seed, make_app):
    app = make_app(idle_lock_minutes=IDLE_MINUTES)
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await fill_form(pilot)
        await lock_by_waiting(pilot)

        await pilot.press("shift+tab")
        assert app.focused is app.screen.query_one("#lock-username")
        await type_text(pilot, "vendite.rm")  # the username is selected on focus: replaced
        assert input_value(app, "#lock-username") == "vendite.rm"
        await pilot.press("enter")
        assert app.focused is app.screen.query_one("#lock-password")
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")

        await wait_until(
            pilot,
            lambda: (
                app.actor is not None
                and app.actor.username == "vendite.rm"
                and screen_name(app) == "PlanEntryScreen"
                and app.screen.query_one("#covering").choices
            ),
            what="vendite.rm's plan form",
        )
        assert not app.locked
        assert "RM01 Roma Eur" in shown(app, "#form-store")
        for field in CUSTOMER:
            assert input_value(app, f"#{field}") == ""
        assert customer_data_visible(app) == []
        # Nothing of the previous session is left under the new one.
        assert not any(isinstance(s, LockScreen) for s in app.screen_stack)


async def lock_now(pilot) -> None:
    """Lock as "Blocca sessione" does, without waiting for the idle time."""
    app = pilot.app
    app.lock()
    await wait_until(pilot, lambda: isinstance(app.screen, LockScreen))
    await wait_until(pilot, lambda: focused_id(app) == "lock-password")


async def test_an_account_disabled_while_locked_cannot_unlock(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await fill_form(pilot)
        await lock_now(pilot)
        accounts.set_active(SYSTEM, "vendite.mi", False)

        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await wait_until(pilot, lambda: shown(app, "#lock-message") == str(AuthenticationFailed()))
        assert app.locked and isinstance(app.screen, LockScreen)
        assert customer_data_visible(app) == []


async def test_an_account_moved_while_locked_starts_afresh(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await fill_form(pilot)
        await lock_now(pilot)
        accounts.set_role(SYSTEM, "vendite.mi", Role.STAFF, "RM01")

        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: (
                app.actor is not None
                and app.actor.store_code == "RM01"
                and screen_name(app) == "PlanEntryScreen"
            ),
            what="a new session for the moved account",
        )
        assert not app.locked
        assert not any(isinstance(s, LockScreen) for s in app.screen_stack)
        for field in CUSTOMER:
            assert input_value(app, f"#{field}") == ""
