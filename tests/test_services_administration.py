"""Administration that can edit what it creates: accounts, stores, protection validity.

Every change is audited; a change of role or store, or a store closed, ends the sessions it
concerns; a closed store's staff get the one generic login failure, the log says why.
"""

from __future__ import annotations

import json

import pytest

from pdp_tui.domain import SYSTEM, ProtectionType, Role, utcnow
from pdp_tui.models import AuditEvent, User
from pdp_tui.services import accounts, auth, catalogue, permissions, plans, search
from pdp_tui.services.audit import Kind
from pdp_tui.services.errors import (
    AuthenticationFailed,
    NotFound,
    PermissionDenied,
    SessionEnded,
    ValidationError,
)


def last_event() -> AuditEvent:
    return AuditEvent.select().order_by(AuditEvent.id.desc()).first()


# --- accounts -------------------------------------------------------------------------


def test_a_new_name_is_audited_and_keeps_the_session(seed, register):
    account = accounts.update_user(seed.admin, "vendite.mi", full_name="  Giulia  Rossi ")
    assert (account.full_name, account.role, account.store_code) == (
        "Giulia Rossi",
        Role.STAFF,
        "MI01",
    )
    event = last_event()
    assert (event.kind, event.target) == (Kind.USER_RENAMED, "vendite.mi")
    assert json.loads(event.detail) == {
        "before": {"full_name": "Giulia Bianchi"},
        "after": {"full_name": "Giulia Rossi"},
    }
    assert register(seed.staff_mi, "MI-1").contract_number == "MI-1"


def test_a_new_store_moves_staff_and_ends_their_session(seed, register):
    account = accounts.update_user(seed.admin, "vendite.mi", store_code="rm01")
    assert (account.role, account.store_code) == (Role.STAFF, "RM01")
    with pytest.raises(SessionEnded) as info:
        register(seed.staff_mi, "MI-1")
    assert str(info.value) == permissions.ROLE_CHANGED
    event = last_event()
    assert event.kind == Kind.USER_ROLE_CHANGED
    assert json.loads(event.detail) == {
        "before": {"role": "staff", "store": "MI01"},
        "after": {"role": "staff", "store": "RM01"},
    }


def test_a_new_role_drops_or_needs_a_store(seed):
    account = accounts.update_user(seed.admin, "vendite.mi", role="support")
    assert (account.role, account.store_code) == (Role.SUPPORT, None)
    with pytest.raises(ValidationError) as info:
        accounts.update_user(seed.admin, "assistenza", role=Role.STAFF)
    assert info.value.errors == {"store": "Un addetto vendite deve appartenere a un negozio."}
    account = accounts.update_user(seed.admin, "assistenza", role="staff", store_code="MI01")
    assert (account.role, account.store_code) == (Role.STAFF, "MI01")
    with pytest.raises(ValidationError) as info:
        accounts.update_user(seed.admin, "admin", store_code="MI01")
    assert info.value.errors == {"store": "Solo gli addetti vendite appartengono a un negozio."}


def test_everything_at_once_and_nothing_when_a_field_is_wrong(seed):
    with pytest.raises(ValidationError) as info:
        accounts.update_user(seed.admin, "vendite.mi", store_code="XX99", full_name="Nuovo Nome")
    assert info.value.errors == {"store": "Negozio XX99 inesistente."}
    assert User.get(User.username == "vendite.mi").full_name == "Giulia Bianchi"
    account = accounts.update_user(
        SYSTEM, "vendite.mi", role="staff", store_code="RM01", full_name="Giulia Verdi"
    )
    assert (account.store_code, account.full_name) == ("RM01", "Giulia Verdi")
    kinds = [e.kind for e in AuditEvent.select().order_by(AuditEvent.id.desc()).limit(2)]
    assert kinds == [Kind.USER_RENAMED, Kind.USER_ROLE_CHANGED]


def test_an_admin_renames_themselves_but_keeps_their_role(seed):
    assert accounts.update_user(seed.admin, "admin", full_name="Anna Neri").full_name == (
        "Anna Neri"
    )
    with pytest.raises(ValidationError) as info:
        accounts.update_user(seed.admin, "admin", role="support")
    assert "tuo stesso account" in info.value.errors["role"]
    assert accounts.update_user(seed.admin, "admin", role="admin").role is Role.ADMIN


def test_only_an_admin_edits_accounts(seed):
    for actor in (seed.staff_mi, seed.support):
        with pytest.raises(PermissionDenied):
            accounts.update_user(actor, "vendite.rm", full_name="X")
    with pytest.raises(NotFound):
        accounts.update_user(seed.admin, "nessuno", full_name="X")


# --- stores ---------------------------------------------------------------------------


def test_rename_a_store(seed):
    store = catalogue.rename_store(seed.admin, "mi01", " Milano  Duomo ")
    assert (store.code, store.name, store.open) == ("MI01", "Milano Duomo", True)
    event = last_event()
    assert (event.kind, event.target) == (Kind.STORE_RENAMED, "MI01")
    assert json.loads(event.detail) == {
        "before": {"name": "Milano Centro"},
        "after": {"name": "Milano Duomo"},
    }
    with pytest.raises(ValidationError) as info:
        catalogue.rename_store(seed.admin, "MI01", "   ")
    assert info.value.errors == {"name": "Nome del negozio: campo obbligatorio."}
    with pytest.raises(NotFound):
        catalogue.rename_store(seed.admin, "XX01", "Nuovo")
    with pytest.raises(PermissionDenied):
        catalogue.rename_store(seed.support, "MI01", "Nuovo")


