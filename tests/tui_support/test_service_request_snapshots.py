"""Snapshots at 80x24 of the service requests' screens: the new request dialog (with a
refusal), the F10 list, a closed request's detail with its steps, and a contract's detail
listing its requests. Codes and times are fixed (conftest)."""

from __future__ import annotations

import pytest

from pdp_tui.services import service_requests

from .conftest import FIXED_NOW
from .helpers import login_support, shown, type_text, wait_until

SIZE = (80, 24)


@pytest.fixture
def requests(sqlite_seed, register, fixed_codes, fixed_now, monkeypatch):
    monkeypatch.setattr("pdp_tui.services.service_requests.utcnow", lambda: FIXED_NOW)
    rm = register(sqlite_seed.staff_rm, "RM-2026-0042", "Nicolò", "D'Amico", "covering_motion")
    mi = register(sqlite_seed.staff_mi, "MI-2026-0007", "Maria Antonietta", "Castelfranchi")
    support = sqlite_seed.support
    first = service_requests.open_request(
        support, rm.id, concerns="motion", description="Il poggiapiedi non si alza più",
        phone="+39 333 1234567",
    )  # fmt: skip
    service_requests.change_status(support, first.id, "in_progress")
    service_requests.add_note(support, first.id, "Tecnico fissato per martedì mattina")
    service_requests.change_status(
        support, first.id, "closed", outcome="replacement", note="Meccanismo sostituito"
    )
    service_requests.open_request(
        support, mi.id, concerns="covering", description="Strappo sul bracciolo destro"
    )
    service_requests.open_request(
        support, rm.id, concerns="covering", description="Macchia d'inchiostro"
    )
    return rm, mi, first


async def _to_list(pilot) -> None:
    await login_support(pilot)
    await pilot.press("f10")
    await wait_until(pilot, lambda: "Richieste 1–3" in shown(pilot.app, "#requests-status"))


def test_snapshot_request_list(snap_compare, make_app, requests):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_to_list)


def test_snapshot_closed_request_with_its_steps(snap_compare, make_app, requests):
    async def run_before(pilot) -> None:
        await _to_list(pilot)
        await pilot.press("down", "down", "enter")
        await wait_until(pilot, lambda: "sostituzione" in shown(pilot.app, "#request-fields"))
        await wait_until(pilot, lambda: "martedì" in shown(pilot.app, "#request-steps"))

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_contract_detail_with_requests(snap_compare, make_app, requests):
    rm, _, _ = requests

    async def run_before(pilot) -> None:
        await login_support(pilot)
        await type_text(pilot, rm.activation_code)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "RM-2026-0042" in shown(pilot.app, "#verify-plan"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: "RI-2026-000003" in shown(pilot.app, "#plan-requests"))
        await pilot.press("end")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_new_request_refused(snap_compare, make_app, requests):
    _, mi, _ = requests

    async def run_before(pilot) -> None:
        await login_support(pilot)
        await type_text(pilot, mi.activation_code)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "MI-2026-0007" in shown(pilot.app, "#verify-plan"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: "RI-2026-000002" in shown(pilot.app, "#plan-requests"))
        await pilot.press("r", "2", "enter")
        await type_text(pilot, "Il meccanismo fa rumore")
        await pilot.press("enter", "enter")
        await wait_until(pilot, lambda: "motion" in shown(pilot.app, "#dlg-concerns-error"))

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)
