"""What people need is never cut: header, code panel, voided detail, help, a small terminal."""

from __future__ import annotations

from pilot_helpers import (
    PASSWORD,
    flat,
    input_value,
    login_as,
    login_staff,
    region_text,
    screen_lines,
    screen_text,
    type_text,
    wait_until,
)

from pdp_tui.services import codes, corrections
from pdp_tui.tui.screens.contract_detail import ContractDetailScreen
from pdp_tui.tui.screens.help import HelpScreen
from pdp_tui.tui.screens.lock import LockScreen
from pdp_tui.tui.screens.plan_entry import PlanEntryScreen
from pdp_tui.tui.screens.too_small import TooSmallScreen
from pdp_tui.tui.widgets.code_panel import ActivationCodePanel

LONG_FIRST = "Maria Vittoria Ludovica Anastasia Benedetta"  # with the surname, > 60 letters
LONG_LAST = "Bianchi Della Gherardesca Visconti"


def header(app) -> str:
    return screen_lines(app)[0]


async def test_header_says_who_works_for_which_store_also_after_a_change_of_user(
    sqlite_seed, make_app
):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        assert "Giulia Bianchi (vendite.mi) · MI01 Milano Centro" in header(app)
        assert "⭘" not in header(app)
        app.lock()
        await wait_until(pilot, lambda: isinstance(app.screen, LockScreen))
        username = app.screen.query_one("#lock-username")
        username.value = "vendite.rm"
        app.screen.query_one("#lock-password").focus()
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PlanEntryScreen))
        await wait_until(pilot, lambda: "Luca Verdi (vendite.rm) · RM01 Roma Eur" in header(app))


async def test_a_long_name_never_pushes_the_code_away(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await pilot.press("1", "enter")
        for text in ("MI-LONG-1", LONG_FIRST, LONG_LAST):
            await type_text(pilot, text)
            await pilot.press("enter")
        await pilot.press("1", "enter")
        panel = app.screen.query_one("#code-panel", ActivationCodePanel)
        await wait_until(pilot, lambda: panel.plan is not None)
        spaced = " ".join(codes.format_code(panel.plan.activation_code))
        # Laid out and scrolled into view after the code arrives (a frame or two later):
        # whole, above the footer.
        await wait_until(
            pilot,
            lambda: spaced in region_text(app, panel) and panel.region.bottom <= 23,
            "the code panel whole on screen",
        )
        assert "…" in region_text(app, panel)  # the name, cut with a sign


async def test_a_voided_plan_says_when_who_and_why(sqlite_seed, make_app, register):
    plan = register(sqlite_seed.staff_mi, "MI-V-1", "Anna", "Neri")
    corrections.void_plan(sqlite_seed.support, plan.id, reason="Reso del divano")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_as(pilot, "assistenza")
        app.push_screen(ContractDetailScreen(plan.id))
        await wait_until(
            pilot, lambda: isinstance(app.screen, ContractDetailScreen) and app.screen.plan
        )
        text = flat(screen_text(app))
        assert "Annullato il " in text and "da Sara Neri — Reso del divano" in text
        assert "Valido fino al" not in text
        assert "Negozio MI01 · Milano Centro" in text


async def test_help_names_each_key_once_as_pressed(sqlite_seed, make_app, register):
    plan = register(sqlite_seed.staff_mi, "MI-H-1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        app.push_screen(ContractDetailScreen(plan.id))
        await wait_until(
            pilot, lambda: isinstance(app.screen, ContractDetailScreen) and app.screen.plan
        )
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = flat(screen_text(app))
        assert "c Correggi" in text and "a Annulla piano" in text
        assert "c / C" not in text and "a / A" not in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractDetailScreen))
        await pilot.press("C")  # Caps Lock on: the same key
        await wait_until(pilot, lambda: type(app.screen).__name__ == "CorrectionScreen")


async def test_a_small_terminal_says_how_to_go_on_and_keeps_the_keys(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await pilot.press("1", "enter")
        await pilot.resize_terminal(60, 20)
        await wait_until(pilot, lambda: isinstance(app.screen, TooSmallScreen))
        assert "Allarga il terminale ad almeno 80×23" in flat(screen_text(app))
        await pilot.press("M", "I")  # typed while the message is shown: kept
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: isinstance(app.screen, PlanEntryScreen))
        await wait_until(pilot, lambda: input_value(app, "#contract_number") == "MI")
