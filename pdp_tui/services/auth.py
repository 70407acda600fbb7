"""Authentication and passwords: argon2id, lockout, audited attempts."""

from __future__ import annotations

import datetime as dt
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from peewee import JOIN

from pdp_tui import config
from pdp_tui.db import database
from pdp_tui.domain import Actor, Role, utcnow
from pdp_tui.models import Store, User
from pdp_tui.services import audit
from pdp_tui.services.errors import (
    AuthenticationFailed,
    PermissionDenied,
    SessionEnded,
    ValidationError,
)
from pdp_tui.services.permissions import Permission, end_sessions, require
from pdp_tui.services.text import has_forbidden_characters

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 200


@cache
def hasher() -> PasswordHasher:
    # argon2id with one of OWASP's equivalent configurations (Password Storage Cheat Sheet:
    # m=47104/t=1, m=19456/t=2, m=12288/t=3, m=9216/t=4, m=7168/t=5, all p=1): the one with
    # the least memory, 7 MiB and 5 passes, about the same time as 19 MiB and 2 passes. One
    # server runs an app process per SSH session, and a login's check must not raise a
    # session's peak by half (bench/sessions.py). Hashes made with earlier parameters (the
    # library's 64 MiB, then 19 MiB) still verify, and are upgraded at the next login.
    return PasswordHasher(time_cost=5, memory_cost=7 * 1024, parallelism=1)


@cache
def _dummy_hash() -> str:
    # Verified against when the user is unknown, so that it costs what a wrong password costs.
    return hasher().hash("pdp-tui dummy password, never valid")


def prepare() -> None:
    """Make the hasher and the dummy hash now (the app's warm-up), not at the first login:
    hashing the dummy costs a verification, and would tell an unknown username by its time."""
    _dummy_hash()


def hash_password(password: str) -> str:
    return hasher().hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password_policy(
    username: str, password: str, field: str = "password", *, full_name: str = ""
) -> None:
    """Length, characters, not the username, and not common or guessable (zxcvbn)."""
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
    # Imported here: zxcvbn's word lists load only when a password is set.
    from pdp_tui.services import password_strength

    weakness = password_strength.weakness(password, (username, full_name))
    if weakness:
        raise ValidationError({field: weakness})


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
        session_epoch=user.session_epoch,
    )


def authenticate(username: str, password: str, now: dt.datetime | None = None) -> Actor:
    """The Actor for good credentials; AuthenticationFailed (one message) otherwise.

    Every refusal costs the same, whether the username exists or not: one argon2
    verification (against a dummy hash for an unknown user) and the same statements.
    """
    settings = config.current()
    now = now or utcnow()
    name = normalise_username(username)
    user = _user_with_store(name) if name else None
    password_ok = _verify(user.password_hash if user else _dummy_hash(), password)
    reason = _refusal(user, password_ok, now)
    if reason is not None:
        with database.atomic():
            _count_failure(user.id if reason == "password" else None, now, settings)
            audit.record(
                audit.Kind.LOGIN_FAILED,
                None,
                username=name,
                target=name if user else "",
                detail={"reason": reason},
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


def _user_with_store(name: str) -> User | None:
    """The account named ``name`` with ``store_open`` (None without a store): one statement,
    whoever asks, so that a refusal costs the same whatever its reason."""
    return (
        User.select(User, Store.active.alias("store_open"))
        .join(Store, JOIN.LEFT_OUTER, on=(User.store == Store.id))
        .where(User.username == name)
        .objects()
        .first()
    )


def _locked(user: User, now: dt.datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def _refusal(user: User | None, password_ok: bool, now: dt.datetime) -> str | None:
    """Why a login is refused (the audit's reason), or None."""
    if user is None:
        return "unknown"
    if not user.active:
        return "disabled"
    if user.store_id is not None and not user.store_open:
        # Staff of a closed store: the same message as any refusal (who works where is
        # nobody's business at the login screen); the audit log says why.
        return "store_closed"
    if _locked(user, now):
        return "locked"
    return None if password_ok else "password"


def _count_failure(user_id: int | None, now: dt.datetime, settings: config.Settings) -> bool:
    """One more wrong password for ``user_id``; True when that locks the account.

    With None (unknown user, or a refusal that does not count) the same statements run and
    match no row, so that every refused login costs the same.
    """
    User.update(failed_logins=User.failed_logins + 1).where(User.id == user_id).execute()
    failures = User.select(User.failed_logins).where(User.id == user_id).scalar()
    if failures is None or failures < settings.max_failed_logins:
        return False
    User.update(
        failed_logins=0,
        locked_until=now + dt.timedelta(minutes=settings.lockout_minutes),
    ).where(User.id == user_id).execute()
    return True


LOCKED_MESSAGE = (
    "Troppi tentativi con una password sbagliata: account bloccato per {minutes} minuti."
)
SESSION_LOCKED = LOCKED_MESSAGE + " La sessione è terminata."


def change_password(actor: Actor, current_password: str, new_password: str) -> Actor:
    """The user changes their own password; clears the must-change flag.

    A wrong current password counts toward the lockout, like a failed login, and is
    audited; the failure that locks the account also ends the session (whoever is at an
    unlocked till cannot keep guessing). A locked account is refused.
    """
    require(actor, Permission.USE_APP)
    if actor.id is None:
        raise PermissionDenied("L'operatore da riga di comando non ha una password.")
    settings = config.current()
    now = utcnow()
    user = User.get_by_id(actor.id)
    if _locked(user, now):
        audit.record(
            audit.Kind.PASSWORD_CHANGE_FAILED,
            actor,
            target=user.username,
            detail={"reason": "locked"},
        )
        minutes = _minutes_left(user.locked_until, now)
        raise ValidationError({"current_password": LOCKED_MESSAGE.format(minutes=minutes)})
    if not _verify(user.password_hash, current_password):
        with database.atomic():
            locked = _count_failure(user.id, now, settings)
            if locked:
                end_sessions(user.id)
            audit.record(
                audit.Kind.PASSWORD_CHANGE_FAILED,
                actor,
                target=user.username,
                detail={"reason": "password", "locked": locked},
            )
        if locked:
            message = SESSION_LOCKED.format(minutes=f"{settings.lockout_minutes:g}")
            raise SessionEnded(message, actor)
        raise ValidationError({"current_password": "La password attuale non è corretta."})
    check_password_policy(user.username, new_password, "new_password", full_name=user.full_name)
    if new_password == current_password:
        raise ValidationError({"new_password": "La nuova password deve essere diversa."})
    with database.atomic():
        User.update(
            password_hash=hash_password(new_password),
            must_change_password=False,
            failed_logins=0,
        ).where(User.id == user.id).execute()
        audit.record(audit.Kind.PASSWORD_CHANGED, actor, target=user.username)
    return actor_for(User.get_by_id(user.id))


def _minutes_left(until: dt.datetime, now: dt.datetime) -> int:
    return max(1, -(-int((until - now).total_seconds()) // 60))


def verify_password(actor: Actor, password: str) -> bool:
    """Whether ``password`` is the password of the actor's account (a session still valid)."""
    require(actor, Permission.USE_APP)
    user = User.get_or_none(User.id == actor.id)
    return bool(user and _verify(user.password_hash, password))


def password_works(user: User, password: str) -> bool:
    """Whether ``user`` could log in with ``password`` now (active, right password)."""
    return bool(user.active and _verify(user.password_hash, password))
