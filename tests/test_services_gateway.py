"""gateway.call: driver errors become DatabaseUnavailable, service errors pass through."""

from __future__ import annotations

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


def test_sqlite_file_that_cannot_be_opened(tmp_path):
    # A directory where the database file should be: it cannot be opened, even by root.
    (tmp_path / "pdp.sqlite3").mkdir()
    db.open_database(f"sqlite:///{tmp_path}/pdp.sqlite3")
    with pytest.raises(DatabaseUnavailable, match="Database non raggiungibile"):
        gateway.call(catalogue.list_coverings, SYSTEM)


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


@pytest.mark.postgres
@pytest.mark.pgbouncer
def test_overlapping_workers_take_turns_and_keep_no_connection(seed, db_url, request):
    """Workers of one process that overlap (a superseded search still running) take turns
    on one connection instead of each opening its own; a failing unit gives its turn back;
    afterwards the process holds no connection at all."""
    workers = 4
    ready = threading.Barrier(workers)
    lock = threading.Lock()
    inside, most, failures = 0, 0, []

    def unit(number: int) -> None:
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        try:
            db.database.execute_sql("SELECT 1")
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

    db.database.close()  # the test's own connection (the seed's), so that only workers count
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a worker never got its turn"
    assert not failures
    assert most == 1, f"{most} units of work ran at once"
    if request.node.callspec.params["db_url"] == "postgres":  # (PgBouncer keeps its own)
        assert _connections_of(urlsplit(db_url).username) == 0


def _connections_of(role: str) -> int:
    import psycopg

    with psycopg.connect(os.environ["PDP_TEST_POSTGRES_URL"], autocommit=True) as admin:
        return admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = %s", (role,)
        ).fetchone()[0]
