"""Who may do what, in one place: the first call of every service function taking an actor.

``require(actor, Permission.X)`` checks that the session still speaks for its account as it
is now (one read of the account by primary key), then that the account's role allows X.
An account disabled, given another role or store, or whose password an administrator reset
since the session logged in ends the session (``SessionEnded``); a role that may not do X
is refused (``PermissionDenied``). The command-line operator (``SYSTEM``, id None) runs on
the server and is trusted: no read.
"""

from __future__ import annotations

from enum import Enum

from peewee import JOIN

from pdp_tui.domain import Actor, Role
from pdp_tui.models import Store, User
from pdp_tui.services.errors import PermissionDenied, SessionEnded

EVERY_ROLE = (Role.STAFF, Role.SUPPORT, Role.ADMIN)

ACCOUNT_DISABLED = "Il tuo account è stato disattivato: la sessione è terminata."
ROLE_CHANGED = "Il tuo ruolo o il tuo negozio sono cambiati: accedi di nuovo."
STORE_CLOSED = "Il tuo negozio è stato chiuso: la sessione è terminata."
ACCOUNT_CHANGED = (
    "Un amministratore ha modificato il tuo account (ad esempio ha reimpostato la password): "
    "accedi di nuovo."
)


class Permission(Enum):
    """An action, the roles that may take it and what the others are told."""

    # Any active account: the catalogue, the stores, one's own password.
    USE_APP = (EVERY_ROLE, "Operazione non consentita per il tuo ruolo.")
    # Reading plans; staff are scoped to their store by plans.scope.
    READ_PLANS = (EVERY_ROLE, "Operazione non consentita per il tuo ruolo.")
    REGISTER_PLANS = ((Role.STAFF,), "Solo gli addetti vendite di un negozio registrano i Piani.")
    CHANGE_PLANS = (
        (Role.STAFF, Role.SUPPORT),
        "Solo gli addetti vendite del negozio e l'assistenza modificano i Piani.",
    )
    # Reading service requests; staff are scoped to their store's plans (read-only).
    READ_REQUESTS = (EVERY_ROLE, "Operazione non consentita per il tuo ruolo.")
    # Opening service requests, moving them on, adding notes.
    HANDLE_REQUESTS = (
        (Role.SUPPORT, Role.ADMIN),
        "Le richieste di intervento sono aperte e seguite dall'assistenza.",
    )
    READ_AUDIT_LOG = (
        (Role.ADMIN, Role.SUPPORT),
        "Il registro attività è riservato ad amministratori e assistenza.",
    )
    # The figures of every store (Riepilogo).
    READ_SUMMARY = (
        (Role.ADMIN, Role.SUPPORT),
        "Il riepilogo è riservato ad amministratori e assistenza.",
    )
    # Every plan's customer data in one file: what leaves the system in bulk is the
    # administrators' (and the server operator's) call; support read plan by plan, audited.
    EXPORT = ((Role.ADMIN,), "Solo un amministratore può esportare i dati.")
    # Accounts, stores, the catalogue, the demo data.
    ADMINISTER = ((Role.ADMIN,), "Solo un amministratore può farlo.")

    def __new__(cls, roles: tuple[Role, ...], refusal: str) -> Permission:
        member = object.__new__(cls)
        member._value_ = len(cls.__members__)  # numbered: two may share roles and refusal
        member.roles = roles
        member.refusal = refusal
        return member


# Staff act for a store: without one they may not register (and plans.scope shows them nothing).
NEEDS_STORE = frozenset({Permission.REGISTER_PLANS})


def require(actor: Actor, permission: Permission) -> Actor:
    """``actor`` if its account, as it is now, may do ``permission``; raises otherwise."""
    if actor.id is not None:
        _require_current(actor)
    if actor.role not in permission.roles:
        raise PermissionDenied(permission.refusal)
    if permission in NEEDS_STORE and actor.store_id is None:
        raise PermissionDenied(permission.refusal)
    return actor


def end_sessions(user_id: int) -> None:
    """Every open session of the account ends at its next service call. Called, inside the
    transaction that makes the change, when an account is disabled, its role or store
    changes, or an administrator resets its password."""
    User.update(session_epoch=User.session_epoch + 1).where(User.id == user_id).execute()


def store_scope(query, actor: Actor, store_field):
    """``query`` restricted to the rows the actor may see: staff, their own store's
    (``store_field`` names the row's store); support and administrators, every store's."""
    if actor.sees_all_stores:
        return query
    if actor.store_id is None:
        return query.where(False)
    return query.where(store_field == actor.store_id)


def lookups_are_audited(actor: Actor) -> bool:
    """Support's and administrators' lookups of plans are recorded; staff's own store's are not."""
    return actor.role is not Role.STAFF


def _require_current(actor: Actor) -> None:
    """The session's account is still active, with the role, store and epoch it logged in with,
    and its store (if it has one) is open."""
    row = (
        User.select(User.active, User.role, User.store, User.session_epoch, Store.active)
        .join(Store, JOIN.LEFT_OUTER, on=(User.store == Store.id))
        .where(User.id == actor.id)
        .tuples()
        .first()
    )
    if row is None or not row[0]:
        raise SessionEnded(ACCOUNT_DISABLED, actor)
    active, role, store_id, epoch, store_open = row
    if role != actor.role.value or store_id != actor.store_id:
        raise SessionEnded(ROLE_CHANGED, actor)
    if epoch != actor.session_epoch:
        raise SessionEnded(ACCOUNT_CHANGED, actor)
    if store_id is not None and not store_open:
        raise SessionEnded(STORE_CLOSED, actor)
