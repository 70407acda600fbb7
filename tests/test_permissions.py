"""A session follows its account: every service call acts for the account as it is now.

Every public service function that takes an actor is found by inspection and called for a
disabled account: each one refuses before doing anything. Role, store and password-reset
changes end sessions too; the check costs one read by primary key, none for the operator.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator

import pytest

import pdp_tui.services
from pdp_tui.domain import SYSTEM, Actor, Role
from pdp_tui.models import AuditEvent, Plan, Store, User
from pdp_tui.services import accounts, auth, permissions, plans, search
from pdp_tui.services.audit import Kind
from pdp_tui.services.errors import (
    AuthenticationFailed,
    PermissionDenied,
    SessionEnded,
    ValidationError,
)
from pdp_tui.services.permissions import Permission

# Public functions whose first parameter is an actor but that are not service calls.
NOT_SERVICE_CALLS = {
    "audit.record": "writes the event of a call already checked (actor None: anonymous)",
    "plans.scope": "a filter added to a query of a checked call",
    "permissions.require": "the check itself",
    "permissions.lookups_are_audited": "a rule read by checked calls",
}


def service_calls() -> Iterator[tuple[str, Callable]]:
    """``("module.function", function)`` for every public service function taking an actor."""
    for info in pkgutil.iter_modules(pdp_tui.services.__path__):
        module = importlib.import_module(f"pdp_tui.services.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            parameters = list(inspect.signature(fn).parameters)
            qualified = f"{info.name}.{name}"
            if parameters[:1] == ["actor"] and qualified not in NOT_SERVICE_CALLS:
                yield qualified, fn


def call_with_placeholders(fn: Callable, actor: Actor) -> object:
    """Call ``fn`` for ``actor`` with None for every other required argument: the check comes
    first, so the arguments are never looked at."""
    args, kwargs = [], {}
    for parameter in list(inspect.signature(fn).parameters.values())[1:]:
        if parameter.default is not inspect.Parameter.empty:
            continue
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[parameter.name] = None
        elif parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
            args.append(None)
    return fn(actor, *args, **kwargs)


def test_the_enumeration_finds_the_service_calls():
    found = dict(service_calls())
    assert {
        "accounts.create_user",
        "accounts.list_users",
        "accounts.reset_password",
        "accounts.set_active",
        "accounts.set_role",
        "accounts.unlock",
        "audit.kinds_visible_to",
        "audit.list_events",
        "auth.change_password",
        "catalogue.add_covering",
        "catalogue.add_store",
        "catalogue.covering_id_by_code",
        "catalogue.list_catalogue",
        "catalogue.list_coverings",
        "catalogue.list_protections",
        "catalogue.list_stores",
        "catalogue.set_covering_active",
        "corrections.correct_plan",
        "corrections.plan_history",
        "corrections.void_plan",
        "plans.get_plan",
        "plans.get_plan_unaudited",
        "plans.register_plan",
        "plans.verify_code",
        "search.search_plans",
    } <= set(found)


@pytest.mark.parametrize("who", ["staff_mi", "support", "admin"])
def test_every_service_call_refuses_a_disabled_account(seed, who):
    actor = getattr(seed, who)
    accounts.set_active(SYSTEM, actor.username, False)
    events, plan_count = AuditEvent.select().count(), Plan.select().count()
    for name, fn in service_calls():
        with pytest.raises(SessionEnded) as info:
            call_with_placeholders(fn, actor)
        assert str(info.value) == permissions.ACCOUNT_DISABLED, name
        assert info.value.actor == actor
    assert (AuditEvent.select().count(), Plan.select().count()) == (events, plan_count)


def test_every_service_call_refuses_a_deleted_account_row(seed):
    ghost = Actor(id=10_000, username="fantasma", role=Role.ADMIN, store_id=None)
    for name, fn in service_calls():
        with pytest.raises(SessionEnded):
            call_with_placeholders(fn, ghost)
            pytest.fail(f"{name} acted for a deleted account")


def test_a_disabled_account_stays_out_after_it_is_enabled_again(seed):
    accounts.set_active(seed.admin, "vendite.mi", False)
    accounts.set_active(seed.admin, "vendite.mi", True)
    with pytest.raises(SessionEnded):
        search.search_plans(seed.staff_mi)
    # A new login is a new session.
    fresh = auth.authenticate("vendite.mi", seed.password)
    assert search.search_plans(fresh).rows == []


def test_a_role_change_ends_the_session(seed, register):
    register(seed.staff_mi, "MI-1")
    account = accounts.set_role(seed.admin, "vendite.mi", Role.SUPPORT)
    assert (account.role, account.store_code) == (Role.SUPPORT, None)
    with pytest.raises(SessionEnded) as info:
        search.search_plans(seed.staff_mi)
    assert str(info.value) == permissions.ROLE_CHANGED
    support = auth.authenticate("vendite.mi", seed.password)
    assert support.role is Role.SUPPORT
    assert [p.contract_number for p in search.search_plans(support).rows] == ["MI-1"]
    # Other sessions go on.
    register(seed.staff_rm, "RM-1")


def test_a_store_change_ends_the_session_and_nothing_is_registered(seed, register):
    accounts.set_role(SYSTEM, "vendite.mi", "staff", "RM01")
    with pytest.raises(SessionEnded) as info:
        register(seed.staff_mi, "MI-1")
    assert str(info.value) == permissions.ROLE_CHANGED
    assert Plan.select().count() == 0
    moved = auth.authenticate("vendite.mi", seed.password)
    assert (moved.store_code, register(moved, "RM-9").store_code) == ("RM01", "RM01")


def test_an_admin_password_reset_ends_the_session(seed):
    accounts.reset_password(seed.admin, "assistenza", "provvisoria-77")
    with pytest.raises(SessionEnded) as info:
        plans.verify_code(seed.support, "0000-0000-0000")
    assert str(info.value) == permissions.ACCOUNT_CHANGED
    with pytest.raises(AuthenticationFailed):
        auth.authenticate("assistenza", seed.password)
    assert auth.authenticate("assistenza", "provvisoria-77").must_change_password


def test_changes_that_do_not_end_sessions(seed, register):
    # The user's own password change, an unlock, a role "change" to the same role and
    # store, and failed logins by someone else (which must not let anyone end a session).
    staff = auth.change_password(seed.staff_mi, seed.password, "altra-password-41")
    accounts.unlock(seed.admin, "vendite.mi")
    accounts.set_role(seed.admin, "vendite.mi", Role.STAFF, "MI01")
    for _ in range(6):
        with pytest.raises(AuthenticationFailed):
            auth.authenticate("vendite.mi", "sbagliata-123")
    assert register(staff, "MI-1").contract_number == "MI-1"


def test_set_role_validates_and_is_audited(seed):
    with pytest.raises(ValidationError) as info:
        accounts.set_role(seed.admin, "vendite.mi", Role.STAFF)
    assert info.value.errors == {"store": "Un addetto vendite deve appartenere a un negozio."}
    with pytest.raises(ValidationError) as info:
        accounts.set_role(seed.admin, "admin", Role.SUPPORT)
    assert "tuo stesso account" in info.value.errors["role"]
    with pytest.raises(PermissionDenied):
        accounts.set_role(seed.support, "vendite.mi", Role.ADMIN)
    accounts.set_role(seed.admin, "vendite.mi", Role.STAFF, "rm01")
    user = User.get(User.username == "vendite.mi")
    assert Store.get_by_id(user.store_id).code == "RM01"
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert (event.kind, event.username, event.target) == (
        Kind.USER_ROLE_CHANGED,
        "admin",
        user.username,
    )
    assert '"before": {"role": "staff", "store": "MI01"}' in event.detail


def test_the_check_is_one_read_by_primary_key_and_none_for_the_operator(seed, statements):
    assert permissions.require(seed.staff_mi, Permission.REGISTER_PLANS) == seed.staff_mi
    assert len(statements) == 1
    assert statements[0].startswith("SELECT") and '"t1"."id" = ' in statements[0]
    statements.clear()
    assert permissions.require(SYSTEM, Permission.ADMINISTER) is SYSTEM
    assert statements == []


@pytest.mark.parametrize("permission", list(Permission))
def test_roles_of_each_permission(seed, permission):
    for who in ("staff_mi", "support", "admin"):
        actor = getattr(seed, who)
        if actor.role in permission.roles:
            assert permissions.require(actor, permission) is actor
        else:
            with pytest.raises(PermissionDenied) as info:
                permissions.require(actor, permission)
            assert str(info.value) == permission.refusal
