"""gateway.call: driver errors become DatabaseUnavailable, service errors pass through."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from urllib.parse import urlsplit

import pytest

from pdp_tui import db
from pdp_tui.domain import SYSTEM
from pdp_tui.models import Plan
from pdp_tui.services import catalogue, gateway, plans
from pdp_tui.services.errors import DatabaseUnavailable, NotFound, ValidationError


def test_postgres_server_down():
    db.open_database("postgresql://postgres@127.0.0.1:1/pdp")
    with pytest.raises(DatabaseUnavailable, match="Database non raggiungibile"):
        gateway.call(catalogue.list_coverings, SYSTEM)


def test_sqlite_files_that_cannot_be_opened_are_named(tmp_path):
    # A directory where the database file should be, a file that is not SQLite, none at all.
    (tmp_path / "cartella.sqlite3").mkdir()
    (tmp_path / "testo.sqlite3").write_text("ciao\n")
    cases = [
        ("cartella.sqlite3", "è una cartella, non un file"),
        ("testo.sqlite3", "non è un database SQLite"),
        ("manca.sqlite3", "non esiste: per crearlo esegui «pdp-tui migrate"),
    ]
    for name, message in cases:
        url = f"sqlite:///{tmp_path}/{name}"
        with pytest.raises(DatabaseUnavailable) as said:
            gateway.prepare(url, auto_migrate=True, create=False)
        assert f"{tmp_path}/{name}" in str(said.value) and message in str(said.value)
        assert str(said.value)[0].isupper()


def test_missing_schema_is_a_database_error(db_url):
    db.open_database(db_url)
    with pytest.raises(DatabaseUnavailable):
        gateway.call(catalogue.list_coverings, SYSTEM)


def test_results_and_service_errors_pass_through(seed):
    assert gateway.call(catalogue.list_coverings, seed.staff_mi) == seed.coverings
    with pytest.raises(NotFound):
        gateway.call(plans.get_plan, seed.staff_mi, 999_999)
    with pytest.raises(ValidationError):
        gateway.call(catalogue.add_store, seed.admin, "", "")
    assert gateway.call(catalogue.list_stores, seed.staff_mi) == [
        (seed.mi[0], "MI01", "Milano Centro")
    ]


def test_a_refused_statement_leaves_a_usable_connection(seed, register):
    register(seed.staff_mi, "A-1")

    def delete_everything():
        with db.database.atomic():
            Plan.delete().execute()

    with pytest.raises(DatabaseUnavailable, match="Errore del database"):
        gateway.call(delete_everything)
    assert gateway.call(lambda: Plan.select().count()) == 1
    assert gateway.call(plans.get_plan, seed.staff_mi, Plan.get().id).contract_number == "A-1"


# --- PostgreSQL: one connection per process, while it works -------------------------------


def _backends(db_url: str) -> set[int]:
    """The PostgreSQL backends of the test's role (its schema's connections)."""
    import psycopg

    with psycopg.connect(os.environ["PDP_TEST_POSTGRES_URL"], autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE usename = %s", (urlsplit(db_url).username,)
        ).fetchall()
    return {pid for (pid,) in rows}


async def _wait_for(predicate, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


@pytest.mark.postgres
@pytest.mark.pgbouncer
async def test_overlapping_workers_take_turns_on_one_connection_closed_when_idle(
    seed, db_url, request
):
    """Workers of one process that overlap (a superseded search still running) take turns
    on one connection instead of each opening its own; a failing unit gives its turn back;
    the connection is closed after a while without work."""
    direct = request.node.callspec.params["db_url"] == "postgres"
    database = db.database.obj
    database.idle_seconds = 0.3
    db.release()  # the seed's connection: from here on, only the workers' count
    workers = 4
    ready = threading.Barrier(workers)
    lock = threading.Lock()
    inside, most, failures, pids = 0, 0, [], set()

    def unit(number: int) -> None:
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        try:
            pids.add(db.database.execute_sql("SELECT pg_backend_pid()").fetchone()[0])
            time.sleep(0.02)  # long enough for the others to arrive meanwhile
            # A unit nests in its own thread: no wait for its own turn.
            assert gateway.call(catalogue.list_coverings, seed.staff_mi) == seed.coverings
            if number == 0:
                raise LookupError("a unit that fails")
        finally:
            with lock:
                inside -= 1

    def worker(number: int) -> None:
        ready.wait(timeout=10)
        try:
            gateway.call(unit, number)
        except LookupError:
            pass
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a worker never got its turn"
    assert not failures
    assert most == 1, f"{most} units of work ran at once"
    if direct:  # (PgBouncer pools server connections of its own)
        assert len(pids) == 1, "one connection, kept from one unit to the next"
        assert _backends(db_url) <= pids
        await _wait_for(lambda: not _backends(db_url), "the idle connection to be closed")
    else:
        await _wait_for(lambda: database._kept is None, "the idle connection to be closed")


@pytest.mark.postgres
def test_a_kept_connection_the_server_ended_is_not_used(seed, db_url):
    """(Directly only: through PgBouncer the client connection lives on, and PgBouncer
    itself hands out a server connection ended this way once, unchecked.)"""
    import psycopg

    assert gateway.call(catalogue.list_coverings, seed.staff_mi) == seed.coverings
    db.database.close()  # the test's own: now only the kept one is left
    kept = db.database.obj._kept
    assert kept is not None
    with psycopg.connect(os.environ["PDP_TEST_POSTGRES_URL"], autocommit=True) as admin:
        admin.execute(
            # With a timeout: returns once the backend has gone (PostgreSQL 14 and later).
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE usename = %s",
            (urlsplit(db_url).username,),
        )
    # The kept connection has the server's farewell to read: it is dropped unused.
    assert gateway.call(catalogue.list_coverings, seed.staff_mi) == seed.coverings
