"""Printing the adhesion form through a real CUPS (the cups-pdf queue of .ci/cups-setup):
the PDF CUPS writes is read back (text and QR code) and checked against the database; a
store without a queue, a queue CUPS does not know, a CUPS that is down or does not answer
each get an Italian message and the form saved in the data directory."""

from __future__ import annotations

import json
import socket
import stat
import threading
import time
from pathlib import Path

import pytest
from pdf_tools import pdf_text, qr_codes
from platformdirs import user_data_dir

from pdp_tui.models import AuditEvent, Plan, Store
from pdp_tui.services import corrections, gateway, plans, printing
from pdp_tui.services.audit import Kind
from pdp_tui.services.codes import format_code
from pdp_tui.services.errors import NotFound, PermissionDenied, ValidationError


def print_events() -> list[dict]:
    query = AuditEvent.select().where(AuditEvent.kind == Kind.FORM_PRINTED).order_by(AuditEvent.id)
    return [dict(json.loads(e.detail), username=e.username, target=e.target) for e in query]


@pytest.fixture
def plan(seed, register):
    # cups-pdf makes its PDF from PostScript, where letters outside Windows-1252 (Ł, ż)
    # become Type 3 glyphs without their Unicode: printed right, but not read back by
    # pdftotext. Names in any script are checked on the app's own PDF (test_forms.py).
    return register(seed.staff_mi, "PDP-2026-0077", "Nicolò", "D’Amico", "covering_motion")


# --- the stores' queues -------------------------------------------------------------------


def test_admin_sets_and_clears_a_store_queue_audited(seed):
    assert printing.set_print_queue(seed.admin, " mi01 ", " PDP-PDF ") == printing.StorePrinter(
        "MI01", "Milano Centro", "PDP-PDF"
    )
    assert Store.get(Store.code == "MI01").print_queue == "PDP-PDF"
    printing.set_print_queue(seed.admin, "MI01", "")
    assert Store.get(Store.code == "MI01").print_queue is None
    events = AuditEvent.select().where(AuditEvent.kind == Kind.STORE_PRINTER_SET)
    details = [(e.target, json.loads(e.detail)) for e in events.order_by(AuditEvent.id)]
    assert details == [
        ("MI01", {"before": {"queue": None}, "after": {"queue": "PDP-PDF"}}),
        ("MI01", {"before": {"queue": "PDP-PDF"}, "after": {"queue": None}}),
    ]


def test_only_an_admin_sets_a_queue_and_it_must_look_like_one(seed):
    for actor in (seed.staff_mi, seed.support):
        with pytest.raises(PermissionDenied):
            printing.set_print_queue(actor, "MI01", "PDP-PDF")
    for bad in ("due parole", "-o", "coda/1", "a#b", "x" * 128, "stampante’"):
        with pytest.raises(ValidationError) as caught:
            printing.set_print_queue(seed.admin, "MI01", bad)
        assert "Coda di stampa" in caught.value.errors["queue"]
    with pytest.raises(NotFound):
        printing.set_print_queue(seed.admin, "XX99", "PDP-PDF")
    assert not AuditEvent.select().where(AuditEvent.kind == Kind.STORE_PRINTER_SET).exists()


def test_queues_listed_by_role(seed):
    printing.set_print_queue(seed.admin, "RM01", "RM-LASER")
    everyone = [
        printing.StorePrinter("MI01", "Milano Centro", None),
        printing.StorePrinter("RM01", "Roma Eur", "RM-LASER"),
    ]
    assert printing.list_print_queues(seed.admin) == everyone
    assert printing.list_print_queues(seed.support) == everyone
    assert printing.list_print_queues(seed.staff_rm) == everyone[1:]


# --- printing for real --------------------------------------------------------------------


def test_the_form_comes_out_of_a_real_cups_queue(seed, plan, cups_queue):
    printing.set_print_queue(seed.admin, "MI01", cups_queue.name)
    since = time.time()
    result = printing.print_form(seed.staff_mi, plan.id)
    assert result.printed and result.saved_to is None
    assert result.job_id.startswith(f"{cups_queue.name}-")
    assert result.message == f"Modulo inviato alla stampante «PDP-PDF» (stampa {result.job_id})."

    written = cups_queue.job_file(result.job_id, since)
    row = Plan.get(Plan.contract_number == "PDP-2026-0077")
    code = format_code(row.activation_code)
    text = " ".join(pdf_text(written).split())
    assert row.contract_number in text
    assert f"{row.first_name} {row.last_name}" in text
    assert code in text
    assert qr_codes(written) == [f"PDP:{row.contract_number}:{code}"]
    assert print_events() == [
        {
            "plan_id": plan.id,
            "queue": "PDP-PDF",
            "job_id": result.job_id,
            "username": "vendite.mi",
            "target": "PDP-2026-0077",
        }
    ]


def test_a_reprint_by_support_is_another_job_and_another_audit_entry(seed, plan, cups_queue):
    printing.set_print_queue(seed.admin, "MI01", cups_queue.name)
    first = printing.print_form(seed.staff_mi, plan.id)
    again = printing.print_form(seed.support, plan.id)
    assert first.printed and again.printed and first.job_id != again.job_id
    assert [(e["username"], e["job_id"]) for e in print_events()] == [
        ("vendite.mi", first.job_id),
        ("assistenza", again.job_id),
    ]


