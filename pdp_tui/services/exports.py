"""Exports: plans and service requests as CSV that an Italian spreadsheet opens as it is.

UTF-8 with a byte-order mark (so that accents survive), ``;`` between fields (the comma is
the decimal separator in Italy), dates as dd/mm/yyyy in the users' time zone, Italian
headers, one row per plan (voided plans marked in their own column) or per service request.

Rows are streamed, so that a million plans export in constant memory: on PostgreSQL through
a server-side (named) cursor, which lives inside one transaction (through PgBouncer in
transaction pooling a transaction is also what keeps the cursor on one server connection);
on SQLite in keyset chunks, each its own short read, so that no read transaction stays open
while the file is written.

Customer text can start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, which a
spreadsheet would run as a formula (OWASP "CSV injection"): such a cell gets a leading
apostrophe, which spreadsheets read as "this is text".

Activation codes are not exported: they are the customers' proof of registration, read out
to support one at a time; a file copied around must not carry them all.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import IO

from peewee import Tuple

from pdp_tui import config
from pdp_tui.db import database, is_postgres
from pdp_tui.domain import (
    Actor,
    PlanStatus,
    ProtectionType,
    RequestConcern,
    RequestOutcome,
    RequestStatus,
)
from pdp_tui.models import Covering, Plan, Protection, ServiceRequest, Store, User
from pdp_tui.services import audit
from pdp_tui.services.errors import NotFound, ValidationError
from pdp_tui.services.permissions import Permission, require

PLAN_HEADERS = (
    "Numero contratto",
    "Data di registrazione",
    "Negozio",
    "Cognome",
    "Nome",
    "Rivestimento",
    "Tipo di protezione",
    "Valido fino al",
    "Stato",
    "Registrato da",
)
REQUEST_HEADERS = (
    "Numero richiesta",
    "Data di apertura",
    "Negozio",
    "Numero contratto",
    "Cognome",
    "Nome",
    "Riguarda",
    "Descrizione",
    "Telefono",
    "Stato",
    "Esito",
    "Data di chiusura",
    "Aperta da",
)
CHUNK = 5000  # rows per SQLite read and per PostgreSQL fetch
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "%d/%m/%Y"


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet cell that is never run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_plans(
    actor: Actor,
    *,
    day_from: dt.date | None = None,
    day_to: dt.date | None = None,
    store_code: str | None = None,
) -> Iterator[tuple[str, ...]]:
    """The rows of the plans registered from ``day_from`` to ``day_to`` (the users' days,
    both included) at ``store_code`` (every store if None), oldest first, as text cells in
    the order of ``PLAN_HEADERS``. The export is audited when it is asked for."""
    store_id, store_code = _check(actor, audit.Kind.PLANS_EXPORTED, day_from, day_to, store_code)
    query = _plans_query(day_from, day_to, store_id)
    return _cells(query, Plan, _plan_cells)


def _check(
    actor: Actor,
    kind: audit.Kind,
    day_from: dt.date | None,
    day_to: dt.date | None,
    store_code: str | None,
) -> tuple[int | None, str | None]:
    """The export's permission and filters, audited as ``kind`` once they hold; the
    store's (id, code), or (None, None)."""
    require(actor, Permission.EXPORT)
    if day_from and day_to and day_from > day_to:
        raise ValidationError({"day_to": "La data finale precede quella iniziale."})
    store_id = None
    if store_code:
        store = Store.get_or_none(Store.code == store_code.strip().upper())
        if store is None:
            raise NotFound(f"Negozio {store_code.strip().upper()} inesistente.")
        store_id, store_code = store.id, store.code
    audit.record(
        kind,
        actor,
        target=store_code or "",
        detail={
            "from": day_from.strftime(DATE_FORMAT) if day_from else None,
            "to": day_to.strftime(DATE_FORMAT) if day_to else None,
            "store": store_code or None,
        },
    )
    return store_id, store_code or None


def _cells(query, model, cells: Callable[[tuple, dt.tzinfo], tuple[str, ...]]):
    """The rows of ``query`` streamed oldest first, each as text cells."""
    zone = config.current().zone
    rows = _server_side(query, model) if is_postgres() else _in_chunks(query, model)
    return (cells(row, zone) for row in rows)


def export_requests(
    actor: Actor,
    *,
    day_from: dt.date | None = None,
    day_to: dt.date | None = None,
    store_code: str | None = None,
) -> Iterator[tuple[str, ...]]:
    """The rows of the service requests opened from ``day_from`` to ``day_to`` (the users'
    days, both included) at ``store_code`` (every store if None), oldest first, as text
    cells in the order of ``REQUEST_HEADERS``. Audited when asked for."""
    store_id, store_code = _check(actor, audit.Kind.REQUESTS_EXPORTED, day_from, day_to, store_code)
    query = (
        ServiceRequest.select(
            ServiceRequest.number,
            ServiceRequest.created_at,
            Store.code,
            Plan.contract_number,
            Plan.last_name,
            Plan.first_name,
            ServiceRequest.concerns,
            ServiceRequest.description,
            ServiceRequest.phone,
            ServiceRequest.status,
            ServiceRequest.outcome,
            ServiceRequest.closed_at,
            User.username,
            ServiceRequest.id,
        )
        .join(Store, on=(ServiceRequest.store == Store.id))
        .switch(ServiceRequest)
        .join(Plan, on=(ServiceRequest.plan == Plan.id))
        .switch(ServiceRequest)
        .join(User, on=(ServiceRequest.created_by == User.id))
    )
    query = _within(query, ServiceRequest, day_from, day_to, store_id)
    return _cells(query, ServiceRequest, _request_cells)


