"""Genera: F5 on a filled-in form to the activation code on screen.

    python bench/genera.py [--backend sqlite|postgres|both] [--runs 30]

The real app (PdpApp) under Pilot at 80x24, logged in as the demo staff of MI01, on the
databases with 1,000,000 plans (see filter_latency.py). Each run fills the form (values set
directly: typing is not what is measured), presses F5 and stops the clock at the first frame
sent to the terminal after the activation-code panel received the plan. "(in the service)"
is the share spent in services.plans.register_plan. It runs on a scratch copy of each
database (plans cannot be deleted), so that the cached ones stay as filled.
"""

from __future__ import annotations

import argparse
import asyncio
import time

import _harness as h

PREFIX = "BN"


async def measure(url: str, runs: int) -> tuple[list[float], list[float]]:
    from textual.widgets import Input

    from pdp_tui.services import plans

    app = h.make_app(url)
    totals: list[float] = []
    service: list[float] = []
    original_register = plans.register_plan

    def timed_register(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original_register(*args, **kwargs)
        finally:
            service.append(time.perf_counter() - started)

    plans.register_plan = timed_register
    stamp = time.strftime("%m%d%H%M%S")
    try:
        async with app.run_test(size=(h.COLS, h.ROWS)) as pilot:
            clock = h.FrameClock(app)
            await h.pilot_login(pilot, h.STAFF)
            screen = app.screen
            await h.wait_until(lambda: screen.query_one("#covering").choices, timeout=30)
            shown: list[float] = []
            original = screen._registered

            def registered(plan):
                original(plan)
                shown.append(time.perf_counter())

            screen._registered = registered
            for i in range(runs + 1):  # the first run warms up: discarded
                screen.query_one("#covering").selected = 0
                screen.query_one("#contract_number", Input).value = f"{PREFIX}{stamp}{i:04d}"
                screen.query_one("#first_name", Input).value = "Mario"
                screen.query_one("#last_name", Input).value = "Rossi"
                screen.query_one("#protection").selected = i % 2
                await pilot.pause(0.05)
                shown.clear()
                started = time.perf_counter()
                await pilot.press("f5")
                await h.wait_until(lambda: shown, timeout=30)
                await h.wait_until(lambda: clock.first_after(shown[-1]) is not None, 5)
                if i:
                    totals.append(clock.first_after(shown[-1]) - started)
                await pilot.press("f2")  # F2 again: the next plan
                await h.wait_until(lambda: screen.query_one("#code-panel").plan is None)
    finally:
        plans.register_plan = original_register
        from pdp_tui import db

        db.release()
    return totals, service[1:]


def freeze_gc_after_login() -> None:
    """What `gc.freeze()` after login would buy: the objects of start-up (modules, the DOM)
    leave the collector's generations, so a full collection no longer walks them."""
    import gc

    from pdp_tui.tui import app as app_module

    start_session = app_module.PdpApp.start_session

    def patched(self, *args, **kwargs):
        result = start_session(self, *args, **kwargs)
        self.call_after_refresh(gc.freeze)
        return result

    app_module.PdpApp.start_session = patched


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--gc-freeze", action="store_true", help="patch the app: gc.freeze() after login"
    )
    args = parser.parse_args()
    if args.gc_freeze:
        freeze_gc_after_login()
    h.header("Genera (F5) to the activation code on screen (1,000,000 plans)")
    backends = h.million_plan_databases(args.backend)
    for name, url in backends:
        with h.scratch_copy(url) as scratch:
            totals, service = asyncio.run(measure(scratch, args.runs))
        print(f"{name:<11} F5 to code on screen: {h.fmt(totals)}  (target <= 100 ms)")
        print(f"{'':<11} (in the service)     {h.fmt(service)}", flush=True)


if __name__ == "__main__":
    main()
