"""The append-only audit log: who did what, when; a hash chain makes it tamper-evident.

Every event carries ``hash``, the SHA-256 of its own fields in canonical JSON together
with ``prev_hash``, the hash of the event before it (``GENESIS`` for the first). An event
that changes a plan (registration, correction, void, signed-form mark or undo) names the
plan in ``plan_id`` and records in ``detail["state"]`` what the plan's fields became, so
the chain also vouches for every plan's current row. ``services/audit_verify.py`` walks it.

``record`` is the only writer. It locks the chain's head (the one row of audit_chain:
``SELECT … FOR UPDATE`` on PostgreSQL, the write lock that ``BEGIN IMMEDIATE`` takes on
SQLite) before the event gets its id, so that ids follow the chain however many processes
write; the lock lasts until the caller's transaction ends, and ``record`` is the last
write of the transactions that call it (no lock is waited for while holding it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from peewee import JOIN

from pdp_tui import config
from pdp_tui.db import database, is_postgres
from pdp_tui.domain import Actor, AuditEntry, AuditPage, Role, utcnow
from pdp_tui.models import AuditChain, AuditEvent, Plan, Store
from pdp_tui.services.errors import ValidationError
from pdp_tui.services.permissions import Permission, require


class Kind:
    LOGIN_OK = "login_ok"
    LOGIN_FAILED = "login_failed"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_CHANGE_FAILED = "password_change_failed"
    PLAN_REGISTERED = "plan_registered"
    PLAN_REGISTERED_AGAIN = "plan_registered_again"
    PLAN_VIEWED = "plan_viewed"
    PLAN_SEARCHED = "plan_searched"
    CODE_VERIFIED = "code_verified"
    PLAN_CORRECTED = "plan_corrected"
    PLAN_VOIDED = "plan_voided"
    USER_CREATED = "user_created"
    USER_DISABLED = "user_disabled"
    USER_ENABLED = "user_enabled"
    USER_UNLOCKED = "user_unlocked"
    USER_ROLE_CHANGED = "user_role_changed"
    USER_RENAMED = "user_renamed"
    PASSWORD_RESET = "password_reset"
    STORE_CREATED = "store_created"
    STORE_RENAMED = "store_renamed"
    STORE_CLOSED = "store_closed"
    STORE_REOPENED = "store_reopened"
    PROTECTION_VALIDITY_CHANGED = "protection_validity"
    PLANS_EXPORTED = "plans_exported"
    COVERING_CREATED = "covering_created"
    COVERING_DISABLED = "covering_disabled"
    COVERING_ENABLED = "covering_enabled"
    FORM_MADE = "form_made"
    FORM_PRINTED = "form_printed"
    FORM_SIGNED = "form_signed"
    FORM_SIGNED_UNDONE = "form_signed_undone"
    STORE_PRINTER_SET = "store_printer_set"
    REQUEST_OPENED = "request_opened"
    REQUEST_STATUS_CHANGED = "request_status"
    REQUEST_NOTE_ADDED = "request_note"
    REQUESTS_EXPORTED = "requests_exported"


# Events that record what a plan's fields became (``plan`` given to ``record``).
PLAN_STATE_KINDS = frozenset(
    {
        Kind.PLAN_REGISTERED,
        Kind.PLAN_CORRECTED,
        Kind.PLAN_VOIDED,
        Kind.FORM_SIGNED,
        Kind.FORM_SIGNED_UNDONE,
    }
)
# Written once per plan by migration 0007, when the chain started: the plan as it was.
PLAN_STATE_AT_CHAIN_START = "plan_state"

GENESIS = "0" * 64
# What an event's hash covers, besides ``prev_hash``. Never change this list or the
# encoding below: the events already written must keep verifying.
HASHED_FIELDS = ("at", "user_id", "username", "store_id", "kind", "target", "detail", "plan_id")
# The plan's columns an event's state records (all but the id).
PLAN_STATE_FIELDS = (
    "contract_number",
    "first_name",
    "last_name",
    "name_key",
    "covering_id",
    "protection_id",
    "activation_code",
    "store_id",
    "created_by_id",
    "created_at",
    "valid_until",
    "status",
    "updated_at",
    "form_signed_at",
    "form_signed_by_id",
)


def canonical(value: Any) -> Any:
    """A stored value as JSON: datetimes with microseconds, dates ISO, the rest as is."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def event_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    """SHA-256 (hex) of canonical JSON of the event's ``HASHED_FIELDS`` and ``prev_hash``."""
    content = {name: canonical(fields[name]) for name in HASHED_FIELDS}
    content["prev_hash"] = prev_hash
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def plan_state_query():
    return Plan.select(Plan.id, *(getattr(Plan, name) for name in _PLAN_STATE_ATTRS))


_PLAN_STATE_ATTRS = tuple(name.removesuffix("_id") for name in PLAN_STATE_FIELDS)


