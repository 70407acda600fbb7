"""Riepilogo's query at 1,000,000 plans: `services.summary.summary` timed in-process.

Read-only, on the cached databases (see _harness.py): the call the screen makes in its
worker, inside a database session as the gateway opens it, repeated; the query plan is
printed too.

    PYTHONPATH=$PWD python bench/summary.py --backend both --runs 30
"""

from __future__ import annotations

import argparse
import time

from _harness import fmt, header, million_plan_databases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    header("Riepilogo (services.summary.summary), 1,000,000 plans")

    from pdp_tui import db
    from pdp_tui.domain import SYSTEM
    from pdp_tui.services import summary

    for label, url in million_plan_databases(args.backend):
        database = db.open_database(url)
        samples = []
        with db.session():
            figures = summary.summary(SYSTEM)  # warm: connection, caches
            for _ in range(args.runs):
                start = time.perf_counter()
                summary.summary(SYSTEM)
                samples.append(time.perf_counter() - start)
            plan = query_plan(database)
        month = sum(s.month for s in figures.stores)
        days = sum(count for _, count in figures.per_day)
        print(f"## {label}: {month} plans this month, {days} in the last 30 days")
        print(f"summary  {fmt(samples)}")
        print("plan:    " + "\n         ".join(plan))
        print(flush=True)
        database.close()


def query_plan(database) -> list[str]:
    """How the database runs the grouped count (the statement summary() sends)."""
    import logging

    from pdp_tui import db
    from pdp_tui.domain import SYSTEM
    from pdp_tui.services import summary

    captured: list[tuple[str, object]] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if isinstance(record.msg, tuple) and "GROUP BY" in record.msg[0]:
                captured.append(record.msg)

    logger = logging.getLogger("peewee")
    handler = Capture(level=logging.DEBUG)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        summary.summary(SYSTEM)
    finally:
        logger.removeHandler(handler)
    sql, params = captured[0]
    prefix = "EXPLAIN " if db.is_postgres() else "EXPLAIN QUERY PLAN "
    rows = database.execute_sql(prefix + sql, params).fetchall()
    lines = [str(row[-1] if not db.is_postgres() else row[0]) for row in rows]
    return [line if len(line) < 150 else line[:147] + "..." for line in lines]


if __name__ == "__main__":
    main()
