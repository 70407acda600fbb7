"""Stores and catalogue (coverings, protection types)."""

from __future__ import annotations

import re

from peewee import IntegrityError

from pdp_tui.db import database
from pdp_tui.domain import Actor, CatalogueItem, ProtectionType
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


def list_stores(actor: Actor) -> list[tuple[int, str, str]]:
    """(id, code, name) of every store; staff see only their own."""
    require(actor, Permission.USE_APP)
    query = Store.select().order_by(Store.code)
    if not actor.sees_all_stores:
        query = query.where(Store.id == actor.store_id)
    return [(s.id, s.code, s.name) for s in query]
