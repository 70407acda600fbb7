"""Service requests (richieste di intervento): opening, refusals, moves, notes, scoping,
numbering under concurrency; on both backends."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from pdp_tui import db
from pdp_tui.domain import (
    SYSTEM,
    RequestConcern,
    RequestOutcome,
    RequestStatus,
    RequestStepKind,
)
from pdp_tui.models import AuditEvent, Plan, ServiceRequest, ServiceRequestStep
from pdp_tui.services import audit, corrections, service_requests
from pdp_tui.services.errors import (
    NotFound,
    PermissionDenied,
    ServiceError,
    ValidationError,
)

YEAR = dt.datetime.now(dt.UTC).year


def _open(actor, plan_id, concerns="covering", description="Macchia sul bracciolo", phone=""):
    return service_requests.open_request(
        actor, plan_id, concerns=concerns, description=description, phone=phone
    )


def test_support_opens_a_numbered_request_with_its_first_step(seed, register):
    plan = register(seed.staff_mi, "MI-1")
    request = _open(seed.support, plan.id, phone="+39 333 123 4567")
    assert request.number == f"RI-{YEAR}-000001"
    assert request.status is RequestStatus.OPEN
    assert request.concerns is RequestConcern.COVERING
    assert (request.phone, request.created_by) == ("+39 333 123 4567", "Sara Neri")
    assert [s.kind for s in request.steps] == [RequestStepKind.OPENED]
    second = _open(seed.admin, plan.id)
    assert second.number == f"RI-{YEAR}-000002"
    assert AuditEvent.select().where(AuditEvent.kind == audit.Kind.REQUEST_OPENED).count() == 2


def test_refusals_are_clear(seed, register):
    covering_only = register(seed.staff_mi, "MI-1")
    with pytest.raises(ValidationError) as refused:
        _open(seed.support, covering_only.id, concerns="motion")
    assert refused.value.errors == {"concerns": "Il Piano non comprende i meccanismi motion."}
    motion = register(seed.staff_mi, "MI-2", protection="covering_motion")
    assert _open(seed.support, motion.id, concerns="motion").concerns is RequestConcern.MOTION

    with pytest.raises(ValidationError) as refused:
        _open(seed.support, motion.id, concerns=None, description="  ", phone="12ab")
    assert set(refused.value.errors) == {"concerns", "description", "phone"}
    assert "obbligatorio" in refused.value.errors["description"]

    corrections.void_plan(seed.support, motion.id, reason="Reso")
    with pytest.raises(ServiceError, match="annullato"):
        _open(seed.support, motion.id)

    Plan.update(valid_until=dt.date(2020, 1, 31)).where(Plan.id == covering_only.id).execute()
    with pytest.raises(ServiceError, match="scaduto il 31/01/2020"):
        _open(seed.support, covering_only.id)
    assert ServiceRequest.select().count() == 1


@pytest.mark.parametrize(
    "phone, ok",
    [
        ("", True),
        ("333 1234567", True),
        ("+39 02 1234 5678", True),
        ("123456", True),
        ("12345", False),
        ("1234567890123456", False),
        ("39+333", False),
        ("333-1234567", False),
        ("=1+2", False),
    ],
)
def test_phone_is_checked(phone, ok):
    if ok:
        service_requests.clean_phone(phone)
    else:
        with pytest.raises(ValueError):
            service_requests.clean_phone(phone)


def test_status_moves_forward_and_every_step_is_kept(seed, register):
    plan = register(seed.staff_mi, "MI-1")
    request = _open(seed.support, plan.id)
    moved = service_requests.change_status(seed.support, request.id, "in_progress")
    assert moved.status is RequestStatus.IN_PROGRESS
    noted = service_requests.add_note(seed.support, request.id, "Tecnico fissato per martedì")
    with pytest.raises(ValidationError) as refused:
        service_requests.change_status(seed.support, request.id, RequestStatus.CLOSED)
    assert "outcome" in refused.value.errors
    with pytest.raises(ValidationError):
        service_requests.add_note(seed.support, request.id, "   ")
    closed = service_requests.change_status(
        seed.admin, request.id, RequestStatus.CLOSED, outcome=RequestOutcome.REPAIR, note="Fatto"
    )
    assert closed.status is RequestStatus.CLOSED
    assert closed.outcome is RequestOutcome.REPAIR and closed.closed_at is not None
    assert [(s.kind, s.status, s.outcome, s.note, s.by) for s in closed.steps] == [
        (RequestStepKind.OPENED, RequestStatus.OPEN, None, "", "Sara Neri"),
        (RequestStepKind.STATUS, RequestStatus.IN_PROGRESS, None, "", "Sara Neri"),
        (RequestStepKind.NOTE, None, None, "Tecnico fissato per martedì", "Sara Neri"),
        (
            RequestStepKind.STATUS,
            RequestStatus.CLOSED,
            RequestOutcome.REPAIR,
            "Fatto",
            "Anna Gialli",
        ),
    ]
    assert noted.steps[-1].kind is RequestStepKind.NOTE
    with pytest.raises(ServiceError, match="«chiusa» non può passare a «in lavorazione»"):
        service_requests.change_status(seed.support, request.id, "in_progress")


def test_steps_and_requests_are_never_deleted(seed, register):
    plan = register(seed.staff_mi, "MI-1")
    request = _open(seed.support, plan.id)
    for statement in (
        lambda: ServiceRequestStep.delete().execute(),
        lambda: ServiceRequestStep.update(note="x").execute(),
        lambda: ServiceRequest.delete().execute(),
    ):
        with pytest.raises(Exception):  # noqa: B017 - each backend's own error
            with db.database.atomic():
                statement()
    assert len(service_requests.get_request(seed.support, request.id).steps) == 1


def test_staff_read_their_own_store_only_and_never_handle(seed, register):
    mi = register(seed.staff_mi, "MI-1")
    rm = register(seed.staff_rm, "RM-1")
    mine = _open(seed.support, mi.id)
    theirs = _open(seed.support, rm.id)
    assert [r.number for r in service_requests.list_requests(seed.staff_mi).rows] == [mine.number]
    assert [r.number for r in service_requests.plan_requests(seed.staff_mi, rm.id)] == []
    assert service_requests.get_request(seed.staff_mi, mine.id).number == mine.number
    with pytest.raises(NotFound):
        service_requests.get_request(seed.staff_mi, theirs.id)
    for attempt in (
        lambda: _open(seed.staff_mi, mi.id),
        lambda: service_requests.change_status(seed.staff_mi, mine.id, "in_progress"),
        lambda: service_requests.add_note(seed.staff_mi, mine.id, "nota"),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    everyone = service_requests.list_requests(seed.support)
    assert [r.number for r in everyone.rows] == [theirs.number, mine.number]


def test_list_filters_and_pages_newest_first(seed, register):
    mi = register(seed.staff_mi, "MI-1")
    rm = register(seed.staff_rm, "RM-1")
    opened = [_open(seed.support, (mi if i % 2 else rm).id) for i in range(7)]
    service_requests.change_status(seed.support, opened[0].id, "in_progress")
    page = service_requests.list_requests(seed.support, limit=3)
    seen = [r.number for r in page.rows]
    while page.next_cursor:
        page = service_requests.list_requests(seed.support, cursor=page.next_cursor, limit=3)
        seen += [r.number for r in page.rows]
    assert seen == [r.number for r in reversed(opened)]
    only_mi = service_requests.list_requests(seed.support, store_id=seed.mi[0])
    assert {r.store_code for r in only_mi.rows} == {"MI01"} and len(only_mi.rows) == 3
    working = service_requests.list_requests(seed.support, status="in_progress")
    assert [r.number for r in working.rows] == [opened[0].number]
    assert service_requests.open_counts_by_store() == {seed.mi[0]: 3, seed.rm[0]: 4}
    with pytest.raises(ValidationError):
        service_requests.list_requests(seed.support, status="boh")


def test_two_moves_of_the_same_request_do_not_both_win(seed, register):
    plan = register(seed.staff_mi, "MI-1")
    request = _open(seed.support, plan.id)
    service_requests.change_status(seed.support, request.id, "in_progress")
    # A second screen still showing "aperta" tries the same move.
    with pytest.raises(ServiceError):
        service_requests.change_status(seed.admin, request.id, "in_progress")


@pytest.mark.pgbouncer
def test_numbers_are_unique_when_many_open_at_once(seed, register, db_url):
    """Threads, each with its own connection, open requests at once: no number twice, none
    skipped."""
    plan = register(seed.staff_mi, "MI-1")
    threads, per_thread = 6, 5
    numbers: list[str] = []
    failures: list[BaseException] = []
    start = threading.Barrier(threads)

    def work() -> None:
        try:
            start.wait()
            with db.session():
                for _ in range(per_thread):
                    numbers.append(_open(seed.support, plan.id).number)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not failures, failures
    expected = {f"RI-{YEAR}-{n:06d}" for n in range(1, threads * per_thread + 1)}
    assert sorted(numbers) == sorted(expected)


def test_a_request_is_opened_by_a_person(seed, register):
    plan = register(seed.staff_mi, "MI-1")
    with pytest.raises(PermissionDenied):
        _open(SYSTEM, plan.id)


def _open_in_a_process(url: str, plan_id: int, count: int) -> list[str]:
    """A separate process: its own connection, as another terminal session would have."""
    from pdp_tui import db as process_db
    from pdp_tui.models import User
    from pdp_tui.services import auth

    process_db.open_database(url)
    with process_db.session():
        support = auth.actor_for(User.get(User.username == "assistenza"))
        return [_open(support, plan_id).number for _ in range(count)]


@pytest.mark.pgbouncer
def test_numbers_are_unique_across_processes(seed, register, db_url):
    import multiprocessing

    plan = register(seed.staff_mi, "MI-1")
    db.release()
    processes, per_process = 4, 5
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        batches = pool.starmap(_open_in_a_process, [(db_url, plan.id, per_process)] * processes)
    numbers = [n for batch in batches for n in batch]
    expected = {f"RI-{YEAR}-{n:06d}" for n in range(1, processes * per_process + 1)}
    assert sorted(numbers) == sorted(expected)
