"""`pdp-tui export plans` of 1,000,000 plans: wall time and the process's peak memory.

Each sample is a fresh `python -m pdp_tui export plans -o FILE` process on a copy of the
cached 1,000,000-plan database (see _harness.py; a copy, so that this branch's migrations
are applied to it and not to the cache others share), timed from start to exit; its peak
resident set size comes from the kernel (wait4). The same command exporting one day's plans (about a
thousand rows) is the baseline: a streamed export peaks at the same memory whatever the
number of rows.

    PYTHONPATH=$PWD python bench/export.py --backend both --runs 3
    PYTHONPATH=$PWD python bench/export.py --backend postgres --pgbouncer 127.0.0.1:6432
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import (
    ROOT,
    alternate,
    child_env,
    fmt,
    header,
    million_plan_databases,
    scratch_copy,
)


def run_export(url: str, *extra: str) -> tuple[float, int, int]:
    """(seconds, peak RSS in KiB, bytes written) of one export process."""
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "piani.csv"
        env = child_env(PYTHONPATH=str(ROOT))
        argv = [sys.executable, "-m", "pdp_tui", "export", "plans", "--db", url, "-o", str(target)]
        start = time.perf_counter()
        proc = subprocess.Popen([*argv, *extra], env=env, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        error = proc.stderr.read().decode() if proc.stderr else ""
        if proc.returncode != 0:
            raise RuntimeError(f"export failed ({proc.returncode}): {error}")
        return elapsed, usage.ru_maxrss, target.stat().st_size


def report(url: str, runs: int, one_day: str) -> None:
    samples: dict[str, list[tuple[float, int, int]]] = {"all": [], "day": []}
    for which in alternate("all", "day", runs=runs):
        extra = () if which == "all" else ("--from", one_day, "--to", one_day)
        samples[which].append(run_export(url, *extra))
    for which, title in (("all", "all plans"), ("day", f"one day ({one_day})")):
        times = [s[0] for s in samples[which]]
        peaks = [s[1] / 1024 for s in samples[which]]
        size = samples[which][-1][2]
        print(f"{title:<22} time {fmt(times, 's', 1.0)}")
        print(
            f"{'':<22} peak RSS {max(peaks):.1f} MiB (min {min(peaks):.1f}), "
            f"file {size / 2**20:.1f} MiB"
        )
    print(flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--pgbouncer",
        metavar="HOST:PORT",
        help="also export the PostgreSQL copy through the PgBouncer listening there "
        "(transaction pooling)",
    )
    args = parser.parse_args()
    header("pdp-tui export plans, 1,000,000 plans")
    one_day = (dt.date.today() - dt.timedelta(days=3)).strftime("%d/%m/%Y")
    for label, cached in million_plan_databases(args.backend):
        with scratch_copy(cached, tag="export") as url:
            print(f"## {label}")
            report(url, args.runs, one_day)
            if args.pgbouncer and not url.startswith("sqlite"):
                print(f"## {label} through PgBouncer ({args.pgbouncer})")
                report(re.sub(r"@[^/]+/", f"@{args.pgbouncer}/", url), args.runs, one_day)


if __name__ == "__main__":
    main()
