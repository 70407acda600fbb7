"""The audit log's hash chain (issue 10): every event hashed with the one before, plan events
carrying the plan's fields, ``pdp-tui audit verify`` catching each way of tampering with the
database behind the app's back (as a superuser on PostgreSQL, with the sqlite3 module on
SQLite), and writers from several processes keeping the chain whole."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pdp_tui import cli, db
from pdp_tui.domain import SYSTEM
from pdp_tui.models import AuditChain, AuditEvent, Plan
from pdp_tui.services import audit, audit_verify, corrections, signed_forms

ROOT = Path(__file__).resolve().parents[1]
MIGRATION = db.MIGRATIONS_DIR / "0007_audit_chain.py"


def verify(**kwargs) -> audit_verify.ChainReport:
    return audit_verify.verify_chain(SYSTEM, **kwargs)


def broken(**kwargs) -> str:
    with pytest.raises(audit_verify.ChainBroken) as info:
        verify(**kwargs)
    return str(info.value)


def tamper(db_url: str, *statements: str) -> None:
    """Run ``statements`` on the database directly, around the app and its triggers."""
    db.release()
    if db_url.startswith("sqlite"):
        conn = sqlite3.connect(db_url.removeprefix("sqlite:///"))
        try:
            names = [
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
            ]
            for name in names:
                conn.execute(f"DROP TRIGGER {name}")
            for sql in statements:
                conn.execute(sql)
            conn.commit()
        finally:
            conn.close()
        return
    import psycopg

    schema = urlsplit(db_url).username
    with psycopg.connect(os.environ["PDP_TEST_POSTGRES_URL"], autocommit=True) as conn:
        conn.execute(f'SET search_path = "{schema}"')
        conn.execute("SET session_replication_role = replica")  # no triggers, no FK checks
        for sql in statements:
            conn.execute(sql)


@pytest.fixture
def history(seed, register):
    """Plans registered, corrected, voided and marked, logins and lookups in between."""
    one = register(seed.staff_mi, "MI-1", "Nicolò", "D'Amico")
    two = register(seed.staff_mi, "MI-2")
    three = register(seed.staff_rm, "RM-1")
    corrections.correct_plan(seed.staff_mi, one.id, reason="Refuso", first_name="Nicola")
    corrections.void_plan(seed.support, two.id, reason="Reso del divano")
    signed_forms.mark_form_signed(seed.staff_rm, three.id)
    signed_forms.undo_form_signed(seed.support, three.id, reason="Segnato per sbaglio")
    signed_forms.mark_form_signed(seed.staff_rm, three.id)
    return [one, two, three]


# --- what is written --------------------------------------------------------------------


def test_each_event_is_hashed_with_the_previous_one(history):
    events = list(AuditEvent.select().order_by(AuditEvent.id))
    assert len(events) > 10
    prev = audit.GENESIS
    for event in events:
        assert event.prev_hash == prev
        fields = {name: getattr(event, name) for name in audit.HASHED_FIELDS}
        assert event.hash == audit.event_hash(fields, prev)
        prev = event.hash
    head = AuditChain.get_by_id(1)
    assert (head.last_id, head.last_hash) == (events[-1].id, prev)


def test_plan_events_record_what_the_plan_became(history):
    one = history[0]
    event = (
        AuditEvent.select()
        .where(AuditEvent.plan_id == one.id)
        .order_by(AuditEvent.id.desc())
        .first()
    )
    assert event.kind == audit.Kind.PLAN_CORRECTED
    state = json.loads(event.detail)["state"]
    assert state["first_name"] == "Nicola" and state["last_name"] == "D'Amico"
    assert state["activation_code"] == one.activation_code
    assert state["contract_number"] == "MI-1"
    kinds = {e.kind for e in AuditEvent.select().where(AuditEvent.plan_id.is_null(False))}
    assert kinds == {
        audit.Kind.PLAN_REGISTERED,
        audit.Kind.PLAN_CORRECTED,
        audit.Kind.PLAN_VOIDED,
        audit.Kind.FORM_SIGNED,
        audit.Kind.FORM_SIGNED_UNDONE,
    }
    # Lookups name no plan: only changes carry a plan's fields.
    assert (
        not AuditEvent.select()
        .where((AuditEvent.kind == audit.Kind.PLAN_VIEWED) & AuditEvent.plan_id.is_null(False))
        .exists()
    )


@pytest.mark.pgbouncer
def test_verify_passes_and_counts(history):
    report = verify()
    assert report.events == AuditEvent.select().count()
    assert report.plans == 3
    assert report.head == AuditChain.get_by_id(1).last_hash
    # Small batches walk the same chain.
    assert verify(batch=2) == report


def test_verify_on_an_empty_database(database):
    assert verify() == audit_verify.ChainReport(0, 0, audit.GENESIS)


def test_the_migration_hashes_as_the_service_does():
    """0007 keeps its own frozen copy of the encoding: both must agree."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("m0007", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.HASHED_FIELDS == audit.HASHED_FIELDS
    assert module.PLAN_STATE_FIELDS == audit.PLAN_STATE_FIELDS
    assert module.GENESIS == audit.GENESIS
    assert module.PLAN_STATE_KIND == audit.PLAN_STATE_AT_CHAIN_START
    import datetime as dt

    fields = {
        "at": dt.datetime(2025, 3, 10, 9, 0, 0),
        "user_id": 1,
        "username": "vendite.mi",
        "store_id": None,
        "kind": "plan_registered",
        "target": "MI-0001",
        "detail": '{"nome": "Nicolò"}',
        "plan_id": 7,
    }
    assert module._event_hash(fields, "ab" * 32) == audit.event_hash(fields, "ab" * 32)


