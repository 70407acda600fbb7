"""The contract list's filter "signed form still missing after N days", at 1,000,000 plans.

    python bench/form_filter.py [--backend sqlite|postgres|both] [--samples 15]

Works on a scratch copy of each cached 1,000,000-plan database (see _harness.py), brought
to this version's schema (migration 0005 adds the columns and the two partial indexes;
its time is printed). Two states of the plans:

- "none marked": the demo as filled, no signed form marked, so every plan's form is missing
  (the filter then reads like the plain list);
- "most marked": forms marked for every plan registered more than 14 days ago, except one
  in 200, as when stores keep up: the partial indexes hold about 1.5% of the plans.

For staff (MI01) and support (every store): the first page with N = 7 and N = 30, the 20th
page (keyset cursor), and N = 7 with a surname or a contract-number prefix; each query
through gateway.call, as the screens call services. The plain list's first page is the
baseline. Figures are the service's time (the database's), not the screen's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

import _harness as h

sys.path.insert(0, str(h.ROOT))

MOST_MARKED_AFTER_DAYS = 14
MISSING_ONE_IN = 200
USERS = (("staff (MI01)", h.STAFF), ("support (all)", h.SUPPORT))


def open_copy(url: str) -> float:
    """Bind the app to ``url`` and migrate it; the seconds the migration took."""
    os.environ["PDP_CONFIG"] = os.devnull
    from pdp_tui import config
    from pdp_tui.services import gateway

    config.use(config.load_settings(env={}, database_url=url))
    started = time.perf_counter()
    gateway.prepare(url, auto_migrate=True)
    return time.perf_counter() - started


def mark_most(url: str) -> float:
    """Mark the signed form of most plans older than 14 days; the seconds it took."""
    from pdp_tui.db import database, is_postgres, session
    from pdp_tui.domain import utcnow
    from pdp_tui.models import Plan

    cutoff = utcnow() - dt.timedelta(days=MOST_MARKED_AFTER_DAYS)
    started = time.perf_counter()
    with session():
        with database.atomic():
            Plan.update(form_signed_at=Plan.created_at).where(
                (Plan.created_at < cutoff)
                # id mod 200 <> 0, portably (peewee's % is LIKE); integer division on both
                & (Plan.id - Plan.id / MISSING_ONE_IN * MISSING_ONE_IN != 0)
            ).execute()
        if is_postgres():
            database.execute_sql("VACUUM ANALYZE plan")
    return time.perf_counter() - started


def missing_share() -> float:
    from pdp_tui.db import database, session

    with session():
        total, missing = database.execute_sql(
            "SELECT count(*), count(*) - count(form_signed_at) FROM plan"
        ).fetchone()
    return missing / total


def queries(cursor_20th):
    return [
        ("plain list, page 1", {}),
        ("N=7, page 1", {"form_missing_days": 7}),
        ("N=30, page 1", {"form_missing_days": 30}),
        ("N=7, page 20", {"form_missing_days": 7, "cursor": cursor_20th}),
        ("N=7 + 'rossi'", {"form_missing_days": 7, "query": "rossi"}),
        ("N=7 + 'PDP-2025'", {"form_missing_days": 7, "query": "PDP-2025"}),
    ]


def twentieth_cursor(actor):
    from pdp_tui.services import gateway, search

    cursor = None
    for _ in range(19):
        cursor = gateway.call(
            search.search_plans, actor, form_missing_days=7, cursor=cursor
        ).next_cursor
    return cursor


def measure(label: str, samples: int) -> None:
    from pdp_tui.services import auth, gateway, search

    for who, (username, password) in USERS:
        actor = gateway.call(auth.authenticate, username, password)
        plan = queries(twentieth_cursor(actor))
        timings: dict[str, list[float]] = {name: [] for name, _ in plan}
        rows: dict[str, int] = {}
        for name, kwargs in plan:  # warm-up: caches as in a running app
            rows[name] = len(gateway.call(search.search_plans, actor, **kwargs).rows)
        for _ in range(samples):
            for name, kwargs in plan:
                started = time.perf_counter()
                gateway.call(search.search_plans, actor, **kwargs)
                timings[name].append(time.perf_counter() - started)
        for name, _ in plan:
            print(f"{label:<13} {who:<14} {name:<19} {h.fmt(timings[name])}  rows {rows[name]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--samples", type=int, default=15)
    args = parser.parse_args()
    h.header("Filter 'signed form missing after N days' at 1,000,000 plans (service time)")
    for backend, cached in h.million_plan_databases(args.backend):
        with h.scratch_copy(cached, tag="form_filter") as url:
            print(f"{backend}: scratch copy of {cached}")
            print(f"migration 0005 on the copy: {open_copy(url):.1f} s")
            print(f"forms missing: {missing_share():.1%}")
            measure("none marked", args.samples)
            print(f"marking most forms: {mark_most(url):.1f} s")
            print(f"forms missing: {missing_share():.1%}")
            measure("most marked", args.samples)
            from pdp_tui.db import release

            release()  # before the copy is dropped
        print()


if __name__ == "__main__":
    main()
