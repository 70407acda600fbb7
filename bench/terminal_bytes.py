"""Terminal bytes: what one whole registration sends to an 80x24 terminal.

    python bench/terminal_bytes.py [--runs 3] [--variant NAME ...]

A real pdp-tui process in a pseudo-terminal, on a scratch copy of a small demo database:
launch, log in as the demo staff of MI01, fill in the form key by key (with a short pause
after each key, as a person types), Genera, until the activation code is on screen. Every
byte read from the pty's master side is counted, phase by phase, plus the bytes sent while
the screen sits idle (cursor blink, timers). Over SSH these bytes are what crosses the link.

Variants (environment of the app; the default is TERM=xterm-256color):
  standard     TEXTUAL_COLOR_SYSTEM=standard (16 colours, as deploy/ssh suggests for thin links)
  truecolor    COLORTERM=truecolor
  no-color     NO_COLOR=1
  vt100        TERM=vt100
What a change in the app would save, measured without changing it (patched at start-up):
  compact-login  the login screen's two fields drawn compact (one row, no tall border),
                 as the form's fields already are
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time

import _harness as h

VARIANTS = {
    "default": {},
    "standard": {"TEXTUAL_COLOR_SYSTEM": "standard"},
    "truecolor": {"COLORTERM": "truecolor"},
    "no-color": {"NO_COLOR": "1"},
    "vt100": {"TERM": "vt100"},
    "compact-login": {},
}
CODE = re.compile(r"(?:[0-9A-Z] ){4}- (?:[0-9A-Z] ){4}- (?:[0-9A-Z] ){3}[0-9A-Z]")
PATCHES = {
    "compact-login": (
        "import sys; from pdp_tui.tui.screens import login as l; F = l.TextField; "
        "l.TextField = lambda *a, **k: F(*a, compact=True, **k); "
        "from pdp_tui.cli import main; sys.exit(main())"
    ),
}
KEY_PAUSE = 0.06
IDLE = 3.0


def type_text(proc: h.PtyProcess, text: str, per_key: list[int]) -> None:
    for ch in text:
        before = len(proc.output)
        proc.send(ch)
        proc.drain(KEY_PAUSE, limit=2)
        per_key.append(len(proc.output) - before)


def field(proc: h.PtyProcess, text: str, per_key: list[int]) -> None:
    type_text(proc, text, per_key)
    proc.press("enter")
    proc.drain(0.2, limit=3)


def one_registration(url: str, variant: str, number: str) -> dict[str, float]:
    env = h.child_env(PDP_DATABASE_URL=url, PDP_CONFIG=os.devnull)
    env.update(VARIANTS[variant])
    argv = [sys.executable, "-c", PATCHES[variant]] if variant in PATCHES else h.pdp_tui_argv()
    phases: dict[str, float] = {}
    per_key: list[int] = []
    with h.PtyProcess(argv, env=env) as proc:

        def phase(name: str, start: int) -> int:
            phases[name] = len(proc.output) - start
            return len(proc.output)

        proc.wait_for("Accesso", timeout=30)
        proc.drain(0.5)
        mark = phase("launch to login screen", 0)
        proc.drain(IDLE, limit=IDLE)
        mark = phase(f"idle on login screen ({IDLE:.0f} s)", mark)
        type_text(proc, h.STAFF[0], per_key)
        proc.press("enter")
        proc.drain(0.2)
        type_text(proc, h.STAFF[1], per_key)
        proc.press("enter")
        proc.wait_for("Genera", timeout=30, start=mark)
        proc.drain(0.5)
        mark = phase("typing the login, to the form", mark)
        proc.drain(IDLE, limit=IDLE)
        mark = phase(f"idle on the form ({IDLE:.0f} s)", mark)
        field(proc, "1", per_key)  # covering: the first one
        field(proc, number, per_key)
        field(proc, "Mario", per_key)
        field(proc, "Rossi", per_key)
        type_text(proc, "1", per_key)  # protection: solo rivestimento
        mark = phase("filling in the form", mark)
        proc.press("enter")  # Enter on the last field: Genera
        proc.wait_for(CODE, timeout=30, start=mark)
        proc.drain(0.5)
        mark = phase("Genera to the code on screen", mark)
        proc.drain(IDLE, limit=IDLE)
        phase(f"idle with the code shown ({IDLE:.0f} s)", mark)
        phases["total"] = len(proc.output)
        phases["per typed key (median)"] = statistics.median(per_key)
        phases["per typed key (max)"] = max(per_key)
    return phases


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--variant", action="append", choices=sorted(VARIANTS))
    args = parser.parse_args()
    variants = args.variant or ["default"]
    h.header("Bytes written to the terminal during one registration (80x24)")
    results: dict[str, list[dict[str, float]]] = {}
    with h.scratch_copy(h.sqlite_db(5_000)) as url:
        stamp = time.strftime("%H%M%S")
        for name in variants:
            results[name] = [
                one_registration(url, name, f"TB{stamp}{name[:3].upper()}{i}")
                for i in range(args.runs)
            ]
    names = list(results)
    title = f"bytes (median of {args.runs} runs)"
    print(f"{title:<40}" + "".join(f"{n:>15}" for n in names))
    for key in results[names[0]][0]:
        cells = "".join(f"{statistics.median(r[key] for r in results[n]):>15,.0f}" for n in names)
        print(f"{key:<40}{cells}")


if __name__ == "__main__":
    main()