def test_a_database_upgraded_to_the_chain_verifies(db_url):
    """0007 over a deployed database: old events chained, each plan's state recorded."""
    from test_db import _rows_of_a_deployed_database

    database = db.open_database(db_url)
    runner = db._runner(database)
    names = sorted(p.stem for p in db.MIGRATIONS_DIR.glob("0*.py"))
    before = names[names.index(MIGRATION.stem) - 1]
    with database.connection_context():
        runner.up(target="0001_initial")
    _rows_of_a_deployed_database(database)
    with database.connection_context(), database.atomic():
        runner.up(target=before)
    with database.connection_context():
        assert db.migrate() == names[names.index(MIGRATION.stem) :]
    with db.session():
        report = verify()
        assert (report.events, report.plans) == (2, 1)
        state_event = AuditEvent.get(AuditEvent.kind == audit.PLAN_STATE_AT_CHAIN_START)
        assert json.loads(state_event.detail)["state"]["last_name"] == "D'Amico"
        # and the app goes on chaining from there
        from pdp_tui.models import User
        from pdp_tui.services import auth

        clerk = auth.actor_for(User.get(User.username == "vendite.mi"))
        corrections.correct_plan(clerk, Plan.get().id, reason="Refuso", first_name="Nicola")
        assert verify().events == 3
    db.release()


# --- tampering ----------------------------------------------------------------------------


