"""Accounts, stores and catalogue: administrators only, every action audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from pdp_tui.domain import SYSTEM, CatalogueItem, Role, utcnow
from pdp_tui.models import AuditEvent, Covering, Store, User
from pdp_tui.services import accounts, auth, catalogue
from pdp_tui.services.audit import Kind
from pdp_tui.services.errors import (
    AuthenticationFailed,
    NotFound,
    PermissionDenied,
    ValidationError,
)


def last_event() -> AuditEvent:
    return AuditEvent.select().order_by(AuditEvent.id.desc()).get()


ADMIN_CALLS = {
    "create_user": lambda actor: accounts.create_user(
        actor, "nuovo.utente", "support", password="password-lunga"
    ),
    "list_users": lambda actor: accounts.list_users(actor),
    "reset_password": lambda actor: accounts.reset_password(actor, "vendite.rm", "nuova-pass-1"),
    "set_active": lambda actor: accounts.set_active(actor, "vendite.rm", False),
    "unlock": lambda actor: accounts.unlock(actor, "vendite.rm"),
    "add_store": lambda actor: catalogue.add_store(actor, "TO01", "Torino"),
    "add_covering": lambda actor: catalogue.add_covering(actor, "Velluto"),
}


@pytest.mark.parametrize("call", ADMIN_CALLS.values(), ids=ADMIN_CALLS.keys())
@pytest.mark.parametrize("who", ["staff_mi", "support"])
def test_admin_only(seed, call, who):
    before = AuditEvent.select().count()
    users, stores, coverings = (
        User.select().count(),
        Store.select().count(),
        Covering.select().count(),
    )
    with pytest.raises(PermissionDenied, match="amministratore"):
        call(getattr(seed, who))
    assert AuditEvent.select().count() == before
    assert (User.select().count(), Store.select().count(), Covering.select().count()) == (
        users,
        stores,
        coverings,
    )
    assert User.get(User.username == "vendite.rm").active


@pytest.mark.parametrize("call", ADMIN_CALLS.values(), ids=ADMIN_CALLS.keys())
def test_admin_may(seed, call):
    call(seed.admin)


def test_every_admin_action_is_audited(seed):
    expected = [
        (
            lambda: accounts.create_user(
                seed.admin, "nuovo.mi", "staff", password="password-lunga", store_code="mi01"
            ),
            Kind.USER_CREATED,
            "nuovo.mi",
        ),
        (
            lambda: accounts.reset_password(seed.admin, "nuovo.mi", "altra-password"),
            Kind.PASSWORD_RESET,
            "nuovo.mi",
        ),
        (
            lambda: accounts.set_active(seed.admin, "nuovo.mi", False),
            Kind.USER_DISABLED,
            "nuovo.mi",
        ),
        (lambda: accounts.set_active(seed.admin, "nuovo.mi", True), Kind.USER_ENABLED, "nuovo.mi"),
        (lambda: accounts.unlock(seed.admin, "nuovo.mi"), Kind.USER_UNLOCKED, "nuovo.mi"),
        (
            lambda: catalogue.add_store(seed.admin, "to01", "Torino Lingotto"),
            Kind.STORE_CREATED,
            "TO01",
        ),
        (
            lambda: catalogue.add_covering(seed.admin, "Velluto a coste"),
            Kind.COVERING_CREATED,
            "velluto-a-coste",
        ),
    ]
    for action, kind, target in expected:
        action()
        event = last_event()
        assert (event.kind, event.target) == (kind, target)
        assert (event.user_id, event.username) == (seed.admin.id, "admin")
    created = (
        AuditEvent.select()
        .where(AuditEvent.kind == Kind.USER_CREATED)
        .order_by(AuditEvent.id.desc())
        .get()
    )
    assert json.loads(created.detail) == {"role": "staff", "store": "MI01"}


def test_the_cli_operator_is_audited_too(database):
    catalogue.add_store(SYSTEM, "MI01", "Milano")
    event = last_event()
    assert (event.kind, event.user_id, event.username) == (Kind.STORE_CREATED, None, "cli")


# --- create_user --------------------------------------------------------------------------


def test_create_user(seed):
    account = accounts.create_user(
        seed.admin,
        "  Mario.Rossi ",
        Role.STAFF,
        password="password-lunga",
        store_code=" rm01 ",
        full_name="  Mario   Rossi ",
    )
    assert account.username == "mario.rossi"
    assert account.full_name == "Mario Rossi"
    assert (account.role, account.store_code) == (Role.STAFF, "RM01")
    assert account.active and not account.locked and account.must_change_password
    assert account.last_login_at is None
    listed = {a.username: a for a in accounts.list_users(seed.admin)}
    assert listed["mario.rossi"] == account
    actor = auth.authenticate("mario.rossi", "password-lunga")
    assert actor.must_change_password and actor.store_id == seed.rm[0]
    assert listed["assistenza"].store_code is None
    assert listed["vendite.mi"].last_login_at is not None


@pytest.mark.parametrize(
    "username", ["ab", "x" * 41, "mario rossi", "màrio", "-mario", ".mario", "mario@negozio", ""]
)
def test_create_user_username_pattern(seed, username):
    with pytest.raises(ValidationError) as info:
        accounts.create_user(seed.admin, username, "support", password="password-lunga")
    assert set(info.value.errors) == {"username"}


@pytest.mark.parametrize("username", ["abc", "mario.rossi", "m_r-1", "9" * 40])
def test_create_user_username_accepted(seed, username):
    assert accounts.create_user(seed.admin, username, "admin", password="password-lunga")


@pytest.mark.parametrize(
    "role, store, field",
    [
        ("staff", None, "store"),
        ("staff", "", "store"),
        ("staff", "XX99", "store"),
        ("support", "MI01", "store"),
        ("admin", "MI01", "store"),
        ("capo", None, "role"),
    ],
)
def test_create_user_role_and_store(seed, role, store, field):
    with pytest.raises(ValidationError) as info:
        accounts.create_user(seed.admin, "nuovo", role, password="password-lunga", store_code=store)
    assert set(info.value.errors) == {field}
    assert "negozio" in info.value.errors[field].lower() or field == "role"


def test_create_user_reports_every_error_at_once(seed):
    with pytest.raises(ValidationError) as info:
        accounts.create_user(seed.admin, "x", "staff", password="corta", full_name="a\x1b")
    assert set(info.value.errors) == {"username", "store", "password", "full_name"}


def test_create_user_password_policy(seed):
    with pytest.raises(ValidationError) as info:
        accounts.create_user(seed.admin, "nuovo.utente", "admin", password="Nuovo.Utente")
    assert "nome utente" in info.value.errors["password"]


def test_duplicate_username(seed):
    with pytest.raises(ValidationError) as info:
        accounts.create_user(
            seed.admin, "VENDITE.MI", "staff", password="password-lunga", store_code="RM01"
        )
    assert info.value.errors == {"username": "L'utente vendite.mi esiste già."}
    assert User.select().where(User.username == "vendite.mi").count() == 1
    # The failed attempt left no audit trace of a creation.
    assert last_event().kind != Kind.USER_CREATED or last_event().target != "vendite.mi"


# --- reset, enable, unlock ----------------------------------------------------------------


def _lock(username: str) -> None:
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            auth.authenticate(username, "password-sbagliata")


def test_reset_password_sets_must_change_and_unlocks(seed):
    _lock("vendite.mi")
    assert {a.username: a for a in accounts.list_users(seed.admin)}["vendite.mi"].locked
    accounts.reset_password(seed.admin, "Vendite.MI", "provvisoria-9")
    user = User.get(User.username == "vendite.mi")
    assert user.must_change_password and user.failed_logins == 0 and user.locked_until is None
    actor = auth.authenticate("vendite.mi", "provvisoria-9")
    assert actor.must_change_password
    with pytest.raises(AuthenticationFailed):
        auth.authenticate("vendite.mi", seed.password)


def test_reset_password_policy_and_unknown_user(seed):
    with pytest.raises(ValidationError):
        accounts.reset_password(seed.admin, "vendite.mi", "corta")
    with pytest.raises(ValidationError):
        accounts.reset_password(seed.admin, "vendite.mi", "vendite.mi")
    with pytest.raises(NotFound, match="nessuno"):
        accounts.reset_password(seed.admin, "nessuno", "password-lunga")
    assert auth.authenticate("vendite.mi", seed.password)


def test_set_active(seed):
    accounts.set_active(seed.admin, "vendite.rm", False)
    assert not User.get(User.username == "vendite.rm").active
    assert not {a.username: a for a in accounts.list_users(seed.admin)}["vendite.rm"].active
    with pytest.raises(AuthenticationFailed):
        auth.authenticate("vendite.rm", seed.password)
    accounts.set_active(seed.admin, "vendite.rm", True)
    assert auth.authenticate("vendite.rm", seed.password)
    with pytest.raises(NotFound):
        accounts.set_active(seed.admin, "nessuno", False)


def test_admin_cannot_disable_themselves(seed):
    with pytest.raises(ValidationError):
        accounts.set_active(seed.admin, "admin", False)
    assert User.get(User.username == "admin").active


def test_unlock(seed):
    _lock("assistenza")
    with pytest.raises(AuthenticationFailed):
        auth.authenticate("assistenza", seed.password)
    accounts.unlock(seed.admin, "assistenza")
    assert auth.authenticate("assistenza", seed.password)
    with pytest.raises(NotFound):
        accounts.unlock(seed.admin, "nessuno")


def test_locked_flag_expires_in_the_listing(seed):
    User.update(locked_until=utcnow() - dt.timedelta(seconds=1)).where(
        User.username == "vendite.mi"
    ).execute()
    assert not {a.username: a for a in accounts.list_users(seed.admin)}["vendite.mi"].locked


# --- stores and catalogue -----------------------------------------------------------------


def test_add_store(seed):
    store = catalogue.add_store(seed.admin, " to-01 ", "  Torino  Lingotto ")
    assert (store.code, store.name) == ("TO-01", "Torino Lingotto")
    assert (store.id, "TO-01", "Torino Lingotto") in catalogue.list_stores(seed.support)
    assert catalogue.list_stores(seed.staff_mi) == [(seed.mi[0], "MI01", "Milano Centro")]


@pytest.mark.parametrize(
    "code, name, fields",
    [
        ("MI01", "Altro Milano", {"code"}),
        ("mi01", "Altro Milano", {"code"}),
        ("", "Torino", {"code"}),
        ("TO 01", "Torino", {"code"}),
        ("TÖ01", "Torino", {"code"}),
        ("X" * 21, "Torino", {"code"}),
        ("TO01", "", {"name"}),
        ("TO01", "Tori\x1bno", {"name"}),
        ("", "", {"code", "name"}),
    ],
)
def test_add_store_refused(seed, code, name, fields):
    before = Store.select().count()
    with pytest.raises(ValidationError) as info:
        catalogue.add_store(seed.admin, code, name)
    assert set(info.value.errors) == fields
    assert Store.select().count() == before


def test_add_covering(seed):
    item = catalogue.add_covering(seed.admin, "  Velluto  a coste ")
    assert item == CatalogueItem(item.id, "velluto-a-coste", "Velluto a coste")
    assert catalogue.list_coverings(seed.staff_mi)[-1] == item
    accented = catalogue.add_covering(seed.admin, "Pelle più morbida")
    assert accented.code == "pelle-piu-morbida"


def test_add_covering_refused(seed):
    catalogue.add_covering(seed.admin, "Velluto")
    for label in ("velluto", "VELLUTO", "Vellùto"):
        with pytest.raises(ValidationError, match="esiste già"):
            catalogue.add_covering(seed.admin, label)
    for label in ("", "   ", "x" * 61, "Vel\u202eluto"):
        with pytest.raises(ValidationError) as info:
            catalogue.add_covering(seed.admin, label)
        assert set(info.value.errors) == {"label"}


def test_default_catalogue(seed):
    assert [c.code for c in seed.coverings] == ["tessuto", "pelle", "ecopelle", "microfibra"]
    assert [(p.code, p.label) for p in catalogue.list_protections(seed.staff_mi)] == [
        ("covering", "solo rivestimento"),
        ("covering_motion", "rivestimento + motion"),
    ]
    Covering.update(active=False).where(Covering.code == "pelle").execute()
    assert "pelle" not in [c.code for c in catalogue.list_coverings(seed.staff_mi)]
    assert "pelle" in [c.code for c in catalogue.list_coverings(seed.admin, include_inactive=True)]
