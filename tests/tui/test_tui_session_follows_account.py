"""A session follows its account: changed from elsewhere (here, the operator's service calls,
as ``pdp-tui user …`` makes them), the next action returns to the login screen and says why."""

from __future__ import annotations

import pytest
from pilot_helpers import flat, login, login_staff, region_text, type_text, wait_until

from pdp_tui.domain import SYSTEM, Role
from pdp_tui.models import Plan
from pdp_tui.services import accounts, permissions
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
