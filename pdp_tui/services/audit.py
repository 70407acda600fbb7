"""The append-only audit log: who did what, when."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from peewee import JOIN

from pdp_tui import config
from pdp_tui.domain import Actor, AuditEntry, AuditPage, Role
from pdp_tui.models import AuditEvent, Store
from pdp_tui.services.errors import ValidationError
from pdp_tui.services.permissions import Permission, require


class Kind:
    LOGIN_OK = "login_ok"
    LOGIN_FAILED = "login_failed"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_CHANGE_FAILED = "password_change_failed"
    PLAN_REGISTERED = "plan_registered"
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


def record(
    kind: str,
    actor: Actor | None,
    *,
    username: str | None = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one event. ``actor`` None means an anonymous attempt (a failed login)."""
    AuditEvent.create(
        user=actor.id if actor else None,
        username=(username if username is not None else actor.username if actor else "")[:100],
        store=actor.store_id if actor else None,
        kind=kind,
        target=target[:100],
        detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else "",
    )


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
