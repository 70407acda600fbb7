"""Corrections and voiding of registered plans. Nothing is deleted; every change is history.

Staff of the owning store and support may correct the customer's name, the covering or
the protection type, or void a plan, always with a reason. The activation code never
changes. Each change is a PlanChange row (before/after as JSON) and an audit event.
"""

from __future__ import annotations

import json

from pdp_tui.db import database, is_postgres
from pdp_tui.domain import (
    Actor,
    ChangeKind,
    PlanChangeEntry,
    PlanDetail,
    PlanStatus,
    ProtectionType,
    utcnow,
)
from pdp_tui.models import Covering, Plan, PlanChange, Protection, User
from pdp_tui.services import audit
from pdp_tui.services.errors import NotFound, ValidationError
from pdp_tui.services.permissions import Permission, require
from pdp_tui.services.plans import get_plan_unaudited, scope
from pdp_tui.services.text import (
    REASON_MAX_LENGTH,
    clean_name,
    clean_text,
    first_last_key,
    name_key,
)

FIELD_LABELS = {
    "first_name": "Nome",
    "last_name": "Cognome",
    "covering": "Rivestimento",
    "protection": "Tipo di protezione",
    "status": "Stato",
}


def _clean_reason(reason: str | None) -> str:
    try:
        return clean_text(reason, "Motivo", max_length=REASON_MAX_LENGTH)
    except ValueError as exc:
        raise ValidationError({"reason": str(exc)}) from None


def _locked_plan(actor: Actor, plan_id: int) -> Plan:
    """The plan, scoped to the actor, locked for the rest of the transaction."""
    query = scope(Plan.select().where(Plan.id == plan_id), actor)
    if is_postgres():
        query = query.for_update()
    plan = query.first()
    if plan is None:
        raise NotFound("Contratto non trovato.")
    return plan


def _snapshot(plan: Plan) -> dict[str, str]:
    covering = Covering.get_by_id(plan.covering_id)
    protection = Protection.get_by_id(plan.protection_id)
    return {
        "first_name": plan.first_name,
        "last_name": plan.last_name,
        "covering": covering.label,
        "protection": ProtectionType(protection.code).label,
        "status": PlanStatus(plan.status).label,
    }


def correct_plan(
    actor: Actor,
    plan_id: int,
    *,
    reason: str,
    first_name: str | None = None,
    last_name: str | None = None,
    covering_id: int | None = None,
    protection: ProtectionType | str | None = None,
) -> PlanDetail:
    """Correct what was mistyped at registration. Fields left None stay as they are."""
    require(actor, Permission.CHANGE_PLANS)
    errors: dict[str, str] = {}
    changes: dict = {}
    try:
        reason = _clean_reason(reason)
    except ValidationError as exc:
        errors.update(exc.errors)
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if value is not None:
            try:
                changes[field] = clean_name(value, FIELD_LABELS[field])
            except ValueError as exc:
                errors[field] = str(exc)
    if covering_id is not None:
        covering = Covering.get_or_none((Covering.id == covering_id) & (Covering.active == True))  # noqa: E712
        if covering is None:
            errors["covering"] = "Rivestimento: scegli uno dei rivestimenti in elenco."
        else:
            changes["covering"] = covering.id
    if protection is not None:
        try:
            row = Protection.get_or_none(Protection.code == ProtectionType(protection).value)
        except ValueError:
            row = None
        if row is None:
            errors["protection"] = "Tipo di protezione: scegli una delle opzioni."
        else:
            changes["protection"] = row.id
    if errors:
        raise ValidationError(errors)

    with database.atomic():
        plan = _locked_plan(actor, plan_id)
        if plan.status == PlanStatus.VOIDED.value:
            raise ValidationError({"plan": "Il Piano è annullato: non si può correggere."})
        current = {
            "first_name": plan.first_name,
            "last_name": plan.last_name,
            "covering": plan.covering_id,
            "protection": plan.protection_id,
        }
        changes = {k: v for k, v in changes.items() if current[k] != v}
        if not changes:
            raise ValidationError({"plan": "Nessuna modifica da salvare."})
        before = _snapshot(plan)
        first = changes.get("first_name", plan.first_name)
        last = changes.get("last_name", plan.last_name)
        Plan.update(
            {getattr(Plan, k): v for k, v in changes.items()}
            | {
                Plan.name_key: name_key(last, first),
                Plan.first_last_key: first_last_key(last, first),
                Plan.updated_at: utcnow(),
            }
        ).where(Plan.id == plan.id).execute()
        after = _snapshot(Plan.get_by_id(plan.id))
        _record(actor, plan, ChangeKind.CORRECTION, reason, before, after)
    return get_plan_unaudited(actor, plan_id)


def void_plan(actor: Actor, plan_id: int, *, reason: str) -> PlanDetail:
    """Void a plan: it stays visible as annullato and its code verifies as voided."""
    require(actor, Permission.CHANGE_PLANS)
    reason = _clean_reason(reason)
    with database.atomic():
        plan = _locked_plan(actor, plan_id)
        if plan.status == PlanStatus.VOIDED.value:
            raise ValidationError({"plan": "Il Piano è già annullato."})
        before = _snapshot(plan)
        Plan.update(status=PlanStatus.VOIDED.value, updated_at=utcnow()).where(
            Plan.id == plan.id
        ).execute()
        after = dict(before, status=PlanStatus.VOIDED.label)
        _record(actor, plan, ChangeKind.VOID, reason, before, after)
    return get_plan_unaudited(actor, plan_id)


def _record(
    actor: Actor, plan: Plan, kind: ChangeKind, reason: str, before: dict, after: dict
) -> None:
    changed = {k for k in before if before[k] != after[k]}
    before = {k: v for k, v in before.items() if k in changed}
    after = {k: v for k, v in after.items() if k in changed}
    PlanChange.create(
        plan=plan.id,
        kind=kind.value,
        changed_by=actor.id,
        reason=reason,
        before=json.dumps(before, ensure_ascii=False),
        after=json.dumps(after, ensure_ascii=False),
    )
    audit.record(
        audit.Kind.PLAN_VOIDED if kind is ChangeKind.VOID else audit.Kind.PLAN_CORRECTED,
        actor,
        target=plan.contract_number,
        detail={"plan_id": plan.id, "reason": reason, "before": before, "after": after},
        plan=plan.id,
    )


def plan_history(actor: Actor, plan_id: int) -> list[PlanChangeEntry]:
    """The changes of a plan the actor may see, oldest first."""
    require(actor, Permission.READ_PLANS)
    if not scope(Plan.select(Plan.id).where(Plan.id == plan_id), actor).exists():
        raise NotFound("Contratto non trovato.")
    query = (
        PlanChange.select(PlanChange, User.username, User.full_name)
        .join(User, on=(PlanChange.changed_by == User.id))
        .where(PlanChange.plan == plan_id)
        .order_by(PlanChange.changed_at, PlanChange.id)
    )
    return [
        PlanChangeEntry(
            kind=ChangeKind(change.kind),
            changed_at=change.changed_at,
            changed_by=change.changed_by.full_name or change.changed_by.username,
            reason=change.reason,
            before=json.loads(change.before),
            after=json.loads(change.after),
        )
        for change in query
    ]
