"""The demo stores and accounts, created through the services like any others."""

from __future__ import annotations

from dataclasses import dataclass

from pdp_tui.domain import DEMO_ACCOUNTS, DEMO_STORES, Actor, DemoAccount, Role
from pdp_tui.models import Plan, Store, User
from pdp_tui.services import accounts, catalogue
from pdp_tui.services.auth import password_works
from pdp_tui.services.errors import ServiceError
from pdp_tui.services.permissions import Permission, require


@dataclass(frozen=True)
class DemoAccountState:
    """A demo account after the fill; ``password`` None when it no longer works."""

    username: str
    password: str | None
    role: Role
    store_code: str | None
    created: bool


def ensure_demo_stores(actor: Actor) -> list[str]:
    """Create the demo stores that do not exist yet; their codes."""
    require(actor, Permission.ADMINISTER)
    existing = {s.code for s in Store.select(Store.code)}
    created = []
    for code, name in DEMO_STORES:
        if code not in existing:
            catalogue.add_store(actor, code, name)
            created.append(code)
    return created


def _extra_staff_accounts() -> tuple[DemoAccount, ...]:
    """A staff account for each demo store that DEMO_ACCOUNTS leaves without one."""
    staffed = {a.store_code for a in DEMO_ACCOUNTS if a.role is Role.STAFF}
    extra = []
    for number, (code, _) in enumerate(DEMO_STORES, start=1):
        if code not in staffed:
            username = f"vendite.{code[:2].lower()}"
            extra.append(DemoAccount(username, f"demo-vendite-{number}", Role.STAFF, code))
    return tuple(extra)


def demo_accounts() -> tuple[DemoAccount, ...]:
    """Every account the demo fill creates: DEMO_ACCOUNTS plus staff for unstaffed stores."""
    return DEMO_ACCOUNTS + _extra_staff_accounts()


def ensure_demo_accounts(actor: Actor) -> list[DemoAccountState]:
    """Create the demo accounts that do not exist yet; ready to log in (no forced change).

    Existing accounts are left untouched; their password is reported only if it still works.
    """
    require(actor, Permission.ADMINISTER)
    states = []
    for account in demo_accounts():
        user = User.get_or_none(User.username == account.username)
        if user is None:
            accounts.create_user(
                actor,
                account.username,
                account.role,
                password=account.password,
                store_code=account.store_code,
                must_change_password=False,
            )
            states.append(
                DemoAccountState(
                    account.username, account.password, account.role, account.store_code, True
                )
            )
        else:
            works = password_works(user, account.password)
            store = Store.get_or_none(Store.id == user.store_id) if user.store_id else None
            states.append(
                DemoAccountState(
                    user.username,
                    account.password if works else None,
                    Role(user.role),
                    store.code if store else None,
                    False,
                )
            )
    return states


def is_demo_ready() -> bool:
    """The demo stores and accounts exist and plans have been filled in."""
    codes = [code for code, _ in DEMO_STORES]
    if Store.select().where(Store.code.in_(codes)).count() < len(codes):
        return False
    names = [a.username for a in DEMO_ACCOUNTS]
    if User.select().where(User.username.in_(names)).count() < len(names):
        return False
    return Plan.select().exists()


def registrars() -> list[tuple[int, int]]:
    """(store id, staff user id) for each demo store: who registers its plans."""
    pairs = []
    for code, _ in DEMO_STORES:
        store = Store.get_or_none(Store.code == code)
        if store is None:
            continue
        wanted = [a.username for a in demo_accounts() if a.store_code == code]
        staff = (
            User.select(User.id)
            .where((User.store == store.id) & (User.role == Role.STAFF.value))
            .order_by(User.username.not_in(wanted), User.active.desc(), User.id)
            .first()
        )
        if staff is not None:
            pairs.append((store.id, staff.id))
    if not pairs:
        raise ServiceError("Nessun negozio demo con un addetto vendite: impossibile creare Piani.")
    return pairs
