"""Domain vocabulary shared by every layer. Pure Python: no database, no Textual."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    STAFF = "staff"
    SUPPORT = "support"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"staff": "addetto vendite", "support": "assistenza", "admin": "amministratore"}[
            self.value
        ]


class ProtectionType(StrEnum):
    COVERING = "covering"
    COVERING_AND_MOTION = "covering_motion"

    @property
    def label(self) -> str:
        return {
            "covering": "solo rivestimento",
            "covering_motion": "rivestimento + motion",
        }[self.value]


class PlanStatus(StrEnum):
    ACTIVE = "active"
    VOIDED = "voided"

    @property
    def label(self) -> str:
        return {"active": "attivo", "voided": "annullato"}[self.value]


def utcnow() -> dt.datetime:
    """Naive UTC timestamp: what the database stores."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Actor:
    """The acting user, as every service call receives it."""

    id: int | None  # None for the command-line operator (SYSTEM)
    username: str
    role: Role
    store_id: int | None
    store_code: str | None = None
    store_name: str | None = None
    full_name: str = ""
    must_change_password: bool = False
    # The account's session counter when this session logged in (models.User.session_epoch).
    session_epoch: int = 0

    @property
    def sees_all_stores(self) -> bool:
        return self.role in (Role.SUPPORT, Role.ADMIN)


# Whoever runs the admin CLI on the server: trusted like an administrator.
SYSTEM = Actor(id=None, username="cli", role=Role.ADMIN, store_id=None)


@dataclass(frozen=True)
class CatalogueItem:
    id: int
    code: str
    label: str


@dataclass(frozen=True)
class StoreInfo:
    """A store as the administration sees it: open or closed."""

    id: int
    code: str
    name: str
    open: bool


@dataclass(frozen=True)
class ProtectionInfo:
    """A protection type with the validity an administrator keeps for new plans."""

    code: ProtectionType
    validity_months: int
    on_sale: bool

    @property
    def label(self) -> str:
        return self.code.label


@dataclass(frozen=True)
class PlanSummary:
    """One row of the contract list."""

    id: int
    contract_number: str
    first_name: str
    last_name: str
    covering: str
    protection: ProtectionType
    created_at: dt.datetime
    store_code: str
    status: PlanStatus
    # When the signed adhesion form was marked as received (None: still missing).
    form_signed_at: dt.datetime | None = None

    @property
    def customer(self) -> str:
        return f"{self.last_name} {self.first_name}"


@dataclass(frozen=True)
class PlanDetail:
    id: int
    contract_number: str
    first_name: str
    last_name: str
    covering: CatalogueItem
    protection: ProtectionType
    activation_code: str
    store_code: str
    store_name: str
    created_by: str
    created_at: dt.datetime
    valid_until: dt.date
    status: PlanStatus
    # The signed adhesion form: when it was marked as received and by whom (None: missing).
    form_signed_at: dt.datetime | None = None
    form_signed_by: str | None = None
    # Set by register_plan when the store had registered this contract for this customer
    # already: the plan shown is that one, registered at ``created_at``.
    already_registered: bool = False

    @property
    def customer(self) -> str:
        return f"{self.last_name} {self.first_name}"


@dataclass(frozen=True)
class SearchPage:
    rows: list[PlanSummary]
    # Opaque cursor for the next page, or None on the last page.
    next_cursor: tuple[str, int] | None


@dataclass(frozen=True)
class DemoAccount:
    """An account of the demo database, shown on the login screen with --demo."""

    username: str
    password: str
    role: Role
    store_code: str | None = None


# The demo database's accounts (pdp-tui demo creates them; pdp-tui --demo shows them).
DEMO_STORES = (("MI01", "Milano Centro"), ("RM01", "Roma Eur"), ("TO01", "Torino Lingotto"))
DEMO_ACCOUNTS = (
    DemoAccount("vendite.mi", "demo-vendite-1", Role.STAFF, "MI01"),
    DemoAccount("vendite.rm", "demo-vendite-2", Role.STAFF, "RM01"),
    DemoAccount("vendite.to", "demo-vendite-3", Role.STAFF, "TO01"),
    DemoAccount("assistenza", "demo-assist-01", Role.SUPPORT),
    DemoAccount("admin", "demo-admin-01", Role.ADMIN),
)


class ChangeKind(StrEnum):
    CORRECTION = "correction"
    VOID = "void"
    FORM_SIGNED = "form_signed"
    FORM_SIGNED_UNDONE = "form_signed_undone"

    @property
    def label(self) -> str:
        return {
            "correction": "correzione",
            "void": "annullamento",
            "form_signed": "modulo firmato ricevuto",
            "form_signed_undone": "modulo firmato: annotazione tolta",
        }[self.value]


@dataclass(frozen=True)
class PlanChangeEntry:
    """One entry of a plan's history: what changed, who, when and why."""

    kind: ChangeKind
    changed_at: dt.datetime
    changed_by: str
    reason: str
    before: dict[str, str]
    after: dict[str, str]


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    username: str
    store_code: str | None
    kind: str
    target: str
    detail: str


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditEntry]
    next_cursor: int | None  # the id below which the next page starts


# --- service requests (richieste di intervento) ---------------------------------------------


class RequestConcern(StrEnum):
    """What a service request concerns."""

    COVERING = "covering"
    MOTION = "motion"

    @property
    def label(self) -> str:
        return {"covering": "rivestimento", "motion": "meccanismi motion"}[self.value]


class RequestStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"open": "aperta", "in_progress": "in lavorazione", "closed": "chiusa"}[self.value]


class RequestOutcome(StrEnum):
    """How a closed request ended (esito dell'intervento)."""

    REPAIR = "repair"
    REPLACEMENT = "replacement"
    NOT_INCLUDED = "not_included"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            "repair": "riparazione",
            "replacement": "sostituzione",
            "not_included": "non compreso nel Piano",
            "withdrawn": "ritirata dal cliente",
        }[self.value]


class RequestStepKind(StrEnum):
    OPENED = "opened"
    STATUS = "status"
    NOTE = "note"

    @property
    def label(self) -> str:
        return {"opened": "apertura", "status": "cambio di stato", "note": "nota"}[self.value]


@dataclass(frozen=True)
class RequestSummary:
    """One row of the service requests' list (and of a plan's requests)."""

    id: int
    number: str
    created_at: dt.datetime
    status: RequestStatus
    concerns: RequestConcern
    store_code: str
    contract_number: str
    first_name: str
    last_name: str

    @property
    def customer(self) -> str:
        return f"{self.last_name} {self.first_name}"


@dataclass(frozen=True)
class RequestStep:
    """One step of a request's history: who, when, what (never deleted)."""

    at: dt.datetime
    by: str
    kind: RequestStepKind
    status: RequestStatus | None
    outcome: RequestOutcome | None
    note: str


@dataclass(frozen=True)
class RequestDetail:
    id: int
    number: str
    plan_id: int
    contract_number: str
    first_name: str
    last_name: str
    store_code: str
    concerns: RequestConcern
    description: str
    phone: str
    status: RequestStatus
    outcome: RequestOutcome | None
    created_at: dt.datetime
    created_by: str
    closed_at: dt.datetime | None
    steps: list[RequestStep]

    @property
    def customer(self) -> str:
        return f"{self.last_name} {self.first_name}"


@dataclass(frozen=True)
class RequestPage:
    rows: list[RequestSummary]
    next_cursor: tuple[str, int] | None
