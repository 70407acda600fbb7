"""Registro attività (F8): what administrators and support staff read, filters, paging."""

from __future__ import annotations

import datetime as dt

import pytest
from pilot_helpers import column, login_as, shown_text, steady, type_text, wait_until
from textual.widgets import DataTable, Select

from pdp_tui.domain import Role
from pdp_tui.models import AuditEvent
from pdp_tui.services import accounts, audit, catalogue, plans, search
from pdp_tui.services.errors import NotFound, ServiceError
from pdp_tui.tui.audit_text import KIND_LABELS
from pdp_tui.tui.screens.audit_log import AuditLogScreen


def events_table(app) -> DataTable:
    return app.screen.query_one("#audit-table", DataTable)


def status(app) -> str:
    return shown_text(app.screen.query_one("#audit-status"))


async def open_log(pilot, username: str, password: str) -> None:
    await login_as(pilot, username, password)
    await pilot.press("f8")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, AuditLogScreen), "the log")
    await steady(pilot)


async def back_to(pilot, selector: str) -> None:
    """Press Maiusc+Tab until ``selector`` has the focus."""
    target = pilot.app.screen.query_one(selector)
    for _ in range(8):
        if pilot.app.focused is target:
            return
        await pilot.press("shift+tab")
    raise AssertionError(f"{selector} never got the focus")


async def choose_kind(pilot, kind: str | None) -> None:
    """Open the Tipo list and pick ``kind`` (None: «tutti») with the arrows."""
    await back_to(pilot, "#audit-kind")
    kinds = audit.kinds_visible_to(pilot.app.actor)
    index = 0 if kind is None else kinds.index(kind) + 1
    await pilot.press("enter", "home", *["down"] * index, "enter")
    await steady(pilot)


def old_event(kind: str, actor, when: dt.datetime, target: str, detail: str = "") -> None:
    """An event recorded on a given day (the log is append-only: inserted, never moved)."""
    AuditEvent.create(
        at=when,
        user=actor.id,
        username=actor.username,
        store=actor.store_id,
        kind=kind,
        target=target,
        detail=detail,
    )


async def test_admin_reads_the_actions_and_filters_them(make_app, sqlite_seed, register):
    admin = sqlite_seed.admin
    accounts.create_user(admin, "nuovo.mi", Role.STAFF, password="provvisoria-1", store_code="MI01")
    catalogue.add_covering(admin, "Velluto")
    register(sqlite_seed.staff_mi, "MI-0001")
    # Two events of last year (stored UTC; 10:00 UTC is the same day in Rome). Inserted
    # last, they come first in the log, which is in the order events were recorded.
    old_event(audit.Kind.USER_CREATED, admin, dt.datetime(2025, 3, 10, 10, 0), "vecchio.mi")
    old_event(audit.Kind.COVERING_CREATED, admin, dt.datetime(2025, 3, 12, 10, 0), "lino")

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_as(pilot, "admin", sqlite_seed.password)
        # An action in the app shows at the top of the log.
        await pilot.press("f7")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "CatalogueScreen", "F7")
        await steady(pilot)
        await pilot.press("n")
        await wait_until(
            pilot,
            lambda: (
                type(app.screen).__name__ == "NewStoreDialog"
                and app.focused is app.screen.field("code")
            ),
            "the new store form",
        )
        await type_text(pilot, "to01")
        await pilot.press("enter")
        await type_text(pilot, "Torino")
        await pilot.press("enter")
        await steady(pilot)
        await pilot.press("f8")
        await steady(pilot)
        table = events_table(app)
        first = [str(c) for c in table.get_row_at(0)]
        assert first[1:5] == ["admin", "", "nuovo negozio", "TO01"]
        # The detail of the row under the cursor, as a sentence, below the table (at 80
        # columns there is no room for a column of its own).
        detail = app.screen.query_one("#audit-detail")
        await wait_until(pilot, lambda: "nome: Torino" in str(detail.render()), "the detail")
        kinds = column(table, "kind")
        for label in ("nuovo utente", "nuovo rivestimento", "registrazione", "accesso"):
            assert label in kinds

        # Utente
        await back_to(pilot, "#audit-user")
        await type_text(pilot, "vendite.mi")
        await pilot.press("enter")
        await steady(pilot)
        assert set(column(table, "user")) == {"vendite.mi"}
        assert set(column(table, "kind")) == {"accesso", "registrazione"}
        assert app.focused is table, "Enter in a filter applies it and moves to the results"

        # Negozio, with the user cleared
        await back_to(pilot, "#audit-user")
        await pilot.press(*["backspace"] * len("vendite.mi"), "tab")
        await type_text(pilot, "mi01")
        await pilot.press("enter")
        await steady(pilot)
        assert set(column(table, "store")) == {"MI01"}
        assert "registrazione" in column(table, "kind")

        await back_to(pilot, "#audit-store")
        await pilot.press(*["backspace"] * 4, "enter")
        await steady(pilot)

        # Tipo
        await choose_kind(pilot, audit.Kind.USER_CREATED)
        assert set(column(table, "kind")) == {"nuovo utente"}
        assert sorted(column(table, "target")) == sorted(
            ["nuovo.mi", "vecchio.mi", "vendite.mi", "vendite.rm", "assistenza", "admin"]
        )
        await choose_kind(pilot, audit.Kind.COVERING_CREATED)
        assert sorted(column(table, "target")) == ["lino", "velluto"]
        select = app.screen.query_one("#audit-kind", Select)
        await choose_kind(pilot, None)
        assert select.value is Select.NULL

        # Dal / al
        await pilot.press("tab")
        assert app.focused is app.screen.query_one("#audit-from")
        await type_text(pilot, "10/03/2025")
        await pilot.press("tab")
        await type_text(pilot, "11/03/2025")
        await pilot.press("enter")
        await steady(pilot)
        assert column(table, "kind") == ["nuovo utente"]
        assert column(table, "target") == ["vecchio.mi"]
        assert column(table, "at") == ["10/03/2025 11:00"]

        # An impossible date: the message is at the field, the results stay.
        await back_to(pilot, "#audit-to")
        await pilot.press(*["backspace"] * 10)
        await type_text(pilot, "31/02/2025")
        await pilot.press("enter")
        await steady(pilot)
        error = shown_text(app.screen.query_one("#audit-filter-error"))
        assert error == "Al – Data non valida: scrivi gg/mm/aaaa."
        assert app.screen.query_one("#audit-to").has_class("-invalid")
        assert app.focused is app.screen.query_one("#audit-to")
        assert column(table, "target") == ["vecchio.mi"]

        # From after to: the service's message, at "Al".
        await pilot.press(*["backspace"] * 10)
        await type_text(pilot, "01/03/2025")
        await pilot.press("enter")
        await steady(pilot)
        error = shown_text(app.screen.query_one("#audit-filter-error"))
        assert error == "Al – La data finale precede quella iniziale."

        await pilot.press(*["backspace"] * 10)
        await type_text(pilot, "12/03/2025")
        await pilot.press("enter")
        await steady(pilot)
        assert not app.screen.query_one("#audit-filter-error").display
        assert column(table, "target") == ["lino", "vecchio.mi"], "newest first"


