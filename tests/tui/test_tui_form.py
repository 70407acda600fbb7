"""The adhesion form by keys: F9 after Genera and on a contract's detail (a store without a
printer: the saved path), m marks the signed form received and takes the mark back, the
list's Mod. column and its filter of the forms still missing after N days (F5)."""

from __future__ import annotations

import json
from pathlib import Path

from pilot_helpers import (
    column,
    flat,
    login_as,
    login_staff,
    region_text,
    screen_lines,
    screen_text,
    steady,
    type_text,
    wait_until,
)
from platformdirs import user_data_dir
from textual.widgets import DataTable

from pdp_tui.models import AuditEvent, Plan
from pdp_tui.services import signed_forms
from pdp_tui.services.audit import Kind
from pdp_tui.tui.form_printing import PrintOutcome, short_path
from pdp_tui.tui.screens.contract_detail import ContractDetailScreen
from pdp_tui.tui.screens.contract_list import ContractListScreen, MissingFormsDialog
from pdp_tui.tui.screens.plan_changes import UndoSignedFormScreen
from pdp_tui.tui.widgets.form_dialog import ConfirmDialog


def footer(app) -> str:
    return screen_lines(app)[-1]


def outcome(app) -> str:
    """What the print's outcome shows on screen (its visible part)."""
    widget = app.screen.query_one(PrintOutcome)
    if not widget.display:
        return ""
    region = widget.region.intersection(widget.parent.region)
    lines = screen_lines(app)[region.y : region.y + region.height]
    return flat("\n".join(line[region.x : region.right] for line in lines))


def events(kind: str) -> list[dict]:
    """The events of ``kind``: their details (but the plan's state, which the audit chain
    records in each plan event), who and on what."""
    query = AuditEvent.select().where(AuditEvent.kind == kind).order_by(AuditEvent.id)
    return [
        {
            **{k: v for k, v in json.loads(e.detail or "{}").items() if k != "state"},
            "username": e.username,
            "target": e.target,
        }
        for e in query
    ]


def saved_path(store: str, number: str) -> Path:
    return Path(user_data_dir("pdp-tui")) / "moduli" / store / f"{number}.pdf"


async def register_by_keys(pilot, number: str, first: str = "Anna", last: str = "Neri") -> None:
    app = pilot.app
    await pilot.press("1", "enter")
    for text in (number, first, last):
        await type_text(pilot, text)
        await pilot.press("enter")
    await pilot.press("1", "enter")  # the protection type; Enter on the last field: Genera
    await wait_until(pilot, lambda: app.screen.query_one("#code-panel").plan is not None, "code")


async def open_detail(pilot, number: str) -> None:
    app = pilot.app
    await pilot.press("f3")
    await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen), "the list")
    table = app.screen.query_one("#plans", DataTable)
    await wait_until(pilot, lambda: table.row_count > 0, "the rows")
    target = [c.split()[0] for c in column(table, "contract")].index(number)
    table.focus()
    await pilot.press(*["down"] * target, "enter")
    await wait_until(pilot, lambda: isinstance(app.screen, ContractDetailScreen), "the detail")
    await wait_until(pilot, lambda: app.screen.plan is not None, "the plan")
    await steady(pilot)


async def test_f9_after_genera_saves_the_form_of_a_store_without_printer(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        assert "F9" not in footer(app)  # nothing to print before Genera
        await register_by_keys(pilot, "PDP-2026-0100")
        assert "F9 Stampa modulo" in footer(app)
        assert "F9: stampa il modulo" in flat(screen_text(app))

        await pilot.press("f9")
        expected = saved_path("MI01", "PDP-2026-0100")
        said = (
            f"Nessuna stampante impostata per il negozio MI01. Il modulo è salvato in "
            f"{short_path(expected)}"
        )
        # The outcome may take a frame more to be laid out on two lines.
        await wait_until(pilot, lambda: outcome(app) == said, "the print's outcome, whole")
        assert short_path(expected).startswith("~/")
        # The path is whole on the screen, on a line of its own if need be.
        assert short_path(expected) in screen_text(app)
        assert expected.read_bytes().startswith(b"%PDF-")
        plan = Plan.get(Plan.contract_number == "PDP-2026-0100")
        assert events(Kind.FORM_PRINTED) == [
            {
                "plan_id": plan.id,
                "queue": None,
                "saved_to": str(expected),
                "username": "vendite.mi",
                "target": "PDP-2026-0100",
            }
        ]

        await pilot.press("f2")  # the next plan: the outcome and F9 go with the old one
        await wait_until(pilot, lambda: outcome(app) == "", "the outcome cleared")
        assert "F9" not in footer(app)
        await pilot.press("f9")  # nothing to print: nothing happens
        await steady(pilot)
        assert len(events(Kind.FORM_PRINTED)) == 1


async def test_f9_and_ctrl_s_reprint_from_the_detail(sqlite_seed, make_app, register):
    register(sqlite_seed.staff_mi, "PDP-2026-0200", "Nicolò", "D’Amico")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await open_detail(pilot, "PDP-2026-0200")
        assert "F9 Stampa modulo" in footer(app)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "salvato" in outcome(app), "the print's outcome")
        await pilot.press("f9")
        await wait_until(pilot, lambda: len(events(Kind.FORM_PRINTED)) == 2, "the reprint")
        assert saved_path("MI01", "PDP-2026-0200").is_file()
        assert [e["username"] for e in events(Kind.FORM_PRINTED)] == ["vendite.mi"] * 2

        await pilot.press("f1")
        await wait_until(pilot, lambda: "Aiuto" in screen_text(app), "help")
        assert "F9 / Ctrl+S Stampa modulo" in flat(screen_text(app))
        assert "m Firmato" in flat(screen_text(app))


