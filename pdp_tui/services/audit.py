"""The append-only audit log: who did what, when."""

from __future__ import annotations

import json
from typing import Any

from pdp_tui.domain import Actor
from pdp_tui.models import AuditEvent


class Kind:
    LOGIN_OK = "login_ok"
    LOGIN_FAILED = "login_failed"
    PASSWORD_CHANGED = "password_changed"
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
    PASSWORD_RESET = "password_reset"
    STORE_CREATED = "store_created"
    COVERING_CREATED = "covering_created"


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
