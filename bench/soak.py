"""Soak: one till all day. A real pdp-tui process in an 80x24 pty registers N plans.

    python bench/soak.py [--plans 500] [--backend sqlite|postgres|both] [--every 50]

Each plan is typed once the form is ready for it, as a clerk does from the card: F2, the
contract number, the names, the protection and Enter (Genera); every 25 plans the clerk
visits the list and searches for the last contract. The database is a scratch copy of a
demo database with 20,000 plans (SQLite file, or a PostgreSQL database made from a cached
template). Printed: RSS (and PSS) every ``--every`` plans, Genera (the last Enter to the
code on screen) median of the first and of the last 50 plans, and the plans saved.

Targets (issue 14): RSS growth <= 10 MB over 500 plans, Genera at the end within 10% of
the start, every plan saved.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

import _harness as h

DEMO_PLANS = 20_000
CODE = re.compile(r"(?:[0-9A-Z] ){4}- (?:[0-9A-Z] ){4}- (?:[0-9A-Z] ){3}[0-9A-Z]")
LIST_EVERY = 25
WINDOW = 50


def memory(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of the process in MiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    pss = int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.M).group(1))
    return rss / 1024, pss / 1024


def plans_saved(url: str, prefix: str) -> int:
    if url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            query = "SELECT count(*) FROM plan WHERE contract_number LIKE ?"
            return conn.execute(query, (prefix + "%",)).fetchone()[0]
    import psycopg

    with psycopg.connect(url) as conn:
        query = "SELECT count(*) FROM plan WHERE contract_number LIKE %s"
        return conn.execute(query, (prefix + "%",)).fetchone()[0]


def demo_database(backend: str) -> str | None:
    if backend == "SQLite":
        return h.sqlite_db(DEMO_PLANS, name=f"plans-{DEMO_PLANS}.sqlite3")
    return h.postgres_db(DEMO_PLANS, url=h.POSTGRES_URL.rpartition("/")[0] + "/pdp_soak")


def register(proc: h.PtyProcess, number: str, first: bool) -> float:
    """One card; the seconds from Genera's Enter to the code on screen."""
    if first:
        proc.send("1")  # the covering, kept for the next cards
        proc.press("enter")
    for text in (number, "Anna", "Rossi"):
        proc.send(text)
        proc.press("enter")
    proc.send("1")
    proc.drain(0.05, limit=1)
    start_byte = len(proc.output)
    started = time.perf_counter()
    proc.press("enter")
    proc.wait_for(re.compile(re.escape(number) + r"|" + CODE.pattern), start=start_byte)
    proc.wait_for(CODE, start=start_byte, timeout=30)
    elapsed = time.perf_counter() - started
    proc.drain(0.05, limit=1)
    return elapsed


def visit_list(proc: h.PtyProcess, number: str) -> None:
    proc.press("f3")
    proc.drain(0.1, limit=2)
    proc.send("\x15")  # Ctrl+U: an empty search field
    mark = len(proc.output)
    proc.send(number)
    proc.wait_for("Contratti 1–1 ", start=mark, timeout=30)


def soak(backend: str, url: str, plans: int, every: int) -> None:
    prefix = f"SK{int(time.time()) % 100000:05d}-"
    env = h.child_env(PDP_DATABASE_URL=url, PDP_CONFIG=os.devnull)
    env["PDP_IDLE_LOCK_MINUTES"] = "0"
    genera: list[float] = []
    samples: list[tuple[int, float, float]] = []
    with h.PtyProcess(h.pdp_tui_argv(), env=env) as proc:
        proc.wait_for("Accesso", timeout=60)
        proc.drain(0.5)
        h.login_keys(proc, h.STAFF)
        proc.wait_for("Nuovo Piano di Protezione", timeout=60)
        proc.drain(0.5)
        for index in range(plans):
            number = f"{prefix}{index:05d}"
            if index:
                proc.press("f2")
            genera.append(register(proc, number, first=index == 0))
            if index == 0 or (index + 1) % every == 0:
                rss, pss = memory(proc.pid)
                samples.append((index + 1, rss, pss))
                print(f"  {backend}: plan {index + 1:4d}  RSS {rss:6.1f} MiB  PSS {pss:6.1f} MiB")
                sys.stdout.flush()
            if (index + 1) % LIST_EVERY == 0:
                visit_list(proc, number)
        proc.press("ctrl+q")
        proc.drain(0.5)
    saved = plans_saved(url, prefix)
    first, last = genera[:WINDOW], genera[-WINDOW:]
    start_ms, end_ms = statistics.median(first) * 1000, statistics.median(last) * 1000
    rss_growth = samples[-1][1] - samples[0][1]
    warm = next((s for s in samples if s[0] >= WINDOW), samples[0])
    print(f"{backend}:")
    print(f"  plans saved          {saved} of {plans}")
    print(
        f"  RSS                  {samples[0][1]:.1f} MiB after plan 1 -> {samples[-1][1]:.1f} MiB "
        f"after plan {samples[-1][0]}: {rss_growth:+.1f} MiB "
        f"({samples[-1][1] - warm[1]:+.1f} MiB since plan {warm[0]})"
    )
    print(f"  PSS                  {samples[0][2]:.1f} -> {samples[-1][2]:.1f} MiB")
    print(
        f"  Genera median        first {len(first)}: {start_ms:.1f} ms, last {len(last)}: "
        f"{end_ms:.1f} ms ({(end_ms / start_ms - 1) * 100:+.1f}%)"
    )
    print(f"  Genera all           {h.fmt(genera)}")
    print(flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=500)
    parser.add_argument("--every", type=int, default=50, help="print memory every N plans")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args()
    h.header(f"Soak: {args.plans} plans in one session")
    backends = {"sqlite": ["SQLite"], "postgres": ["PostgreSQL"]}.get(
        args.backend, ["SQLite", "PostgreSQL"]
    )
    for backend in backends:
        url = demo_database(backend)
        if url is None:
            continue
        with h.scratch_copy(url) as scratch:
            soak(backend, scratch, args.plans, args.every)


if __name__ == "__main__":
    main()
