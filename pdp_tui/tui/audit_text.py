"""The audit log's details as sentences a person reads, never JSON or internal ids.

Services record a small JSON object with each event (services/audit.py). Here each key a
person cares about gets an Italian label and its values Italian words; internal ids are
left out; a change reads ``nome: Mario → Maria``. Keys this module does not know are left
out too rather than shown raw (tests/tui/test_audit_text.py records every kind through
the services and checks that what they record reads as Italian).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pdp_tui.domain import (
    PlanStatus,
    ProtectionType,
    RequestConcern,
    RequestOutcome,
    RequestStatus,
    Role,
)

KIND_LABELS = {
    "login_ok": "accesso",
    "login_failed": "accesso non riuscito",
    "password_changed": "cambio password",
    "password_change_failed": "cambio password non riuscito",
    "plan_registered": "registrazione",
    "plan_registered_again": "registrazione ripetuta (codice mostrato di nuovo)",
    "plan_viewed": "consultazione",
    "plan_searched": "ricerca",
    "code_verified": "verifica codice",
    "plan_corrected": "correzione",
    "plan_voided": "annullamento",
    "user_created": "nuovo utente",
    "user_disabled": "utente disattivato",
    "user_enabled": "utente riattivato",
    "user_unlocked": "utente sbloccato",
    "user_role_changed": "ruolo o negozio cambiato",
    "user_renamed": "nome cambiato",
    "password_reset": "password reimpostata",
    "store_created": "nuovo negozio",
    "store_renamed": "negozio rinominato",
    "store_closed": "negozio chiuso",
    "store_reopened": "negozio riaperto",
    "protection_validity": "validità cambiata",
    "plans_exported": "esportazione Piani",
    "covering_created": "nuovo rivestimento",
    "covering_disabled": "rivestimento ritirato",
    "covering_enabled": "rivestimento in vendita",
    "form_made": "modulo di adesione",
    "form_printed": "stampa del modulo",
    "form_signed": "modulo firmato",
    "form_signed_undone": "modulo firmato tolto",
    "store_printer_set": "stampante del negozio",
    "plan_state": "Piano all'avvio del registro verificabile",
    "request_opened": "richiesta di intervento aperta",
    "request_status": "richiesta di intervento: stato",
    "request_note": "richiesta di intervento: nota",
    "requests_exported": "esportazione richieste",
}

# Keys that only make sense to the program.
INTERNAL = frozenset(
    {"plan_id", "store_id", "user_id", "id", "hash", "previous_hash", "prev_hash", "state"}
)

LABELS = {
    "reason": "motivo",
    "result": "esito",
    "locked": "account bloccato",
    "role": "ruolo",
    "store": "negozio",
    "name": "nome",
    "label": "rivestimento",
    "first_name": "nome",
    "last_name": "cognome",
    "customer": "cliente",
    "covering": "rivestimento",
    "protection": "tipo di protezione",
    "status": "stato",
    "contract_number": "contratto",
    "activation_code": "codice",
    "valid_until": "valido fino al",
    "full_name": "nome e cognome",
    "queue": "coda di stampa",
    "job_id": "stampa",
    "saved_to": "salvato in",
    "marked_by": "segnato da",
    "validity_months": "validità in mesi",
    "from": "dal",
    "to": "al",
    "concerns": "riguarda",
    "outcome": "esito",
}

VALUES = {
    "reason": {
        "unknown": "utente inesistente",
        "password": "password errata",
        "locked": "account bloccato",
        "disabled": "account disattivato",
        "store_closed": "negozio chiuso",
    },
    "result": {
        "found": "codice valido",
        "unknown": "codice sconosciuto",
        "mistyped": "codice scritto male",
    },
    "role": {role.value: role.label for role in Role},
    "protection": {p.value: p.label for p in ProtectionType},
    "status": {
        **{s.value: s.label for s in PlanStatus},
        **{s.value: s.label for s in RequestStatus},
    },
    "concerns": {c.value: c.label for c in RequestConcern},
    "outcome": {o.value: o.label for o in RequestOutcome},
}
# Free text typed by a person (a reason for a change): quoted, never translated.
FREE_TEXT = frozenset({"reason"})


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " "))


def _value(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "sì" if value else "no"
    text = str(value)
    return VALUES.get(key, {}).get(text, text)


def _change(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    parts = []
    for key in dict.fromkeys([*before, *after]):
        if key in INTERNAL or key not in LABELS or before.get(key) == after.get(key):
            continue
        old, new = _value(key, before.get(key)), _value(key, after.get(key))
        parts.append(f"{LABELS[key]}: {old} → {new}")
    return parts


def describe(kind: str, detail: str) -> str:
    """The detail of an event of ``kind`` (the JSON the service stored) as a sentence."""
    if not detail:
        return ""
    try:
        data = json.loads(detail)
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    parts: list[str] = []
    before, after = data.get("before"), data.get("after")
    if isinstance(before, Mapping) or isinstance(after, Mapping):
        parts += _change(before or {}, after or {})
    for key, value in data.items():
        if key in ("before", "after") or key in INTERNAL or key not in LABELS:
            continue
        if isinstance(value, Mapping | list):
            continue
        if key == "reason" and kind in ("login_failed", "password_change_failed"):
            parts.append(f"{LABELS[key]}: {_value(key, value)}")
        elif key in FREE_TEXT:
            parts.append(f"{LABELS[key]}: «{value}»")
        elif key == "locked" and not value:
            continue
        elif key == "locked":
            parts.append(LABELS[key])
        else:
            parts.append(f"{LABELS[key]}: {_value(key, value)}")
    return "; ".join(parts)