def plan_state_of(row: tuple) -> dict[str, Any]:
    """The state of a plan from a ``plan_state_query().tuples()`` row (without its id)."""
    return {name: canonical(value) for name, value in zip(PLAN_STATE_FIELDS, row[1:], strict=True)}


def record(
    kind: str,
    actor: Actor | None,
    *,
    username: str | None = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
    plan: int | None = None,
) -> None:
    """Append one event to the chain. ``actor`` None means an anonymous attempt (a failed
    login). ``plan``: the plan a ``PLAN_STATE_KINDS`` event changed, whose fields as they
    now are go into the event."""
    detail = dict(detail or {})
    if plan is not None:
        if kind not in PLAN_STATE_KINDS:
            raise ValueError(f"{kind} does not record a plan's state")
        detail["state"] = plan_state_of(plan_state_query().where(Plan.id == plan).tuples().get())
    fields = {
        "at": utcnow(),
        "user_id": actor.id if actor else None,
        "username": (username if username is not None else actor.username if actor else "")[:100],
        "store_id": actor.store_id if actor else None,
        "kind": kind,
        "target": target[:100],
        "detail": json.dumps(detail, ensure_ascii=False, default=str) if detail else "",
        "plan_id": plan,
    }
    if database.in_transaction():
        _append(fields)  # in the caller's transaction: no savepoint (two round trips) needed
    else:
        with database.atomic():
            _append(fields)


def _append(fields: dict[str, Any]) -> None:
    """Chain the event after the head, locked until the transaction ends."""
    head = AuditChain.select(AuditChain.last_hash).where(AuditChain.id == 1)
    if is_postgres():
        head = head.for_update()
    prev_hash = head.scalar()
    digest = event_hash(fields, prev_hash)
    event_id = AuditEvent.insert(
        user=fields["user_id"],
        store=fields["store_id"],
        prev_hash=prev_hash,
        hash=digest,
        **{k: v for k, v in fields.items() if k not in ("user_id", "store_id")},
    ).execute()
    AuditChain.update(last_id=event_id, last_hash=digest).where(AuditChain.id == 1).execute()


# What support staff may read of the log: their lookups and the changes to plans.
SUPPORT_KINDS = (
    Kind.PLAN_VIEWED,
    Kind.PLAN_SEARCHED,
    Kind.CODE_VERIFIED,
    Kind.PLAN_CORRECTED,
    Kind.PLAN_VOIDED,
    Kind.FORM_MADE,
    Kind.FORM_PRINTED,
    Kind.FORM_SIGNED,
    Kind.FORM_SIGNED_UNDONE,
    Kind.REQUEST_OPENED,
    Kind.REQUEST_STATUS_CHANGED,
    Kind.REQUEST_NOTE_ADDED,
)
ALL_KINDS = tuple(v for k, v in vars(Kind).items() if k.isupper())
PAGE_SIZE = 50


def kinds_visible_to(actor: Actor) -> tuple[str, ...]:
    require(actor, Permission.READ_AUDIT_LOG)
    return ALL_KINDS if actor.role is Role.ADMIN else SUPPORT_KINDS


def list_events(
    actor: Actor,
    *,
    username: str = "",
    store_code: str = "",
    kind: str = "",
    day_from: dt.date | None = None,
    day_to: dt.date | None = None,
    before_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> AuditPage:
    """A page of the audit log, newest first, filtered; read-only."""
    kinds = kinds_visible_to(actor)
    if kind and kind not in kinds:
        raise ValidationError({"kind": "Tipo di attività non valido."})
    if day_from and day_to and day_from > day_to:
        raise ValidationError({"day_to": "La data finale precede quella iniziale."})
    query = (
        AuditEvent.select(AuditEvent, Store.code.alias("store_code"))
        .join(Store, JOIN.LEFT_OUTER, on=(AuditEvent.store == Store.id))
        .where(AuditEvent.kind.in_([kind] if kind else list(kinds)))
    )
    if username.strip():
        query = query.where(AuditEvent.username == username.strip().lower())
    if store_code.strip():
        query = query.where(Store.code == store_code.strip().upper())
    # Days are the users' days (Europe/Rome by default); the log stores UTC.
    settings = config.current()
    if day_from:
        query = query.where(AuditEvent.at >= settings.local_midnight_utc(day_from))
    if day_to:
        next_day = settings.local_midnight_utc(day_to + dt.timedelta(days=1))
        query = query.where(AuditEvent.at < next_day)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    rows = list(query.order_by(AuditEvent.id.desc()).limit(limit + 1).objects())
    entries = [
        AuditEntry(
            id=e.id,
            at=e.at,
            username=e.username,
            store_code=e.store_code,
            kind=e.kind,
            target=e.target,
            detail=e.detail,
        )
        for e in rows[:limit]
    ]
    more = len(rows) > limit
    return AuditPage(entries, entries[-1].id if more and entries else None)
