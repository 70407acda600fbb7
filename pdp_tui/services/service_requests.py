"""Service requests (richieste di intervento): a customer asks for the service the plan
includes; support opens a request, moves it through "in lavorazione" to "chiusa" (with an
outcome) and adds notes. Every step keeps who, when and what, and is never deleted.

Numbers are ``RI-YYYY-NNNNNN``, counted per year (the users' year) by one upsert on a
counter row inside the transaction that inserts the request: the row stays locked until
commit, so concurrent processes queue on it and never share a number, and nothing relies on
session state (PgBouncer in transaction pooling). On SQLite the same statement runs under
the database's single writer lock.

Scoping is the plans': staff read their own store's requests (read-only); support and
administrators read and handle every store's. A request another store's staff may not see
is simply not found.
"""

from __future__ import annotations

import datetime as dt
import re

from peewee import JOIN, Tuple

from pdp_tui import config
from pdp_tui.db import database
from pdp_tui.domain import (
    Actor,
    PlanStatus,
    ProtectionType,
    RequestConcern,
    RequestDetail,
    RequestOutcome,
    RequestPage,
    RequestStatus,
    RequestStep,
    RequestStepKind,
    RequestSummary,
    utcnow,
)
from pdp_tui.models import (
    Plan,
    Protection,
    ServiceRequest,
    ServiceRequestCounter,
    ServiceRequestStep,
    Store,
    User,
)
from pdp_tui.services import audit
from pdp_tui.services.errors import NotFound, PermissionDenied, ServiceError, ValidationError
from pdp_tui.services.permissions import Permission, require, store_scope
from pdp_tui.services.text import clean_text

PAGE_SIZE = 50
DESCRIPTION_MAX = 1000
NOTE_MAX = 1000
PHONE_MAX = 20
PHONE_DIGITS = (6, 15)

FROM_THE_APP = "Le richieste di intervento si aprono dall'applicazione."
NOT_FOUND = "Richiesta di intervento non trovata."
PLAN_NOT_FOUND = "Contratto non trovato."
PLAN_VOIDED = "Il Piano è annullato: non si può aprire una richiesta di intervento."
PLAN_EXPIRED = "Il Piano è scaduto il {day}: non si può aprire una richiesta di intervento."
NO_MOTION = "Il Piano non comprende i meccanismi motion."
BAD_CONCERNS = "Riguarda: scegli rivestimento (1) o meccanismi motion (2)."
BAD_PHONE = "Telefono: solo cifre, spazi e un + iniziale, da 6 a 15 cifre."
BAD_STATUS = "Stato non valido."
BAD_OUTCOME = "Esito: scegli uno degli esiti in elenco."
OUTCOME_ONLY_ON_CLOSING = "L'esito si indica solo chiudendo la richiesta."
CANNOT_MOVE = "Una richiesta «{current}» non può passare a «{wanted}»."
CHANGED_MEANWHILE = "La richiesta è stata modificata nel frattempo: riaprila e riprova."

# The moves a request may make: never back, never out of "chiusa".
MOVES = {
    RequestStatus.OPEN: (RequestStatus.IN_PROGRESS, RequestStatus.CLOSED),
    RequestStatus.IN_PROGRESS: (RequestStatus.CLOSED,),
    RequestStatus.CLOSED: (),
}

Cursor = tuple[str, int]
_PHONE = re.compile(r"\+?[0-9 ]+")


# --- rules ------------------------------------------------------------------------------------


def scope(query, actor: Actor):
    """A ServiceRequest query restricted to what the actor may see (``store_scope``)."""
    return store_scope(query, actor, ServiceRequest.store)


def clean_phone(value: str | None) -> str:
    """A call-back number: optional; digits, spaces and a leading +, 6 to 15 digits."""
    text = " ".join((value or "").split())
    if not text:
        return ""
    digits = sum(ch.isdigit() for ch in text)
    if (
        len(text) > PHONE_MAX
        or not _PHONE.fullmatch(text)
        or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]
    ):
        raise ValueError(BAD_PHONE)
    return text


def _enum(kind, value):
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except ValueError:
        return None


