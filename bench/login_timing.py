"""The first failed login of a process: an unknown username against a known one.

    python bench/login_timing.py [--backend sqlite|postgres|both] [--runs 20]

Over SSH every connection is a fresh process, so the first attempt of a process is the one
that must not tell which usernames exist. Each sample is a fresh Python process that does
what the app does before the first attempt (``PdpApp._warm_up``: imports, database,
hasher and dummy hash), then times one failed ``auth.authenticate`` through
``gateway.call``, as the login screen's worker runs it: a wrong password for the existing
account ``vendite.mi``, or any password for the unknown ``nessuno.mi``. The two cases take
turns, so that machine noise hits both. The account's hash uses the production argon2id
parameters. The databases are made afresh for each run (one account, no plans).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _harness as h

KNOWN, UNKNOWN = "vendite.mi", "nessuno.mi"
PASSWORD = "tavolo-rosso-2026"
WRONG = "sedia-verde-1999"
LOGIN_DB = "pdp_bench_login"


def child(url: str, username: str) -> None:
    """One sample: warm up as the app does, then one failed login, timed."""
    app = h.make_app(url)
    app._warm_up()

    from pdp_tui.services import auth, gateway
    from pdp_tui.services.errors import AuthenticationFailed

    started = time.perf_counter()
    try:
        gateway.call(auth.authenticate, username, WRONG)
    except AuthenticationFailed:
        pass
    else:
        raise SystemExit("the login did not fail")
    print(json.dumps({"seconds": time.perf_counter() - started}))


def make_database(url: str) -> None:
    """A migrated database with one store and one staff account (production hasher)."""
    from pdp_tui import db
    from pdp_tui.domain import SYSTEM, Role
    from pdp_tui.services import accounts, catalogue

    db.open_database(url)
    db.migrate()
    with db.session():
        catalogue.add_store(SYSTEM, "MI01", "Milano Centro")
        accounts.create_user(
            SYSTEM, KNOWN, Role.STAFF, password=PASSWORD, store_code="MI01",
            must_change_password=False,
        )  # fmt: skip
    db.database.obj.close()


def postgres_url() -> str | None:
    import psycopg

    base = h.POSTGRES_ADMIN_URL.rpartition("/")[0]
    try:
        with psycopg.connect(h.POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{LOGIN_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{LOGIN_DB}"')
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL not reachable ({exc}): skipped", file=sys.stderr)
        return None
    return f"{base}/{LOGIN_DB}"


def sample(url: str, username: str) -> float:
    result = subprocess.run(
        [sys.executable, __file__, "--child", url, username],
        capture_output=True, text=True, check=True, env=h.child_env(),
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])["seconds"]


def measure(label: str, url: str, runs: int) -> None:
    make_database(url)
    samples: dict[str, list[float]] = {KNOWN: [], UNKNOWN: []}
    for username in h.alternate(UNKNOWN, KNOWN, runs=runs):
        samples[username].append(sample(url, username))
    unknown, known = samples[UNKNOWN], samples[KNOWN]
    print(f"## {label}")
    print(f"unknown user    {h.fmt(unknown)}")
    print(f"wrong password  {h.fmt(known)}")
    median_gap = (h.summary(unknown)["median"] - h.summary(known)["median"]) * 1000
    print(f"median gap (unknown - known): {median_gap:+.1f} ms")
    print(flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--runs", type=int, default=20, help="fresh processes per case")
    parser.add_argument("--child", nargs=2, metavar=("URL", "USERNAME"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    h.header("First failed login of a fresh process: unknown user vs wrong password")
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            measure("SQLite", f"sqlite:///{Path(tmp) / 'login.sqlite3'}", args.runs)
    if args.backend in ("postgres", "both"):
        url = postgres_url()
        if url:
            measure("PostgreSQL", url, args.runs)


if __name__ == "__main__":
    main()
