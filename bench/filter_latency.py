"""Filter latency: a key press in the contract list's search field to the new rows on screen.

    python bench/filter_latency.py [--backend sqlite|postgres|both] [--samples 6]

The real app (PdpApp) runs under Pilot at 80x24 on a database with 1,000,000 demo plans
(cached: /tmp/pdp-bench/plans-1m.sqlite3, and the PostgreSQL database pdp_bench, filled
with `pdp-tui demo --contracts 1000000 --db URL` on first use). For each user (staff of one
store, support across all stores) and each kind of query (contract-number prefix, surname
prefix), the search field is first set to the query minus its last character and the list
left to settle; then the last character is pressed and the clock runs until the first frame
sent to the terminal after the screen put the new rows in its DataTable. "(in the query)" is
the part of it spent inside services.search.search_plans (the worker's database time).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import time
from collections import defaultdict

import _harness as h

CONTRACT_LENGTHS = (1, 5, 10, 13, 15)  # "P", "PDP-2", "PDP-2025-0", "PDP-2025-0012", full
SURNAMES = ("rossi", "bianchi", "de luca", "d'angelo", "laganà", "martinelli", "ferrari",
            "lo presti", "colombo", "zanetti", "pellegrini", "fumagalli")  # fmt: skip
NAME_QUERIES = tuple(
    [s[:n] for s in SURNAMES for n in (1, 2, 3, 5) if n < len(s)] + [f"{s} m" for s in SURNAMES[:4]]
)


def sample_contracts(url: str, store_code: str | None, count: int, rng: random.Random):
    """Random contract numbers the user can see."""
    sql = "SELECT contract_number FROM plan{} ORDER BY random() LIMIT {}"
    where = (
        f" JOIN store ON store.id = plan.store_id WHERE store.code = '{store_code}'"
        if store_code
        else ""
    )
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            rows = conn.execute(sql.format(where.replace("plan.", "plan."), count)).fetchall()
    else:
        import psycopg

        with psycopg.connect(url) as conn:
            rows = conn.execute(sql.format(where, count)).fetchall()
    return [r[0] for r in rows]


def queries(url: str, store_code: str | None, samples: int, seed: int) -> dict[str, list[str]]:
    rng = random.Random(seed)
    numbers = sample_contracts(url, store_code, samples * len(CONTRACT_LENGTHS), rng)
    by_contract = [
        number[:length] for i, number in enumerate(numbers)
        for length in (CONTRACT_LENGTHS[i % len(CONTRACT_LENGTHS)],)
    ]  # fmt: skip
    names = list(NAME_QUERIES)
    rng.shuffle(names)
    by_name = (names * ((samples * len(CONTRACT_LENGTHS)) // len(names) + 1))[: len(by_contract)]
    return {"contract prefix": by_contract, "surname prefix": by_name}


async def measure_user(url: str, user: tuple[str, str], plan: dict[str, list[str]]):
    from textual.widgets import Input

    app = h.make_app(url)
    from pdp_tui.services import search

    results: dict[str, list[tuple[str, float]]] = defaultdict(list)
    service: dict[str, list[float]] = defaultdict(list)
    service_times: dict[str, float] = {}
    original_search = search.search_plans

    def timed_search(actor, query="", **kwargs):
        started = time.perf_counter()
        try:
            return original_search(actor, query, **kwargs)
        finally:
            service_times[query] = time.perf_counter() - started

    search.search_plans = timed_search
    async with app.run_test(size=(h.COLS, h.ROWS)) as pilot:
        clock = h.FrameClock(app)
        await h.pilot_login(pilot, user)
        await pilot.press("f3")
        await h.wait_until(lambda: type(app.screen).__name__ == "ContractListScreen")
        screen = app.screen
        shown: list[tuple[str, float]] = []
        original = screen._show

        def show(page, page_index, cursor_row):
            original(page, page_index, cursor_row)
            shown.append((screen.query_text, time.perf_counter()))

        screen._show = show
        screen._load(0)  # the first page may have come before the hook: load it again
        await h.wait_until(lambda: shown, timeout=60)
        field = screen.query_one("#search", Input)
        field.focus()
        for kind, texts in plan.items():
            for text in texts:
                before = text[:-1]
                if field.value != before or not shown or shown[-1][0] != before:
                    shown.clear()
                    field.value = before
                    field.cursor_position = len(before)
                    await h.wait_until(lambda b=before: shown and shown[-1][0] == b, timeout=60)
                await pilot.pause(0.05)
                shown.clear()
                started = time.perf_counter()
                await pilot.press(text[-1] if text[-1] != " " else "space")
                try:
                    await h.wait_until(lambda t=text: shown and shown[-1][0] == t, timeout=60)
                except TimeoutError:
                    state = f"field {field.value!r}, shown {shown}, focus {app.focused}"
                    raise TimeoutError(f"{text!r} never shown: {state}") from None
                await h.wait_until(lambda: clock.first_after(shown[-1][1]) is not None, 5)
                results[kind].append((text, clock.first_after(shown[-1][1]) - started))
                service[kind].append(service_times[text])
    search.search_plans = original_search
    return results, service


def report(label: str, results: dict[str, list[tuple[str, float]]], service) -> None:
    for kind, pairs in results.items():
        values = [v for _, v in pairs]
        print(f"{label:<28} {kind:<16} {h.fmt(values)}")
        print(f"{'':<28} {'(in the query)':<16} {h.fmt(service[kind])}")
        worst = sorted(pairs, key=lambda p: -p[1])[:3]
        slowest = ", ".join(f"{t!r} {v * 1000:.0f} ms" for t, v in worst)
        print(f"{'':<28} {'':<16} slowest: {slowest}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--samples", type=int, default=6, help="queries per prefix length")
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args()
    h.header("Filter latency: key press to filtered rows on screen (1,000,000 plans)")
    backends = h.million_plan_databases(args.backend)
    for name, url in backends:
        print(f"{name}: {url}")
        users = (("staff (MI01)", h.STAFF, "MI01"), ("support (all)", h.SUPPORT, None))
        for who, user, store in users:
            plan = queries(url, store, args.samples, args.seed)
            results, service = asyncio.run(measure_user(url, user, plan))
            report(f"{name} {who}", results, service)
            all_values = [v for pairs in results.values() for _, v in pairs]
            print(f"{name + ' ' + who:<28} {'all':<16} {h.fmt(all_values)}", flush=True)
        print()


if __name__ == "__main__":
    main()
