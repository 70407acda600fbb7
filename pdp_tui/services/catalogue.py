"""Stores and catalogue (coverings, protection types)."""

from __future__ import annotations

import re

from peewee import IntegrityError

from pdp_tui.db import database
from pdp_tui.domain import Actor, CatalogueItem, ProtectionInfo, ProtectionType, StoreInfo
from pdp_tui.models import Covering, Protection, Store
from pdp_tui.services import audit
from pdp_tui.services.errors import NotFound, ValidationError
from pdp_tui.services.permissions import Permission, require
from pdp_tui.services.text import clean_text, fold

STORE_CODE_PATTERN = r"[A-Z0-9][A-Z0-9_-]{0,19}"


def list_coverings(actor: Actor, include_inactive: bool = False) -> list[CatalogueItem]:
    require(actor, Permission.USE_APP)
    query = Covering.select().order_by(Covering.sort_order, Covering.label)
    if not include_inactive:
        query = query.where(Covering.active == True)  # noqa: E712
    return [CatalogueItem(c.id, c.code, c.label) for c in query]


def list_protections(actor: Actor) -> list[CatalogueItem]:
    require(actor, Permission.USE_APP)
    query = (
        Protection.select()
        .where(Protection.active == True)  # noqa: E712
        .order_by(Protection.sort_order)
    )
    return [CatalogueItem(p.id, p.code, ProtectionType(p.code).label) for p in query]


COVERING_CODE_PATTERN = r"[a-z0-9](?:[a-z0-9-]{0,28}[a-z0-9])?"


def add_covering(actor: Actor, label: str, code: str | None = None) -> CatalogueItem:
    """A new covering on sale; its code is made from the label unless given."""
    require(actor, Permission.ADMINISTER)
    errors: dict[str, str] = {}
    try:
        label = clean_text(label, "Rivestimento", max_length=60)
    except ValueError as exc:
        errors["label"] = str(exc)
    if code is None:
        code = re.sub(r"[^a-z0-9]+", "-", fold(label)).strip("-")[:30] or "rivestimento"
        taken = {"label": f"Il rivestimento «{label}» esiste già."}
    else:
        code = code.strip().lower()
        if not re.fullmatch(COVERING_CODE_PATTERN, code):
            errors["code"] = (
                "Codice del rivestimento: da 1 a 30 caratteri tra lettere minuscole, "
                "cifre e trattini."
            )
        taken = {"code": f"Il rivestimento {code} esiste già."}
    if errors:
        raise ValidationError(errors)
    if Covering.select().where(Covering.code == code).exists():
        raise ValidationError(taken)
    with database.atomic():
        order = (Covering.select().count() or 0) + 1
        covering = Covering.create(code=code, label=label, sort_order=order)
        audit.record(audit.Kind.COVERING_CREATED, actor, target=code, detail={"label": label})
    return CatalogueItem(covering.id, covering.code, covering.label)


def covering_id_by_code(actor: Actor, code: str) -> int:
    """The id of the covering with ``code`` (any state), for commands that name it."""
    require(actor, Permission.ADMINISTER)
    covering = Covering.get_or_none(Covering.code == (code or "").strip().lower())
    if covering is None:
        raise NotFound(f"Rivestimento {code} inesistente.")
    return covering.id


def list_catalogue(actor: Actor) -> list[tuple[CatalogueItem, bool]]:
    """Every covering with whether it is on sale, in the order of the plan form."""
    require(actor, Permission.ADMINISTER)
    query = Covering.select().order_by(Covering.sort_order, Covering.label)
    return [(CatalogueItem(c.id, c.code, c.label), c.active) for c in query]


def set_covering_active(actor: Actor, covering_id: int, active: bool) -> CatalogueItem:
    """Withdraw a covering from sale (plans keep it) or offer it again."""
    require(actor, Permission.ADMINISTER)
    covering = Covering.get_or_none(Covering.id == covering_id)
    if covering is None:
        raise NotFound("Rivestimento inesistente.")
    with database.atomic():
        Covering.update(active=active).where(Covering.id == covering.id).execute()
        kind = audit.Kind.COVERING_ENABLED if active else audit.Kind.COVERING_DISABLED
        audit.record(kind, actor, target=covering.code, detail={"label": covering.label})
    return CatalogueItem(covering.id, covering.code, covering.label)


def clean_store_code(code: str) -> str:
    text = (code or "").strip().upper()
    if not re.fullmatch(STORE_CODE_PATTERN, text):
        raise ValidationError(
            {"code": "Codice negozio: da 1 a 20 caratteri tra lettere, cifre, - e _."}
        )
    return text


