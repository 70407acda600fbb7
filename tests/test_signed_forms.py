"""The signed form: the mark "modulo firmato ricevuto", its undo with a reason, the state on
the detail and the list, and the list filter "form still missing after N days"."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from pdp_tui.db import is_postgres
from pdp_tui.domain import ChangeKind, utcnow
from pdp_tui.models import AuditEvent, Plan
from pdp_tui.services import corrections, plans, search, signed_forms
from pdp_tui.services.audit import Kind
from pdp_tui.services.errors import NotFound, PermissionDenied, ValidationError

REASON = "Segnato sul contratto sbagliato"


def events(kind: str) -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.kind == kind).order_by(AuditEvent.id))


def registered_days_ago(plan_id: int, days: float) -> None:
    Plan.update(created_at=utcnow() - dt.timedelta(days=days)).where(Plan.id == plan_id).execute()


def missing(actor, days: int, query: str = "", **kwargs) -> list[str]:
    """Every contract number the filter finds, through all pages (small pages on purpose)."""
    numbers, cursor = [], None
    while True:
        page = search.search_plans(
            actor, query, form_missing_days=days, cursor=cursor, limit=2, **kwargs
        )
        numbers += [row.contract_number for row in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            return numbers


@pytest.fixture
def plan(seed, register):
    return register(seed.staff_mi, "PDP-300", "Anna", "Verdi")


# --- marking and undoing ------------------------------------------------------------------


def test_staff_marks_the_signed_form_received(seed, plan):
    assert plan.form_signed_at is None and plan.form_signed_by is None
    started = utcnow()
    marked = signed_forms.mark_form_signed(seed.staff_mi, plan.id)
    finished = utcnow()
    assert started <= marked.form_signed_at <= finished
    assert marked.form_signed_by == "Giulia Bianchi"
    assert plans.get_plan(seed.staff_mi, plan.id) == marked
    assert marked.activation_code == plan.activation_code
    [row] = search.search_plans(seed.staff_mi, "PDP-300").rows
    assert row.form_signed_at == marked.form_signed_at

    [entry] = corrections.plan_history(seed.staff_mi, plan.id)
    assert entry.kind is ChangeKind.FORM_SIGNED
    assert entry.kind.label == "modulo firmato ricevuto"
    assert (entry.before, entry.after) == ({"form_signed": "mancante"}, {"form_signed": "ricevuto"})
    assert entry.changed_by == "Giulia Bianchi" and entry.reason == ""
    [event] = events(Kind.FORM_SIGNED)
    assert (event.username, event.target) == ("vendite.mi", "PDP-300")
    detail = json.loads(event.detail)
    assert detail.pop("state")["form_signed_by_id"] == event.user_id
    assert detail == {"plan_id": plan.id}


def test_support_undoes_a_mistaken_mark_with_a_reason(seed, plan):
    signed_forms.mark_form_signed(seed.staff_mi, plan.id)
    with pytest.raises(ValidationError) as caught:
        signed_forms.undo_form_signed(seed.support, plan.id, reason="   ")
    assert "Motivo" in caught.value.errors["reason"]
    undone = signed_forms.undo_form_signed(seed.support, plan.id, reason=f"  {REASON} ")
    assert undone.form_signed_at is None and undone.form_signed_by is None
    row = Plan.get_by_id(plan.id)
    assert row.form_signed_at is None and row.form_signed_by_id is None

    history = corrections.plan_history(seed.support, plan.id)
    assert [e.kind for e in history] == [ChangeKind.FORM_SIGNED, ChangeKind.FORM_SIGNED_UNDONE]
    assert history[1].reason == REASON and history[1].changed_by == "Sara Neri"
    assert history[1].after == {"form_signed": "mancante"}
    [event] = events(Kind.FORM_SIGNED_UNDONE)
    detail = json.loads(event.detail)
    assert event.username == "assistenza"
    assert detail["reason"] == REASON and detail["marked_by"] == "vendite.mi"
    assert detail["marked_at"]
    # It can be marked again once the real form comes back.
    again = signed_forms.mark_form_signed(seed.support, plan.id)
    assert again.form_signed_by == "Sara Neri"


def test_marking_twice_or_undoing_nothing_is_refused(seed, plan):
    with pytest.raises(ValidationError, match="non risulta ricevuto"):
        signed_forms.undo_form_signed(seed.staff_mi, plan.id, reason=REASON)
    signed_forms.mark_form_signed(seed.staff_mi, plan.id)
    with pytest.raises(ValidationError, match="già ricevuto"):
        signed_forms.mark_form_signed(seed.support, plan.id)
    assert len(events(Kind.FORM_SIGNED)) == 1


def test_a_voided_plan_needs_no_signed_form(seed, plan):
    corrections.void_plan(seed.staff_mi, plan.id, reason="Doppione")
    with pytest.raises(ValidationError, match="annullato"):
        signed_forms.mark_form_signed(seed.staff_mi, plan.id)


def test_who_may_mark(seed, plan):
    for actor in (seed.staff_rm,):
        with pytest.raises(NotFound):
            signed_forms.mark_form_signed(actor, plan.id)
    with pytest.raises(PermissionDenied):
        signed_forms.mark_form_signed(seed.admin, plan.id)
    signed_forms.mark_form_signed(seed.staff_mi, plan.id)
    with pytest.raises(NotFound):
        signed_forms.undo_form_signed(seed.staff_rm, plan.id, reason=REASON)
    with pytest.raises(PermissionDenied):
        signed_forms.undo_form_signed(seed.admin, plan.id, reason=REASON)
    assert Plan.get_by_id(plan.id).form_signed_at is not None


# --- the list filter ----------------------------------------------------------------------


@pytest.fixture
def aged(seed, register):
    """Plans of both stores registered 0-40 days ago; some signed, one voided."""
    ages = {"MI-40": 40, "MI-20": 20, "MI-10": 10, "MI-5": 5, "MI-0": 0, "MI-SIGNED": 30}
    made = {}
    for number, days in ages.items():
        made[number] = register(seed.staff_mi, number, "Mario", f"Rossi{days}")
        registered_days_ago(made[number].id, days)
    for number, days in {"RM-25": 25, "RM-VOID": 25}.items():
        made[number] = register(seed.staff_rm, number, "Luca", "Bianchi")
        registered_days_ago(made[number].id, days)
    signed_forms.mark_form_signed(seed.staff_mi, made["MI-SIGNED"].id)
    corrections.void_plan(seed.staff_rm, made["RM-VOID"].id, reason="Doppione")
    return made


def test_missing_after_n_days_newest_first_across_pages(seed, aged):
    assert missing(seed.support, 7) == ["MI-10", "MI-20", "RM-25", "MI-40"]
    assert missing(seed.support, 0) == ["MI-0", "MI-5", "MI-10", "MI-20", "RM-25", "MI-40"]
    assert missing(seed.support, 30) == ["MI-40"]
    assert missing(seed.support, 41) == []
    assert missing(seed.staff_mi, 7) == ["MI-10", "MI-20", "MI-40"]
    assert missing(seed.staff_rm, 7) == ["RM-25"]
    assert missing(seed.support, 7, store_id=seed.mi[0]) == ["MI-10", "MI-20", "MI-40"]
    page = search.search_plans(seed.support, form_missing_days=7)
    assert all(row.form_signed_at is None for row in page.rows)


@pytest.mark.parametrize("matches", ["few", "many"])
def test_missing_with_a_search_text(seed, aged, monkeypatch, matches):
    if matches == "many":  # every text counts as matching many plans: walk the missing ones
        monkeypatch.setattr(search, "NARROW_MATCHES", 0)
    assert missing(seed.support, 7, "mi-") == ["MI-10", "MI-20", "MI-40"]
    assert missing(seed.support, 7, "rossi2") == ["MI-20"]
    assert missing(seed.support, 7, "bianchi luca") == ["RM-25"]
    assert missing(seed.staff_mi, 7, "bianchi") == []


def test_a_mark_takes_a_plan_off_the_list_and_an_undo_puts_it_back(seed, aged):
    signed_forms.mark_form_signed(seed.staff_mi, aged["MI-20"].id)
    assert missing(seed.staff_mi, 7) == ["MI-10", "MI-40"]
    signed_forms.undo_form_signed(seed.support, aged["MI-20"].id, reason=REASON)
    assert missing(seed.staff_mi, 7) == ["MI-10", "MI-20", "MI-40"]


@pytest.mark.parametrize("days", [-1, 3651, 1.5, "7", True])
def test_days_must_be_a_sensible_whole_number(seed, days):
    with pytest.raises(ValidationError) as caught:
        search.search_plans(seed.support, form_missing_days=days)
    assert "Giorni" in caught.value.errors["form_missing_days"]


def test_the_filter_walks_the_missing_form_indexes(database, seed, aged, monkeypatch):
    from test_db import _captured_selects, _full_scans_of_plan

    def run():
        for actor in (seed.staff_mi, seed.support):
            page = search.search_plans(actor, form_missing_days=7, limit=1)
            search.search_plans(actor, form_missing_days=7, cursor=page.next_cursor, limit=1)

    statements = _captured_selects(run)
    assert len(statements) == 4
    for sql, params in statements:
        plan = query_plan(database, sql, params)
        assert "plan_store_form_missing" in plan or "plan_form_missing" in plan, plan

    def with_text():
        for actor in (seed.staff_mi, seed.support):
            search.search_plans(actor, "rossi", form_missing_days=7, limit=1)
            monkeypatch.setattr(search, "NARROW_MATCHES", 0)
            search.search_plans(actor, "rossi", form_missing_days=7, limit=1)
            monkeypatch.undo()

    for sql, params in _captured_selects(with_text):
        assert _full_scans_of_plan(database, sql, params) == [], sql


def query_plan(database, sql: str, params: tuple) -> str:
    if is_postgres(database):
        with database.atomic():
            database.execute_sql("SET LOCAL enable_seqscan = off")
            return "\n".join(row[0] for row in database.execute_sql("EXPLAIN " + sql, params))
    rows = database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    return "\n".join(row[-1] for row in rows)