def test_a_queue_cups_does_not_know_saves_the_form(seed, plan, cups_queue):
    printing.set_print_queue(seed.admin, "MI01", "PDP-NON-ESISTE")
    result = printing.print_form(seed.staff_mi, plan.id)
    expected = Path(user_data_dir("pdp-tui")) / "moduli" / "MI01" / "PDP-2026-0077.pdf"
    assert not result.printed and result.saved_to == expected
    assert result.message == (
        "Stampa non riuscita: la coda di stampa «PDP-NON-ESISTE» non esiste in CUPS. "
        f"Il modulo è salvato in {expected}"
    )
    assert qr_codes(expected)[0].startswith("PDP:PDP-2026-0077:")
    assert stat.S_IMODE(expected.stat().st_mode) == 0o600
    [event] = print_events()
    assert "job_id" not in event and event["saved_to"] == str(expected)
    assert event["queue"] == "PDP-NON-ESISTE"


def test_a_store_without_a_queue_saves_the_form(seed, plan):
    result = printing.print_form(seed.staff_mi, plan.id)
    assert not result.printed and result.queue is None
    assert result.message.startswith("Nessuna stampante impostata per il negozio MI01. ")
    assert result.message.endswith(str(result.saved_to))
    assert "Nicolò D’Amico" in pdf_text(result.saved_to)
    # A second attempt replaces the saved copy, and is audited too.
    again = printing.print_form(seed.support, plan.id)
    assert again.saved_to == result.saved_to
    assert [p.name for p in result.saved_to.parent.iterdir()] == ["PDP-2026-0077.pdf"]
    assert len(print_events()) == 2


def test_cups_down_is_told_as_such(seed, plan, monkeypatch, cups_queue):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("CUPS_SERVER", f"127.0.0.1:{port}")
    printing.set_print_queue(seed.admin, "MI01", cups_queue.name)
    result = printing.print_form(seed.staff_mi, plan.id)
    assert not result.printed
    assert result.message.startswith(
        "Stampa non riuscita: il servizio di stampa (CUPS) non è in funzione. "
    )


def test_a_cups_that_never_answers_times_out(seed, plan, monkeypatch, cups_queue):
    with socket.socket() as silent:  # accepts the connection, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        monkeypatch.setenv("CUPS_SERVER", f"127.0.0.1:{silent.getsockname()[1]}")
        printing.set_print_queue(seed.admin, "MI01", cups_queue.name)
        started = time.monotonic()
        result = printing.print_form(seed.staff_mi, plan.id, timeout=1.5)
        elapsed = time.monotonic() - started
    assert not result.printed and result.saved_to.is_file()
    assert "CUPS non ha risposto entro 2 secondi" in result.message
    assert elapsed < 30


def test_other_database_calls_do_not_wait_for_the_printer(seed, plan, monkeypatch, cups_queue):
    """On PostgreSQL a process's units of work take turns: the print must hold none while
    it draws the form and waits for CUPS, or the till's next call would wait for it."""
    with socket.socket() as silent:  # a CUPS that never answers: lp waits for its timeout
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        monkeypatch.setenv("CUPS_SERVER", f"127.0.0.1:{silent.getsockname()[1]}")
        printing.set_print_queue(seed.admin, "MI01", cups_queue.name)
        results = []
        printer = threading.Thread(
            target=lambda: results.append(printing.print_form(seed.staff_mi, plan.id, timeout=4))
        )
        printer.start()
        waits = []
        for _ in range(5):
            started = time.monotonic()
            gateway.call(plans.get_plan, seed.support, plan.id)
            waits.append(time.monotonic() - started)
        assert printer.is_alive()  # the calls above ran while the print was under way
        printer.join(60)
    assert max(waits) < 2, waits
    assert results and not results[0].printed


def test_without_lp_installed(seed, plan, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    printing.set_print_queue(seed.admin, "MI01", "PDP-PDF")
    result = printing.print_form(seed.staff_mi, plan.id)
    assert "il comando lp di CUPS non è installato" in result.message
    assert result.saved_to.is_file()


def test_scoped_like_plans(seed, plan):
    with pytest.raises(NotFound):
        printing.print_form(seed.staff_rm, plan.id)
    corrections.void_plan(seed.staff_mi, plan.id, reason="Doppione")
    with pytest.raises(printing.ServiceError, match="annullato"):
        printing.print_form(seed.staff_mi, plan.id)
    assert print_events() == []


def test_saved_form_paths_stay_inside_the_data_directory():
    base = printing.saved_forms_dir()
    assert printing.saved_form_path("MI01", "PDP-1") == base / "MI01" / "PDP-1.pdf"
    for store, number in (("..", "../../etc/passwd"), ("MI01", "."), ("/", "a/b\\c"), ("", "")):
        path = printing.saved_form_path(store, number)
        assert path.resolve().is_relative_to(base.resolve())
        assert path.parent.parent == base and path.suffix == ".pdf"
        assert ".." not in path.parts


def test_an_unwritable_data_directory_is_an_italian_error(seed, plan, tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    monkeypatch.setattr(printing, "saved_forms_dir", lambda: blocked)
    with pytest.raises(printing.ServiceError, match="Stampa non riuscita e modulo non salvato"):
        printing.print_form(seed.staff_mi, plan.id)
