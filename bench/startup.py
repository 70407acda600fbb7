"""Startup: launch to the login screen's "Accesso" on an 80x24 pty, against a bare app.

    python bench/startup.py [--runs 15] [--db URL] [--variant NAME ...]

Each run starts a real process in a pseudo-terminal and reads its output until the word
is written ("Accesso written"); then until the output pauses for 150 ms, and takes the time
of the last byte before the pause ("screen complete": pdp-tui's first frame is partial, the
labels and footer without the input boxes, and the whole screen follows). The bare Textual
app (bench/bare_app.py, one Input) is measured the same way, alternating with pdp-tui so
that machine noise hits both. The first run of each is a discarded warm-up.

--served adds a session of the session server (pdp-tui serve, started once before the runs):
the attach client started in the pty, as pdp-tui-ssh starts it with PDP_SESSIONS_SOCKET.

--ref GITREF adds pdp-tui as it was at another commit (checked out with `git worktree` in
the cache directory), measured side by side: a start-up regression shows up against it.

Variants (--variant) measure what a change in the app would buy, without changing it:
  login-css-only  only base.tcss and login.tcss parsed at start (each screen's own stylesheet
              would come with the screen, as Screen.CSS_PATH)
  no-warmup   PdpApp._warm_up delayed by 2 s (the worker that imports peewee, psycopg and
              argon2 and opens the database runs after the first paint instead of beside it)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import _harness as h

VARIANTS = {
    "login-css-only": (
        "import sys; from pdp_tui.tui import app as a; "
        "a.PdpApp.CSS_PATH = [a.STYLES / 'base.tcss', a.STYLES / 'login.tcss']; "
        "from pdp_tui.cli import main; sys.exit(main())"
    ),
    "no-warmup": (
        "import threading, sys; from pdp_tui.tui import app as a; w = a.PdpApp._warm_up; "
        "a.PdpApp._warm_up = lambda self: (threading.Event().wait(2), w(self)); "
        "from pdp_tui.cli import main; sys.exit(main())"
    ),
}


def measure(argv: list[str], marker: str, env: dict[str, str]) -> tuple[float, float]:
    with h.PtyProcess(argv, env=env) as proc:
        proc.wait_for(marker, timeout=30)
        written = time.perf_counter() - proc.started
        proc.drain(0.15, limit=5)
        return written, proc.last_read - proc.started


def worktree(ref: str) -> str:
    """A checkout of ``ref`` in the cache (made once per commit); its path."""
    commit = subprocess.run(
        ["git", "-C", str(h.ROOT), "rev-parse", "--short", ref],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    path = h.CACHE / f"worktree-{commit}"
    if not path.exists():
        subprocess.run(
            ["git", "-C", str(h.ROOT), "worktree", "add", "--detach", str(path), commit],
            check=True, capture_output=True,
        )  # fmt: skip
    return str(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--db", help="database URL (default: a cached demo SQLite file)")
    parser.add_argument("--variant", action="append", default=[], choices=sorted(VARIANTS))
    parser.add_argument("--ref", action="append", default=[], help="also pdp-tui at this commit")
    parser.add_argument("--served", action="store_true", help="also a session of pdp-tui serve")
    args = parser.parse_args()
    h.header("Startup to the login screen (80x24 pty)")
    url = args.db or h.sqlite_db(5_000)
    env = h.child_env(PDP_DATABASE_URL=url, PDP_CONFIG=os.devnull)  # empty settings: defaults
    commands = {
        "bare": (h.bare_app_argv(), h.BARE_MARKER),
        "pdp-tui": (h.pdp_tui_argv(), "Accesso"),
    }
    server = None
    if args.served:
        server = h.SessionServer(h.child_env(PDP_CONFIG=os.devnull))
        commands["pdp-tui served"] = (h.attach_argv(), "Accesso")
        env = dict(env, PDP_SESSIONS_SOCKET=str(server.socket))
    for name in args.variant:
        commands[f"pdp-tui[{name}]"] = ([sys.executable, "-c", VARIANTS[name]], "Accesso")
    for ref in args.ref:
        code = (
            f"import sys; sys.path.insert(0, {worktree(ref)!r}); "
            "from pdp_tui.cli import main; sys.exit(main())"
        )
        commands[f"pdp-tui@{ref}"] = ([sys.executable, "-c", code], "Accesso")
    print(f"database: {url}")
    for name, (argv, _) in commands.items():
        print(f"{name:>20}: {' '.join(argv)[:110]}")
    print()
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    try:
        for name in commands:  # warm-up, discarded
            measure(commands[name][0], commands[name][1], env)
        for name in h.alternate(*commands, runs=args.runs):
            samples[name].append(measure(commands[name][0], commands[name][1], env))
    finally:
        if server is not None:
            server.close()
    for index, what in enumerate(("Accesso written", "screen complete")):
        print(what)
        for name, pairs in samples.items():
            print(f"{name:>20}: {h.fmt([p[index] for p in pairs])}")
        bare = h.summary([p[index] for p in samples["bare"]])["median"]
        for name, pairs in samples.items():
            if name != "bare":
                ratio = h.summary([p[index] for p in pairs])["median"] / bare
                print(f"{name:>20}: {ratio:.2f}x the bare app (median; target <= 1.2x)")
        print()


if __name__ == "__main__":
    main()
