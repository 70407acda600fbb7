"""Corrections and voiding of registered plans: history, reasons, scoping, nothing deleted."""

from __future__ import annotations

import json

import pytest

from pdp_tui.domain import ChangeKind, PlanStatus, ProtectionType, utcnow
from pdp_tui.models import AuditEvent, Plan, PlanChange
from pdp_tui.services import corrections, plans, search
from pdp_tui.services.audit import Kind
from pdp_tui.services.errors import NotFound, PermissionDenied, ValidationError

# The app's own queries: also run through PgBouncer (transaction pooling).
pytestmark = pytest.mark.pgbouncer

REASON = "Cognome trascritto male dal cartoncino"


def found(actor, query: str) -> set[str]:
    return {row.contract_number for row in search.search_plans(actor, query).rows}


def counts() -> tuple[int, int, int]:
    return Plan.select().count(), PlanChange.select().count(), AuditEvent.select().count()


def events(kind: str) -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.kind == kind).order_by(AuditEvent.id))


@pytest.fixture
def plan(seed, register):
    return register(seed.staff_mi, "PDP-100", "Mario", "Rosi")


# --- correcting ---------------------------------------------------------------------------


def test_correct_surname_keeps_the_code_and_records_history(seed, plan):
    started = utcnow()
    corrected = corrections.correct_plan(
        seed.staff_mi, plan.id, reason=f"  {REASON}  ", last_name=" Rossi "
    )
    finished = utcnow()

    assert corrected.last_name == "Rossi"
    assert corrected.first_name == "Mario"
    assert corrected.activation_code == plan.activation_code
    assert corrected.contract_number == plan.contract_number
    assert corrected.status is PlanStatus.ACTIVE
    assert plans.get_plan(seed.staff_mi, plan.id) == corrected
    row = Plan.get_by_id(plan.id)
    assert (row.name_key, row.first_last_key) == ("rossimario", "mariorossi")
    assert row.updated_at is not None and started <= row.updated_at <= finished

    [entry] = corrections.plan_history(seed.staff_mi, plan.id)
    assert entry.kind is ChangeKind.CORRECTION
    assert entry.before == {"last_name": "Rosi"}
    assert entry.after == {"last_name": "Rossi"}
    assert entry.changed_by == "Giulia Bianchi"
    assert entry.reason == REASON  # trimmed
    assert started <= entry.changed_at <= finished


def test_search_finds_the_new_surname_and_not_the_old(seed, plan, register):
    register(seed.staff_mi, "PDP-101", "Anna", "Verdi")
    assert found(seed.staff_mi, "rosi") == {"PDP-100"}
    corrections.correct_plan(seed.staff_mi, plan.id, reason=REASON, last_name="Bassi")
    assert found(seed.staff_mi, "bassi") == {"PDP-100"}
    assert found(seed.staff_mi, "bassi mario") == {"PDP-100"}
    assert found(seed.staff_mi, "rosi") == set()
    assert found(seed.support, "bassi") == {"PDP-100"}


def test_correct_every_field_at_once(seed, plan):
    other_covering = seed.coverings[1]
    corrected = corrections.correct_plan(
        seed.staff_mi,
        plan.id,
        reason=REASON,
        first_name="Marco",
        last_name="Rossi",
        covering_id=other_covering.id,
        protection=ProtectionType.COVERING_AND_MOTION,
    )
    assert (corrected.first_name, corrected.last_name) == ("Marco", "Rossi")
    assert corrected.covering == other_covering
    assert corrected.protection is ProtectionType.COVERING_AND_MOTION
    [entry] = corrections.plan_history(seed.staff_mi, plan.id)
    assert entry.before == {
        "first_name": "Mario",
        "last_name": "Rosi",
        "covering": seed.coverings[0].label,
        "protection": "solo rivestimento",
    }
    assert entry.after == {
        "first_name": "Marco",
        "last_name": "Rossi",
        "covering": other_covering.label,
        "protection": "rivestimento + motion",
    }


