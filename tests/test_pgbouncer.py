"""Through PgBouncer in transaction pooling mode: two app processes, one server connection.

The PgBouncer of PDP_TEST_PGBOUNCER_URL keeps one server connection per role (.ci/run's
``default_pool_size = 1``), so it hands the same PostgreSQL session to both processes in
turn, between their transactions. Whatever one process leaves in that session (a prepared
statement, a setting, a session lock, a LISTEN, a temporary table) the other would trip
over, and the test finds it there afterwards: the app must leave nothing.
"""

from __future__ import annotations

import multiprocessing
import traceback

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.pgbouncer(only=True)]

ROUNDS = 6
REPEATS = 8  # within one unit of work: beyond psycopg's default prepare_threshold (5)
# Settings PgBouncer itself sets on a server connection to match each client's.
PGBOUNCER_TRACKED = {
    "application_name",
    "client_encoding",
    "datestyle",
    "timezone",
    "standard_conforming_strings",
}


def _round(actor, worker: int, number: int) -> int:
    """One unit of work, as a till's would be, with each query repeated; the backend pid."""
    from pdp_tui.db import database
    from pdp_tui.services import catalogue, plans, search

    covering = catalogue.list_coverings(actor)[0].id
    plan = None
    for repeat in range(REPEATS):
        search.search_plans(actor, "ros")
        search.search_plans(actor, f"T{worker}-")
        plan = plans.register_plan(
            actor,
            covering_id=covering,
            contract_number=f"T{worker}-{number:02d}-{repeat}",
            first_name="Mario",
            last_name="Rossi",
            protection="covering",
        )
        plans.verify_code(actor, plan.activation_code)
    return database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]


def _till(url: str, worker: int, username: str, start, results) -> None:
    pids: set[int] = set()
    try:
        from pdp_tui import config, db
        from pdp_tui.models import User
        from pdp_tui.services import auth, gateway

        config.use(config.load_settings(env={}, database_url=url))
        db.open_database(url)
        actor = gateway.call(lambda: auth.actor_for(User.get(User.username == username)))
        start.wait(timeout=60)
        for number in range(ROUNDS):
            pids.add(gateway.call(_round, actor, worker, number))
        results.put((worker, pids, None))
    except BaseException:  # noqa: BLE001 - reported to the test, which fails on it
        results.put((worker, pids, traceback.format_exc()))


def test_two_processes_share_one_server_connection_and_leave_nothing_in_it(db_url, seed):
    import psycopg

    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(3)
    results = ctx.Queue()
    processes = [
        ctx.Process(target=_till, args=(db_url, w, user, start, results), daemon=True)
        for w, user in enumerate(("vendite.mi", "vendite.rm"))
    ]
    for process in processes:
        process.start()
    try:
        start.wait(timeout=60)
        reports = [results.get(timeout=120) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()

    failures = [f"process {w}:\n{tb}" for w, _, tb in reports if tb]
    assert not failures, "\n".join(failures)
    pids = set().union(*(p for _, p, _ in reports))
    assert len(pids) == 1, f"one server connection for both processes, saw backends {pids}"

    with psycopg.connect(db_url, autocommit=True, prepare_threshold=None) as conn:

        def one(sql: str):
            return conn.execute(sql).fetchone()[0]

        assert one("SELECT pg_backend_pid()") in pids  # the very session both processes used
        assert one("SELECT count(*) FROM pg_prepared_statements") == 0
        assert one("SELECT count(*) FROM pg_listening_channels()") == 0
        assert one("SELECT pg_my_temp_schema()::oid::int") == 0
        assert (
            one(
                "SELECT count(*) FROM pg_locks "
                "WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
            )
            == 0
        )
        changed = {
            name.lower()
            for (name,) in conn.execute(
                "SELECT name FROM pg_settings WHERE source = 'session'"
            ).fetchall()
        }
        assert changed <= PGBOUNCER_TRACKED, changed - PGBOUNCER_TRACKED
        registered = one("SELECT count(*) FROM plan WHERE contract_number LIKE 'T_-%'")
    assert registered == 2 * ROUNDS * REPEATS