def local_today() -> dt.date:
    return dt.datetime.now(dt.UTC).astimezone(config.current().zone).date()


def _next_number(year: int) -> str:
    """The next number of ``year``; to be called inside the transaction that inserts it."""
    last = (
        ServiceRequestCounter.insert(year=year, last=1)
        .on_conflict(
            conflict_target=[ServiceRequestCounter.year],
            update={ServiceRequestCounter.last: ServiceRequestCounter.last + 1},
        )
        .returning(ServiceRequestCounter.last)
        .tuples()
        .execute()
    )
    (value,) = next(iter(last))
    return f"RI-{year}-{value:06d}"


# --- opening ----------------------------------------------------------------------------------


def open_request(
    actor: Actor,
    plan_id: int,
    *,
    concerns: RequestConcern | str | None,
    description: str,
    phone: str = "",
) -> RequestDetail:
    """Open a request on a plan: status "aperta", numbered, who and when kept."""
    require(actor, Permission.HANDLE_REQUESTS)
    if actor.id is None:  # the command line: a request is opened by a person
        raise PermissionDenied(FROM_THE_APP)
    row = (
        Plan.select(Plan.id, Plan.status, Plan.valid_until, Plan.store, Protection.code)
        .join(Protection, on=(Plan.protection == Protection.id))
        .where(Plan.id == plan_id)
        .tuples()
        .first()
    )
    if row is None:
        raise NotFound(PLAN_NOT_FOUND)
    _, status, valid_until, store_id, protection = row
    if status == PlanStatus.VOIDED.value:
        raise ServiceError(PLAN_VOIDED)
    if isinstance(valid_until, str):
        valid_until = dt.date.fromisoformat(valid_until)
    if local_today() > valid_until:
        raise ServiceError(PLAN_EXPIRED.format(day=valid_until.strftime("%d/%m/%Y")))

    errors: dict[str, str] = {}
    concern = _enum(RequestConcern, concerns)
    if concern is None:
        errors["concerns"] = BAD_CONCERNS
    elif concern is RequestConcern.MOTION and protection != ProtectionType.COVERING_AND_MOTION:
        errors["concerns"] = NO_MOTION
    values: dict[str, str] = {}
    try:
        values["description"] = clean_text(description, "Descrizione", max_length=DESCRIPTION_MAX)
    except ValueError as exc:
        errors["description"] = str(exc)
    try:
        values["phone"] = clean_phone(phone)
    except ValueError as exc:
        errors["phone"] = str(exc)
    if errors:
        raise ValidationError(errors)

    now = utcnow()
    year = now.replace(tzinfo=dt.UTC).astimezone(config.current().zone).year
    with database.atomic():
        number = _next_number(year)
        request = ServiceRequest.create(
            number=number,
            plan=plan_id,
            store=store_id,
            concerns=concern.value,
            description=values["description"],
            phone=values["phone"],
            status=RequestStatus.OPEN.value,
            created_at=now,
            created_by=actor.id,
        )
        ServiceRequestStep.create(
            request=request.id,
            at=now,
            by=actor.id,
            kind=RequestStepKind.OPENED.value,
            status=RequestStatus.OPEN.value,
        )
        audit.record(
            audit.Kind.REQUEST_OPENED,
            actor,
            target=number,
            detail={"plan_id": plan_id, "concerns": concern.value},
        )
    return _detail(request.id)


# --- moving on ---------------------------------------------------------------------------------


