"""Negozi (F7): each store's CUPS print queue, shown in its column, set and cleared with p."""

from __future__ import annotations

import json

from pilot_helpers import (
    column,
    login_as,
    move_to_row,
    screen_lines,
    steady,
    type_text,
    wait_until,
)
from textual.widgets import DataTable

from pdp_tui.models import AuditEvent, Store
from pdp_tui.services import printing
from pdp_tui.tui.screens.admin_catalogue import CatalogueScreen, PrinterDialog
from pdp_tui.tui.widgets.form_dialog import field_id


async def test_admin_sets_and_clears_a_store_queue_by_keys(make_app, sqlite_seed):
    printing.set_print_queue(sqlite_seed.admin, "RM01", "RM-LASER")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_as(pilot, "admin", sqlite_seed.password)
        await pilot.press("f7")
        await wait_until(pilot, lambda: isinstance(app.screen, CatalogueScreen), "F7")
        await steady(pilot)
        stores = app.screen.query_one("#stores", DataTable)
        await wait_until(pilot, lambda: stores.row_count == 2, "the stores")
        assert column(stores, "queue") == ["—", "RM-LASER"]
        assert "p Stampante" in screen_lines(app)[-1]

        await move_to_row(pilot, stores, "MI01")
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, PrinterDialog), "the dialog")
        await type_text(pilot, "due parole")
        await pilot.press("enter")
        await steady(pilot)
        assert isinstance(app.screen, PrinterDialog)  # refused at the field
        error = app.screen.query_one(f"#{field_id('queue')}-error")
        assert "Coda di stampa" in str(error.render())
        await pilot.press("ctrl+u")
        await type_text(pilot, "PDP-PDF")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CatalogueScreen), "saved")
        await wait_until(pilot, lambda: column(stores, "queue") == ["PDP-PDF", "RM-LASER"], "col")
        assert Store.get(Store.code == "MI01").print_queue == "PDP-PDF"

        await move_to_row(pilot, stores, "RM01")
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, PrinterDialog), "the dialog")
        assert app.screen.field("queue").value == "RM-LASER"
        await pilot.press("ctrl+u", "enter")  # empty: no printer
        await wait_until(pilot, lambda: column(stores, "queue") == ["PDP-PDF", "—"], "cleared")
        assert Store.get(Store.code == "RM01").print_queue is None
    events = AuditEvent.select().where(AuditEvent.kind == "store_printer_set")
    assert [(e.username, e.target, json.loads(e.detail)["after"]) for e in events] == [
        ("admin", "RM01", {"queue": "RM-LASER"}),
        ("admin", "MI01", {"queue": "PDP-PDF"}),
        ("admin", "RM01", {"queue": None}),
    ]
