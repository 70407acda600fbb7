"""Snapshots at 80x24 of the screens staff use, with fixed codes, times and time zone.

Regenerate with ``pytest tests/tui --snapshot-update`` and look at the SVGs in
``__snapshots__/`` before committing them.
"""

from __future__ import annotations

import pytest
from pilot_helpers import login_staff, type_text, wait_until
from textual.widgets import DataTable

from pdp_tui.services import codes
from pdp_tui.tui.screens.contract_detail import ContractDetailScreen
from pdp_tui.tui.screens.contract_list import ContractListScreen

SIZE = (80, 24)


@pytest.fixture
def code_sequence(monkeypatch) -> list[str]:
    """Plans registered in the test get fixed, valid codes in turn."""
    bodies = [f"7S13PW746J{c}" for c in "0123456789ABCDEFGH"]
    issued = [body + codes.check_character(body) for body in bodies]
    pending = iter(issued)
    monkeypatch.setattr("pdp_tui.services.plans.generate_code", lambda: next(pending))
    return issued


def test_login_screen(snap_compare, sqlite_seed, make_app):
    async def run_before(pilot):
        await wait_until(pilot, lambda: pilot.app.focused is not None)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_empty_plan_form(snap_compare, sqlite_seed, make_app):
    async def run_before(pilot):
        await login_staff(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_plan_form_with_errors(snap_compare, sqlite_seed, make_app):
    async def run_before(pilot):
        app = pilot.app
        await login_staff(pilot)
        await pilot.press("2", "enter")
        await type_text(pilot, "PDP 1")  # a space: refused
        await pilot.press("enter", "enter")
        await type_text(pilot, "Rossi")
        await pilot.press("f5")
        await wait_until(
            pilot,
            lambda: (
                app.screen.query_one("#protection-error").display
                and app.screen.query_one("#contract_number-error").display
            ),
        )

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_activation_code_panel(snap_compare, sqlite_seed, make_app, fixed_code, fixed_now):
    async def run_before(pilot):
        app = pilot.app
        await login_staff(pilot)
        await pilot.press("1", "enter")
        for text in ("PDP-2026-0001", "Nicolò", "D'Amico"):
            await type_text(pilot, text)
            await pilot.press("enter")
        await pilot.press("2", "enter")
        await wait_until(pilot, lambda: app.screen.query_one("#code-panel").plan is not None)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


CUSTOMERS = [
    ("PDP-2026-0001", "Mario", "Rossi", "covering"),
    ("PDP-2026-0002", "Nicolò", "D'Amico", "covering_motion"),
    ("PDP-2026-0003", "Giulia", "Bianchi", "covering"),
    ("PDP-2026-0004", "[b]Anna[/b]", "Verdi", "covering"),
    ("PDP-2026-0005", "Luca", "Esposito Ferraris", "covering_motion"),
]


@pytest.fixture
def listed(sqlite_seed, register, clock, code_sequence):
    for number, first, last, protection in CUSTOMERS:
        register(sqlite_seed.staff_mi, number, first, last, protection)
    register(sqlite_seed.staff_rm, "RM-0001", "Carla", "Romani")  # never shown to MI01


async def open_list(pilot) -> None:
    app = pilot.app
    await login_staff(pilot)
    await pilot.press("f3")
    await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen))
    await wait_until(
        pilot, lambda: app.screen.query_one("#plans", DataTable).row_count == len(CUSTOMERS)
    )


def test_contract_list(snap_compare, listed, make_app):
    async def run_before(pilot):
        await open_list(pilot)
        await pilot.press("down", "down")  # the cursor on the second newest

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_contract_detail(snap_compare, listed, make_app):
    async def run_before(pilot):
        app = pilot.app
        await open_list(pilot)
        await pilot.press("down", "down", "down", "down", "enter")  # PDP-2026-0002
        await wait_until(pilot, lambda: isinstance(app.screen, ContractDetailScreen))
        await wait_until(pilot, lambda: app.screen.query_one("#detail-code").plan is not None)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_form_saved_after_f9(snap_compare, sqlite_seed, make_app, fixed_code, fixed_now):
    """Genera, then F9 for a store without a printer: the saved form's path, whole."""

    async def run_before(pilot):
        app = pilot.app
        await login_staff(pilot)
        await pilot.press("1", "enter")
        for text in ("PDP-2026-0001", "Nicolò", "D'Amico"):
            await type_text(pilot, text)
            await pilot.press("enter")
        await pilot.press("2", "enter")
        await wait_until(pilot, lambda: app.screen.query_one("#code-panel").plan is not None)
        await pilot.press("f9")
        outcome = app.screen.query_one("#print-outcome")
        await wait_until(pilot, lambda: "salvato" in str(outcome.render()))
        await pilot.pause(0.1)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_contract_detail_form_signed(snap_compare, listed, make_app, monkeypatch):
    import datetime as dt

    from pdp_tui.models import Plan, PlanChange
    from pdp_tui.services import signed_forms

    # Marked on a fixed day (tests/tui/conftest.py's FIXED_NOW), so the line never changes.
    at = dt.datetime(2026, 3, 14, 9, 26, 53)
    monkeypatch.setattr("pdp_tui.services.signed_forms.utcnow", lambda: at)

    async def run_before(pilot):
        app = pilot.app
        await open_list(pilot)
        await pilot.press("down", "down", "down", "down", "enter")  # PDP-2026-0002
        await wait_until(pilot, lambda: isinstance(app.screen, ContractDetailScreen))
        await wait_until(pilot, lambda: app.screen.query_one("#detail-code").plan is not None)
        await pilot.pause(0.1)

    plan = Plan.get(Plan.contract_number == "PDP-2026-0002")
    signed_forms.mark_form_signed(listed_actor(), plan.id)
    PlanChange.update(changed_at=at).where(PlanChange.plan == plan.id).execute()  # history too
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def listed_actor():
    from pdp_tui.services import auth

    return auth.authenticate("vendite.mi", "password-di-prova")


def test_contract_list_missing_forms(snap_compare, listed, make_app):
    """F5, Enter (14 days): the plans whose signed form is still missing, one marked."""
    from pdp_tui.models import Plan
    from pdp_tui.services import signed_forms

    plan = Plan.get(Plan.contract_number == "PDP-2026-0003")
    signed_forms.mark_form_signed(listed_actor(), plan.id)

    async def run_before(pilot):
        app = pilot.app
        await open_list(pilot)
        await pilot.press("f5")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "MissingFormsDialog")
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, ContractListScreen)
                and app.screen.query_one("#plans", DataTable).row_count == len(CUSTOMERS) - 1
            ),
        )
        await pilot.pause(0.1)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)