def change_status(
    actor: Actor,
    request_id: int,
    status: RequestStatus | str,
    *,
    outcome: RequestOutcome | str | None = None,
    note: str = "",
) -> RequestDetail:
    """Move a request on (aperta -> in lavorazione -> chiusa); closing needs an outcome."""
    require(actor, Permission.HANDLE_REQUESTS)
    wanted = _enum(RequestStatus, status)
    if wanted is None:
        raise ValidationError({"status": BAD_STATUS})
    chosen = _enum(RequestOutcome, outcome) if outcome not in (None, "") else None
    errors: dict[str, str] = {}
    if wanted is RequestStatus.CLOSED and chosen is None:
        errors["outcome"] = BAD_OUTCOME
    if wanted is not RequestStatus.CLOSED and outcome not in (None, ""):
        errors["outcome"] = OUTCOME_ONLY_ON_CLOSING
    try:
        text = clean_text(note, "Nota", max_length=NOTE_MAX, required=False)
    except ValueError as exc:
        errors["note"] = str(exc)
    if errors:
        raise ValidationError(errors)
    request = _scoped_request(actor, request_id)
    current = RequestStatus(request.status)
    if wanted not in MOVES[current]:
        raise ServiceError(CANNOT_MOVE.format(current=current.label, wanted=wanted.label))
    now = utcnow()
    changes = {
        ServiceRequest.status: wanted.value,
        ServiceRequest.updated_at: now,
    }
    if wanted is RequestStatus.CLOSED:
        changes[ServiceRequest.outcome] = chosen.value
        changes[ServiceRequest.closed_at] = now
    with database.atomic():
        # Only from the status read: two people moving the same request do not both win.
        moved = (
            ServiceRequest.update(changes)
            .where((ServiceRequest.id == request.id) & (ServiceRequest.status == current.value))
            .execute()
        )
        if moved != 1:
            raise ServiceError(CHANGED_MEANWHILE)
        ServiceRequestStep.create(
            request=request.id,
            at=now,
            by=actor.id,
            kind=RequestStepKind.STATUS.value,
            status=wanted.value,
            outcome=chosen.value if chosen else None,
            note=text,
        )
        detail = {"status": wanted.value}
        if chosen:
            detail["outcome"] = chosen.value
        audit.record(audit.Kind.REQUEST_STATUS_CHANGED, actor, target=request.number, detail=detail)
    return _detail(request.id)


def add_note(actor: Actor, request_id: int, note: str) -> RequestDetail:
    """A note on a request's history (a call made, a visit agreed…), in any status."""
    require(actor, Permission.HANDLE_REQUESTS)
    try:
        text = clean_text(note, "Nota", max_length=NOTE_MAX)
    except ValueError as exc:
        raise ValidationError({"note": str(exc)}) from None
    request = _scoped_request(actor, request_id)
    with database.atomic():
        ServiceRequestStep.create(
            request=request.id, at=utcnow(), by=actor.id, kind=RequestStepKind.NOTE.value, note=text
        )
        ServiceRequest.update(updated_at=utcnow()).where(ServiceRequest.id == request.id).execute()
        audit.record(audit.Kind.REQUEST_NOTE_ADDED, actor, target=request.number)
    return _detail(request.id)


# --- reading --------------------------------------------------------------------------------


def _scoped_request(actor: Actor, request_id: int) -> ServiceRequest:
    request = scope(ServiceRequest.select().where(ServiceRequest.id == request_id), actor).first()
    if request is None:
        raise NotFound(NOT_FOUND)
    return request


def _summary_query():
    return (
        ServiceRequest.select(
            ServiceRequest.id,
            ServiceRequest.number,
            ServiceRequest.created_at,
            ServiceRequest.status,
            ServiceRequest.concerns,
            Store.code,
            Plan.contract_number,
            Plan.first_name,
            Plan.last_name,
        )
        .join(Plan, on=(ServiceRequest.plan == Plan.id))
        .switch(ServiceRequest)
        .join(Store, on=(ServiceRequest.store == Store.id))
    )


def _to_summary(row: tuple) -> RequestSummary:
    rid, number, at, status, concerns, store, contract, first, last = row
    return RequestSummary(
        id=rid,
        number=number,
        created_at=at,
        status=RequestStatus(status),
        concerns=RequestConcern(concerns),
        store_code=store,
        contract_number=contract,
        first_name=first,
        last_name=last,
    )


