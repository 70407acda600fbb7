"""Correggi / Annulla from the contract detail, by keys, as a salesperson would."""

from __future__ import annotations

import pytest

from pdp_tui.domain import PlanStatus
from pdp_tui.models import Plan, PlanChange

from .helpers import (
    find,
    flat,
    input_value,
    login_staff,
    open_detail,
    screen_lines,
    screen_name,
    shown,
    type_text,
    wait_until,
)

MARKUP_REASON = "[b]x[/b] [@click=app.quit]"


@pytest.fixture
def plan(sqlite_seed, register):
    return register(sqlite_seed.staff_mi, "PDP-2026-0007", "Mario", "Rosi")


def footer(app) -> str:
    return flat(screen_lines(app)[-1])


async def open_correction(pilot) -> None:
    app = pilot.app
    await pilot.press("c")
    await wait_until(pilot, lambda: screen_name(app) == "CorrectionScreen")
    # The coverings arrive from a worker; the current one is selected.
    await wait_until(pilot, lambda: getattr(find(app, "#dlg-covering"), "value", None) is not None)
    assert app.focused is app.screen.query_one("#dlg-first_name")


async def test_correct_the_surname_with_a_reason(sqlite_seed, make_app, plan):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await open_detail(pilot, "PDP-2026-0007")
        assert "Cliente Mario Rosi" in shown(app, "#detail-fields")
        await wait_until(
            pilot, lambda: "c Correggi" in footer(app) and "a Annulla piano" in footer(app)
        )

        await open_correction(pilot)
        await pilot.press("enter")  # Nome -> Cognome
        assert app.focused is app.screen.query_one("#dlg-last_name")
        await type_text(pilot, "Rossi")  # the field's text is selected on focus: replaced
        assert input_value(app, "#dlg-last_name") == "Rossi"
        await pilot.press("enter", "enter", "enter")  # Cognome, Rivestimento, Protezione
        assert app.focused is app.screen.query_one("#dlg-reason")
        await type_text(pilot, MARKUP_REASON)
        await pilot.press("enter")  # on the last field: saves

        await wait_until(pilot, lambda: screen_name(app) == "ContractDetailScreen")
        await wait_until(pilot, lambda: "Cliente Mario Rossi" in shown(app, "#detail-fields"))
        assert app.is_running
        # The history is below the fold at 80x24: End scrolls the detail down.
        await pilot.press("end")
        await wait_until(pilot, lambda: "correzione" in shown(app, "#history"))
        history = shown(app, "#history")
        assert history.startswith("Data Chi Modifica Motivo")
        assert "Giulia Bianchi" in history
        assert "cognome: Rosi →" in history and "Rossi" in history
        # Customer text is shown as typed, never read as markup (nor run as an action).
        assert "[b]x[/b]" in history
        assert "[@click=app.quit]" in history
        assert app.is_running

    row = Plan.get_by_id(plan.id)
    assert (row.last_name, row.activation_code) == ("Rossi", plan.activation_code)
    [change] = PlanChange.select()
    assert change.reason == MARKUP_REASON


async def test_empty_reason_is_refused_at_the_field(sqlite_seed, make_app, plan):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await open_detail(pilot, "PDP-2026-0007")
        await open_correction(pilot)
        await pilot.press("enter")
        await type_text(pilot, "Rossi")
        await pilot.press("enter", "enter", "enter")
        await type_text(pilot, "   ")
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: shown(app, "#dlg-reason-error") == "Motivo: campo obbligatorio."
        )
        assert screen_name(app) == "CorrectionScreen"
        assert app.focused is app.screen.query_one("#dlg-reason")
        assert input_value(app, "#dlg-last_name") == "Rossi"  # what was typed is kept
        assert Plan.get_by_id(plan.id).last_name == "Rosi"
        assert PlanChange.select().count() == 0

        await pilot.press("escape")
        await wait_until(pilot, lambda: screen_name(app) == "ContractDetailScreen")
        assert "Cliente Mario Rosi" in shown(app, "#detail-fields")
    assert Plan.get_by_id(plan.id).last_name == "Rosi"
    assert PlanChange.select().count() == 0


async def test_void_a_plan_with_a_reason(sqlite_seed, make_app, plan):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await open_detail(pilot, "PDP-2026-0007")
        await pilot.press("a")
        await wait_until(pilot, lambda: screen_name(app) == "VoidScreen")
        assert app.focused is app.screen.query_one("#dlg-reason")
        await type_text(pilot, "Cliente rinuncia")
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen_name(app) == "ContractDetailScreen")
        await wait_until(pilot, lambda: "Stato annullato" in shown(app, "#detail-fields"))
        await wait_until(pilot, lambda: "PIANO ANNULLATO" in shown(app, "#detail-code"))
        # Nothing left to correct or void: the keys are gone from the footer and do nothing.
        await wait_until(pilot, lambda: "Correggi" not in footer(app))
        assert "Annulla piano" not in footer(app)
        await pilot.press("c")
        await pilot.press("a")
        await pilot.pause()
        assert screen_name(app) == "ContractDetailScreen"
        await pilot.press("end")
        await wait_until(pilot, lambda: "annullamento" in shown(app, "#history"))
        history = shown(app, "#history")
        assert "Cliente rinuncia" in history
        assert "stato: attivo →" in history  # the narrow column wraps "→ annullato"

    row = Plan.get_by_id(plan.id)
    assert row.status == PlanStatus.VOIDED.value
    assert Plan.select().count() == 1
