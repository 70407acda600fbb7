"""Peewee models only: no rules, no Textual. Schema changes go through migrations/."""

from __future__ import annotations

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from pdp_tui.db import database
from pdp_tui.domain import utcnow


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Store(BaseModel):
    code = CharField(max_length=20, unique=True)
    name = CharField(max_length=100)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    print_queue = CharField(max_length=127, null=True)  # CUPS queue of the adhesion form


class User(BaseModel):
    username = CharField(max_length=40, unique=True)  # stored lower-case
    full_name = CharField(max_length=100, default="")
    role = CharField(max_length=10)  # domain.Role
    store = ForeignKeyField(Store, null=True, backref="users", on_delete="RESTRICT")
    password_hash = CharField(max_length=255)
    must_change_password = BooleanField(default=True)
    active = BooleanField(default=True)
    failed_logins = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    last_login_at = DateTimeField(null=True)
    # Bumped when the account is disabled, its role or store changes or its password is
    # reset by an administrator: sessions opened before then end (migration 0003).
    session_epoch = IntegerField(default=0)


class Covering(BaseModel):
    code = CharField(max_length=30, unique=True)
    label = CharField(max_length=60)
    active = BooleanField(default=True)
    sort_order = IntegerField(default=0)


class Protection(BaseModel):
    """A protection type on sale; ``code`` holds a domain.ProtectionType value."""

    code = CharField(max_length=30, unique=True)
    label = CharField(max_length=60)
    validity_months = IntegerField(default=60)
    active = BooleanField(default=True)
    sort_order = IntegerField(default=0)


class Plan(BaseModel):
    contract_number = CharField(max_length=20, unique=True)  # upper-case, ASCII
    first_name = CharField(max_length=60)
    last_name = CharField(max_length=60)
    # The search keys (services.text): "cognome nome" and, from migration 0006, "nome
    # cognome", each folded to letters and digits only.
    name_key = CharField(max_length=130)  # text.name_key(last, first)
    first_last_key = CharField(max_length=130)  # text.first_last_key(last, first)
    covering = ForeignKeyField(Covering, on_delete="RESTRICT")
    protection = ForeignKeyField(Protection, on_delete="RESTRICT")
    activation_code = CharField(max_length=12, unique=True)  # without hyphens
    store = ForeignKeyField(Store, backref="plans", on_delete="RESTRICT")
    created_by = ForeignKeyField(User, on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    valid_until = DateField()
    status = CharField(max_length=10, default="active")  # domain.PlanStatus
    updated_at = DateTimeField(null=True)
    # The signed adhesion form: received when, marked by whom (NULL: still missing).
    form_signed_at = DateTimeField(null=True)
    form_signed_by = ForeignKeyField(User, null=True, index=False, on_delete="RESTRICT")

    class Meta:
        indexes = (
            (("store", "created_at", "id"), False),
            (("created_at", "id"), False),
            (("name_key",), False),
            (("store", "name_key"), False),
            (("store", "contract_number"), False),  # migration 0002
            (("first_last_key",), False),  # migration 0006
            (("store", "first_last_key"), False),  # migration 0006
        )


# Migration 0005: the plans whose signed form is missing, newest first (partial indexes).
FORM_MISSING = Plan.form_signed_at.is_null()
Plan.add_index(Plan.index(Plan.created_at, Plan.id, name="plan_form_missing").where(FORM_MISSING))
Plan.add_index(
    Plan.index(Plan.store, Plan.created_at, Plan.id, name="plan_store_form_missing").where(
        FORM_MISSING
    )
)


class PlanChange(BaseModel):
    """History of a plan: corrections and voiding, with before/after as JSON."""

    plan = ForeignKeyField(Plan, backref="changes", on_delete="RESTRICT")
    kind = CharField(max_length=20)  # correction | void
    changed_at = DateTimeField(default=utcnow)
    changed_by = ForeignKeyField(User, on_delete="RESTRICT")
    reason = TextField()
    before = TextField()
    after = TextField()

    class Meta:
        indexes = ((("plan", "changed_at"), False),)


class AuditEvent(BaseModel):
    """Append-only log: who did what, when. Never updated or deleted.

    A hash chain (migration 0007): ``hash`` is the SHA-256 of the event's own fields and
    ``prev_hash``, the hash of the event before it (services/audit.py). Events that change
    a plan name it in ``plan_id`` and record in ``detail`` what its fields became.
    """

    at = DateTimeField(default=utcnow)
    user = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    username = CharField(max_length=100)  # as typed, also for unknown users
    store = ForeignKeyField(Store, null=True, on_delete="RESTRICT")
    kind = CharField(max_length=30)
    target = CharField(max_length=100, default="")
    detail = TextField(default="")
    plan_id = IntegerField(null=True)  # the plan whose fields ``detail`` records
    prev_hash = CharField(max_length=64, default="")
    hash = CharField(max_length=64, default="")

    class Meta:
        indexes = (
            (("plan_id", "id"), False),  # migration 0007
            (("at",), False),
            (("user", "at"), False),
            (("store", "at"), False),
            (("kind", "at"), False),
        )


class AuditChain(BaseModel):
    """The head of the audit log's hash chain: one row (id 1), the last event and its hash.
    Writers lock it (services/audit.py), so that events are chained one after the other."""

    last_id = IntegerField(null=True)
    last_hash = CharField(max_length=64)


class ServiceRequestCounter(BaseModel):
    """The last service request number given in each year (migration 0008): one row per
    year, bumped by an upsert inside the transaction that opens the request."""

    year = IntegerField(primary_key=True)
    last = IntegerField(default=0)


class ServiceRequest(BaseModel):
    """A customer's service request (richiesta di intervento) on a plan. Never deleted."""

    number = CharField(max_length=20, unique=True)  # RI-YYYY-NNNNNN
    plan = ForeignKeyField(Plan, backref="requests", on_delete="RESTRICT")
    store = ForeignKeyField(Store, on_delete="RESTRICT")  # the plan's: scoping and filters
    concerns = CharField(max_length=10)  # domain.RequestConcern
    description = TextField()
    phone = CharField(max_length=20, default="")
    status = CharField(max_length=12, default="open")  # domain.RequestStatus
    outcome = CharField(max_length=20, null=True)  # domain.RequestOutcome, once closed
    created_at = DateTimeField(default=utcnow)
    created_by = ForeignKeyField(User, on_delete="RESTRICT")
    updated_at = DateTimeField(null=True)
    closed_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("created_at", "id"), False),
            (("store", "created_at", "id"), False),
            (("status", "created_at", "id"), False),
            (("store", "status", "created_at", "id"), False),
            (("plan", "created_at"), False),
        )


class ServiceRequestStep(BaseModel):
    """A request's history: opened, each change of status (with the outcome when closed),
    each note; who and when. Append-only (triggers of migration 0008)."""

    request = ForeignKeyField(ServiceRequest, backref="steps", on_delete="RESTRICT")
    at = DateTimeField(default=utcnow)
    by = ForeignKeyField(User, null=True, on_delete="RESTRICT")  # None: the command line
    kind = CharField(max_length=10)  # domain.RequestStepKind
    status = CharField(max_length=12, null=True)  # the status it moved to
    outcome = CharField(max_length=20, null=True)
    note = TextField(default="")

    class Meta:
        indexes = ((("request", "at"), False),)


ALL_MODELS = [
    Store,
    User,
    Covering,
    Protection,
    Plan,
    PlanChange,
    AuditEvent,
    AuditChain,
    ServiceRequestCounter,
    ServiceRequest,
    ServiceRequestStep,
]