def _request_cells(row: tuple, zone: dt.tzinfo) -> tuple[str, ...]:
    (number, at, store, contract, last, first, concerns, description, phone, status,
     outcome, closed_at, by, _) = row  # fmt: skip
    return (
        number,
        _local_day(_as_datetime(at), zone),
        neutralise(store),
        neutralise(contract),
        neutralise(last),
        neutralise(first),
        RequestConcern(concerns).label,
        neutralise(" ".join(description.split())),
        neutralise(phone),
        RequestStatus(status).label,
        RequestOutcome(outcome).label if outcome else "",
        _local_day(_as_datetime(closed_at), zone) if closed_at else "",
        neutralise(by),
    )


def _as_datetime(at) -> dt.datetime:
    return dt.datetime.fromisoformat(at) if isinstance(at, str) else at


def _plans_query(day_from: dt.date | None, day_to: dt.date | None, store_id: int | None):
    query = (
        Plan.select(
            Plan.contract_number,
            Plan.created_at,
            Store.code,
            Plan.last_name,
            Plan.first_name,
            Covering.label,
            Protection.code,
            Plan.valid_until,
            Plan.status,
            User.username,
            Plan.id,
        )
        .join(Store, on=(Plan.store == Store.id))
        .switch(Plan)
        .join(Covering, on=(Plan.covering == Covering.id))
        .switch(Plan)
        .join(Protection, on=(Plan.protection == Protection.id))
        .switch(Plan)
        .join(User, on=(Plan.created_by == User.id))
    )
    return _within(query, Plan, day_from, day_to, store_id)


def _within(query, model, day_from: dt.date | None, day_to: dt.date | None, store_id: int | None):
    """``query`` limited to the rows of ``model`` made from ``day_from`` to ``day_to`` (the
    users' days, both included) at store ``store_id`` (every store if None)."""
    settings = config.current()
    if day_from:
        query = query.where(model.created_at >= settings.local_midnight_utc(day_from))
    if day_to:
        next_day = day_to + dt.timedelta(days=1)
        query = query.where(model.created_at < settings.local_midnight_utc(next_day))
    if store_id is not None:
        query = query.where(model.store == store_id)
    return query


def _server_side(query, model) -> Iterator[tuple]:
    """Rows through a named cursor, in one transaction; the transaction ends (rolled back:
    nothing was written) when the rows are read or the reader stops."""
    sql, params = query.order_by(model.created_at, model.id).sql()
    with database.atomic():
        with database.connection().cursor(name="pdp_export") as cursor:
            cursor.itersize = CHUNK
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(CHUNK):
                yield from rows


def _in_chunks(query, model) -> Iterator[tuple]:
    """Rows in chunks of ``CHUNK``, each read after the last row of the one before (the
    row's second cell is its ``created_at``, its last its id)."""
    last: tuple[dt.datetime, int] | None = None
    while True:
        chunk = query
        if last is not None:
            at, row_id = last
            chunk = chunk.where(Tuple(model.created_at, model.id) > Tuple(at, row_id))
        rows = list(chunk.order_by(model.created_at, model.id).limit(CHUNK).tuples())
        yield from rows
        if len(rows) < CHUNK:
            return
        last = (rows[-1][1], rows[-1][-1])


def _local_day(at: dt.datetime, zone: dt.tzinfo) -> str:
    return at.replace(tzinfo=dt.UTC).astimezone(zone).strftime(DATE_FORMAT)


def _plan_cells(row: tuple, zone: dt.tzinfo) -> tuple[str, ...]:
    number, at, store, last, first, covering, protection, until, status, by, _ = row
    if isinstance(at, str):  # SQLite without peewee's conversion (never expected)
        at = dt.datetime.fromisoformat(at)
    return (
        neutralise(number),
        _local_day(at, zone),
        neutralise(store),
        neutralise(last),
        neutralise(first),
        neutralise(covering),
        ProtectionType(protection).label,
        until.strftime(DATE_FORMAT),
        PlanStatus(status).label,
        neutralise(by),
    )


def write_csv(stream: IO[str], headers: Iterable[str], rows: Iterable[Iterable[str]]) -> int:
    """Write the headers and ``rows`` as an Italian spreadsheet's CSV; the rows written.

    ``stream`` is a text stream opened with ``newline=""``; the byte-order mark is written
    here, so that the encoding of the stream is plain UTF-8.
    """
    stream.write("\ufeff")
    writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count
