"""Authentication and passwords: argon2id, lockout, audited attempts."""

from __future__ import annotations

import datetime as dt
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pdp_tui import config
from pdp_tui.db import database
from pdp_tui.domain import Actor, Role, utcnow
from pdp_tui.models import Store, User
from pdp_tui.services import audit
from pdp_tui.services.errors import AuthenticationFailed, ValidationError
from pdp_tui.services.text import has_forbidden_characters

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 200


@cache
def hasher() -> PasswordHasher:
    # argon2id with OWASP's recommended parameters (19 MiB, 2 passes), not the library's
    # 64 MiB default: one server runs an app process per SSH session, and a login must not
    # triple a session's memory. Older hashes are upgraded at the next login.
    return PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@cache
def _dummy_hash() -> str:
    # Verified against when the user is unknown, so that it costs what a wrong password costs.
    return hasher().hash("pdp-tui dummy password, never valid")


def hash_password(password: str) -> str:
    return hasher().hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password_policy(username: str, password: str, field: str = "password") -> None:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise ValidationError(
            {field: f"La password deve avere almeno {PASSWORD_MIN_LENGTH} caratteri."}
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise ValidationError({field: "La password è troppo lunga."})
    if has_forbidden_characters(password):
        raise ValidationError({field: "La password contiene caratteri non ammessi."})
    if password.strip().casefold() == username.strip().casefold():
        raise ValidationError({field: "La password non può essere uguale al nome utente."})


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def actor_for(user: User) -> Actor:
    store = Store.get_by_id(user.store_id) if user.store_id else None
    return Actor(
        id=user.id,
        username=user.username,
        role=Role(user.role),
        store_id=user.store_id,
        store_code=store.code if store else None,
        store_name=store.name if store else None,
        full_name=user.full_name,
        must_change_password=user.must_change_password,
    )


def authenticate(username: str, password: str, now: dt.datetime | None = None) -> Actor:
    """The Actor for good credentials; AuthenticationFailed (one message) otherwise."""
    settings = config.current()
    now = now or utcnow()
    name = normalise_username(username)
    user = User.get_or_none(User.username == name) if name else None
    if user is None:
        _verify(_dummy_hash(), password)
        audit.record(audit.Kind.LOGIN_FAILED, None, username=name, detail={"reason": "unknown"})
        raise AuthenticationFailed()

    password_ok = _verify(user.password_hash, password)
    locked = user.locked_until is not None and user.locked_until > now
    if not user.active or locked or not password_ok:
        reason = "disabled" if not user.active else "locked" if locked else "password"
        with database.atomic():
            if reason == "password":
                _count_failure(user, now, settings)
            audit.record(
                audit.Kind.LOGIN_FAILED, None, username=name, target=name, detail={"reason": reason}
            )
        raise AuthenticationFailed()

    with database.atomic():
        changes = {User.failed_logins: 0, User.locked_until: None, User.last_login_at: now}
        if hasher().check_needs_rehash(user.password_hash):
            changes[User.password_hash] = hash_password(password)
        User.update(changes).where(User.id == user.id).execute()
        actor = actor_for(user)
        audit.record(audit.Kind.LOGIN_OK, actor)
    return actor


def _count_failure(user: User, now: dt.datetime, settings: config.Settings) -> None:
    User.update(failed_logins=User.failed_logins + 1).where(User.id == user.id).execute()
    failures = User.select(User.failed_logins).where(User.id == user.id).scalar()
    if failures >= settings.max_failed_logins:
        User.update(
            failed_logins=0,
            locked_until=now + dt.timedelta(minutes=settings.lockout_minutes),
        ).where(User.id == user.id).execute()


def change_password(actor: Actor, current_password: str, new_password: str) -> Actor:
    """The user changes their own password; clears the must-change flag."""
    user = User.get_by_id(actor.id)
    if not _verify(user.password_hash, current_password):
        raise ValidationError({"current_password": "La password attuale non è corretta."})
    check_password_policy(user.username, new_password, field="new_password")
    if new_password == current_password:
        raise ValidationError({"new_password": "La nuova password deve essere diversa."})
    with database.atomic():
        User.update(password_hash=hash_password(new_password), must_change_password=False).where(
            User.id == user.id
        ).execute()
        audit.record(audit.Kind.PASSWORD_CHANGED, actor, target=user.username)
    return actor_for(User.get_by_id(user.id))


def verify_password(actor: Actor, password: str) -> bool:
    """Re-check the password of a logged-in user (unlocking an idle session)."""
    user = User.get_or_none(User.id == actor.id)
    return bool(user and user.active and _verify(user.password_hash, password))
