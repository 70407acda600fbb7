"""The signed adhesion form: marking it received, and undoing a mistaken mark.

Staff of the owning store and support may do both (like corrections). The current mark
is on the plan (``form_signed_at``, ``form_signed_by``), which is what the contract list
filters on; each mark and undo is also a plan_change row (shown in the plan's history,
with the undo's reason) and an audit event.
"""

from __future__ import annotations

import json

from pdp_tui.db import database
from pdp_tui.domain import Actor, ChangeKind, PlanDetail, PlanStatus, utcnow
from pdp_tui.models import Plan, PlanChange, User
from pdp_tui.services import audit
from pdp_tui.services.corrections import _clean_reason, _locked_plan
from pdp_tui.services.errors import ValidationError
from pdp_tui.services.permissions import Permission, require
from pdp_tui.services.plans import get_plan_unaudited

FIELD = "form_signed"
MISSING, RECEIVED = "mancante", "ricevuto"


def mark_form_signed(actor: Actor, plan_id: int) -> PlanDetail:
    """Record that the customer's signed form came back ("modulo firmato ricevuto")."""
    require(actor, Permission.CHANGE_PLANS)
    with database.atomic():
        plan = _locked_plan(actor, plan_id)
        if plan.status == PlanStatus.VOIDED.value:
            raise ValidationError({"plan": "Il Piano è annullato: non serve il modulo firmato."})
        if plan.form_signed_at is not None:
            raise ValidationError({"plan": "Il modulo firmato risulta già ricevuto."})
        now = utcnow()
        Plan.update(form_signed_at=now, form_signed_by=actor.id, updated_at=now).where(
            Plan.id == plan.id
        ).execute()
        _history(actor, plan, ChangeKind.FORM_SIGNED, "", MISSING, RECEIVED)
        audit.record(
            audit.Kind.FORM_SIGNED,
            actor,
            target=plan.contract_number,
            detail={"plan_id": plan.id},
            plan=plan.id,
        )
    return get_plan_unaudited(actor, plan_id)


def undo_form_signed(actor: Actor, plan_id: int, *, reason: str) -> PlanDetail:
    """Take back a mistaken mark, with a reason: the form counts as missing again."""
    require(actor, Permission.CHANGE_PLANS)
    reason = _clean_reason(reason)
    with database.atomic():
        plan = _locked_plan(actor, plan_id)
        if plan.form_signed_at is None:
            raise ValidationError({"plan": "Il modulo firmato non risulta ricevuto."})
        marked_by = User.get_or_none(User.id == plan.form_signed_by_id)
        Plan.update(form_signed_at=None, form_signed_by=None, updated_at=utcnow()).where(
            Plan.id == plan.id
        ).execute()
        _history(actor, plan, ChangeKind.FORM_SIGNED_UNDONE, reason, RECEIVED, MISSING)
        audit.record(
            audit.Kind.FORM_SIGNED_UNDONE,
            actor,
            target=plan.contract_number,
            detail={
                "plan_id": plan.id,
                "reason": reason,
                "marked_at": plan.form_signed_at,
                "marked_by": marked_by.username if marked_by else None,
            },
            plan=plan.id,
        )
    return get_plan_unaudited(actor, plan_id)


def _history(
    actor: Actor, plan: Plan, kind: ChangeKind, reason: str, before: str, after: str
) -> None:
    PlanChange.create(
        plan=plan.id,
        kind=kind.value,
        changed_by=actor.id,
        reason=reason,
        before=json.dumps({FIELD: before}, ensure_ascii=False),
        after=json.dumps({FIELD: after}, ensure_ascii=False),
    )
