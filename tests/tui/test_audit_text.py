"""The audit log's Dettaglio reads as Italian sentences: no JSON, no ids, no English keys.

Every kind of event is recorded the way the app records it (through the services), then
each detail is rendered as the Registro attività shows it.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from pdp_tui.domain import SYSTEM, Role
from pdp_tui.models import AuditEvent
from pdp_tui.services import (
    accounts,
    audit,
    auth,
    catalogue,
    corrections,
    exports,
    forms,
    plans,
    printing,
    search,
    service_requests,
    signed_forms,
)
from pdp_tui.services.errors import ServiceError
from pdp_tui.tui.audit_text import KIND_LABELS, describe, kind_label

NEW_PASSWORD = "Girasole-Mattutino-42"


def every_kind_recorded(seed, register) -> None:
    plan = register(seed.staff_mi, "MI-7", "Nicolò", "D'Amico")
    register(seed.staff_mi, "MI-7", "Nicolo", "D Amico")  # the same card again
    plans.get_plan(seed.support, plan.id)
    search.search_plans(seed.support, "d'amico", store_id=seed.mi[0])
    plans.verify_code(seed.support, plan.activation_code)
    for wrong in ("XXXX", "0000-0000-0000"):
        with pytest.raises(ServiceError):
            plans.verify_code(seed.support, wrong)
    forms.adhesion_form(seed.staff_mi, plan_id=plan.id)
    printing.print_form(seed.staff_mi, plan.id)  # no queue yet: saved
    printing.set_print_queue(SYSTEM, "MI01", "MI01-LASER")
    signed_forms.mark_form_signed(seed.staff_mi, plan.id)
    signed_forms.undo_form_signed(seed.support, plan.id, reason="Segnato per errore")
    corrections.correct_plan(seed.support, plan.id, reason="Nome sbagliato", first_name="Nicola")
    corrections.void_plan(seed.support, plan.id, reason="Reso del divano")
    for username, password in (("nessuno", "x"), ("vendite.rm", "sbagliata")):
        with pytest.raises(ServiceError):
            auth.authenticate(username, password)
    accounts.create_user(
        SYSTEM, "nuovo.mi", Role.STAFF, password=NEW_PASSWORD, store_code="MI01", full_name="Ugo"
    )
    accounts.set_role(SYSTEM, "nuovo.mi", Role.STAFF, "RM01")
    accounts.set_active(SYSTEM, "nuovo.mi", False)
    accounts.set_active(SYSTEM, "nuovo.mi", True)
    accounts.reset_password(SYSTEM, "nuovo.mi", NEW_PASSWORD + "x")
    accounts.unlock(SYSTEM, "nuovo.mi")
    auth.change_password(seed.staff_rm, seed.password, NEW_PASSWORD)
    with pytest.raises(ServiceError):
        auth.change_password(auth.authenticate("vendite.rm", NEW_PASSWORD), "no", "x")
    catalogue.add_store(SYSTEM, "TO01", "Torino")
    lino = catalogue.add_covering(SYSTEM, "Lino")
    catalogue.set_covering_active(SYSTEM, lino.id, False)
    catalogue.set_covering_active(SYSTEM, lino.id, True)
    accounts.update_user(SYSTEM, "nuovo.mi", full_name="Ugo Neri")
    catalogue.rename_store(SYSTEM, "TO01", "Torino Lingotto")
    catalogue.set_store_open(SYSTEM, "TO01", False)
    catalogue.set_store_open(SYSTEM, "TO01", True)
    catalogue.set_validity(SYSTEM, "covering", 36)
    exports.export_plans(seed.admin, day_from=dt.date(2026, 1, 1), store_code="MI01")
    other = register(seed.staff_mi, "MI-8")
    request = service_requests.open_request(
        seed.support, other.id, concerns="covering", description="Strappo"
    )
    service_requests.add_note(seed.support, request.id, "Richiamato il cliente")
    service_requests.change_status(seed.support, request.id, "closed", outcome="repair")
    exports.export_requests(seed.admin, store_code="MI01")


def test_every_kind_has_an_italian_label():
    assert set(KIND_LABELS) >= set(audit.ALL_KINDS)
    assert kind_label("plan_voided") == "annullamento"


def test_details_read_as_sentences(seed, register):
    every_kind_recorded(seed, register)
    events = list(AuditEvent.select().order_by(AuditEvent.id))
    assert {e.kind for e in events} == set(audit.ALL_KINDS)
    described = {(e.kind, describe(e.kind, e.detail)) for e in events}
    for kind, text in described:
        assert "{" not in text and "}" not in text and '"' not in text, (kind, text)
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), (kind, text)  # no raw keys
        assert not re.search(r"\b(found|unknown|mistyped|true|false|null|None)\b", text), (
            kind,
            text,
        )
    sentences = {text for _, text in described}
    assert "esito: codice valido" in sentences
    assert "esito: codice scritto male" in sentences
    assert "esito: codice sconosciuto" in sentences
    assert "motivo: utente inesistente" in sentences
    assert "motivo: password errata" in sentences
    assert any(t.startswith("nome: Nicolò → Nicola") and "«Nome sbagliato»" in t for t in sentences)
    assert any("stato: attivo → annullato" in t and "«Reso del divano»" in t for t in sentences)
    assert "ruolo: addetto vendite; negozio: MI01" in sentences
    assert "negozio: MI01 → RM01" in sentences, "\n".join(sorted(sentences))
    assert "nome: Torino" in sentences
    assert "rivestimento: Lino" in sentences
    assert "coda di stampa: — → MI01-LASER" in sentences
    assert any(t.startswith("coda di stampa: —; salvato in: /") for t in sentences)
    assert "motivo: «Segnato per errore»; segnato da: vendite.mi" in sentences
    assert "nome e cognome: Ugo → Ugo Neri" in sentences
    assert "nome: Torino → Torino Lingotto" in sentences
    assert "validità in mesi: 60 → 36" in sentences
    assert "dal: 01/01/2026; al: —; negozio: MI01" in sentences
    assert "riguarda: rivestimento" in sentences
    assert "stato: chiusa; esito: riparazione" in sentences


def test_what_cannot_be_read_is_left_out():
    assert describe("plan_viewed", '{"plan_id": 5001}') == ""
    assert describe("x", "not json") == ""
    assert describe("x", '{"some_new_key": 1}') == ""