def test_support_corrects_a_plan_of_any_store(seed, plan):
    corrections.correct_plan(seed.support, plan.id, reason=REASON, first_name="Maria")
    [entry] = corrections.plan_history(seed.staff_mi, plan.id)
    assert entry.changed_by == "Sara Neri"
    assert entry.after == {"first_name": "Maria"}


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reason_is_mandatory(seed, plan, reason):
    before = counts()
    with pytest.raises(ValidationError) as info:
        corrections.correct_plan(seed.staff_mi, plan.id, reason=reason, last_name="Rossi")
    assert info.value.errors == {"reason": "Motivo: campo obbligatorio."}
    with pytest.raises(ValidationError) as info:
        corrections.void_plan(seed.staff_mi, plan.id, reason=reason)
    assert info.value.errors == {"reason": "Motivo: campo obbligatorio."}
    assert counts() == before
    assert plans.get_plan(seed.staff_mi, plan.id) == plan


def test_reason_with_control_characters_or_too_long_is_refused(seed, plan):
    for reason in ("riga\x1b[2Jpulita", "x" * 501):
        with pytest.raises(ValidationError) as info:
            corrections.correct_plan(seed.staff_mi, plan.id, reason=reason, last_name="Rossi")
        assert set(info.value.errors) == {"reason"}
        assert info.value.errors["reason"].startswith("Motivo: ")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"last_name": "  "}, "last_name", "Cognome: campo obbligatorio."),
        ({"last_name": "123"}, "last_name", "Cognome: deve contenere almeno una lettera."),
        ({"first_name": "M" * 61}, "first_name", "Nome: al massimo 60 caratteri (ne hai 61)."),
        (
            {"covering_id": 999_999},
            "covering",
            "Rivestimento: scegli uno dei rivestimenti in elenco.",
        ),
        ({"protection": "kasko"}, "protection", "Tipo di protezione: scegli una delle opzioni."),
    ],
)
def test_invalid_field_is_keyed_by_field(seed, plan, changes, field, message):
    before = counts()
    with pytest.raises(ValidationError) as info:
        corrections.correct_plan(seed.staff_mi, plan.id, reason=REASON, **changes)
    assert info.value.errors == {field: message}
    assert counts() == before


def test_every_error_at_once(seed, plan):
    with pytest.raises(ValidationError) as info:
        corrections.correct_plan(seed.staff_mi, plan.id, reason="", first_name="1", last_name="")
    assert set(info.value.errors) == {"reason", "first_name", "last_name"}


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"last_name": "Rosi"},
        {"last_name": " Rosi ", "first_name": "Mario"},
        {"protection": "covering"},
    ],
)
def test_no_change_is_refused(seed, plan, changes):
    before = counts()
    with pytest.raises(ValidationError) as info:
        corrections.correct_plan(seed.staff_mi, plan.id, reason=REASON, **changes)
    assert info.value.errors == {"plan": "Nessuna modifica da salvare."}
    assert counts() == before


# --- voiding ------------------------------------------------------------------------------


def test_void_keeps_the_plan_and_its_code_verifies_as_voided(seed, plan):
    voided = corrections.void_plan(seed.staff_mi, plan.id, reason="Vendita annullata")
    assert voided.status is PlanStatus.VOIDED
    assert voided.activation_code == plan.activation_code
    assert Plan.get_by_id(plan.id).status == "voided"

    verified = plans.verify_code(seed.support, plan.activation_code.lower())
    assert verified.id == plan.id
    assert verified.status is PlanStatus.VOIDED
    # Still listed, marked as voided.
    [row] = search.search_plans(seed.staff_mi, "PDP-100").rows
    assert row.status is PlanStatus.VOIDED

    [entry] = corrections.plan_history(seed.staff_mi, plan.id)
    assert entry.kind is ChangeKind.VOID
    assert entry.before == {"status": "attivo"}
    assert entry.after == {"status": "annullato"}
    assert entry.reason == "Vendita annullata"


def test_void_twice_is_refused(seed, plan):
    corrections.void_plan(seed.staff_mi, plan.id, reason="Vendita annullata")
    before = counts()
    with pytest.raises(ValidationError) as info:
        corrections.void_plan(seed.support, plan.id, reason="Di nuovo")
    assert info.value.errors == {"plan": "Il Piano è già annullato."}
    assert counts() == before


def test_a_voided_plan_cannot_be_corrected(seed, plan):
    corrections.void_plan(seed.staff_mi, plan.id, reason="Vendita annullata")
    before = counts()
    with pytest.raises(ValidationError) as info:
        corrections.correct_plan(seed.staff_mi, plan.id, reason=REASON, last_name="Rossi")
    assert info.value.errors == {"plan": "Il Piano è annullato: non si può correggere."}
    assert counts() == before
    assert Plan.get_by_id(plan.id).last_name == "Rosi"


# --- nothing deleted, everything audited ----------------------------------------------------


