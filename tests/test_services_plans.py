"""Plan registration ("Genera"), lookup and activation-code verification."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import queue
import threading

import pytest

from pdp_tui import config, db
from pdp_tui.domain import SYSTEM, Actor, PlanStatus, ProtectionType, Role
from pdp_tui.models import AuditEvent, Covering, Plan, Protection
from pdp_tui.services import catalogue, plans
from pdp_tui.services.audit import Kind
from pdp_tui.services.codes import CodeFormatError, check_character, format_code, parse_code
from pdp_tui.services.errors import DuplicateContract, NotFound, PermissionDenied, ValidationError

# The app's own queries: also run through PgBouncer (transaction pooling).
pytestmark = pytest.mark.pgbouncer

FIELDS = {"covering", "contract_number", "first_name", "last_name", "protection"}


def last_event(kind: str) -> AuditEvent:
    return AuditEvent.select().where(AuditEvent.kind == kind).order_by(AuditEvent.id.desc()).get()


# --- registration -------------------------------------------------------------------------


def test_registration(seed, register):
    plan = register(seed.staff_mi, "pdp-2026-01 ", "Mario", "Rossi", "covering_motion")
    assert plan.contract_number == "PDP-2026-01"
    assert (plan.first_name, plan.last_name, plan.customer) == ("Mario", "Rossi", "Rossi Mario")
    assert plan.covering == seed.coverings[0]
    assert plan.protection is ProtectionType.COVERING_AND_MOTION
    assert (plan.store_code, plan.store_name) == ("MI01", "Milano Centro")
    assert plan.created_by == "Giulia Bianchi"
    assert plan.status is PlanStatus.ACTIVE
    assert parse_code(plan.activation_code) == plan.activation_code
    assert len(plan.activation_code) == 12
    assert plan.valid_until == plans.add_months(plan.created_at.date(), 60)
    assert abs(plan.created_at - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(
        minutes=1
    )
    row = Plan.get_by_id(plan.id)
    assert (row.name_key, row.first_last_key) == ("rossimario", "mariorossi")
    assert not plan.already_registered
    assert plans.get_plan(seed.staff_mi, plan.id) == plan


def test_registration_is_audited(seed, register):
    plan = register(seed.staff_rm, "A-1")
    event = last_event(Kind.PLAN_REGISTERED)
    assert (event.user_id, event.username, event.store_id) == (
        seed.staff_rm.id,
        "vendite.rm",
        seed.rm[0],
    )
    assert event.target == "A-1"
    detail = json.loads(event.detail)
    state = detail.pop("state")  # what the plan's fields are: the audit chain covers them
    assert state["activation_code"] == plan.activation_code.replace("-", "")
    assert (state["contract_number"], state["store_id"]) == ("A-1", seed.rm[0])
    assert detail == {"plan_id": plan.id}
    assert event.plan_id == plan.id


def test_each_protection_type_and_covering(seed, register):
    for i, covering in enumerate(seed.coverings):
        for protection in ProtectionType:
            plan = register(
                seed.staff_mi,
                f"C-{i}-{protection.value[-1]}",
                protection=protection,
                covering_id=covering.id,
            )
            assert plan.covering == covering
            assert plan.protection is protection


def test_every_field_error_at_once(seed):
    with pytest.raises(ValidationError) as info:
        plans.register_plan(
            seed.staff_mi,
            covering_id=None,
            contract_number="àbc",
            first_name="   ",
            last_name="Ros\x1bsi",
            protection="kasko-totale",
        )
    errors = info.value.errors
    assert set(errors) == FIELDS
    assert "Rivestimento" in errors["covering"]
    assert "Numero del contratto" in errors["contract_number"]
    assert "Nome" in errors["first_name"] and "obbligatorio" in errors["first_name"]
    assert "Cognome" in errors["last_name"] and "non ammessi" in errors["last_name"]
    assert "protezione" in errors["protection"]
    assert Plan.select().count() == 0


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"covering_id": 999_999}, "covering"),
        ({"covering_id": 0}, "covering"),
        ({"contract_number": ""}, "contract_number"),
        ({"contract_number": "PDP 1"}, "contract_number"),
        ({"contract_number": "X" * 21}, "contract_number"),
        ({"first_name": "12"}, "first_name"),
        ({"first_name": "M" * 61}, "first_name"),
        ({"last_name": "Ros\u202esi"}, "last_name"),
        ({"last_name": "Ros\u200bsi"}, "last_name"),
        ({"last_name": "Rossi\n"}, "last_name"),
        ({"protection": None}, "protection"),
        ({"protection": ""}, "protection"),
    ],
)
def test_one_field_error(seed, changes, field):
    args = (
        dict(
            covering_id=seed.covering_id,
            contract_number="PDP-1",
            first_name="Mario",
            last_name="Rossi",
            protection="covering",
        )
        | changes
    )
    with pytest.raises(ValidationError) as info:
        plans.register_plan(seed.staff_mi, **args)
    assert set(info.value.errors) == {field}
    assert not isinstance(info.value, DuplicateContract)


def test_inactive_catalogue_entries_are_refused(seed):
    Covering.update(active=False).where(Covering.id == seed.covering_id).execute()
    Protection.update(active=False).where(Protection.code == "covering_motion").execute()
    with pytest.raises(ValidationError) as info:
        plans.register_plan(
            seed.staff_mi,
            covering_id=seed.covering_id,
            contract_number="PDP-1",
            first_name="Mario",
            last_name="Rossi",
            protection=ProtectionType.COVERING_AND_MOTION,
        )
    assert set(info.value.errors) == {"covering", "protection"}


def test_duplicate_contract_in_another_store_is_refused(seed, register):
    plan = register(seed.staff_mi, "PDP-2026-7")
    for typed, first in (("pdp-2026-7", "Luigi"), (" PDP-2026-7 ", "Mario")):
        with pytest.raises(DuplicateContract) as info:
            register(seed.staff_rm, typed, first, "Rossi")
        assert info.value.errors == {
            "contract_number": "Il contratto PDP-2026-7 è già registrato in un altro negozio: "
            "contatta l'assistenza."
        }
        assert isinstance(info.value, ValidationError)
        # Nothing of the other store's plan: neither its code nor its customer.
        assert plan.activation_code not in str(info.value) and "Rossi" not in str(info.value)
    assert Plan.select().count() == 1
    assert Plan.get().store_id == seed.mi[0]


def test_same_store_other_customer_is_refused(seed, register):
    register(seed.staff_mi, "PDP-2026-7", "Mario", "Rossi")
    with pytest.raises(DuplicateContract) as info:
        register(seed.staff_mi, "PDP-2026-7", "Luigi", "Bianchi")
    assert info.value.errors == {
        "contract_number": "Il contratto PDP-2026-7 è già registrato in questo negozio per un "
        "altro cliente."
    }


def test_every_problem_is_reported_in_one_round_with_the_duplicate(seed, register):
    register(seed.staff_mi, "PDP-2026-7")
    with pytest.raises(DuplicateContract) as info:
        plans.register_plan(
            seed.staff_rm,
            covering_id=None,
            contract_number="pdp-2026-7",
            first_name="  ",
            last_name="Rossi",
            protection=None,
        )
    assert set(info.value.errors) == {"contract_number", "covering", "first_name", "protection"}
    assert "altro negozio" in info.value.errors["contract_number"]


@pytest.mark.parametrize(
    "first, last", [("Nicolò", "D'Amico"), ("nicolo", "d amico"), (" NICOLÒ ", "D’AMICO")]
)
def test_the_same_contract_for_the_same_customer_again_gives_its_code(seed, register, first, last):
    """The reply was lost (or Genera pressed twice): the store sees the plan it registered."""
    plan = register(seed.staff_mi, "PDP-2026-7", "Nicolò", "D'Amico")
    again = register(seed.staff_mi, "pdp-2026-7", first, last)
    assert again.already_registered
    assert (again.id, again.activation_code, again.created_at) == (
        plan.id,
        plan.activation_code,
        plan.created_at,
    )
    assert (again.first_name, again.last_name) == ("Nicolò", "D'Amico")  # as registered
    assert Plan.select().count() == 1
    event = last_event(Kind.PLAN_REGISTERED_AGAIN)
    assert (event.username, event.target) == ("vendite.mi", "PDP-2026-7")
    assert AuditEvent.select().where(AuditEvent.kind == Kind.PLAN_REGISTERED).count() == 1
    # Another store with the same customer is still refused.
    with pytest.raises(DuplicateContract):
        register(seed.staff_rm, "PDP-2026-7", first, last)


def test_a_voided_plan_is_not_given_again(seed, register):
    from pdp_tui.services import corrections

    plan = register(seed.staff_mi, "PDP-2026-7", "Mario", "Rossi")
    corrections.void_plan(seed.support, plan.id, reason="cartoncino rovinato")
    with pytest.raises(DuplicateContract) as info:
        register(seed.staff_mi, "PDP-2026-7", "Mario", "Rossi")
    assert "annullato" in info.value.errors["contract_number"]


def test_duplicate_registered_between_check_and_insert(seed, register, monkeypatch):
    """The other till wins after our pre-check: the unique index decides, and we say so."""
    real_utcnow = plans.utcnow
    in_main_thread = threading.get_ident()

    def other_till_registers_first():
        if threading.get_ident() != in_main_thread:
            return real_utcnow()
        errors: list[BaseException] = []

        def run():
            try:
                register(seed.staff_rm, "GARA-1", "Luigi", "Bianchi")
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.database.close()

        thread = threading.Thread(target=run)
        thread.start()
        thread.join(30)
        assert not errors
        return real_utcnow()

    monkeypatch.setattr(plans, "utcnow", other_till_registers_first)
    with pytest.raises(DuplicateContract):
        register(seed.staff_mi, "gara-1")
    monkeypatch.setattr(plans, "utcnow", real_utcnow)
    assert [(p.contract_number, p.store_id) for p in Plan.select()] == [("GARA-1", seed.rm[0])]


def test_code_collision_is_retried(seed, register, monkeypatch):
    first = register(seed.staff_mi, "A-1")
    fresh = plans.generate_code()
    issued = iter([first.activation_code, first.activation_code, fresh])
    monkeypatch.setattr(plans, "generate_code", lambda: next(issued))
    second = register(seed.staff_mi, "A-2")
    assert second.activation_code == fresh


def test_names_are_stored_trimmed_and_composed(seed, register):
    plan = register(seed.staff_mi, "N-1", "  Nicolo\u0300 ", "  D’Amico  ")
    row = Plan.get_by_id(plan.id)
    assert (row.first_name, row.last_name) == ("Nicolò", "D’Amico")
    assert (row.name_key, row.first_last_key) == ("damiconicolo", "nicolodamico")


@pytest.mark.parametrize(
    "first_name, last_name",
    [("[b]x[/b]", "[@click=app.quit]"), ("[red]Mario", "Rossi[/]"), ("$(rm -rf)", "<b>Rossi</b>")],
)
def test_markup_looking_names_are_stored_literally(seed, register, first_name, last_name):
    plan = register(seed.staff_mi, "M-1", first_name, last_name)
    row = Plan.get_by_id(plan.id)
    assert (row.first_name, row.last_name) == (first_name, last_name)
    assert plans.get_plan(seed.support, plan.id).first_name == first_name


def test_only_staff_of_a_store_register(seed):
    # The trusted operator's id with the staff role: no store to register for.
    storeless = Actor(id=None, username="x", role=Role.STAFF, store_id=None)
    for actor in (seed.support, seed.admin, SYSTEM, storeless):
        with pytest.raises(PermissionDenied):
            plans.register_plan(
                actor,
                covering_id=seed.covering_id,
                contract_number="P-1",
                first_name="Mario",
                last_name="Rossi",
                protection="covering",
            )
    assert Plan.select().count() == 0


def test_valid_until_follows_the_protection_validity(seed, register):
    Protection.update(validity_months=24).where(Protection.code == "covering").execute()
    plan = register(seed.staff_mi, "V-1")
    assert plan.valid_until == plans.add_months(plan.created_at.date(), 24)


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2026, 3, 31), 1, dt.date(2026, 4, 30)),
        (dt.date(2026, 11, 15), 2, dt.date(2027, 1, 15)),
        (dt.date(2024, 2, 29), 60, dt.date(2029, 2, 28)),
        (dt.date(2026, 5, 20), 60, dt.date(2031, 5, 20)),
        (dt.date(2026, 12, 31), 12, dt.date(2027, 12, 31)),
    ],
)
def test_add_months(day, months, expected):
    assert plans.add_months(day, months) == expected


# --- lookup and verification --------------------------------------------------------------


def test_get_plan_is_scoped_to_the_store(seed, register):
    mi = register(seed.staff_mi, "MI-1")
    rm = register(seed.staff_rm, "RM-1")
    assert plans.get_plan(seed.staff_mi, mi.id) == mi
    with pytest.raises(NotFound, match="Contratto non trovato"):
        plans.get_plan(seed.staff_mi, rm.id)
    with pytest.raises(NotFound):
        plans.get_plan(seed.staff_rm, mi.id)
    with pytest.raises(NotFound):
        plans.get_plan(seed.staff_mi, 999_999)
    assert plans.get_plan(seed.support, rm.id) == rm
    assert plans.get_plan(seed.admin, mi.id) == mi


def test_support_views_are_audited(seed, register):
    plan = register(seed.staff_mi, "MI-1")
    before = AuditEvent.select().where(AuditEvent.kind == Kind.PLAN_VIEWED).count()
    plans.get_plan(seed.staff_mi, plan.id)
    assert AuditEvent.select().where(AuditEvent.kind == Kind.PLAN_VIEWED).count() == before
    plans.get_plan(seed.support, plan.id)
    event = last_event(Kind.PLAN_VIEWED)
    assert (event.username, event.target) == ("assistenza", "MI-1")


def test_verify_code(seed, register):
    plan = register(seed.staff_mi, "MI-1")
    typed = format_code(plan.activation_code).lower().replace("-", " ")
    assert plans.verify_code(seed.staff_mi, typed) == plan
    assert plans.verify_code(seed.support, plan.activation_code) == plan
    event = last_event(Kind.CODE_VERIFIED)
    assert (event.username, event.target) == ("assistenza", plan.activation_code)
    assert json.loads(event.detail) == {"result": "found"}


def test_mistyped_and_unknown_codes_are_told_apart(seed, register):
    plan = register(seed.staff_mi, "MI-1")
    code = plan.activation_code
    swapped = (
        code[1] + code[0] + code[2:] if code[0] != code[1] else code[:-2] + code[-1] + code[-2]
    )
    with pytest.raises(CodeFormatError, match="Controlla il codice"):
        plans.verify_code(seed.support, swapped)
    assert json.loads(last_event(Kind.CODE_VERIFIED).detail) == {"result": "mistyped"}

    body = "ZZZZZZZZZZZ" if not code.startswith("ZZZZ") else "00000000000"
    unknown = body + check_character(body)
    with pytest.raises(NotFound, match="Codice non trovato"):
        plans.verify_code(seed.support, unknown)
    assert json.loads(last_event(Kind.CODE_VERIFIED).detail) == {"result": "unknown"}
    assert not issubclass(CodeFormatError, NotFound)
    assert not issubclass(NotFound, CodeFormatError)


def test_verify_code_of_another_store_is_not_found_for_staff(seed, register):
    rm = register(seed.staff_rm, "RM-1")
    with pytest.raises(NotFound):
        plans.verify_code(seed.staff_mi, rm.activation_code)
    assert plans.verify_code(seed.staff_rm, rm.activation_code) == rm
    assert plans.verify_code(seed.support, rm.activation_code) == rm


def test_plans_cannot_be_deleted(seed, register):
    register(seed.staff_mi, "MI-1")
    with pytest.raises(Exception, match="never deleted|append-only"):
        with db.database.atomic():
            Plan.delete().execute()
    assert Plan.select().count() == 1


# --- two tills, one contract number, same moment -------------------------------------------


def _race_worker(url, actor, covering_id, numbers, barrier, results):
    """Child process: register each contract number as soon as the barrier opens."""
    from pdp_tui.services import auth  # noqa: F401 - same imports as the app

    config.use(config.load_settings(env={}))
    database = db.open_database(url)
    database.connect()
    catalogue.list_coverings(actor)  # warm up: the race starts with a live connection
    try:
        for number in numbers:
            barrier.wait(timeout=60)
            try:
                plans.register_plan(
                    actor,
                    covering_id=covering_id,
                    contract_number=number,
                    first_name="Mario",
                    last_name="Rossi",
                    protection="covering",
                )
                results.put((number, actor.username, "ok"))
            except DuplicateContract:
                results.put((number, actor.username, "duplicate"))
            except BaseException as exc:  # noqa: BLE001 - sent back to the test
                results.put((number, actor.username, f"{type(exc).__name__}: {exc}"))
    finally:
        db.release(database)


@pytest.mark.slow
def test_simultaneous_registration_of_one_contract(seed, db_url):
    rounds = [f"GARA-{i}" for i in range(6)]
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    workers = [
        ctx.Process(
            target=_race_worker,
            args=(db_url, actor, seed.covering_id, rounds, barrier, results),
        )
        for actor in (seed.staff_mi, seed.staff_rm)
    ]
    for worker in workers:
        worker.start()
    outcomes: dict[str, list[str]] = {number: [] for number in rounds}
    try:
        for _ in range(2 * len(rounds)):
            number, _username, outcome = results.get(timeout=90)
            outcomes[number].append(outcome)
    except queue.Empty:
        pytest.fail(f"workers did not answer: {outcomes}")
    finally:
        for worker in workers:
            worker.join(30)
            if worker.is_alive():
                worker.kill()
    for number, got in outcomes.items():
        assert sorted(got) == ["duplicate", "ok"], (number, got)
    assert Plan.select().where(Plan.contract_number.startswith("GARA-")).count() == len(rounds)
