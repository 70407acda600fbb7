"""A session follows its account: changed from elsewhere (here, the operator's service calls,
as ``pdp-tui user …`` makes them), the next action returns to the login screen and says why."""

from __future__ import annotations

import pytest
from pilot_helpers import flat, login, login_staff, region_text, type_text, wait_until

from pdp_tui.domain import SYSTEM, Role
from pdp_tui.models import Plan
from pdp_tui.services import accounts, auth, permissions
from pdp_tui.tui.screens.change_password import ChangePasswordScreen
from pdp_tui.tui.screens.login import LoginScreen
from pdp_tui.tui.screens.plan_entry import PlanEntryScreen

CONTRACT = "PDP-DIS-1"
CHANGES = {
    "disabled": (
        lambda: accounts.set_active(SYSTEM, "vendite.mi", False),
        permissions.ACCOUNT_DISABLED,
    ),
    "role-changed": (
        lambda: accounts.set_role(SYSTEM, "vendite.mi", Role.SUPPORT),
        permissions.ROLE_CHANGED,
    ),
    "password-reset": (
        lambda: accounts.reset_password(SYSTEM, "vendite.mi", "provvisoria-77"),
        permissions.ACCOUNT_CHANGED,
    ),
}


def login_message(app) -> str:
    return flat(region_text(app, app.screen.query_one("#login-message")))


async def fill_form(pilot) -> None:
    """Every field of the plan form, stopping on the protection type (Enter runs Genera)."""
    await pilot.press("1", "enter")
    for text in (CONTRACT, "Mario", "Rossi"):
        await type_text(pilot, text)
        await pilot.press("enter")
    await pilot.press("1")


@pytest.mark.parametrize("change", list(CHANGES))
async def test_genera_after_the_account_changed_returns_to_login(seed, db_url, make_app, change):
    make_change, message = CHANGES[change]
    app = make_app(database_url=db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await fill_form(pilot)
        make_change()
        await pilot.press("enter")  # Genera
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, LoginScreen) and login_message(app) == message,
            what="the login screen saying why",
        )
        assert app.actor is None
        assert app.current_mode == "accesso" and len(app.screen_stack) == 1

        # Someone else logs in at the same till.
        await login(pilot, "vendite.rm")
        await wait_until(pilot, lambda: isinstance(app.screen, PlanEntryScreen))
        assert app.actor.username == "vendite.rm"
    assert not Plan.select().where(Plan.contract_number == CONTRACT).exists()


async def test_disabled_during_the_password_change_asked_at_login(sqlite_seed, make_app):
    accounts.create_user(
        SYSTEM, "nuovo.mi", Role.STAFF, password="provvisoria-77", store_code="MI01"
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "nuovo.mi", "provvisoria-77")
        await wait_until(pilot, lambda: isinstance(app.screen, ChangePasswordScreen))
        accounts.set_active(SYSTEM, "nuovo.mi", False)
        for _ in range(2):
            await type_text(pilot, "tavolo-rosso-2026")
            await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, LoginScreen)
                and login_message(app) == permissions.ACCOUNT_DISABLED
            ),
            what="the login screen saying why",
        )
        assert app.actor is None and len(app.screen_stack) == 1


async def test_the_warm_up_prepares_the_dummy_hash(sqlite_seed, make_app):
    """So that the first failed login of a process costs the same for an unknown user."""
    auth._dummy_hash.cache_clear()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(
            pilot, lambda: auth._dummy_hash.cache_info().currsize == 1, what="the dummy hash"
        )