def test_a_closed_store_keeps_its_staff_out_and_its_plans_visible(seed, register):
    plan = register(seed.staff_mi, "MI-1")
    store = catalogue.set_store_open(seed.admin, "MI01", False)
    assert not store.open
    assert (last_event().kind, last_event().target) == (Kind.STORE_CLOSED, "MI01")

    # The open session ends at its next action; a new login gets the generic failure.
    with pytest.raises(SessionEnded) as info:
        search.search_plans(seed.staff_mi)
    assert str(info.value) == permissions.STORE_CLOSED
    with pytest.raises(AuthenticationFailed) as failed:
        auth.authenticate("vendite.mi", seed.password)
    assert str(failed.value) == str(AuthenticationFailed())
    event = last_event()
    assert (event.kind, event.target) == (Kind.LOGIN_FAILED, "vendite.mi")
    assert json.loads(event.detail) == {"reason": "store_closed"}
    assert User.get(User.username == "vendite.mi").failed_logins == 0  # not a wrong password

    # Support and admin still see its plans; other stores go on.
    assert plans.get_plan(seed.support, plan.id).store_code == "MI01"
    assert [p.contract_number for p in search.search_plans(seed.admin).rows] == ["MI-1"]
    register(seed.staff_rm, "RM-1")

    # Nobody is given a closed store; reopening lets its staff back in.
    with pytest.raises(ValidationError) as refused:
        accounts.update_user(seed.admin, "vendite.rm", store_code="MI01")
    assert refused.value.errors == {"store": "Il negozio MI01 è chiuso."}
    assert [code for _, code, _ in catalogue.list_stores(seed.admin, open_only=True)] == ["RM01"]
    catalogue.set_store_open(SYSTEM, "mi01", True)
    assert last_event().kind == Kind.STORE_REOPENED
    assert auth.authenticate("vendite.mi", seed.password).store_code == "MI01"


def test_closing_twice_is_one_event(seed):
    catalogue.set_store_open(seed.admin, "RM01", False)
    events = AuditEvent.select().count()
    catalogue.set_store_open(seed.admin, "RM01", False)
    assert AuditEvent.select().count() == events
    details = catalogue.list_store_details(seed.admin)
    assert [(s.code, s.open) for s in details] == [("MI01", True), ("RM01", False)]


# --- protection types -------------------------------------------------------------------


def test_validity_is_kept_by_the_admin_and_applies_to_new_plans(seed, register):
    before = register(seed.staff_mi, "MI-1", protection="covering")
    info = catalogue.set_validity(seed.admin, "covering", "24")
    assert (info.code, info.validity_months) == (ProtectionType.COVERING, 24)
    event = last_event()
    assert (event.kind, event.target) == (Kind.PROTECTION_VALIDITY_CHANGED, "covering")
    assert json.loads(event.detail) == {
        "before": {"validity_months": 60},
        "after": {"validity_months": 24},
    }
    after = register(seed.staff_mi, "MI-2", protection="covering")
    today = utcnow().date()
    assert after.valid_until == plans.add_months(today, 24)
    assert before.valid_until == plans.add_months(today, 60)  # registered plans keep theirs
    motion = register(seed.staff_mi, "MI-3", protection="covering_motion")
    assert motion.valid_until == plans.add_months(today, 60)
    listed = {p.code: p.validity_months for p in catalogue.list_protection_types(seed.admin)}
    assert listed == {ProtectionType.COVERING: 24, ProtectionType.COVERING_AND_MOTION: 60}


@pytest.mark.parametrize("months", ["0", "121", "-5", "dodici", "", "2.5"])
def test_validity_is_range_checked(seed, months):
    with pytest.raises(ValidationError) as info:
        catalogue.set_validity(seed.admin, "covering", months)
    assert info.value.errors == {"validity_months": "Validità: un numero di mesi da 1 a 120."}


def test_validity_refusals(seed):
    with pytest.raises(NotFound) as info:
        catalogue.set_validity(seed.admin, "kasko", 12)
    assert "covering, covering_motion" in str(info.value)
    with pytest.raises(PermissionDenied):
        catalogue.set_validity(seed.support, "covering", 12)
    events = AuditEvent.select().count()
    catalogue.set_validity(seed.admin, "covering_motion", 60)  # unchanged: nothing to record
    assert AuditEvent.select().count() == events


def test_a_closed_store_refusal_costs_what_any_refusal_costs(seed, statements):
    catalogue.set_store_open(seed.admin, "MI01", False)
    shapes = []
    for username in ("nessuno", "vendite.mi"):
        statements.clear()
        with pytest.raises(AuthenticationFailed):
            auth.authenticate(username, seed.password)
        shapes.append([sql.split()[0] for sql in statements])
    assert shapes[0] == shapes[1]