def test_nothing_is_ever_deleted(seed, plan, register):
    other = register(seed.staff_mi, "PDP-200", "Anna", "Verdi")
    plans_before, changes_before, _ = counts()
    corrections.correct_plan(seed.staff_mi, plan.id, reason=REASON, last_name="Rossi")
    corrections.correct_plan(seed.support, plan.id, reason="Nome", first_name="Marco")
    corrections.void_plan(seed.staff_mi, plan.id, reason="Vendita annullata")
    corrections.void_plan(seed.support, other.id, reason="Doppione")
    assert Plan.select().count() == plans_before
    assert PlanChange.select().count() == changes_before + 4
    history = corrections.plan_history(seed.support, plan.id)
    assert [e.kind for e in history] == [
        ChangeKind.CORRECTION,
        ChangeKind.CORRECTION,
        ChangeKind.VOID,
    ]
    assert [e.reason for e in history] == [REASON, "Nome", "Vendita annullata"]
    assert [e.changed_by for e in history] == ["Giulia Bianchi", "Sara Neri", "Giulia Bianchi"]


def test_corrections_and_voids_are_audited_with_detail(seed, plan):
    corrections.correct_plan(seed.staff_mi, plan.id, reason=REASON, last_name="Rossi")
    [event] = events(Kind.PLAN_CORRECTED)
    assert (event.user_id, event.username, event.store_id) == (
        seed.staff_mi.id,
        "vendite.mi",
        seed.mi[0],
    )
    assert event.target == "PDP-100"
    detail = json.loads(event.detail)
    # What the plan became (the audit chain covers each plan's current row).
    assert detail.pop("state")["last_name"] == "Rossi"
    assert detail == {
        "plan_id": plan.id,
        "reason": REASON,
        "before": {"last_name": "Rosi"},
        "after": {"last_name": "Rossi"},
    }

    corrections.void_plan(seed.support, plan.id, reason="Vendita annullata")
    [event] = events(Kind.PLAN_VOIDED)
    assert (event.user_id, event.username, event.store_id) == (seed.support.id, "assistenza", None)
    assert event.target == "PDP-100"
    detail = json.loads(event.detail)
    assert detail.pop("state")["status"] == "voided"
    assert detail == {
        "plan_id": plan.id,
        "reason": "Vendita annullata",
        "before": {"status": "attivo"},
        "after": {"status": "annullato"},
    }


def test_refused_changes_leave_no_audit_row(seed, plan):
    with pytest.raises(ValidationError):
        corrections.correct_plan(seed.staff_mi, plan.id, reason="", last_name="Rossi")
    with pytest.raises(NotFound):
        corrections.void_plan(seed.staff_rm, plan.id, reason="x")
    assert events(Kind.PLAN_CORRECTED) == []
    assert events(Kind.PLAN_VOIDED) == []


# --- who may -------------------------------------------------------------------------------


def test_admin_may_not_correct_or_void(seed, plan):
    before = counts()
    with pytest.raises(PermissionDenied):
        corrections.correct_plan(seed.admin, plan.id, reason=REASON, last_name="Rossi")
    with pytest.raises(PermissionDenied):
        corrections.void_plan(seed.admin, plan.id, reason=REASON)
    assert counts() == before
    assert plans.get_plan_unaudited(seed.staff_mi, plan.id) == plan


def test_staff_of_another_store_get_not_found(seed, plan):
    before = counts()
    with pytest.raises(NotFound):
        corrections.correct_plan(seed.staff_rm, plan.id, reason=REASON, last_name="Rossi")
    with pytest.raises(NotFound):
        corrections.void_plan(seed.staff_rm, plan.id, reason=REASON)
    with pytest.raises(NotFound):
        corrections.plan_history(seed.staff_rm, plan.id)
    assert counts() == before
    assert plans.get_plan_unaudited(seed.staff_mi, plan.id) == plan


def test_unknown_plan_is_not_found(seed):
    with pytest.raises(NotFound):
        corrections.correct_plan(seed.support, 999_999, reason=REASON, last_name="Rossi")
    with pytest.raises(NotFound):
        corrections.void_plan(seed.support, 999_999, reason=REASON)
    with pytest.raises(NotFound):
        corrections.plan_history(seed.support, 999_999)


def test_history_is_empty_before_any_change(seed, plan):
    assert corrections.plan_history(seed.staff_mi, plan.id) == []
    assert corrections.plan_history(seed.support, plan.id) == []
