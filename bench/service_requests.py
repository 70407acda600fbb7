"""Service requests at scale: `pdp-tui export requests`, a page of *Richieste* and the
Riepilogo's open-requests count, on a database holding many requests.

The database is built here (a scratch SQLite file; with --postgres also a scratch
PostgreSQL database): a store, an account, a plan, then N requests inserted in bulk with
their opening step, spread over a year, a third of them closed. Each export is a fresh
`python -m pdp_tui export requests -o FILE` process, timed from start to exit, its peak
resident set size from the kernel (wait4); an export of one day's requests is the
baseline, so that constant memory shows as the same peak. The list page and the count are
timed in this process through the services.

    PYTHONPATH=$PWD python bench/service_requests.py --requests 200000 --runs 3
    PYTHONPATH=$PWD python bench/service_requests.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import ROOT, alternate, child_env, fmt, header

CHUNK = 5000


def build(url: str, count: int) -> None:
    """A migrated database at ``url`` holding ``count`` requests."""
    from pdp_tui import db
    from pdp_tui.domain import SYSTEM, Role
    from pdp_tui.models import ServiceRequest, ServiceRequestCounter, ServiceRequestStep
    from pdp_tui.services import accounts, auth, catalogue, plans

    db.open_database(url)
    db.migrate()
    with db.session():
        catalogue.add_store(SYSTEM, "MI01", "Milano Centro")
        for name, role, store in (("vendite", Role.STAFF, "MI01"), ("assist", Role.SUPPORT, None)):
            accounts.create_user(
                SYSTEM, name, role, password="bench-password-1", store_code=store,
                must_change_password=False,
            )  # fmt: skip
        staff = auth.authenticate("vendite", "bench-password-1")
        plan = plans.register_plan(
            staff,
            covering_id=catalogue.list_coverings(staff)[0].id,
            contract_number="B-1",
            first_name="Anna",
            last_name="Neri",
            protection="covering_motion",
        )
        support = auth.authenticate("assist", "bench-password-1")
        start = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=365)
        step = dt.timedelta(days=365) / count
        year = start.year
        for first in range(0, count, CHUNK):
            rows = []
            for n in range(first, min(first + CHUNK, count)):
                closed = n % 3 == 0
                at = start + step * n
                rows.append(
                    {
                        "number": f"RI-{year}-{n + 1:06d}" if n < 999_999 else f"RI-B-{n}",
                        "plan": plan.id,
                        "store": plan_store(plan),
                        "concerns": "covering" if n % 2 else "motion",
                        "description": f"=Descrizione numero {n}; strappo sul bracciolo",
                        "phone": "+39 333 1234567",
                        "status": "closed" if closed else "open",
                        "outcome": "repair" if closed else None,
                        "created_at": at,
                        "created_by": support.id,
                        "closed_at": at + dt.timedelta(days=3) if closed else None,
                    }
                )
            with db.database.atomic():
                ServiceRequest.insert_many(rows).execute()
        with db.database.atomic():
            ids = [r for (r,) in ServiceRequest.select(ServiceRequest.id).tuples()]
            for first in range(0, len(ids), CHUNK):
                ServiceRequestStep.insert_many(
                    [
                        {"request": i, "by": support.id, "kind": "opened", "status": "open"}
                        for i in ids[first : first + CHUNK]
                    ]
                ).execute()
            ServiceRequestCounter.insert(year=year, last=count).execute()
    db.release()


def plan_store(plan) -> int:
    from pdp_tui.models import Plan

    return Plan.get_by_id(plan.id).store_id


def run_export(url: str, *extra: str) -> tuple[float, int, int]:
    """(seconds, peak RSS in KiB, bytes written) of one export process."""
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "richieste.csv"
        env = child_env(PYTHONPATH=str(ROOT))
        argv = [sys.executable, "-m", "pdp_tui", "export", "requests", "--db", url]
        start = time.perf_counter()
        proc = subprocess.Popen([*argv, "-o", str(target), *extra], env=env, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"export failed: {proc.stderr.read().decode()}")
        return elapsed, usage.ru_maxrss, target.stat().st_size


def in_process(url: str, runs: int) -> None:
    from pdp_tui import db
    from pdp_tui.services import auth, service_requests, summary

    db.open_database(url)
    with db.session():
        support = auth.authenticate("assist", "bench-password-1")
        for title, call in (
            ("Richieste, first page", lambda: service_requests.list_requests(support)),
            (
                "Richieste, 'aperta' p.1",
                lambda: service_requests.list_requests(support, status="open"),
            ),
            ("Riepilogo (with counts)", lambda: summary.summary(support)),
        ):
            times = []
            for _ in range(runs * 3):
                start = time.perf_counter()
                call()
                times.append(time.perf_counter() - start)
            print(f"{title:<26} {fmt(times)}")
    db.release()


def report(url: str, runs: int) -> None:
    one_day = (dt.date.today() - dt.timedelta(days=30)).strftime("%d/%m/%Y")
    samples: dict[str, list[tuple[float, int, int]]] = {"all": [], "day": []}
    for which in alternate("all", "day", runs=runs):
        extra = () if which == "all" else ("--from", one_day, "--to", one_day)
        samples[which].append(run_export(url, *extra))
    for which, title in (("all", "export, all"), ("day", f"export, {one_day}")):
        times = [s[0] for s in samples[which]]
        peaks = [s[1] / 1024 for s in samples[which]]
        print(f"{title:<26} time {fmt(times, 's', 1.0)}")
        print(
            f"{'':<26} peak RSS {max(peaks):.1f} MiB, file {samples[which][-1][2] / 2**20:.1f} MiB"
        )
    in_process(url, runs)
    print(flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", metavar="ADMIN_URL", help="also on a scratch PostgreSQL")
    args = parser.parse_args()
    header(f"service requests: export, list, Riepilogo at {args.requests:,} requests")
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/requests.sqlite3"
        start = time.perf_counter()
        build(url, args.requests)
        print(f"## SQLite (built in {time.perf_counter() - start:.0f} s)")
        report(url, args.runs)
    if args.postgres:
        import psycopg

        name = "pdp_bench_requests"
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
        url = args.postgres.rpartition("/")[0] + "/" + name
        try:
            start = time.perf_counter()
            build(url, args.requests)
            print(f"## PostgreSQL (built in {time.perf_counter() - start:.0f} s)")
            report(url, args.runs)
        finally:
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
