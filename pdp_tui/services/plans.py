"""Plan registration, lookup and activation-code verification."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from peewee import JOIN, IntegrityError

from pdp_tui import config
from pdp_tui.db import database
from pdp_tui.domain import (
    Actor,
    CatalogueItem,
    PlanDetail,
    PlanStatus,
    ProtectionType,
    utcnow,
)
from pdp_tui.models import Covering, Plan, Protection, Store, User
from pdp_tui.services import audit
from pdp_tui.services.codes import CodeFormatError, generate_code, parse_code
from pdp_tui.services.errors import DuplicateContract, NotFound, ServiceError, ValidationError
from pdp_tui.services.permissions import (
    Permission,
    lookups_are_audited,
    require,
    store_scope,
)
from pdp_tui.services.text import clean_contract_number, clean_name, first_last_key, name_key

_CODE_ATTEMPTS = 5


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last_day in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def scope(query, actor: Actor):
    """A Plan query restricted to what the actor may see (``store_scope``)."""
    return store_scope(query, actor, Plan.store)


def register_plan(
    actor: Actor,
    *,
    covering_id: int | None,
    contract_number: str,
    first_name: str,
    last_name: str,
    protection: ProtectionType | str | None,
) -> PlanDetail:
    """Register a plan and issue its activation code ("Genera").

    Every problem of the form is reported at once, in one ValidationError (DuplicateContract
    when the contract number is taken). A contract that the actor's store registered for the
    same customer is not a problem: that plan comes back, ``already_registered`` set.
    """
    require(actor, Permission.REGISTER_PLANS)
    settings = config.current()
    errors: dict[str, str] = {}
    values: dict[str, object] = {}

    covering = Covering.get_or_none(Covering.id == covering_id) if covering_id else None
    if covering is None or not covering.active:
        errors["covering"] = "Rivestimento: scegli uno dei rivestimenti in elenco."
    for field, label, check in (
        ("contract_number", None, None),
        ("first_name", "Nome", clean_name),
        ("last_name", "Cognome", clean_name),
    ):
        try:
            if field == "contract_number":
                values[field] = clean_contract_number(
                    contract_number, settings.contract_number_pattern
                )
            else:
                values[field] = check(first_name if field == "first_name" else last_name, label)
        except ValueError as exc:
            errors[field] = str(exc)
    protection_row = None
    try:
        protection_row = Protection.get_or_none(
            (Protection.code == ProtectionType(protection).value) & (Protection.active == True)  # noqa: E712
        )
    except ValueError:
        pass
    if protection_row is None:
        errors["protection"] = "Tipo di protezione: scegli una delle opzioni."

    # The contract number is checked with the rest, so that one round reports every problem.
    number = values.get("contract_number")
    taken = False
    if number is not None:
        existing = Plan.get_or_none(Plan.contract_number == number)
        if existing is not None:
            again = _registered_again(actor, existing, values)
            if again is not None:
                return again
            taken = True
            errors["contract_number"] = _taken_message(actor, existing)
    if errors:
        raise DuplicateContract(number, errors) if taken else ValidationError(errors)

    now = utcnow()
    for _ in range(_CODE_ATTEMPTS):
        try:
            with database.atomic():
                plan = Plan.create(
                    contract_number=number,
                    first_name=values["first_name"],
                    last_name=values["last_name"],
                    name_key=name_key(values["last_name"], values["first_name"]),
                    first_last_key=first_last_key(values["last_name"], values["first_name"]),
                    covering=covering.id,
                    protection=protection_row.id,
                    activation_code=generate_code(),
                    store=actor.store_id,
                    created_by=actor.id,
                    created_at=now,
                    valid_until=add_months(now.date(), protection_row.validity_months),
                )
                audit.record(
                    audit.Kind.PLAN_REGISTERED,
                    actor,
                    target=number,
                    detail={"plan_id": plan.id},
                    plan=plan.id,
                )
        except IntegrityError:
            # Another till registered the same contract meanwhile, or (astronomically
            # rarely) the random code was taken: tell the two apart.
            existing = Plan.get_or_none(Plan.contract_number == number)
            if existing is None:
                continue
            again = _registered_again(actor, existing, values)
            if again is not None:
                return again
            raise DuplicateContract(
                number, {"contract_number": _taken_message(actor, existing)}
            ) from None
        return _detail(plan.id)
    raise ServiceError("Non è stato possibile generare il codice. Riprova.")


def _same_customer(plan: Plan, values: dict[str, object]) -> bool:
    """The same names, as the search compares them (case, accents, apostrophes, spaces)."""
    first, last = str(values.get("first_name", "")), str(values.get("last_name", ""))
    return bool(first and last) and plan.name_key == name_key(last, first)


def _registered_again(actor: Actor, plan: Plan, values: dict[str, object]) -> PlanDetail | None:
    """The plan, if the actor's store registered this contract for this customer already
    (a reply lost on the way, or Genera pressed twice): its code is shown again."""
    if plan.store_id != actor.store_id or plan.status != PlanStatus.ACTIVE.value:
        return None
    if not _same_customer(plan, values):
        return None
    audit.record(
        audit.Kind.PLAN_REGISTERED_AGAIN,
        actor,
        target=plan.contract_number,
        detail={"plan_id": plan.id},
    )
    return replace(_detail(plan.id), already_registered=True)


def _taken_message(actor: Actor, plan: Plan) -> str:
    """Why a contract number cannot be registered; nothing of another store's plan."""
    number = plan.contract_number
    if plan.store_id != actor.store_id:
        return f"Il contratto {number} è già registrato in un altro negozio: contatta l'assistenza."
    if plan.status != PlanStatus.ACTIVE.value:
        return f"Il contratto {number} è già registrato ed è annullato: contatta l'assistenza."
    return f"Il contratto {number} è già registrato in questo negozio per un altro cliente."


