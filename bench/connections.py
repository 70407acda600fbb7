"""Server connections per app process, and a service call's time, direct and through PgBouncer.

    python bench/connections.py [--sessions 4] [--rounds 3] [--calls 100]
                                [--pgbouncer postgresql://postgres@127.0.0.1:6432/pdp_conn_bench]

On a PostgreSQL database of its own (``pdp_conn_bench``, 20,000 demo plans, on the server of
``PDP_BENCH_POSTGRES_URL``), for each route (direct to PostgreSQL, and through the PgBouncer
named by ``--pgbouncer`` or ``PDP_BENCH_PGBOUNCER_URL`` when given; its ``[databases]`` must
reach the same database):

1. Connections. ``--sessions`` real pdp-tui processes in 80x24 pseudo-terminals log in as
   the demo staff of MI01; then each works ``--rounds`` times: registers a plan by keys and
   types a surname in the contract list key by key. A sampler reads ``pg_stat_activity``
   every few milliseconds: the PostgreSQL connections to the database (``open``) and those
   running a statement or inside a transaction (``busy``): idle after log-in, the most
   while working, 2 s after the work and again once the app's idle timeout (30 s) is over.
   Through PgBouncer these are PgBouncer's server connections, whatever the clients hold.
2. Service calls, in this process: ``gateway.call`` of a search ("ross", staff of MI01) and
   of a registration, as a screen's worker makes them, each timed with the connection kept
   between units of work (the app's way) and with a new connection for each unit.

The app processes use whatever ``pdp_tui`` Python imports (``PYTHONPATH`` first), so the
same script measures a branch against main.
"""

from __future__ import annotations

import argparse
import os
import re
import threading
import time
from collections import Counter

import _harness as h

BENCH_DB = "pdp_conn_bench"
IDLE_SECONDS = 30  # pdp_tui.db_serial.IDLE_SECONDS
CONTRACTS = 20_000
SURNAME = "ross"
CODE = re.compile(r"(?:[0-9A-Z] ){4}- (?:[0-9A-Z] ){4}- (?:[0-9A-Z] ){3}[0-9A-Z]")
KEY_PAUSE = 0.12


class Sampler:
    """Polls pg_stat_activity for the connections to one database, on its own connection."""

    def __init__(self, admin_url: str, database: str) -> None:
        import psycopg

        self._conn = psycopg.connect(admin_url, autocommit=True)
        self._database = database
        self.most_open = self.most_busy = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def now(self) -> tuple[int, int]:
        return self._conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE state <> 'idle') FROM pg_stat_activity "
            "WHERE datname = %s AND backend_type = 'client backend'",
            (self._database,),
        ).fetchone()

    def _poll(self) -> None:
        while not self._stop.wait(0.003):
            opened, busy = self.now()
            self.most_open = max(self.most_open, opened)
            self.most_busy = max(self.most_busy, busy)

    def __enter__(self) -> Sampler:
        self.most_open = self.most_busy = 0
        self._stop.clear()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join()

    def close(self) -> None:
        self._conn.close()


def _keys(proc: h.PtyProcess, text: str) -> None:
    for ch in text:
        proc.send(ch)
        proc.drain(KEY_PAUSE, limit=2)


def _register(proc: h.PtyProcess, number: str, first: bool) -> None:
    mark = len(proc.output)
    if first:
        _keys(proc, "1")
        proc.press("enter")
    else:
        proc.press("f2")
    proc.drain(0.2, limit=2)
    for text in (number, "Mario", "Rossi"):
        _keys(proc, text)
        proc.press("enter")
        proc.drain(0.1, limit=2)
    _keys(proc, "1")
    proc.press("enter")  # Enter on the last field: Genera
    proc.wait_for(CODE, timeout=30, start=mark)


def _search(proc: h.PtyProcess) -> None:
    mark = len(proc.output)
    proc.press("f3")
    proc.drain(0.3, limit=3)
    proc.send("\x15")  # Ctrl+U: the search kept from the round before goes
    proc.wait_for("Contratti 1–", timeout=30, start=mark)
    _keys(proc, SURNAME)
    proc.drain(0.3, limit=3)


def _settle(seconds: float) -> None:
    time.sleep(seconds)


def _last_words(proc: h.PtyProcess) -> str:
    """The last non-blank line the screen showed (an error message, usually)."""
    lines = [line.strip() for line in proc.text()[-3000:].splitlines() if line.strip()]
    return lines[-2][:120] if len(lines) > 1 else ""


