"""Proof of scoping: staff see only their store's plans, through every service that reads
or changes a plan; support sees every store and its lookups are audited; the audit log is
shown by role.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from types import SimpleNamespace

import pytest

from pdp_tui import config
from pdp_tui.domain import PlanStatus, Role
from pdp_tui.models import AuditEvent, Plan, PlanChange, User
from pdp_tui.services import (
    audit,
    auth,
    corrections,
    forms,
    plans,
    printing,
    search,
    signed_forms,
)
from pdp_tui.services.audit import SUPPORT_KINDS, Kind
from pdp_tui.services.codes import CodeFormatError, format_code, generate_code
from pdp_tui.services.errors import NotFound, PermissionDenied, ValidationError


def found(actor, query: str = "", **kwargs) -> set[str]:
    """Every contract number a search finds, through all pages (small pages on purpose)."""
    numbers: list[str] = []
    cursor = None
    while True:
        page = search.search_plans(actor, query, cursor=cursor, limit=2, **kwargs)
        numbers += [row.contract_number for row in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(numbers) == len(set(numbers)), "a plan appeared twice"
    return set(numbers)


def events(kind: str) -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.kind == kind).order_by(AuditEvent.id))


@pytest.fixture
def stores(seed, register) -> SimpleNamespace:
    """Three plans in each store; RM01's share surnames and number prefixes with MI01's."""
    mi = [
        register(seed.staff_mi, "MI-1", "Mario", "Rossi"),
        register(seed.staff_mi, "MI-2", "Anna", "Rossetti"),
        register(seed.staff_mi, "CM-1", "Carla", "Bianchi"),
    ]
    rm = [
        register(seed.staff_rm, "RM-1", "Marco", "Rossi"),
        register(seed.staff_rm, "RM-2", "Paolo", "Verdi"),
        register(seed.staff_rm, "CM-2", "Bruno", "Rossini"),
    ]
    return SimpleNamespace(seed=seed, mi=mi, rm=rm)


MI_NUMBERS = {"MI-1", "MI-2", "CM-1"}
RM_NUMBERS = {"RM-1", "RM-2", "CM-2"}


# --- staff of MI01 get nothing of RM01 ------------------------------------------------------


def test_search_never_returns_another_stores_plan(stores):
    seed = stores.seed
    staff = seed.staff_mi
    rm_id = seed.rm[0]
    assert found(staff) == MI_NUMBERS
    assert found(staff, "CM") == {"CM-1"}  # contract prefix shared by both stores
    assert found(staff, "RM") == set()
    assert found(staff, "RM-1") == set()
    assert found(staff, "rossi") == {"MI-1"}  # surname shared by both stores
    assert found(staff, "ross") == {"MI-1", "MI-2"}
    assert found(staff, "rossi marco") == set()
    assert found(staff, "verdi") == set()
    # Asking for RM01 explicitly does not widen the scope: it narrows to nothing.
    assert found(staff, store_id=rm_id) == set()
    assert found(staff, "RM", store_id=rm_id) == set()
    assert found(staff, "rossi", store_id=rm_id) == set()
    assert found(staff, "CM", store_id=rm_id) == set()
    # And the same for RM01's staff the other way round.
    assert found(seed.staff_rm) == RM_NUMBERS
    assert found(seed.staff_rm, "rossi", store_id=seed.mi[0]) == set()


def test_lookups_of_another_stores_plan_are_not_found(stores):
    staff = stores.seed.staff_mi
    for plan in stores.rm:
        with pytest.raises(NotFound):
            plans.get_plan(staff, plan.id)
        with pytest.raises(NotFound):
            plans.get_plan_unaudited(staff, plan.id)
        with pytest.raises(NotFound):
            plans.verify_code(staff, plan.activation_code)
        with pytest.raises(NotFound):
            plans.verify_code(staff, format_code(plan.activation_code).lower())
        with pytest.raises(NotFound):
            corrections.plan_history(staff, plan.id)
    # Their own plans, for contrast, are found by every route.
    own = stores.mi[0]
    assert plans.get_plan(staff, own.id) == own
    assert plans.get_plan_unaudited(staff, own.id) == own
    assert plans.verify_code(staff, own.activation_code) == own
    assert corrections.plan_history(staff, own.id) == []


def test_changes_to_another_stores_plan_are_not_found_and_change_nothing(stores):
    seed = stores.seed
    target = stores.rm[0]
    corrections.correct_plan(seed.staff_rm, target.id, reason="Refuso", first_name="Marcello")
    before = plans.get_plan_unaudited(seed.staff_rm, target.id)
    changes = PlanChange.select().count()
    with pytest.raises(NotFound):
        corrections.correct_plan(seed.staff_mi, target.id, reason="x", last_name="Neri")
    with pytest.raises(NotFound):
        corrections.void_plan(seed.staff_mi, target.id, reason="x")
    assert plans.get_plan_unaudited(seed.staff_rm, target.id) == before
    assert before.status is PlanStatus.ACTIVE
    assert PlanChange.select().count() == changes
    assert events(Kind.PLAN_VOIDED) == []


def test_staff_without_a_store_see_nothing(stores):
    # A staff account without a store (broken behind the app's back) is scoped to nothing.
    User.update(store=None).where(User.id == stores.seed.staff_mi.id).execute()
    orphan = auth.authenticate("vendite.mi", stores.seed.password)
    assert (orphan.role, orphan.store_id) == (Role.STAFF, None)
    assert found(orphan) == set()
    with pytest.raises(NotFound):
        plans.get_plan(orphan, stores.mi[0].id)
    with pytest.raises(NotFound):
        plans.verify_code(orphan, stores.mi[0].activation_code)


# --- support sees every store ---------------------------------------------------------------


def test_support_sees_both_stores_everywhere(stores):
    seed = stores.seed
    support = seed.support
    assert found(support) == MI_NUMBERS | RM_NUMBERS
    assert found(support, "CM") == {"CM-1", "CM-2"}
    assert found(support, "rossi") == {"MI-1", "RM-1", "CM-2"}  # Rossini too: a prefix
    assert found(support, "rossi m") == {"MI-1", "RM-1"}
    for plan in stores.mi + stores.rm:
        assert plans.get_plan(support, plan.id) == plan
        assert plans.verify_code(support, plan.activation_code) == plan
        assert corrections.plan_history(support, plan.id) == []
    # The store filter narrows.
    assert found(support, store_id=seed.mi[0]) == MI_NUMBERS
    assert found(support, store_id=seed.rm[0]) == RM_NUMBERS
    assert found(support, "rossi", store_id=seed.rm[0]) == {"RM-1", "CM-2"}
    assert found(support, "CM", store_id=seed.mi[0]) == {"CM-1"}
    for row in search.search_plans(support, store_id=seed.rm[0]).rows:
        assert row.store_code == "RM01"


def test_support_lookups_are_audited(stores):
    seed = stores.seed
    support = seed.support
    plan = stores.rm[1]

    plans.get_plan(support, plan.id)
    [viewed] = events(Kind.PLAN_VIEWED)
    assert (viewed.user_id, viewed.username, viewed.target) == (support.id, "assistenza", "RM-2")
    assert json.loads(viewed.detail) == {"plan_id": plan.id}

    plans.verify_code(support, format_code(plan.activation_code).lower())
    mistyped = plan.activation_code[:-1] + ("0" if plan.activation_code[-1] != "0" else "1")
    with pytest.raises(CodeFormatError):
        plans.verify_code(support, mistyped)
    unknown = generate_code()
    assert not Plan.select().where(Plan.activation_code == unknown).exists()
    with pytest.raises(NotFound):
        plans.verify_code(support, unknown)
    verified = events(Kind.CODE_VERIFIED)
    assert [(e.user_id, e.target, json.loads(e.detail)) for e in verified] == [
        (support.id, plan.activation_code, {"result": "found"}),
        (support.id, mistyped, {"result": "mistyped"}),
        (support.id, unknown, {"result": "unknown"}),
    ]

    search.search_plans(support, "rossi")
    search.search_plans(support, "CM", store_id=seed.mi[0])
    searched = events(Kind.PLAN_SEARCHED)
    assert [(e.user_id, e.target) for e in searched] == [
        (support.id, "rossi"),
        (support.id, "CM"),
    ]
    assert searched[0].detail == ""
    assert json.loads(searched[1].detail) == {"store_id": seed.mi[0]}


def test_staff_lookups_of_their_own_plans_are_not_logged_as_support_lookups(stores):
    staff = stores.seed.staff_mi
    plans.get_plan(staff, stores.mi[0].id)
    search.search_plans(staff, "rossi")
    assert events(Kind.PLAN_VIEWED) == []
    assert events(Kind.PLAN_SEARCHED) == []


# --- the audit log by role --------------------------------------------------------------------


def test_staff_may_not_read_the_audit_log(stores):
    with pytest.raises(PermissionDenied):
        audit.list_events(stores.seed.staff_mi)
    with pytest.raises(PermissionDenied):
        audit.kinds_visible_to(stores.seed.staff_rm)


def test_support_sees_only_support_kinds_and_admin_sees_all(stores):
    seed = stores.seed
    plans.get_plan(seed.support, stores.mi[0].id)
    plans.verify_code(seed.support, stores.rm[0].activation_code)
    search.search_plans(seed.support, "ross")
    corrections.correct_plan(seed.staff_mi, stores.mi[0].id, reason="Refuso", last_name="Rosi")
    corrections.void_plan(seed.support, stores.rm[1].id, reason="Doppione")
    forms.adhesion_form(seed.support, plan_id=stores.rm[0].id)
    printing.print_form(seed.support, stores.rm[0].id)  # no queue: saved, and audited
    signed_forms.mark_form_signed(seed.support, stores.rm[0].id)
    signed_forms.undo_form_signed(seed.support, stores.rm[0].id, reason="Segnato per errore")
    printing.set_print_queue(seed.admin, "RM01", "RM01-LASER")
    from pdp_tui.services import service_requests

    request = service_requests.open_request(
        seed.support, stores.rm[0].id, concerns="covering", description="Macchia"
    )
    service_requests.change_status(seed.support, request.id, "in_progress")
    service_requests.add_note(seed.support, request.id, "Richiamato")
    all_kinds = {e.kind for e in AuditEvent.select()}
    # The seed and the registrations left events that support must not read.
    assert {
        Kind.LOGIN_OK,
        Kind.USER_CREATED,
        Kind.PLAN_REGISTERED,
        Kind.STORE_PRINTER_SET,
    } <= all_kinds

    support_page = audit.list_events(seed.support, limit=1000)
    assert {e.kind for e in support_page.rows} == set(SUPPORT_KINDS)
    assert audit.kinds_visible_to(seed.support) == SUPPORT_KINDS

    admin_page = audit.list_events(seed.admin, limit=1000)
    assert {e.kind for e in admin_page.rows} == all_kinds
    assert len(admin_page.rows) == AuditEvent.select().count()
    assert [e.id for e in admin_page.rows] == sorted((e.id for e in admin_page.rows), reverse=True)

    for kind in (Kind.LOGIN_OK, Kind.PLAN_REGISTERED, Kind.USER_CREATED, Kind.STORE_PRINTER_SET):
        with pytest.raises(ValidationError):
            audit.list_events(seed.support, kind=kind)
        assert audit.list_events(seed.admin, kind=kind).rows
    with pytest.raises(ValidationError):
        audit.list_events(seed.admin, kind="nonsense")


def test_audit_filters_by_user_store_kind_and_day(stores):
    seed = stores.seed
    plans.get_plan(seed.support, stores.mi[0].id)
    corrections.correct_plan(seed.staff_mi, stores.mi[0].id, reason="Refuso", last_name="Rosi")
    corrections.correct_plan(seed.staff_rm, stores.rm[0].id, reason="Refuso", last_name="Rosi")
    admin = seed.admin

    by_user = audit.list_events(admin, username=" Vendite.MI ", limit=1000).rows
    assert by_user and {e.username for e in by_user} == {"vendite.mi"}
    by_store = audit.list_events(admin, store_code="rm01", limit=1000).rows
    assert by_store and {e.store_code for e in by_store} == {"RM01"}
    assert {e.username for e in by_store} == {"vendite.rm"}
    by_kind = audit.list_events(seed.support, kind=Kind.PLAN_CORRECTED).rows
    assert [e.target for e in by_kind] == ["RM-1", "MI-1"]
    both = audit.list_events(seed.support, kind=Kind.PLAN_CORRECTED, store_code="MI01").rows
    assert [e.target for e in both] == ["MI-1"]
    assert audit.list_events(seed.support, username="assistenza").rows[0].kind == Kind.PLAN_VIEWED

    # Days are the users' days (Europe/Rome), the log stores naive UTC. Each local day gets
    # an event at its first and at its last second, written here in UTC (inserted with the
    # time on purpose: the log is append-only, never updated). Rome is UTC+1 in January
    # and UTC+2 in July.
    config.use(dataclasses.replace(config.current(), timezone="Europe/Rome"))
    edges = {
        "2025-01-09": ("2025-01-08 23:00:00", "2025-01-09 22:59:59"),
        "2025-01-10": ("2025-01-09 23:00:00", "2025-01-10 22:59:59"),
        "2025-01-11": ("2025-01-10 23:00:00", "2025-01-11 22:59:59"),
        "2025-07-01": ("2025-06-30 22:00:00", "2025-07-01 21:59:59"),
    }
    for local_day, instants in edges.items():
        for instant in instants:
            AuditEvent.create(
                at=dt.datetime.fromisoformat(instant),
                username="storico",
                kind=Kind.CODE_VERIFIED,
                target=local_day,
            )

    def targets(**kwargs) -> list[str]:
        rows = audit.list_events(seed.support, username="storico", **kwargs).rows
        return [e.target for e in rows]

    def day(text: str) -> dt.date:
        return dt.date.fromisoformat(text)

    assert targets(day_from=day("2025-01-10"), day_to=day("2025-01-10")) == ["2025-01-10"] * 2
    assert targets(day_from=day("2025-01-10"), day_to=day("2025-01-11")) == (
        ["2025-01-11"] * 2 + ["2025-01-10"] * 2
    )
    assert targets(day_to=day("2025-01-09")) == ["2025-01-09"] * 2
    assert targets(day_from=day("2025-07-01")) == ["2025-07-01"] * 2
    assert targets(day_from=day("2025-07-01"), day_to=day("2025-07-01")) == ["2025-07-01"] * 2
    assert targets(day_from=day("2025-01-12"), day_to=day("2025-06-30")) == []
    with pytest.raises(ValidationError) as info:
        audit.list_events(seed.support, day_from=dt.date(2025, 1, 11), day_to=dt.date(2025, 1, 9))
    assert set(info.value.errors) == {"day_to"}


def test_audit_keyset_paging(stores):
    seed = stores.seed
    for _ in range(7):
        plans.get_plan(seed.support, stores.rm[0].id)
    total = AuditEvent.select().where(AuditEvent.kind.in_(SUPPORT_KINDS)).count()
    assert total >= 7

    seen: list[int] = []
    before_id = None
    pages = 0
    while True:
        page = audit.list_events(seed.support, before_id=before_id, limit=3)
        pages += 1
        assert len(page.rows) <= 3
        seen += [e.id for e in page.rows]
        if page.next_cursor is None:
            break
        assert page.next_cursor == page.rows[-1].id
        before_id = page.next_cursor
    assert len(seen) == len(set(seen)) == total
    assert seen == sorted(seen, reverse=True)
    assert pages == -(-total // 3)
    # A full last page does not promise a next one that is empty.
    exact = audit.list_events(seed.support, limit=total)
    assert len(exact.rows) == total and exact.next_cursor is None


# --- service requests: scoped as the plans they belong to ------------------------------------


def _request_numbers(actor, **kwargs) -> set[str]:
    from pdp_tui.services import service_requests

    numbers: list[str] = []
    cursor = None
    while True:
        page = service_requests.list_requests(actor, cursor=cursor, limit=2, **kwargs)
        numbers += [row.contract_number for row in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            return set(numbers)


def test_service_requests_are_scoped_as_their_plans(stores):
    from pdp_tui.services import service_requests

    seed = stores.seed
    opened = {
        plan.contract_number: service_requests.open_request(
            seed.support, plan.id, concerns="covering", description="Macchia"
        )
        for plan in stores.mi + stores.rm
    }
    assert _request_numbers(seed.staff_mi) == MI_NUMBERS
    assert _request_numbers(seed.staff_rm) == RM_NUMBERS
    assert _request_numbers(seed.support) == MI_NUMBERS | RM_NUMBERS
    assert _request_numbers(seed.admin, store_id=seed.rm[0]) == RM_NUMBERS
    # A store filter does not widen what staff see.
    assert _request_numbers(seed.staff_mi, store_id=seed.rm[0]) == set()
    for plan in stores.rm:
        assert service_requests.plan_requests(seed.staff_mi, plan.id) == []
        with pytest.raises(NotFound):
            service_requests.get_request(seed.staff_mi, opened[plan.contract_number].id)
    # Staff read their own store's requests, and change none.
    own = opened["MI-1"]
    assert service_requests.get_request(seed.staff_mi, own.id).number == own.number
    with pytest.raises(PermissionDenied):
        service_requests.add_note(seed.staff_mi, own.id, "nota")
    # A staff account without a store sees none.
    User.update(store=None).where(User.id == seed.staff_mi.id).execute()
    orphan = auth.authenticate("vendite.mi", seed.password)
    assert _request_numbers(orphan) == set()