async def test_a_voided_plan_has_no_form_to_print(sqlite_seed, make_app, register):
    from pdp_tui.services import corrections

    plan = register(sqlite_seed.staff_mi, "PDP-2026-0300")
    corrections.void_plan(sqlite_seed.staff_mi, plan.id, reason="Reso del divano")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await open_detail(pilot, "PDP-2026-0300")
        assert "F9" not in footer(app) and "m Firmato" not in footer(app)
        await pilot.press("f9", "m")
        await steady(pilot)
        assert isinstance(app.screen, ContractDetailScreen)
        assert events(Kind.FORM_PRINTED) == [] and events(Kind.FORM_SIGNED) == []


async def test_m_marks_the_signed_form_and_takes_the_mark_back(sqlite_seed, make_app, register):
    plan = register(sqlite_seed.staff_mi, "PDP-2026-0400")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await open_detail(pilot, "PDP-2026-0400")
        fields = app.screen.query_one("#detail-fields")
        assert "Modulo firmato mancante" in flat(region_text(app, fields))
        assert "m Firmato" in footer(app)

        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        assert "Segnare come ricevuto il modulo" in flat(screen_text(app))
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: "Modulo firmato ricevuto il" in flat(region_text(app, fields)), "mark"
        )
        row = Plan.get(Plan.id == plan.id)
        day = row.form_signed_at.strftime("%d/%m/%Y")
        assert f"Modulo firmato ricevuto il {day} da Giulia Bianchi" in flat(
            region_text(app, fields)
        )
        assert events(Kind.FORM_SIGNED) == [
            {"plan_id": plan.id, "username": "vendite.mi", "target": "PDP-2026-0400"}
        ]
        await wait_until(pilot, lambda: "m Non firmato" in footer(app), "undo key")

        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, UndoSignedFormScreen), "undo")
        assert f"ricevuto il {day} da Giulia Bianchi" in flat(screen_text(app))
        await pilot.press("enter")  # no reason: refused at the field
        await steady(pilot)
        assert isinstance(app.screen, UndoSignedFormScreen)
        assert Plan.get(Plan.id == plan.id).form_signed_at is not None
        await type_text(pilot, "Segnato sul contratto sbagliato")
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: "Modulo firmato mancante" in flat(region_text(app, fields)), "undone"
        )
        assert Plan.get(Plan.id == plan.id).form_signed_at is None
        [undone] = events(Kind.FORM_SIGNED_UNDONE)
        assert undone["reason"] == "Segnato sul contratto sbagliato"
        assert undone["username"] == "vendite.mi"
        history = app.screen.query_one("#history")
        await pilot.press("end")  # the history, scrolled into view
        await steady(pilot)
        assert "modulo firmato: ricevuto → mancante" in flat(screen_text(app))
        assert history.region.height > 0


async def test_support_marks_admin_does_not(sqlite_seed, make_app, register):
    plan = register(sqlite_seed.staff_mi, "PDP-2026-0500")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_as(pilot, "admin")
        await open_detail(pilot, "PDP-2026-0500")
        assert "m Firmato" not in footer(app)
        await pilot.press("m")
        await steady(pilot)
        assert isinstance(app.screen, ContractDetailScreen)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_as(pilot, "assistenza")
        await open_detail(pilot, "PDP-2026-0500")
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        await pilot.press("enter")
        await wait_until(pilot, lambda: events(Kind.FORM_SIGNED), "the mark")
    assert Plan.get(Plan.id == plan.id).form_signed_by_id == sqlite_seed.support.id


async def test_list_shows_the_signed_form_and_filters_the_missing_ones(
    sqlite_seed, make_app, register, clock
):
    # Registered on 14/03/2026 (the clock fixture): long ago for today's filter.
    for number in ("PDP-A", "PDP-B", "PDP-C"):
        register(sqlite_seed.staff_mi, number)
    signed = Plan.get(Plan.contract_number == "PDP-B")
    signed_forms.mark_form_signed(sqlite_seed.staff_mi, signed.id)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen), "the list")
        table = app.screen.query_one("#plans", DataTable)
        await wait_until(pilot, lambda: table.row_count == 3, "the rows")
        assert column(table, "form") == ["—", "✓", "—"]
        assert "F5 Mancanti" in footer(app)

        await pilot.press("f5")  # from the search field
        await wait_until(pilot, lambda: isinstance(app.screen, MissingFormsDialog), "the days")
        dialog = app.screen
        assert dialog.field("days").value == "14"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen), "filtered")
        await wait_until(pilot, lambda: table.row_count == 2, "the missing forms")
        assert [c.split()[0] for c in column(table, "contract")] == ["PDP-C", "PDP-A"]
        title = flat(region_text(app, app.screen.query_one("#list-title")))
        assert title == "Elenco completo · solo moduli firmati mancanti da almeno 14 giorni"
        assert "F5 Tutti" in footer(app)

        await type_text(pilot, "pdp-a")  # the filter holds while searching
        await wait_until(pilot, lambda: table.row_count == 1, "the search")

        await pilot.press("ctrl+u", "f5")  # F5 again: every plan
        await wait_until(pilot, lambda: table.row_count == 3, "every plan")
        assert "F5 Mancanti" in footer(app)

        await pilot.press("ctrl+g")  # = F5
        await wait_until(pilot, lambda: isinstance(app.screen, MissingFormsDialog), "the days")
        await pilot.press("ctrl+u")
        await type_text(pilot, "tanti")
        await pilot.press("enter")
        await steady(pilot)
        assert isinstance(app.screen, MissingFormsDialog)
        assert "Un numero intero di giorni" in flat(screen_text(app))
        await pilot.press("ctrl+u")
        await type_text(pilot, "3650")  # ten years: none is that old
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Nessun contratto trovato" in screen_text(app), "empty")