def _middle_event() -> AuditEvent:
    events = list(AuditEvent.select(AuditEvent.id).order_by(AuditEvent.id))
    return events[len(events) // 2]


def test_an_edited_event_is_caught(db_url, history):
    event = _middle_event()
    tamper(db_url, f"UPDATE audit_event SET username = 'qualcun.altro' WHERE id = {event.id}")
    assert f"l'evento n. {event.id} " in broken() and "modificato" in broken()


def test_an_edited_event_with_its_hash_recomputed_is_caught(db_url, history):
    event = AuditEvent.get_by_id(_middle_event().id)
    fields = {
        "at": event.at, "user_id": event.user_id, "username": "qualcun.altro",
        "store_id": event.store_id, "kind": event.kind, "target": event.target,
        "detail": event.detail, "plan_id": event.plan_id,
    }  # fmt: skip
    digest = audit.event_hash(fields, event.prev_hash)
    tamper(
        db_url,
        f"UPDATE audit_event SET username = 'qualcun.altro', hash = '{digest}' "
        f"WHERE id = {event.id}",
    )
    message = broken()
    assert "non segue il precedente" in message and f"n. {event.id}." not in message


def test_a_deleted_event_is_caught(db_url, history):
    event = _middle_event()
    tamper(db_url, f"DELETE FROM audit_event WHERE id = {event.id}")
    message = broken()
    assert "non segue il precedente" in message
    assert f"dopo l'evento n. {event.id - 1} manca un evento" in message


def test_deleting_the_last_events_is_caught(db_url, history):
    last = AuditEvent.select(AuditEvent.id).order_by(AuditEvent.id.desc()).first().id
    tamper(db_url, f"DELETE FROM audit_event WHERE id >= {last - 1}")
    assert "mancano gli ultimi eventi" in broken()


def test_an_event_inserted_out_of_order_is_caught(db_url, history):
    first = AuditEvent.select().order_by(AuditEvent.id).first()
    tamper(
        db_url,
        "INSERT INTO audit_event (id, at, user_id, username, store_id, kind, target, detail, "
        "plan_id, prev_hash, hash) SELECT 0, at, user_id, 'intruso', store_id, kind, target, "
        f"detail, plan_id, prev_hash, hash FROM audit_event WHERE id = {first.id}",
    )
    assert "l'evento n. 0 " in broken()


def test_an_event_appended_behind_the_apps_back_is_caught(db_url, history):
    head = AuditChain.get_by_id(1)
    fields = {
        "at": head and AuditEvent.get_by_id(head.last_id).at, "user_id": None,
        "username": "intruso", "store_id": None, "kind": "login_ok", "target": "",
        "detail": "", "plan_id": None,
    }  # fmt: skip
    digest = audit.event_hash(fields, head.last_hash)
    at = audit.canonical(fields["at"])
    tamper(
        db_url,
        "INSERT INTO audit_event (id, at, username, kind, target, detail, prev_hash, hash) "
        f"VALUES ({head.last_id + 100}, '{at}', 'intruso', 'login_ok', '', '', "
        f"'{head.last_hash}', '{digest}')",
    )
    assert "testa della catena" in broken()


def test_an_activation_code_changed_behind_the_apps_back_is_caught(db_url, history):
    plan = history[2]
    tamper(db_url, f"UPDATE plan SET activation_code = 'ZZZZZZZZZZZZ' WHERE id = {plan.id}")
    message = broken()
    assert "il Piano RM-1 non corrisponde" in message
    assert "codice di attivazione" in message and "activation_code" not in message


def test_a_plan_inserted_behind_the_apps_back_is_caught(db_url, history):
    columns = ", ".join(name for name in audit.PLAN_STATE_FIELDS)
    copied = columns.replace("contract_number", "'MI-FALSO'").replace(
        "activation_code", "'ABCDEFGHJKMN'"
    )
    tamper(
        db_url, f"INSERT INTO plan ({columns}) SELECT {copied} FROM plan WHERE id = {history[0].id}"
    )
    assert "il Piano MI-FALSO non compare nel registro" in broken()


def test_a_deleted_plan_is_caught(db_url, history):
    plan = history[1]
    tamper(
        db_url,
        f"DELETE FROM plan_change WHERE plan_id = {plan.id}",
        f"DELETE FROM plan WHERE id = {plan.id}",
    )
    assert f"riguarda un Piano che non c'è più (id {plan.id})" in broken()


def test_cli_audit_verify(db_url, history, capsys):
    assert cli.main(["--db", db_url, "audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "Registro integro:" in out and "3 Piani" in out
    tamper(db_url, f"UPDATE plan SET first_name = 'Ugo' WHERE id = {history[0].id}")
    assert cli.main(["--db", db_url, "audit", "verify"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pdp-tui: Registro alterato: il Piano MI-1")
    db.release()


# --- batches and concurrency -----------------------------------------------------------------


def test_verify_reads_in_batches_with_memory_that_does_not_grow(seed, statements):
    for i in range(200):
        audit.record(audit.Kind.PLAN_SEARCHED, seed.support, target=f"ricerca {i}" * 5)
    statements.clear()
    verify(batch=50)
    event_reads = [s for s in statements if 'FROM "audit_event"' in s and "LIMIT" in s]
    assert len(event_reads) >= 4

    def peak() -> int:
        tracemalloc.start()
        try:
            verify(batch=50)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small = peak()
    for i in range(800):
        audit.record(audit.Kind.PLAN_SEARCHED, seed.support, target=f"ricerca {i}" * 5)
    assert peak() < small * 1.5 + 64 * 1024


WRITER = """
import sys
from pdp_tui import db
from pdp_tui.services import auth, audit, plans, catalogue
db.open_database(sys.argv[1])
who = sys.argv[2]
with db.session():
    actor = auth.authenticate("vendite.mi", sys.argv[3])
    covering = catalogue.list_coverings(actor)[0].id
for i in range(int(sys.argv[4])):
    with db.session():
        plans.register_plan(actor, covering_id=covering, contract_number=f"{who}-{i}",
                            first_name="Anna", last_name="Neri", protection="covering")
        audit.record(audit.Kind.PLAN_SEARCHED, actor, target=f"{who} {i}")
db.release()
"""


@pytest.mark.pgbouncer
def test_writers_in_several_processes_keep_the_chain_whole(db_url, seed):
    db.release()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    per_process, processes = 15, 4
    children = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, db_url, f"P{n}", seed.password, str(per_process)],
            env=env,
        )
        for n in range(processes)
    ]
    assert [child.wait(180) for child in children] == [0] * processes
    with db.session():
        report = verify()
    assert report.plans == per_process * processes
    assert AuditEvent.select().where(AuditEvent.kind == audit.Kind.PLAN_REGISTERED).count() == (
        per_process * processes
    )