_SIGNER = User.alias("signer")  # who marked the signed form received


def _detail_query():
    return (
        Plan.select(Plan, Covering, Protection, Store, User, _SIGNER.username, _SIGNER.full_name)
        .join(Covering, on=(Plan.covering == Covering.id))
        .switch(Plan)
        .join(Protection, on=(Plan.protection == Protection.id))
        .switch(Plan)
        .join(Store, on=(Plan.store == Store.id))
        .switch(Plan)
        .join(User, on=(Plan.created_by == User.id))
        .switch(Plan)
        .join(_SIGNER, JOIN.LEFT_OUTER, on=(Plan.form_signed_by == _SIGNER.id), attr="signer")
    )


def _to_detail(plan: Plan) -> PlanDetail:
    return PlanDetail(
        id=plan.id,
        contract_number=plan.contract_number,
        first_name=plan.first_name,
        last_name=plan.last_name,
        covering=CatalogueItem(plan.covering.id, plan.covering.code, plan.covering.label),
        protection=ProtectionType(plan.protection.code),
        activation_code=plan.activation_code,
        store_code=plan.store.code,
        store_name=plan.store.name,
        created_by=plan.created_by.full_name or plan.created_by.username,
        created_at=plan.created_at,
        valid_until=plan.valid_until,
        status=PlanStatus(plan.status),
        form_signed_at=plan.form_signed_at,
        form_signed_by=_signer_name(plan) if plan.form_signed_at else None,
    )


def _signer_name(plan: Plan) -> str:
    signer = getattr(plan, "signer", None)
    if signer is None or signer.username is None:
        return ""  # the command line, or an account since removed
    return signer.full_name or signer.username


def _detail(plan_id: int) -> PlanDetail:
    return _to_detail(_detail_query().where(Plan.id == plan_id).get())


def get_plan(actor: Actor, plan_id: int) -> PlanDetail:
    """One plan the actor may see; another store's plan is simply not found.

    Support and admin lookups are audited.
    """
    require(actor, Permission.READ_PLANS)
    plan = _scoped_detail(actor, plan_id)
    if lookups_are_audited(actor):
        audit.record(
            audit.Kind.PLAN_VIEWED, actor, target=plan.contract_number, detail={"plan_id": plan.id}
        )
    return plan


def get_plan_unaudited(actor: Actor, plan_id: int) -> PlanDetail:
    """``get_plan`` without the audit entry: for a service re-reading what it just changed."""
    require(actor, Permission.READ_PLANS)
    return _scoped_detail(actor, plan_id)


def _scoped_detail(actor: Actor, plan_id: int) -> PlanDetail:
    plan = scope(_detail_query().where(Plan.id == plan_id), actor).first()
    if plan is None:
        raise NotFound("Contratto non trovato.")
    return _to_detail(plan)


def verify_code(actor: Actor, text: str) -> PlanDetail:
    """The plan an activation code belongs to.

    Raises CodeFormatError (mistyped: caught by the check character, before any lookup)
    or NotFound (well formed, but no plan has it).
    """
    require(actor, Permission.READ_PLANS)
    try:
        code = parse_code(text)
    except CodeFormatError as exc:
        audit.record(
            audit.Kind.CODE_VERIFIED, actor, target=text[:40], detail={"result": "mistyped"}
        )
        raise exc from None
    plan = scope(_detail_query().where(Plan.activation_code == code), actor).first()
    audit.record(
        audit.Kind.CODE_VERIFIED,
        actor,
        target=code,
        detail={"result": "found" if plan else "unknown"},
    )
    if plan is None:
        raise NotFound("Codice non trovato: nessun Piano ha questo codice di attivazione.")
    return _to_detail(plan)
