"""What the audit log's hash chain costs Genera, and how fast ``audit verify`` walks it.

    python bench/audit_chain.py [--backend sqlite|postgres|both] [--runs 300]
                                [--verify-events 20000]

Each run is one ``services.plans.register_plan`` call in its own session, as the app's
gateway makes it (the service alone: no screen). "with the chain" is the code as it is:
``audit.record`` locks the chain's head, reads the plan's fields back, hashes the event
and moves the head. "without" swaps in the writer as it was before the chain (one INSERT
of the event), in the same process and database, the two taking turns registration by
registration, so that machine noise hits both. Then ``audit verify`` walks a log of
``--verify-events`` events written by the chain (events per second, peak memory).

Fresh databases: an SQLite file in the cache directory, and the PostgreSQL database
``pdp_bench_chain`` on the server of PDP_BENCH_POSTGRES_URL (dropped and made again).
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc

import _harness as h


def _plain_record(kind, actor, *, username=None, target="", detail=None, plan=None) -> None:
    """audit.record as it was before the chain: one INSERT, nothing locked or read."""
    from pdp_tui.models import AuditEvent

    AuditEvent.create(
        user=actor.id if actor else None,
        username=(username if username is not None else actor.username if actor else "")[:100],
        store=actor.store_id if actor else None,
        kind=kind,
        target=target[:100],
        detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else "",
    )


def _fresh_url(backend: str) -> str:
    if backend == "sqlite":
        path = h.CACHE / "audit-chain.sqlite3"
        h.CACHE.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(h.POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS pdp_bench_chain WITH (FORCE)")
        conn.execute("CREATE DATABASE pdp_bench_chain")
    return h.POSTGRES_ADMIN_URL.rpartition("/")[0] + "/pdp_bench_chain"


def measure(backend: str, runs: int, verify_events: int) -> None:
    from pdp_tui import config, db
    from pdp_tui.domain import SYSTEM, Role
    from pdp_tui.services import accounts, audit, audit_verify, auth, catalogue, plans

    url = _fresh_url(backend)
    config.use(config.load_settings(env={}, database_url=url))
    database = db.open_database(url)
    db.migrate(database)
    with db.session():
        catalogue.add_store(SYSTEM, "MI01", "Milano")
        accounts.create_user(
            SYSTEM, "vendite.mi", Role.STAFF, password=h.STAFF[1] + "-bench",
            store_code="MI01", must_change_password=False,
        )  # fmt: skip
        actor = auth.authenticate("vendite.mi", h.STAFF[1] + "-bench")
        covering = catalogue.list_coverings(actor)[0].id
    chained = audit.record
    times: dict[str, list[float]] = {"with the chain": [], "without": []}
    for i, mode in enumerate(h.alternate("with the chain", "without", runs=runs + 5)):
        audit.record = chained if mode == "with the chain" else _plain_record
        started = time.perf_counter()
        with db.session():
            plans.register_plan(
                actor,
                covering_id=covering,
                contract_number=f"B-{i:06d}",
                first_name="Mario",
                last_name="Rossi",
                protection="covering",
            )
        if i >= 10:  # the first five of each warm up: discarded
            times[mode].append(time.perf_counter() - started)
    audit.record = chained
    print(f"{backend}:")
    for mode, samples in times.items():
        print(f"  Genera (register_plan), {mode:<15} {h.fmt(samples)}")
    medians = {mode: h.summary(samples)["median"] for mode, samples in times.items()}
    extra = medians["with the chain"] - medians["without"]
    print(f"  difference of the medians: {extra * 1000:+.2f} ms")

    # The plain writer's events are not chained: verify a log the chain wrote alone, of
    # ``verify_events`` events (a plan registered for every tenth), written in transactions
    # of a thousand to fill it quickly.
    url_verify = _fresh_url(backend)
    config.use(config.load_settings(env={}, database_url=url_verify))
    database = db.open_database(url_verify)
    db.migrate(database)
    with db.session():
        catalogue.add_store(SYSTEM, "MI01", "Milano")
        accounts.create_user(
            SYSTEM, "vendite.mi", Role.STAFF, password=h.STAFF[1] + "-bench",
            store_code="MI01", must_change_password=False,
        )  # fmt: skip
        actor = auth.authenticate("vendite.mi", h.STAFF[1] + "-bench")
        for start in range(0, verify_events, 1000):
            with database.atomic():
                for i in range(start, min(start + 1000, verify_events)):
                    if i % 10 == 0:
                        plans.register_plan(
                            actor, covering_id=covering, contract_number=f"V-{i:07d}",
                            first_name="Anna", last_name="Neri", protection="covering",
                        )  # fmt: skip
                    else:
                        audit.record(audit.Kind.PLAN_SEARCHED, actor, target=f"ricerca {i}")
    with db.session():
        started = time.perf_counter()
        report = audit_verify.verify_chain(SYSTEM)
        elapsed = time.perf_counter() - started
        tracemalloc.start()  # a second walk, for the memory: tracemalloc slows it down
        audit_verify.verify_chain(SYSTEM)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    print(
        f"  audit verify: {report.events} events and {report.plans} plans in {elapsed:.2f} s "
        f"({report.events / elapsed:,.0f} events/s); Python heap peak {peak / 2**20:.1f} MiB"
    )
    db.release()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--verify-events", type=int, default=20_000)
    args = parser.parse_args()
    h.header("Genera with and without the audit chain; audit verify")
    for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
        measure(backend, args.runs, args.verify_events)


if __name__ == "__main__":
    main()
