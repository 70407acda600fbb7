"""Richieste di intervento by keys: support opens one from a verified code's plan, follows
it on F10 (status, outcome, notes); staff read their store's; refusals said at once."""

from __future__ import annotations

import datetime as dt

from pdp_tui.domain import RequestStatus
from pdp_tui.models import Plan, ServiceRequest
from pdp_tui.services import corrections, service_requests
from pdp_tui.tui.screens.service_requests import (
    CloseRequestDialog,
    NewRequestDialog,
    RequestDetailScreen,
    RequestListScreen,
)

from .helpers import (
    flat_screen,
    login_as,
    login_support,
    screen_lines,
    screen_name,
    shown,
    type_text,
    wait_until,
)

YEAR = dt.datetime.now(dt.UTC).year


async def _detail_from_code(pilot, plan) -> None:
    app = pilot.app
    await login_support(pilot)
    await type_text(pilot, plan.activation_code)
    await pilot.press("enter")
    await wait_until(pilot, lambda: plan.contract_number in shown(app, "#verify-plan"))
    await pilot.press("enter")
    await wait_until(pilot, lambda: screen_name(app) == "ContractDetailScreen")
    await wait_until(pilot, lambda: "Nessuna richiesta" in shown(app, "#plan-requests"))


async def test_support_opens_a_request_from_a_verified_code(sqlite_seed, make_app, register):
    plan = register(sqlite_seed.staff_mi, "MI-2026-0001", "Nicolò", "D'Amico")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _detail_from_code(pilot, plan)
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, NewRequestDialog))
        await pilot.press("2", "enter")  # motion, on a plan of the covering only
        await type_text(pilot, "Il meccanismo non si alza")
        await pilot.press("enter")
        await type_text(pilot, "333 1234567")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "non comprende i meccanismi motion" in flat_screen(app))
        assert isinstance(app.screen, NewRequestDialog)
        assert app.focused is app.screen.field("concerns")
        await pilot.press("1", "enter", "enter", "enter")  # rivestimento; the rest as typed
        number = f"RI-{YEAR}-000001"
        await wait_until(pilot, lambda: screen_name(app) == "ContractDetailScreen")
        await wait_until(pilot, lambda: number in shown(app, "#plan-requests"))
        assert "aperta" in shown(app, "#plan-requests")
    request = ServiceRequest.get()
    assert (request.number, request.concerns, request.phone) == (number, "covering", "333 1234567")
    assert request.description == "Il meccanismo non si alza"


async def test_refusals_are_said_at_once(sqlite_seed, make_app, register):
    plan = register(sqlite_seed.staff_mi, "MI-2026-0001")
    Plan.update(valid_until=dt.date(2021, 5, 31)).where(Plan.id == plan.id).execute()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _detail_from_code(pilot, plan)
        await pilot.press("r")
        await wait_until(
            pilot,
            lambda: any("scaduto il 31/05/2021" in n.message for n in app._notifications),
        )
        assert screen_name(app) == "ContractDetailScreen"


async def test_f10_lists_and_support_moves_a_request_on(sqlite_seed, make_app, register):
    mi = register(sqlite_seed.staff_mi, "MI-2026-0001", "Anna", "Neri")
    rm = register(sqlite_seed.staff_rm, "RM-2026-0001", "Luca", "Blu")
    first = service_requests.open_request(
        sqlite_seed.support, mi.id, concerns="covering", description="Macchia"
    )
    service_requests.open_request(
        sqlite_seed.support, rm.id, concerns="covering", description="Strappo"
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_support(pilot)
        await pilot.press("f10")
        await wait_until(pilot, lambda: isinstance(app.screen, RequestListScreen))
        await wait_until(pilot, lambda: "Richieste 1–2" in shown(app, "#requests-status"))
        table = shown(app, "#requests")
        assert table.index(f"RI-{YEAR}-000002") < table.index(f"RI-{YEAR}-000001")  # newest first
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RequestDetailScreen))
        await wait_until(pilot, lambda: "Macchia" in shown(app, "#request-fields"))
        await pilot.press("l")
        await wait_until(pilot, lambda: "in lavorazione" in shown(app, "#request-fields"))
        await pilot.press("n")
        await wait_until(pilot, lambda: screen_name(app) == "NoteDialog")
        await type_text(pilot, "Tecnico martedì")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Tecnico martedì" in shown(app, "#request-steps"))
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, CloseRequestDialog))
        await pilot.press("1", "enter", "enter")
        await wait_until(pilot, lambda: "esito: riparazione" in shown(app, "#request-fields"))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, RequestListScreen))
        await wait_until(pilot, lambda: "chiusa" in shown(app, "#requests"))
    closed = service_requests.get_request(sqlite_seed.support, first.id)
    assert closed.status is RequestStatus.CLOSED and len(closed.steps) == 4


async def test_support_filters_the_requests_by_store(sqlite_seed, make_app, register):
    from textual.widgets import Select

    for staff, number in ((sqlite_seed.staff_mi, "MI-2026-0001"), (sqlite_seed.staff_rm, "RM-1")):
        plan = register(staff, number)
        service_requests.open_request(
            sqlite_seed.support, plan.id, concerns="covering", description="Macchia"
        )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_support(pilot)
        await pilot.press("f10")
        await wait_until(pilot, lambda: "Richieste 1–2" in shown(app, "#requests-status"))
        store_filter = app.screen.query_one("#requests-store-filter", Select)
        assert "Tutti i negozi" in shown(app, "#requests-store-filter")
        await pilot.press("up")  # from the first row to the filters: status, then store
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: store_filter.expanded, "the stores")
        await pilot.press("down", "down", "enter")  # MI01, then RM01
        await wait_until(pilot, lambda: "Richieste 1–1" in shown(app, "#requests-status"))
        assert "RM01 · Roma Eur" in shown(app, "#requests-store-filter")
        assert "RM-1" in shown(app, "#requests") and "MI-2026" not in shown(app, "#requests")


async def test_staff_see_their_store_read_only(sqlite_seed, make_app, register):
    mi = register(sqlite_seed.staff_mi, "MI-2026-0001")
    rm = register(sqlite_seed.staff_rm, "RM-2026-0001")
    for plan in (mi, rm):
        service_requests.open_request(
            sqlite_seed.support, plan.id, concerns="covering", description="Macchia"
        )
    corrections.void_plan(sqlite_seed.support, rm.id, reason="Reso")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_as(pilot, "vendite.mi")
        await pilot.press("ctrl+f")  # = F10
        await wait_until(pilot, lambda: isinstance(app.screen, RequestListScreen))
        await wait_until(pilot, lambda: "Richieste 1–1" in shown(app, "#requests-status"))
        assert "sola lettura" in shown(app, "#requests-status")
        assert f"RI-{YEAR}-000002" not in shown(app, "#requests")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Macchia" in shown(app, "#request-fields"))
        footer = screen_lines(app)[-1]
        assert "Esc Indietro" in footer
        assert "lavorazione" not in footer and "Nota" not in footer
        await pilot.press("l", "n", "c")
        assert isinstance(app.screen, RequestDetailScreen)
    assert ServiceRequest.get(ServiceRequest.plan == mi.id).status == "open"
