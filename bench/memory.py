"""Memory: peak RSS of pdp-tui after paging through 10,000 rows of 1,000,000 plans.

    python bench/memory.py [--backend sqlite|postgres|both] [--pages 200] [--runs 3]

A real process in an 80x24 pseudo-terminal: log in as the demo support user (the list shows
every store: all 1,000,000 plans), F3, then 200 pages of 50 rows with PageDown ("Pag. succ."
in the footer) from the search field, waiting for each page's "Contratti N–M" status line.
The figure is the process's VmHWM (peak resident set size) at the end, against the bare
Textual app (bench/bare_app.py: one Input, a few keys typed) measured with the same harness.
VmHWM and VmRSS (resident now) are also printed at each step, to show where the peak comes
from, and the time from PageDown to the next page's status line.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import _harness as h

MIB = 1024


def bare_peak() -> int:
    with h.PtyProcess(h.bare_app_argv(), env=h.child_env()) as proc:
        proc.wait_for(h.BARE_MARKER, timeout=30)
        proc.send("mario.rossi")
        proc.drain()
        return proc.peak_rss_kib()


def app_run(url: str, pages: int) -> tuple[dict[str, dict[str, int]], list[float]]:
    env = h.child_env(PDP_DATABASE_URL=url, PDP_CONFIG=os.devnull)
    steps: dict[str, dict[str, int]] = {}
    with h.PtyProcess(h.pdp_tui_argv(), env=env) as proc:
        proc.wait_for("Accesso", timeout=30)
        proc.drain(1.0)  # the warm-up worker: database open, modules imported
        steps["login screen"] = proc.memory_kib()
        h.login_keys(proc, h.SUPPORT)
        proc.wait_for("F3 Elenco", timeout=60)
        proc.drain(0.2)
        steps["logged in"] = proc.memory_kib()
        proc.press("f3")
        proc.wait_for("Contratti 1–50", timeout=60)
        proc.drain(0.2)
        steps["first page"] = proc.memory_kib()
        # PageDown with the focus in the search field: the screen's "Pag. succ." binding.
        # (In the table, the DataTable's own PageDown only moves the cursor within the page.)
        times = []
        for page in range(1, pages):
            mark = len(proc.output)
            started = time.perf_counter()
            proc.press("pagedown")
            proc.wait_for(f"Contratti {page * 50 + 1}–{page * 50 + 50}", timeout=30, start=mark)
            times.append(time.perf_counter() - started)
        proc.drain(0.2)
        steps[f"{pages} pages"] = proc.memory_kib()
        return steps, times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    h.header(f"Peak RSS after paging through {args.pages * 50:,} rows of 1,000,000 plans")
    backends = h.million_plan_databases(args.backend)
    bare = statistics.median(bare_peak() for _ in range(args.runs))
    print(f"{'bare app':<11} peak RSS {bare / MIB:6.1f} MiB (median of {args.runs})")
    for name, url in backends:
        runs = [app_run(url, args.pages) for _ in range(args.runs)]
        last = f"{args.pages} pages"
        peak = statistics.median(r[0][last]["VmHWM"] for r in runs)
        print(
            f"{name:<11} peak RSS {peak / MIB:6.1f} MiB after {args.pages} pages: "
            f"{peak / bare:.2f}x the bare app (target <= 1.50x)"
        )
        for step in runs[0][0]:
            hwm = statistics.median(r[0][step]["VmHWM"] for r in runs)
            rss = statistics.median(r[0][step]["VmRSS"] for r in runs)
            print(f"{'':<11} {step:<13} peak {hwm / MIB:6.1f} MiB, resident {rss / MIB:6.1f} MiB")
        times = [t for r in runs for t in r[1]]
        print(f"{'':<11} next page (PageDown to its status line): {h.fmt(times)}")
        print(flush=True)


if __name__ == "__main__":
    main()
