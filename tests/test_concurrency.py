"""Four tills at once: OS processes registering plans on the same database.

Each process does what the app does on Genera, ``gateway.call(plans.register_plan, ...)``,
on its own connection: SQLite (one file, WAL) and, when PDP_TEST_POSTGRES_URL is set,
PostgreSQL. Besides their own contract numbers, all four try the same few numbers (two
tills typing the same card), so that writers really collide.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
from collections import Counter

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.pgbouncer]

WORKERS = 4
OWN_PLANS = 40  # per process
SHARED = [f"SHARED-{n:03d}" for n in range(10)]  # every process tries each of these


def _till(url: str, worker: int, username: str, start, results) -> None:
    """One process: register OWN_PLANS plans and try every SHARED number."""
    outcome: list[tuple[str, str, str]] = []  # (contract number, "ok" | error class, code)
    try:
        from pdp_tui import config, db
        from pdp_tui.models import User
        from pdp_tui.services import auth, catalogue, gateway, plans
        from pdp_tui.services.errors import ServiceError

        config.use(config.load_settings(env={}, database_url=url))
        db.open_database(url)
        with db.session():
            actor = auth.actor_for(User.get(User.username == username))
            coverings = catalogue.list_coverings(actor)
        numbers = [f"T{worker}-{i:04d}" for i in range(OWN_PLANS)]
        # Interleave the shared numbers, in a different order in each process.
        shared = SHARED[worker:] + SHARED[:worker]
        for i, number in enumerate(shared):
            numbers.insert(i * 4 + worker % 4, number)
        start.wait(timeout=60)
        for i, number in enumerate(numbers):
            try:
                plan = gateway.call(
                    plans.register_plan,
                    actor,
                    covering_id=coverings[i % len(coverings)].id,
                    contract_number=number,
                    first_name="Mario",
                    last_name=f"Rossi {worker}",
                    protection="covering" if i % 2 else "covering_motion",
                )
                outcome.append((number, "ok", plan.activation_code))
            except ServiceError as exc:
                outcome.append((number, type(exc).__name__, str(exc)))
        results.put((worker, outcome, None))
    except BaseException:  # noqa: BLE001 - reported to the test, which fails on it
        results.put((worker, outcome, traceback.format_exc()))


def test_four_processes_register_concurrently(db_url, database, seed):
    url = db_url
    users = ["vendite.mi", "vendite.rm"]
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(WORKERS + 1)
    results = ctx.Queue()
    processes = [
        ctx.Process(target=_till, args=(url, w, users[w % 2], start, results), daemon=True)
        for w in range(WORKERS)
    ]
    for p in processes:
        p.start()
    try:
        start.wait(timeout=60)  # every process is connected and ready: go
        started = time.monotonic()
        reports = [results.get(timeout=60) for _ in processes]
        elapsed = time.monotonic() - started
    finally:
        for p in processes:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()

    failures = [f"process {w}:\n{tb}" for w, _, tb in reports if tb]
    assert not failures, "\n".join(failures)
    outcomes = [o for _, outcome, _ in reports for o in outcome]
    errors = Counter((kind, number.startswith("SHARED")) for number, kind, _ in outcomes)
    # The only refusal is the expected one: a shared number someone else registered first.
    # Above all, no DatabaseUnavailable ("database is locked") ever reached the caller.
    expected = {("ok", False), ("ok", True), ("DuplicateContract", True)}
    unexpected = {k: n for k, n in errors.items() if k not in expected}
    examples = [o for o in outcomes if o[1] not in ("ok", "DuplicateContract")][:5]
    assert not unexpected, (unexpected, examples)

    saved = [(number, code) for number, kind, code in outcomes if kind == "ok"]
    by_number = Counter(number for number, _ in saved)
    assert all(by_number[n] == 1 for n in SHARED), "each shared number: exactly one winner"
    assert len(by_number) == WORKERS * OWN_PLANS + len(SHARED)
    assert max(by_number.values()) == 1
    codes = [code for _, code in saved]
    assert len(set(codes)) == len(codes), "activation codes are unique"

    rows = database.execute_sql("SELECT contract_number, activation_code FROM plan").fetchall()
    assert sorted(rows) == sorted(saved), "the database holds exactly what the callers were told"
    assert elapsed < 30, f"{len(saved)} registrations took {elapsed:.1f} s"