async def test_paging_by_keys(make_app, sqlite_seed):
    for number in range(120):
        audit.record(audit.Kind.PLAN_SEARCHED, sqlite_seed.support, target=f"ricerca {number:03}")
    total = AuditEvent.select().count()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(pilot, "admin", sqlite_seed.password)
        table = events_table(app)
        assert table.row_count == audit.PAGE_SIZE
        assert status(app).startswith("Attività 1–50 · ↓ per le successive")

        await pilot.press("ctrl+end", "down")  # past the last row
        await steady(pilot)
        assert status(app).startswith("Attività 51–100")
        assert table.cursor_row == 0

        await pilot.press("ctrl+end", "pagedown")
        await steady(pilot)
        assert status(app).startswith(f"Attività 101–{total + 1}")  # + admin's own login
        assert "↓" not in status(app)
        assert column(table, "target")[-1] == "MI01", "the oldest event: the seed's first store"

        await pilot.press("ctrl+home", "up")  # before the first row
        await steady(pilot)
        assert status(app).startswith("Attività 51–100")
        assert table.cursor_row == audit.PAGE_SIZE - 1
        await pilot.press("pageup")
        await steady(pilot)
        await pilot.press("ctrl+home", "pageup")
        await steady(pilot)
        assert status(app).startswith("Attività 1–50")


async def test_support_sees_lookups_and_changes_but_not_account_events(
    make_app, sqlite_seed, register
):
    plan = register(sqlite_seed.staff_mi, "MI-0002")
    support = sqlite_seed.support
    search.search_plans(support, "Rossi")
    plans.get_plan(support, plan.id)
    with pytest.raises(NotFound):
        plans.verify_code(support, "0000-0000-0000")
    accounts.create_user(
        sqlite_seed.admin, "nuovo.rm", Role.STAFF, password="provvisoria-1", store_code="RM01"
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(pilot, "assistenza", sqlite_seed.password)
        kinds = set(column(events_table(app), "kind"))
        assert {"ricerca", "consultazione", "verifica codice"} <= kinds
        assert kinds <= {KIND_LABELS[k] for k in audit.SUPPORT_KINDS}
        assert "nuovo utente" not in kinds and "accesso" not in kinds
        options = app.screen.query_one("#audit-kind", Select)._options
        assert [str(label) for label, _ in options[1:]] == [
            KIND_LABELS[k] for k in audit.SUPPORT_KINDS
        ]


def test_every_kind_has_an_italian_label():
    # plan_state: written once per plan by migration 0007, when the audit chain started.
    assert set(KIND_LABELS) == {*audit.ALL_KINDS, audit.PLAN_STATE_AT_CHAIN_START}


async def test_staff_cannot_open_the_administration_screens(make_app, sqlite_seed):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_as(pilot, "vendite.mi", sqlite_seed.password)
        start = app.screen
        for key in ("f6", "f7", "f8", "ctrl+t", "ctrl+y", "ctrl+b"):
            await pilot.press(key)
            await steady(pilot)
            assert app.screen is start, key
        footer_keys = {b.binding.action for b in app.screen.active_bindings.values()}
        assert not {"open('utenti')", "open('catalogo')", "open('registro')"} & footer_keys

    staff = sqlite_seed.staff_mi
    for call in (
        lambda: accounts.list_users(staff),
        lambda: accounts.create_user(
            staff, "altro.mi", Role.STAFF, password="x" * 12, store_code="MI01"
        ),
        lambda: accounts.unlock(staff, "vendite.rm"),
        lambda: catalogue.add_store(staff, "MI09", "Prova"),
        lambda: catalogue.add_covering(staff, "Prova"),
        lambda: catalogue.set_covering_active(staff, sqlite_seed.covering_id, False),
        lambda: audit.list_events(staff),
        lambda: audit.list_events(sqlite_seed.support, kind=audit.Kind.USER_CREATED),
    ):
        with pytest.raises(ServiceError):
            call()