def add_store(actor: Actor, code: str, name: str) -> Store:
    require(actor, Permission.ADMINISTER)
    errors: dict[str, str] = {}
    try:
        code = clean_store_code(code)
    except ValidationError as exc:
        errors.update(exc.errors)
    try:
        name = clean_text(name, "Nome del negozio", max_length=100)
    except ValueError as exc:
        errors["name"] = str(exc)
    if errors:
        raise ValidationError(errors)
    try:
        with database.atomic():
            store = Store.create(code=code, name=name)
            audit.record(audit.Kind.STORE_CREATED, actor, target=code, detail={"name": name})
    except IntegrityError:
        raise ValidationError({"code": f"Il negozio {code} esiste già."}) from None
    return store


def list_stores(actor: Actor, open_only: bool = False) -> list[tuple[int, str, str]]:
    """(id, code, name) of every store (``open_only``: not closed); staff see only their own."""
    require(actor, Permission.USE_APP)
    query = Store.select().order_by(Store.code)
    if not actor.sees_all_stores:
        query = query.where(Store.id == actor.store_id)
    if open_only:
        query = query.where(Store.active == True)  # noqa: E712
    return [(s.id, s.code, s.name) for s in query]


def list_store_details(actor: Actor) -> list[StoreInfo]:
    """Every store, open or closed, for the administration."""
    require(actor, Permission.ADMINISTER)
    return [StoreInfo(s.id, s.code, s.name, s.active) for s in Store.select().order_by(Store.code)]


def _store(code: str) -> Store:
    store = Store.get_or_none(Store.code == (code or "").strip().upper())
    if store is None:
        raise NotFound(f"Negozio {(code or '').strip().upper()} inesistente.")
    return store


def rename_store(actor: Actor, code: str, name: str) -> StoreInfo:
    """A new name for a store; its code, plans and staff stay."""
    require(actor, Permission.ADMINISTER)
    store = _store(code)
    try:
        name = clean_text(name, "Nome del negozio", max_length=100)
    except ValueError as exc:
        raise ValidationError({"name": str(exc)}) from None
    if name != store.name:
        with database.atomic():
            Store.update(name=name).where(Store.id == store.id).execute()
            audit.record(
                audit.Kind.STORE_RENAMED,
                actor,
                target=store.code,
                detail={"before": {"name": store.name}, "after": {"name": name}},
            )
    return StoreInfo(store.id, store.code, name, store.active)


def set_store_open(actor: Actor, code: str, open: bool) -> StoreInfo:
    """Close a store (its staff can no longer log in, and their open sessions end at their
    next action; its plans stay, visible to support) or open it again."""
    require(actor, Permission.ADMINISTER)
    store = _store(code)
    if store.active is not open:
        with database.atomic():
            Store.update(active=open).where(Store.id == store.id).execute()
            kind = audit.Kind.STORE_REOPENED if open else audit.Kind.STORE_CLOSED
            audit.record(kind, actor, target=store.code, detail={"name": store.name})
    return StoreInfo(store.id, store.code, store.name, open)


# The validity an administrator may give a protection type, in months.
VALIDITY_MONTHS = (1, 120)


def list_protection_types(actor: Actor) -> list[ProtectionInfo]:
    """Every protection type with its validity, in the order of the plan form."""
    require(actor, Permission.ADMINISTER)
    query = Protection.select().order_by(Protection.sort_order)
    return [ProtectionInfo(ProtectionType(p.code), p.validity_months, p.active) for p in query]


def set_validity(actor: Actor, code: ProtectionType | str, months: int | str) -> ProtectionInfo:
    """How many months plans registered from now on with this protection type last; plans
    already registered keep their date."""
    require(actor, Permission.ADMINISTER)
    try:
        protection_type = ProtectionType(str(code).strip().lower())
    except ValueError:
        choices = ", ".join(t.value for t in ProtectionType)
        raise NotFound(f"Tipo di protezione {code} inesistente ({choices}).") from None
    low, high = VALIDITY_MONTHS
    try:
        months = int(str(months).strip())
    except ValueError:
        months = None
    if months is None or not low <= months <= high:
        raise ValidationError(
            {"validity_months": f"Validità: un numero di mesi da {low} a {high}."}
        )
    row = Protection.get_or_none(Protection.code == protection_type.value)
    if row is None:
        raise NotFound(f"Tipo di protezione {protection_type.value} inesistente.")
    if row.validity_months != months:
        with database.atomic():
            Protection.update(validity_months=months).where(Protection.id == row.id).execute()
            audit.record(
                audit.Kind.PROTECTION_VALIDITY_CHANGED,
                actor,
                target=protection_type.value,
                detail={
                    "before": {"validity_months": row.validity_months},
                    "after": {"validity_months": months},
                },
            )
    return ProtectionInfo(protection_type, months, row.active)
