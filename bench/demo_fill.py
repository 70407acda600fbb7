"""Time `pdp-tui demo --contracts N` on a fresh SQLite file and a fresh PostgreSQL database.

Each run is the real command in a subprocess (start-up, migration, demo accounts and the
bulk fill), timed by wall clock, against a database created just before it:

    python bench/demo_fill.py                       # 1,000,000 plans, SQLite and PostgreSQL
    python bench/demo_fill.py --contracts 100000 --repeat 3 --backend sqlite

PostgreSQL: PDP_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres)
is the admin connection used to CREATE and DROP the scratch database pdp_bench_fill.
The developer's own settings are kept out (HOME and XDG_* point at a temporary directory).
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
SCRATCH_DB = "pdp_bench_fill"


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDP_")}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        PDP_CONFIG=os.devnull,
    )
    return env


def _run(url: str, contracts: int, home: Path) -> tuple[float, list[str]]:
    command = [sys.executable, "-m", "pdp_tui", "--db", url, "demo", "--contracts", str(contracts)]
    started = time.perf_counter()
    done = subprocess.run(command, env=_env(home), capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {shlex.join(command)}\n{done.stderr}")
    return elapsed, command


def _scratch_url(admin_url: str) -> str:
    parts = urlparse(admin_url)
    return urlunparse(parts._replace(path=f"/{SCRATCH_DB}"))


def _recreate_postgres(admin_url: str, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{SCRATCH_DB}"')


def _report(name: str, times: list[float], command: list[str]) -> None:
    shown = " ".join(f"{t:.2f}" for t in times)
    median = statistics.median(times)
    summary = f"median {median:.2f} s, min–max {min(times):.2f}–{max(times):.2f} s"
    print(f"{name}: {summary} over {len(times)} run(s) [{shown}]")
    print(f"  command: {shlex.join(command)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per backend (fresh DB each)")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()

    print(f"$ {shlex.join([Path(sys.executable).name, *sys.argv])}")
    print(f"{args.contracts:,} plans, {args.repeat} run(s) per backend, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="pdp-bench-") as tmp:
        home = Path(tmp)
        if args.backend in ("sqlite", "both"):
            times, command = [], []
            for i in range(args.repeat):
                path = home / f"fill-{i}.sqlite3"
                elapsed, command = _run(f"sqlite:///{path}", args.contracts, home)
                times.append(elapsed)
                for leftover in home.glob(f"fill-{i}.sqlite3*"):
                    leftover.unlink()
            _report("SQLite", times, command)
        if args.backend in ("postgres", "both"):
            admin_url = os.environ.get("PDP_BENCH_POSTGRES_URL", DEFAULT_ADMIN_URL)
            try:
                _recreate_postgres(admin_url, drop_only=True)
            except Exception as exc:  # noqa: BLE001 - report and carry on with the rest
                print(f"PostgreSQL: skipped, {admin_url} unreachable ({exc})")
                return 0
            times, command = [], []
            try:
                for _ in range(args.repeat):
                    _recreate_postgres(admin_url)
                    elapsed, command = _run(_scratch_url(admin_url), args.contracts, home)
                    times.append(elapsed)
            finally:
                _recreate_postgres(admin_url, drop_only=True)
            _report("PostgreSQL", times, command)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