def list_requests(
    actor: Actor,
    *,
    status: RequestStatus | str | None = None,
    store_id: int | None = None,
    cursor: Cursor | None = None,
    limit: int = PAGE_SIZE,
) -> RequestPage:
    """One page of the requests the actor may see, newest first, by status and store.

    Keyset paging on (created_at, id), served by the (store, status, created_at, id)
    family of indexes: a page's cost does not grow with its depth.
    """
    require(actor, Permission.READ_REQUESTS)
    query = scope(_summary_query(), actor)
    if status not in (None, ""):
        wanted = _enum(RequestStatus, status)
        if wanted is None:
            raise ValidationError({"status": BAD_STATUS})
        query = query.where(ServiceRequest.status == wanted.value)
    if store_id is not None:
        query = query.where(ServiceRequest.store == store_id)
    if cursor is not None:
        at, last_id = cursor
        query = query.where(
            Tuple(ServiceRequest.created_at, ServiceRequest.id)
            < Tuple(dt.datetime.fromisoformat(at), last_id)
        )
    rows = list(
        query.order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc())
        .limit(limit + 1)
        .tuples()
    )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = (rows[-1][2].isoformat(), rows[-1][0]) if more and rows else None
    return RequestPage([_to_summary(r) for r in rows], next_cursor)


def plan_requests(actor: Actor, plan_id: int) -> list[RequestSummary]:
    """The requests of one plan the actor may see, newest first (the contract's detail)."""
    require(actor, Permission.READ_REQUESTS)
    query = scope(_summary_query().where(ServiceRequest.plan == plan_id), actor)
    rows = query.order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc()).tuples()
    return [_to_summary(r) for r in rows]


def get_request(actor: Actor, request_id: int) -> RequestDetail:
    """One request with its steps, oldest first."""
    require(actor, Permission.READ_REQUESTS)
    return _detail(_scoped_request(actor, request_id).id)


def open_counts_by_store() -> dict[int, int]:
    """Requests not closed yet, per store id (Riepilogo; the caller checks permissions)."""
    from peewee import SQL, fn

    rows = (
        ServiceRequest.select(ServiceRequest.store, fn.COUNT(SQL("*")))
        .where(ServiceRequest.status != RequestStatus.CLOSED.value)
        .group_by(ServiceRequest.store)
        .tuples()
    )
    return dict(rows)


def _who(username: str | None, full_name: str | None) -> str:
    if username is None:
        return "riga di comando"
    return full_name or username


def _detail(request_id: int) -> RequestDetail:
    creator = User.alias("creator")
    request = (
        ServiceRequest.select(
            ServiceRequest,
            Plan.contract_number,
            Plan.first_name,
            Plan.last_name,
            Store.code,
            creator.username,
            creator.full_name,
        )
        .join(Plan, on=(ServiceRequest.plan == Plan.id))
        .switch(ServiceRequest)
        .join(Store, on=(ServiceRequest.store == Store.id))
        .switch(ServiceRequest)
        .join(creator, JOIN.LEFT_OUTER, on=(ServiceRequest.created_by == creator.id))
        .where(ServiceRequest.id == request_id)
        .objects()
        .get()
    )
    steps = [
        RequestStep(
            at=at,
            by=_who(username, full_name),
            kind=RequestStepKind(kind),
            status=RequestStatus(status) if status else None,
            outcome=RequestOutcome(outcome) if outcome else None,
            note=note,
        )
        for at, kind, status, outcome, note, username, full_name in (
            ServiceRequestStep.select(
                ServiceRequestStep.at,
                ServiceRequestStep.kind,
                ServiceRequestStep.status,
                ServiceRequestStep.outcome,
                ServiceRequestStep.note,
                User.username,
                User.full_name,
            )
            .join(User, JOIN.LEFT_OUTER, on=(ServiceRequestStep.by == User.id))
            .where(ServiceRequestStep.request == request_id)
            .order_by(ServiceRequestStep.at, ServiceRequestStep.id)
            .tuples()
        )
    ]
    return RequestDetail(
        id=request.id,
        number=request.number,
        plan_id=request.plan_id,
        contract_number=request.contract_number,
        first_name=request.first_name,
        last_name=request.last_name,
        store_code=request.code,
        concerns=RequestConcern(request.concerns),
        description=request.description,
        phone=request.phone,
        status=RequestStatus(request.status),
        outcome=RequestOutcome(request.outcome) if request.outcome else None,
        created_at=request.created_at,
        created_by=_who(request.username, request.full_name),
        closed_at=request.closed_at,
        steps=steps,
    )
