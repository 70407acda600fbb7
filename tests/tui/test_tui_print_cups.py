"""F9 for real: a plan registered by keys in the app, for a store whose queue is the
cups-pdf queue of .ci/cups-setup (PDP-PDF). The PDF that CUPS writes is read back (its
text with pdftotext, its QR code with pdftoppm and zbarimg) and checked against the
database; then the same from the contract's detail (a reprint, another job). Skipped
where CUPS or poppler/zbar are not installed (``cups_queue``; under CI they must be)."""

from __future__ import annotations

import re
import time

from pdf_tools import pdf_text, qr_codes
from pilot_helpers import flat, login_staff, screen_lines, type_text, wait_until
from textual.widgets import DataTable

from pdp_tui.models import AuditEvent, Plan
from pdp_tui.services import printing
from pdp_tui.services.audit import Kind
from pdp_tui.services.codes import format_code
from pdp_tui.tui.form_printing import PrintOutcome
from pdp_tui.tui.screens.contract_detail import ContractDetailScreen
from pdp_tui.tui.screens.contract_list import ContractListScreen

SENT = re.compile(r"Modulo inviato alla stampante «PDP-PDF» \(stampa (PDP-PDF-\d+)\)\.")


def shown_job(app) -> str | None:
    widget = app.screen.query_one(PrintOutcome)
    if not widget.display:
        return None
    region = widget.region.intersection(widget.parent.region)
    lines = screen_lines(app)[region.y : region.y + region.height]
    match = SENT.search(flat("\n".join(line[region.x : region.right] for line in lines)))
    return match.group(1) if match else None


def check_printed(queue, job_id: str, since: float, number: str) -> None:
    written = queue.job_file(job_id, since)
    row = Plan.get(Plan.contract_number == number)
    code = format_code(row.activation_code)
    text = " ".join(pdf_text(written).split())
    for expected in (number, f"{row.first_name} {row.last_name}", code, "Milano Centro"):
        assert expected in text, expected
    assert qr_codes(written) == [f"PDP:{number}:{code}"]


async def test_f9_prints_through_a_real_cups_queue(sqlite_seed, make_app, cups_queue):
    printing.set_print_queue(sqlite_seed.admin, "MI01", cups_queue.name)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await pilot.press("1", "enter")
        for text in ("PDP-2026-0900", "Nicolò", "Ferri"):
            await type_text(pilot, text)
            await pilot.press("enter")
        await pilot.press("2", "enter")  # Genera
        await wait_until(pilot, lambda: app.screen.query_one("#code-panel").plan is not None)

        since = time.time()
        await pilot.press("f9")
        await wait_until(pilot, lambda: shown_job(app), "the job on screen", timeout=60)
        check_printed(cups_queue, shown_job(app), since, "PDP-2026-0900")

        await pilot.press("f3")  # the reprint, from the detail
        await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen), "the list")
        table = app.screen.query_one("#plans", DataTable)
        await wait_until(pilot, lambda: table.row_count == 1, "the row")
        table.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractDetailScreen), "detail")
        await wait_until(pilot, lambda: app.screen.plan is not None, "the plan")
        since = time.time()
        await pilot.press("f9")
        await wait_until(pilot, lambda: shown_job(app), "the reprint's job", timeout=60)
        check_printed(cups_queue, shown_job(app), since, "PDP-2026-0900")

    printed = AuditEvent.select().where(AuditEvent.kind == Kind.FORM_PRINTED)
    assert [(e.username, e.target) for e in printed] == [("vendite.mi", "PDP-2026-0900")] * 2
