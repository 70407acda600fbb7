"""User accounts, issued and managed by administrators (and the CLI operator)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from peewee import JOIN, IntegrityError

from pdp_tui.db import database
from pdp_tui.domain import Actor, Role, utcnow
from pdp_tui.models import Store, User
from pdp_tui.services import audit
from pdp_tui.services.auth import check_password_policy, hash_password, normalise_username
from pdp_tui.services.errors import NotFound, ValidationError
from pdp_tui.services.permissions import Permission, end_sessions, require
from pdp_tui.services.text import clean_text

USERNAME_PATTERN = r"[a-z0-9][a-z0-9._-]{2,39}"
# Temporary passwords: lower-case Crockford Base32 (no i, l, o, u to misread), in groups.
TEMPORARY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
TEMPORARY_GROUPS = 3
TEMPORARY_GROUP_LENGTH = 4


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    full_name: str
    role: Role
    store_code: str | None
    active: bool
    locked: bool
    must_change_password: bool
    last_login_at: dt.datetime | None


def any_account() -> bool:
    """Whether the database has any account yet (a first start has none). Asked before
    anyone logs in, so it takes no actor and tells nothing but that."""
    return User.select().exists()


def _account(user: User, store_code: str | None, now: dt.datetime) -> Account:
    return Account(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=Role(user.role),
        store_code=store_code,
        active=user.active,
        locked=bool(user.locked_until and user.locked_until > now),
        must_change_password=user.must_change_password,
        last_login_at=user.last_login_at,
    )


def create_user(
    actor: Actor,
    username: str,
    role: Role | str,
    *,
    password: str,
    store_code: str | None = None,
    full_name: str = "",
    must_change_password: bool = True,
) -> Account:
    require(actor, Permission.ADMINISTER)
    errors: dict[str, str] = {}
    name = normalise_username(username)
    if not re.fullmatch(USERNAME_PATTERN, name):
        errors["username"] = (
            "Nome utente: da 3 a 40 caratteri tra lettere minuscole, cifre, punto, - e _."
        )
    role, store = _role_and_store(role, store_code, errors)
    try:
        full_name = clean_text(full_name, "Nome e cognome", max_length=100, required=False)
    except ValueError as exc:
        errors["full_name"] = str(exc)
        full_name = ""
    try:
        check_password_policy(name, password, full_name=full_name)
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    try:
        with database.atomic():
            user = User.create(
                username=name,
                full_name=full_name,
                role=role.value,
                store=store.id if store else None,
                password_hash=hash_password(password),
                must_change_password=must_change_password,
            )
            audit.record(
                audit.Kind.USER_CREATED,
                actor,
                target=name,
                detail={"role": role.value, "store": store.code if store else None},
            )
    except IntegrityError:
        raise ValidationError({"username": f"L'utente {name} esiste già."}) from None
    return _account(user, store.code if store else None, utcnow())


def _role_and_store(
    role: Role | str, store_code: str | None, errors: dict[str, str]
) -> tuple[Role | None, Store | None]:
    """The role and the store (staff only) asked for; problems go into ``errors``."""
    try:
        role = Role(role)
    except ValueError:
        errors["role"] = "Ruolo: staff, support o admin."
        return None, None
    store = None
    if role is Role.STAFF:
        if not store_code:
            errors["store"] = "Un addetto vendite deve appartenere a un negozio."
        else:
            store = Store.get_or_none(Store.code == store_code.strip().upper())
            if store is None:
                errors["store"] = f"Negozio {store_code.strip().upper()} inesistente."
            elif not store.active:
                errors["store"] = f"Il negozio {store.code} è chiuso."
    elif store_code:
        errors["store"] = "Solo gli addetti vendite appartengono a un negozio."
    return role, store


def list_users(actor: Actor) -> list[Account]:
    require(actor, Permission.ADMINISTER)
    now = utcnow()
    query = (
        User.select(User, Store.id, Store.code)
        .join(Store, join_type=JOIN.LEFT_OUTER, on=(User.store == Store.id))
        .order_by(User.username)
    )
    return [_account(u, u.store.code if u.store_id else None, now) for u in query]


def find_user(actor: Actor, username: str) -> Account:
    """One account by its username; NotFound if there is none."""
    require(actor, Permission.ADMINISTER)
    user = _get(username)
    return _account(user, _store_code(user.store_id), utcnow())


def _get(username: str) -> User:
    user = User.get_or_none(User.username == normalise_username(username))
    if user is None:
        raise NotFound(f"Utente {username} inesistente.")
    return user


def reset_password(actor: Actor, username: str, new_password: str) -> None:
    """Set a new password the account must change at its next login; its sessions end."""
    require(actor, Permission.ADMINISTER)
    user = _get(username)
    check_password_policy(user.username, new_password, full_name=user.full_name)
    with database.atomic():
        User.update(
            password_hash=hash_password(new_password),
            must_change_password=True,
            failed_logins=0,
            locked_until=None,
        ).where(User.id == user.id).execute()
        end_sessions(user.id)
        audit.record(audit.Kind.PASSWORD_RESET, actor, target=user.username)


def generate_temporary_password(username: str = "", full_name: str = "") -> str:
    """A random password to hand over once (e.g. ``k7pm-3xqa-9trw``, 60 bits from ``secrets``):
    easy to read out and type, and accepted by the password policy (for ``username`` and
    ``full_name`` too, when given)."""
    while True:
        password = "-".join(
            "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(TEMPORARY_GROUP_LENGTH))
            for _ in range(TEMPORARY_GROUPS)
        )
        try:
            check_password_policy(username, password, full_name=full_name)
        except ValidationError:
            continue  # a rare draw that looks like a word, a year or a sequence
        return password


def set_active(actor: Actor, username: str, active: bool) -> None:
    """Disable an account (its open sessions end at their next action) or enable it again."""
    require(actor, Permission.ADMINISTER)
    user = _get(username)
    if actor.id is not None and user.id == actor.id and not active:
        raise ValidationError({"username": "Non puoi disattivare il tuo stesso account."})
    with database.atomic():
        User.update(active=active).where(User.id == user.id).execute()
        if not active:
            end_sessions(user.id)
        kind = audit.Kind.USER_ENABLED if active else audit.Kind.USER_DISABLED
        audit.record(kind, actor, target=user.username)


def set_role(
    actor: Actor, username: str, role: Role | str, store_code: str | None = None
) -> Account:
    """Give an account another role or store (a store for staff only); its sessions end."""
    require(actor, Permission.ADMINISTER)
    user = _get(username)
    errors: dict[str, str] = {}
    role, store = _role_and_store(role, store_code, errors)
    if actor.id is not None and user.id == actor.id:
        errors["role"] = "Non puoi cambiare il ruolo del tuo stesso account."
    if errors:
        raise ValidationError(errors)
    with database.atomic():
        _change_role(actor, user, role, store)
    return _account(User.get_by_id(user.id), store.code if store else None, utcnow())


def update_user(
    actor: Actor,
    username: str,
    *,
    role: Role | str | None = None,
    store_code: str | None = None,
    full_name: str | None = None,
) -> Account:
    """Change an account's role, store or name; what is not given stays.

    A store is given to staff only: staff keep theirs unless another is named, other roles
    have none. A change of role or store ends the account's sessions (``set_role``); a new
    name does not. Each change is audited.
    """
    require(actor, Permission.ADMINISTER)
    user = _get(username)
    errors: dict[str, str] = {}
    if full_name is not None:
        try:
            full_name = clean_text(full_name, "Nome e cognome", max_length=100, required=False)
        except ValueError as exc:
            errors["full_name"] = str(exc)
    new_role = Role(user.role) if role is None else role
    if store_code is None and new_role == Role.STAFF == user.role and user.store_id:
        store_code = _store_code(user.store_id)
    role_changes = role is not None or store_code is not None
    store = None
    if role_changes:
        new_role, store = _role_and_store(new_role, store_code, errors)
        if store is not None and store.id == user.store_id:
            errors.pop("store", None)  # staying in one's own store, even a closed one
        own = actor.id is not None and user.id == actor.id
        if own and new_role is not None and new_role.value != user.role:
            errors["role"] = "Non puoi cambiare il ruolo del tuo stesso account."
    if errors:
        raise ValidationError(errors)
    with database.atomic():
        if role_changes:
            _change_role(actor, user, new_role, store)
        if full_name is not None and full_name != user.full_name:
            User.update(full_name=full_name).where(User.id == user.id).execute()
            audit.record(
                audit.Kind.USER_RENAMED,
                actor,
                target=user.username,
                detail={"before": {"full_name": user.full_name}, "after": {"full_name": full_name}},
            )
    user = User.get_by_id(user.id)
    return _account(user, _store_code(user.store_id), utcnow())


def _change_role(actor: Actor, user: User, role: Role, store: Store | None) -> None:
    """Give ``user`` ``role`` and ``store``; if either changes, its sessions end (audited)."""
    store_id = store.id if store else None
    if (role.value, store_id) == (user.role, user.store_id):
        return
    before = {"role": user.role, "store": _store_code(user.store_id)}
    after = {"role": role.value, "store": store.code if store else None}
    User.update(role=role.value, store=store_id).where(User.id == user.id).execute()
    end_sessions(user.id)
    audit.record(
        audit.Kind.USER_ROLE_CHANGED,
        actor,
        target=user.username,
        detail={"before": before, "after": after},
    )


def _store_code(store_id: int | None) -> str | None:
    return Store.get_by_id(store_id).code if store_id else None


def unlock(actor: Actor, username: str) -> None:
    require(actor, Permission.ADMINISTER)
    user = _get(username)
    with database.atomic():
        User.update(failed_logins=0, locked_until=None).where(User.id == user.id).execute()
        audit.record(audit.Kind.USER_UNLOCKED, actor, target=user.username)
