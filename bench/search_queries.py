"""The contract list's search at 1,000,000 plans: the service query's time, both backends.

    python bench/search_queries.py [--backend sqlite|postgres|both] [--samples 10]
                                   [--sqlite-url URL] [--postgres-url URL]

On the cached 1,000,000-plan databases (see _harness.py; or the URLs given), brought to
this version's schema first (migration 0006 rewrites the name keys: its time is printed
when it runs). For staff (MI01) and support (every store), each query goes through
gateway.call, as the screens call services, and is timed from the call to the page
returned: the first page (50 rows), as the list shows after each key. Kinds of query:

- names as customers say and callers spell them: "damico", "d amico", "D'Amico",
  "de santis", "desantis", ... (forgiving: case, accents, apostrophes, hyphens, spaces);
- "cognome nome" and "nome cognome" ("nicolo d'amico", "mario rossi", ...);
- typing a name key by key (every prefix of "nicolo d'amico" and "de santis");
- whole contract numbers (random ones the user can see) and their prefixes;
- year prefixes ("PDP-2025", "PDP-2025-", ...), which many plans share.

With main's code on the path (PYTHONPATH=/work/main) and a database at migration 0005 the
same script measures the search as it was (main's keys: "damico" then finds nothing).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

import _harness as h

if not os.environ.get("PYTHONPATH"):  # PYTHONPATH=/work/main measures main's code
    sys.path.insert(0, str(h.ROOT))

USERS = (("staff (MI01)", h.STAFF, "MI01"), ("support (all)", h.SUPPORT, None))
FORGIVING = ("damico", "d amico", "D'Amico", "DAMICO", "de santis", "desantis",
             "dell acqua", "dellacqua", "lo presti", "lopresti", "la rosa", "laganà", "lagana",
             "rossi")  # fmt: skip
SURNAME_NAME = ("rossi mario", "d'amico nicolo", "de luca anna", "damico nic", "esposito g")
NAME_SURNAME = ("nicolo d'amico", "mario rossi", "anna maria de santis", "gian luca ferrari",
                "niccolò lo presti", "giulia d")  # fmt: skip
TYPED = [t[:n] for t in ("nicolo d'amico", "de santis") for n in range(1, len(t) + 1)]
YEARS = ("PDP-2025", "PDP-2025-", "PDP-2026", "PDP-2026-", "PDP-2024", "PDP-2024-", "PDP-", "PDP")


def open_database(url: str) -> float | None:
    """Bind the app to ``url`` and migrate it; the seconds a migration took, if any ran."""
    os.environ["PDP_CONFIG"] = os.devnull  # an empty settings file: defaults
    from pdp_tui import config, db
    from pdp_tui.services import gateway

    config.use(config.load_settings(env={}, database_url=url))
    database = db.open_database(url)
    with database.connection_context():
        pending = db.migration_status()[0] if db.schema_exists() else ["all"]
    started = time.perf_counter()
    gateway.prepare(url, auto_migrate=True)
    return time.perf_counter() - started if pending else None


def contract_numbers(actor, count: int, rng: random.Random) -> list[str]:
    """Random contract numbers the actor can see (read through the models)."""
    from pdp_tui.db import session
    from pdp_tui.models import Plan, Store
    from pdp_tui.services.plans import scope

    with session():
        top = Plan.select(Plan.id).order_by(Plan.id.desc()).limit(1).scalar()
        ids = [rng.randint(1, top) for _ in range(count * 4)]
        query = scope(Plan.select(Plan.contract_number).join(Store).where(Plan.id.in_(ids)), actor)
        numbers = [n for (n,) in query.tuples()]
    return numbers[:count]


def plan_of_queries(actor, rng: random.Random) -> dict[str, list[str]]:
    numbers = contract_numbers(actor, 10, rng)
    return {
        "names, forgiving": list(FORGIVING),
        "cognome nome": list(SURNAME_NAME),
        "nome cognome": list(NAME_SURNAME),
        "typing a name": TYPED,
        "contract number": numbers,
        "number prefix": [n[: rng.randint(10, len(n) - 1)] for n in numbers],
        "year prefix": list(YEARS),
    }


def measure(label: str, samples: int, seed: int) -> None:
    from pdp_tui.services import auth, gateway, search

    for who, (username, password), _store in USERS:
        actor = gateway.call(auth.authenticate, username, password)
        plan = plan_of_queries(actor, random.Random(seed))
        everything: list[float] = []
        for kind, texts in plan.items():
            found: dict[str, int] = {}
            for text in texts:  # warm-up: caches as in a running app
                found[text] = len(gateway.call(search.search_plans, actor, text).rows)
            timings: list[tuple[str, float]] = []
            for _ in range(samples):
                for text in texts:
                    started = time.perf_counter()
                    gateway.call(search.search_plans, actor, text)
                    timings.append((text, time.perf_counter() - started))
            values = [t for _, t in timings]
            everything += values
            print(f"{label:<11} {who:<14} {kind:<17} {h.fmt(values)}", flush=True)
            worst = sorted(timings, key=lambda p: -p[1])[:2]
            empty = sorted(t for t, n in found.items() if n == 0)
            note = ", ".join(f"{t!r} {v * 1000:.0f} ms" for t, v in worst)
            print(
                f"{'':<11} {'':<14} {'':<17} slowest: {note}"
                + (f"; no match: {empty}" if empty else "")
            )
        print(f"{label:<11} {who:<14} {'all':<17} {h.fmt(everything)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--samples", type=int, default=10, help="runs of each query")
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--sqlite-url", help="instead of the cached SQLite database")
    parser.add_argument("--postgres-url", help="instead of the cached PostgreSQL database")
    args = parser.parse_args()
    h.header("Search: the service query's time, first page (1,000,000 plans)")
    backends = []
    for key, name, given in (
        ("sqlite", "SQLite", args.sqlite_url),
        ("postgres", "PostgreSQL", args.postgres_url),
    ):
        if args.backend not in (key, "both"):
            continue
        backends += [(name, given)] if given else h.million_plan_databases(key)
    for name, url in backends:
        migrated = open_database(url)
        print(f"{name}: {url}" + (f" (migrated in {migrated:.1f} s)" if migrated else ""))
        measure(name, args.samples, args.seed)
        print(flush=True)
        from pdp_tui import db

        db.release()


if __name__ == "__main__":
    main()