def sessions(url: str, sampler: Sampler, count: int, rounds: int):
    """(figures by moment, failures) of ``count`` app processes working ``rounds`` times."""
    env = h.child_env(PDP_DATABASE_URL=url, PDP_CONFIG=os.devnull)
    procs = [h.PtyProcess(h.pdp_tui_argv(), env=env) for _ in range(count)]
    figures: dict[str, tuple] = {}
    failures: list[str] = []
    working = []
    try:
        for proc in procs:
            proc.wait_for("Accesso", timeout=60)
        for proc in procs:
            h.login_keys(proc, h.STAFF)
        for proc in procs:
            try:
                proc.wait_for("Genera", timeout=60)
                working.append(proc)
            except TimeoutError:
                failures.append(f"log-in: {_last_words(proc)}")
            proc.drain(0.3, limit=3)
        _settle(2.0)
        figures["idle after log-in"] = sampler.now()
        stamp = time.strftime("%H%M%S")
        with sampler:
            threads = [
                threading.Thread(target=_work, args=(proc, f"CB{stamp}{n:02d}", rounds, failures))
                for n, proc in enumerate(working)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        figures["most while working"] = (sampler.most_open, sampler.most_busy)
        _settle(2.0)
        figures["2 s after work"] = sampler.now()
        _settle(IDLE_SECONDS + 3.0)
        figures[f"{IDLE_SECONDS + 5:.0f} s after work"] = sampler.now()
    finally:
        for proc in procs:
            proc.close()
    return figures, failures


def _work(proc: h.PtyProcess, prefix: str, rounds: int, failures: list[str]) -> None:
    try:
        for r in range(rounds):
            if r:
                proc.press("f2")
                proc.wait_for("Genera", timeout=30, start=len(proc.output) - 1)
            _register(proc, f"{prefix}{r}", first=r == 0)
            _search(proc)
    except (TimeoutError, EOFError):
        failures.append(f"round {r + 1}: {_last_words(proc)}")


def service_calls(url: str, calls: int) -> tuple[dict[str, list[float]], Counter[str]]:
    """Each call timed twice in turn: with the connection kept between units of work
    (the app's way), and with a new connection for each unit (``idle_seconds = 0``)."""
    from pdp_tui import config, db
    from pdp_tui.models import User
    from pdp_tui.services import auth, catalogue, gateway, plans, search
    from pdp_tui.services.errors import ServiceError

    config.use(config.load_settings(env={}, database_url=url))
    database = db.open_database(url)
    kept = getattr(database, "idle_seconds", None)
    with db.session():
        actor = auth.actor_for(User.get(User.username == h.STAFF[0]))
        covering = catalogue.list_coverings(actor)[0].id
    stamp = time.strftime("%H%M%S")
    timings: dict[str, list[float]] = {}
    errors: Counter[str] = Counter()
    serial = 0

    def timed(label: str) -> None:
        nonlocal serial
        serial += 1
        for call, fn, args, kwargs in (
            ("search", search.search_plans, (actor, SURNAME), {}),
            (
                "registration",
                plans.register_plan,
                (actor,),
                {
                    "covering_id": covering,
                    "contract_number": f"CS{stamp}{os.getpid() % 1000:03d}{serial:05d}",
                    "first_name": "Mario",
                    "last_name": "Rossi",
                    "protection": "covering",
                },
            ),
        ):
            started = time.perf_counter()
            try:
                gateway.call(fn, *args, **kwargs)
            except ServiceError:
                errors[f"{call}, {label or 'warm-up'}"] += 1
                continue
            if label:
                timings.setdefault(f"{call}, {label}", []).append(time.perf_counter() - started)

    # In blocks of ten, taking turns, so that machine noise hits both ways alike.
    for _ in range(max(1, calls // 10)):
        for label, idle in (("kept", kept), ("new each", 0)):
            if kept is not None:
                database.idle_seconds = idle
                database.close_kept()
            timed("")  # warms up (and, kept, opens the connection): not counted
            for _ in range(10):
                timed(label)
    release = getattr(db, "release", None)  # (main before PgBouncer: a pool with close_all)
    release() if release else getattr(database, "close_all", database.close)()
    return timings, errors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--pgbouncer", default=os.environ.get("PDP_BENCH_PGBOUNCER_URL"))
    parser.add_argument("--part", choices=("sessions", "calls", "both"), default="both")
    args = parser.parse_args()
    h.header("Server connections per app process; service calls direct and through PgBouncer")
    base = h.POSTGRES_ADMIN_URL.rpartition("/")[0]
    direct = h.postgres_db(CONTRACTS, url=f"{base}/{BENCH_DB}")
    if direct is None:
        return
    routes = [("direct", direct)]
    if args.pgbouncer:
        routes.append(("PgBouncer", args.pgbouncer))
    sampler = Sampler(h.POSTGRES_ADMIN_URL, BENCH_DB)
    try:
        for name, url in routes if args.part != "calls" else ():
            figures, failures = sessions(url, sampler, args.sessions, args.rounds)
            print(f"{name}: {args.sessions} app processes, connections to PostgreSQL")
            print(f"  failed: {len(failures)}" + "".join(f"\n    {f}" for f in failures))
            for label, (opened, busy) in figures.items():
                print(
                    f"  {label:<20} open {opened:3d}  busy {busy:3d}"
                    f"  (open per process {opened / args.sessions:.2f})",
                    flush=True,
                )
    finally:
        sampler.close()
    for name, url in routes if args.part != "sessions" else ():
        timings, errors = service_calls(url, args.calls)
        if errors:
            print(f"{name:<10} refused (DatabaseUnavailable): {dict(errors)}")
        for call, samples in timings.items():
            print(f"{name:<10} {call:<24} {h.fmt(samples)}", flush=True)


if __name__ == "__main__":
    main()
