"""Walk the audit log's hash chain and every plan's current row (``pdp-tui audit verify``).

Two passes, each in batches by id (memory stays the same however long the log): the chain,
event by event (each links to the one before and its hash matches its content; the last
is the chain's head), then the plans, batch by batch against the latest event that
recorded each one's fields. One read-only snapshot for both (REPEATABLE READ on
PostgreSQL, a read transaction on SQLite), so the app may keep writing meanwhile.

The first mismatch found is reported, in Italian, as ``ChainBroken``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from peewee import fn

from pdp_tui.db import database, is_postgres
from pdp_tui.domain import Actor
from pdp_tui.models import AuditChain, AuditEvent, Plan
from pdp_tui.services import audit
from pdp_tui.services.errors import ServiceError
from pdp_tui.services.permissions import Permission, require

BATCH = 2000
FIELD_LABELS = {
    "contract_number": "numero del contratto",
    "first_name": "nome",
    "last_name": "cognome",
    "name_key": "chiave di ricerca del nome",
    "covering_id": "rivestimento",
    "protection_id": "tipo di protezione",
    "activation_code": "codice di attivazione",
    "store_id": "negozio",
    "created_by_id": "registrato da",
    "created_at": "data di registrazione",
    "valid_until": "validità",
    "status": "stato",
    "updated_at": "ultima modifica",
    "form_signed_at": "modulo firmato ricevuto il",
    "form_signed_by_id": "modulo firmato segnato da",
}


class ChainBroken(ServiceError):
    """The audit log or a plan does not match the chain."""


@dataclass(frozen=True)
class ChainReport:
    events: int
    plans: int
    head: str  # the last event's hash: write it down to compare with a later run


def verify_chain(actor: Actor, *, batch: int = BATCH) -> ChainReport:
    """Check the whole chain and every plan; ``ChainBroken`` at the first mismatch."""
    require(actor, Permission.ADMINISTER)
    with _snapshot():
        events, head = _verify_events(batch)
        plans = _verify_plans(batch)
    return ChainReport(events, plans, head)


def _snapshot():
    if is_postgres():
        return _PostgresSnapshot()
    return database.atomic("DEFERRED")  # a read transaction: no write lock taken


class _PostgresSnapshot:
    def __enter__(self):
        self._txn = database.atomic()
        self._txn.__enter__()
        database.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    def __exit__(self, *exc):
        return self._txn.__exit__(*exc)


_EVENT_COLUMNS = (
    AuditEvent.id,
    AuditEvent.at,
    AuditEvent.user,
    AuditEvent.username,
    AuditEvent.store,
    AuditEvent.kind,
    AuditEvent.target,
    AuditEvent.detail,
    AuditEvent.plan_id,
    AuditEvent.prev_hash,
    AuditEvent.hash,
)


def _event_batches(batch: int) -> Iterator[list[tuple]]:
    last = None  # from the very first id, whatever it is (an intruder's 0 or -1 too)
    while True:
        query = AuditEvent.select(*_EVENT_COLUMNS)
        if last is not None:
            query = query.where(AuditEvent.id > last)
        rows = list(query.order_by(AuditEvent.id).limit(batch).tuples())
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _verify_events(batch: int) -> tuple[int, str]:
    prev_hash, count, last_id = audit.GENESIS, 0, None
    for rows in _event_batches(batch):
        for (
            event_id,
            at,
            user_id,
            username,
            store_id,
            kind,
            target,
            detail,
            plan_id,
            *hashes,
        ) in rows:
            stored_prev, stored_hash = hashes
            fields = {
                "at": at,
                "user_id": user_id,
                "username": username,
                "store_id": store_id,
                "kind": kind,
                "target": target,
                "detail": detail,
                "plan_id": plan_id,
            }
            if stored_prev != prev_hash:
                what = f"dopo l'evento n. {last_id}" if last_id else "all'inizio del registro"
                raise ChainBroken(
                    f"Registro alterato: l'evento n. {event_id} non segue il precedente "
                    f"({what} manca un evento, o ne è stato inserito uno fuori dall'app)."
                )
            if audit.event_hash(fields, prev_hash) != stored_hash:
                raise ChainBroken(
                    f"Registro alterato: l'evento n. {event_id} ({audit.canonical(at)[:16]}, "
                    f"{kind}) è stato modificato dopo la registrazione."
                )
            prev_hash, last_id = stored_hash, event_id
            count += 1
    head = AuditChain.get_or_none(AuditChain.id == 1)
    if head is None or head.last_hash != prev_hash or head.last_id != last_id:
        raise ChainBroken(
            "Registro alterato: mancano gli ultimi eventi, o la testa della catena è stata "
            f"modificata (ultimo evento presente: n. {last_id or '—'})."
        )
    return count, prev_hash


def _plan_batches(batch: int) -> Iterator[tuple[int | None, int | None, list[tuple]]]:
    """(after id (None: from the start), up to id (None: to the end), plans): ranges that
    together cover every id."""
    last = None
    while True:
        query = audit.plan_state_query()
        if last is not None:
            query = query.where(Plan.id > last)
        rows = list(query.order_by(Plan.id).limit(batch).tuples())
        end = rows[-1][0] if len(rows) == batch else None
        yield last, end, rows
        if end is None:
            return
        last = end


def _latest_states(after: int | None, up_to: int | None) -> dict[int, tuple[int, dict | None]]:
    """plan id -> (id, state) of the latest event recording a plan with an id in the range."""
    in_range = AuditEvent.plan_id.is_null(False)
    if after is not None:
        in_range &= AuditEvent.plan_id > after
    if up_to is not None:
        in_range &= AuditEvent.plan_id <= up_to
    latest = AuditEvent.select(fn.MAX(AuditEvent.id)).where(in_range).group_by(AuditEvent.plan_id)
    rows = AuditEvent.select(AuditEvent.id, AuditEvent.plan_id, AuditEvent.detail).where(
        AuditEvent.id.in_(latest)
    )
    found = {}
    for event_id, plan_id, detail in rows.tuples():
        try:
            state = json.loads(detail).get("state")
        except (ValueError, AttributeError):
            state = None
        found[plan_id] = (event_id, state)
    return found


def _verify_plans(batch: int) -> int:
    count = 0
    for after, up_to, rows in _plan_batches(batch):
        states = _latest_states(after, up_to)
        for row in rows:
            plan_id, number = row[0], row[1]
            event = states.pop(plan_id, None)
            if event is None:
                raise ChainBroken(
                    f"Registro alterato: il Piano {number} non compare nel registro "
                    "(inserito fuori dall'app)."
                )
            event_id, state = event
            current = audit.plan_state_of(row)
            if state != current:
                changed = sorted(k for k in current if not state or state.get(k) != current[k])
                raise ChainBroken(
                    f"Registro alterato: il Piano {number} non corrisponde all'evento "
                    f"n. {event_id} (cambiato fuori dall'app: "
                    f"{', '.join(FIELD_LABELS.get(k, k) for k in changed)})."
                )
            count += 1
        if states:
            plan_id, (event_id, _) = min(states.items())
            raise ChainBroken(
                f"Registro alterato: l'evento n. {event_id} riguarda un Piano che non c'è più "
                f"(id {plan_id})."
            )
    return count
