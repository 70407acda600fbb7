"""A till runs all day: what a session keeps alive does not grow with the work it does.

One Pilot session registers 50 plans, searches the list 50 times and locks and unlocks
20 times as a clerk; then support, logging in at the lock screen, verifies 50 codes. The
live widgets (mounted or not: a leak keeps removed ones alive) are counted after the
first few of each and again at the end.
"""

from __future__ import annotations

import gc
from collections import Counter

from pilot_helpers import PASSWORD, login_staff, screen_text, settle, type_text, wait_until
from textual.widget import Widget
from textual.widgets._footer import FooterKey

from pdp_tui.models import Plan
from pdp_tui.services import codes
from pdp_tui.tui.screens.contract_list import ContractListScreen
from pdp_tui.tui.screens.lock import LockScreen
from pdp_tui.tui.screens.plan_entry import PlanEntryScreen
from pdp_tui.tui.screens.verify_code import VerifyCodeScreen
from pdp_tui.tui.widgets.code_panel import ActivationCodePanel

WARM_UP = 3
REGISTRATIONS = 50
SEARCHES = 50
LOCKS = 20
VERIFICATIONS = 50


def live_widgets() -> Counter[str]:
    gc.collect()
    return Counter(type(obj).__name__ for obj in gc.get_objects() if isinstance(obj, Widget))


def growth(before: Counter[str], after: Counter[str]) -> dict[str, int]:
    return {name: after[name] - before[name] for name in after if after[name] > before[name]}


async def growth_since(pilot, baseline: Counter[str]) -> dict[str, int]:
    await settle(pilot)
    return growth(baseline, live_widgets())


async def register(pilot, number: int) -> None:
    """F2 and one whole card, as a clerk types it; waits for the code."""
    app = pilot.app
    await pilot.press("f2")
    entry = app.screen
    await wait_until(pilot, lambda: app.focused in entry.query("#covering, #contract_number"))
    if app.focused is entry.query_one("#covering"):  # the first card: pick the covering
        await pilot.press("1", "enter")
    await type_text(pilot, f"LS-{number:04d}")
    await pilot.press("enter")
    await type_text(pilot, "Anna")
    await pilot.press("enter")
    await type_text(pilot, f"Rossi{number}")
    await pilot.press("enter", "1", "enter")
    panel = entry.query_one("#code-panel", ActivationCodePanel)
    await wait_until(
        pilot,
        lambda: panel.plan is not None and panel.plan.contract_number == f"LS-{number:04d}",
        what=f"the code of plan {number}",
    )


async def search(pilot, number: int) -> None:
    app = pilot.app
    await pilot.press("f3")
    await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen))
    field = app.screen.query_one("#search")
    field.focus()
    await pilot.press("ctrl+u")
    await type_text(pilot, f"LS-{number:04d}")
    status = app.screen.query_one("#list-status")
    await wait_until(
        pilot, lambda: status.content.plain.startswith("Contratti 1–1 "), what="one match"
    )


async def lock_and_unlock(pilot, username: str) -> None:
    app = pilot.app
    app.lock()
    await wait_until(pilot, lambda: isinstance(app.screen, LockScreen))
    field = app.screen.query_one("#lock-username")
    if field.value != username:
        field.value = username
    app.screen.query_one("#lock-password").focus()
    await type_text(pilot, PASSWORD)
    await pilot.press("enter")
    await wait_until(pilot, lambda: not app.locked and not isinstance(app.screen, LockScreen))


async def verify(pilot, code: str) -> None:
    app = pilot.app
    screen = app.screen
    field = screen.query_one("#code")
    field.focus()
    await pilot.press("ctrl+u")
    await type_text(pilot, codes.format_code(code))
    await pilot.press("enter")
    result = screen.query_one("#verify-result")
    await wait_until(pilot, lambda: result.content.plain == "CODICE VALIDO", what="valid")
    # The code twice on screen: in the field and in the plan verified.
    await wait_until(pilot, lambda: screen_text(app).count(codes.format_code(code)) == 2)


async def clerk_day(pilot, first: int, last: int, locks: int) -> None:
    # The locks first: the last worker of a session lingers (Textual keeps it in a context
    # variable) with its screen until the next one, and a lock screen is gone by then.
    for _ in range(locks):
        await lock_and_unlock(pilot, "vendite.mi")
    for number in range(first, last):
        await register(pilot, number)
        await search(pilot, number)


async def test_widgets_do_not_grow_over_a_day_of_work(sqlite_seed, make_app, register):
    # Yesterday's plans: the list is longer than the screen from the start (a scrollbar
    # that appears once is not growth).
    for number in range(30):
        register(sqlite_seed.staff_mi, f"OLD-{number:04d}")
    app = make_app(idle_lock_minutes=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await clerk_day(pilot, 0, WARM_UP, 2)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, PlanEntryScreen))
        await settle(pilot)
        baseline = live_widgets()
        await clerk_day(pilot, WARM_UP, REGISTRATIONS, LOCKS - 2)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, PlanEntryScreen))
        assert await growth_since(pilot, baseline) == {}
        assert live_widgets()[FooterKey.__name__] == 0

        # Support takes over the till at the lock screen and verifies the day's codes.
        issued = [
            code
            for (code,) in Plan.select(Plan.activation_code)
            .where(Plan.contract_number.startswith("LS-"))
            .tuples()
        ]
        assert len(issued) == REGISTRATIONS
        await lock_and_unlock(pilot, "assistenza")
        await wait_until(pilot, lambda: isinstance(app.screen, VerifyCodeScreen))
        for code in issued[:WARM_UP]:
            await verify(pilot, code)
        baseline = live_widgets()
        for code in issued[WARM_UP:]:
            await verify(pilot, code)
        assert await growth_since(pilot, baseline) == {}
