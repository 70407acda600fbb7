"""Snapshots of the administration screens at 80x24 (pytest --snapshot-update to refresh)."""

from __future__ import annotations

import datetime as dt

import pytest
from pilot_helpers import login_as, shown_text, steady, type_text, wait_until

from pdp_tui.domain import Role
from pdp_tui.models import AuditEvent, User
from pdp_tui.services import accounts, audit

SIZE = (80, 24)


async def footer_drawn(pilot) -> None:
    """The footer repaints its keys after each change of bindings: wait for them."""
    await steady(pilot)
    await wait_until(pilot, lambda: pilot.app.screen.query("KeyFooter"), what="the footer")
    await pilot.pause(0.05)


def _fixed_events(seed) -> None:
    """Events on fixed days, so that the filtered log always looks the same."""
    admin, support, staff = seed.admin, seed.support, seed.staff_mi
    rows = [
        (staff, audit.Kind.LOGIN_OK, "", ""),
        (staff, audit.Kind.PLAN_REGISTERED, "MI-2025-0042", '{"covering": "pelle"}'),
        (support, audit.Kind.PLAN_SEARCHED, "rossi mario", ""),
        (support, audit.Kind.CODE_VERIFIED, "7S13PW746JBF", '{"result": "found"}'),
        (support, audit.Kind.PLAN_VIEWED, "MI-2025-0042", '{"plan_id": 42}'),
        (admin, audit.Kind.USER_CREATED, "nuovo.rm", '{"role": "staff", "store": "RM01"}'),
        (admin, audit.Kind.PASSWORD_RESET, "vendite.rm", ""),
        (admin, audit.Kind.STORE_CREATED, "TO01", '{"name": "Torino Lingotto"}'),
    ]
    start = dt.datetime(2025, 3, 10, 8, 30)
    AuditEvent.create(
        at=start - dt.timedelta(hours=1),
        username="vendite.xx",
        kind=audit.Kind.LOGIN_FAILED,
        target="vendite.xx",
        detail='{"reason": "unknown"}',
    )
    for minutes, (actor, kind, target, detail) in enumerate(rows):
        AuditEvent.create(
            at=start + dt.timedelta(minutes=17 * minutes),
            user=actor.id,
            username=actor.username,
            store=actor.store_id,
            kind=kind,
            target=target,
            detail=detail,
        )


def test_users_screen(snap_compare, make_app, sqlite_seed):
    accounts.create_user(
        sqlite_seed.admin,
        "nuovo.rm",
        Role.STAFF,
        password="provvisoria-1",
        store_code="RM01",
        full_name="Carla Neri",
    )
    accounts.set_active(sqlite_seed.admin, "vendite.rm", False)
    User.update(locked_until=dt.datetime(2099, 1, 1)).where(User.username == "vendite.mi").execute()

    async def run_before(pilot) -> None:
        await login_as(pilot, "admin", sqlite_seed.password)
        table = pilot.app.screen.query_one("#users")
        await wait_until(pilot, lambda: table.row_count == 5, what="the accounts")
        await pilot.press("down", "down")
        await footer_drawn(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_new_user_form_with_errors(snap_compare, make_app, sqlite_seed):
    async def run_before(pilot) -> None:
        await login_as(pilot, "admin", sqlite_seed.password)
        await pilot.press("a")
        await wait_until(
            pilot,
            lambda: (
                pilot.app.screen.query("#dlg-username")
                and pilot.app.focused is pilot.app.screen.query_one("#dlg-username")
            ),
            "the form",
        )
        await steady(pilot)
        await type_text(pilot, "x")
        await pilot.press("enter", "enter", "enter", "enter")
        await type_text(pilot, "corta")
        await pilot.press("enter")
        await type_text(pilot, "corta")
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: "Correggi" in str(pilot.app.screen.query_one("#dialog-message").render()),
            "the errors at the fields",
        )
        await steady(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_audit_log_filtered_by_date(snap_compare, make_app, sqlite_seed):
    _fixed_events(sqlite_seed)

    async def run_before(pilot) -> None:
        await login_as(pilot, "admin", sqlite_seed.password)
        await pilot.press("f8")
        await steady(pilot)
        for _ in range(2):
            await pilot.press("shift+tab")
        await type_text(pilot, "10/03/2025")
        await pilot.press("tab")
        await type_text(pilot, "10/03/2025")
        await pilot.press("enter")
        await steady(pilot)
        status = pilot.app.screen.query_one("#audit-status")
        await wait_until(
            pilot, lambda: shown_text(status).startswith("Attività 1–9"), what="events"
        )
        await pilot.press("down", "down")  # a row with a detail
        await footer_drawn(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_edit_user_dialog(snap_compare, make_app, sqlite_seed):
    async def run_before(pilot) -> None:
        await login_as(pilot, "admin", sqlite_seed.password)
        table = pilot.app.screen.query_one("#users")
        await wait_until(pilot, lambda: table.row_count == 4, what="the accounts")
        await pilot.press("down", "down", "m")  # vendite.mi
        await wait_until(
            pilot,
            lambda: (
                pilot.app.screen.query("#dlg-store")
                and pilot.app.screen.query_one("#dlg-store").value == "MI01"
            ),
            what="the dialog with the account's store",
        )
        await steady(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_catalogue_with_a_closed_store(snap_compare, make_app, sqlite_seed):
    from pdp_tui.services import catalogue

    catalogue.set_store_open(sqlite_seed.admin, "RM01", False)
    catalogue.set_validity(sqlite_seed.admin, "covering", 36)

    async def run_before(pilot) -> None:
        await login_as(pilot, "admin", sqlite_seed.password)
        await pilot.press("f7")
        await wait_until(pilot, lambda: pilot.app.screen.query("#stores"), what="Negozi")
        stores = pilot.app.screen.query_one("#stores")
        await wait_until(pilot, lambda: stores.row_count == 2, what="the stores")
        await pilot.press("down")
        await footer_drawn(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_summary(snap_compare, make_app, sqlite_seed, register, monkeypatch, size):
    from pdp_tui.services import summary

    from .test_summary_screen import NOW, place_plans

    place_plans(sqlite_seed, register)
    monkeypatch.setattr(summary, "_now", lambda: NOW)

    async def run_before(pilot) -> None:
        await login_as(pilot, "assistenza", sqlite_seed.password)
        await pilot.press("f12")
        await wait_until(pilot, lambda: pilot.app.screen.query("DayBars"), what="Riepilogo")
        chart = pilot.app.screen.query_one("DayBars")
        await wait_until(pilot, lambda: chart.days, what="the figures")
        await footer_drawn(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)
