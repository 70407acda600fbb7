"""What the commands write: tables and figures on stdout, errors and progress on stderr."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from pdp_tui.cli import messages

PROG = "pdp-tui"

Progress = Callable[[str, int, int], None]


def number(value: int) -> str:
    """12.345 (Italian thousands separator)."""
    return f"{value:,}".replace(",", ".")


def seconds(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " s"


def safe_url(url: str) -> str:
    """The URL without its password, to print."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)]
    for row in (headers, *rows):
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def print_error(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


def silence_stdout() -> None:
    """Point stdout at /dev/null: the reader went away, and the flush at exit must not fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


@contextmanager
def progress() -> Iterator[Progress]:
    """A progress callback: a rich bar on a terminal, plain lines otherwise (stderr)."""
    if not sys.stderr.isatty():

        def plain(phase: str, done: int, total: int) -> None:
            if done:
                line = messages.PHASE_PROGRESS.format(
                    phase=messages.PHASES.get(phase, phase), done=number(done), total=number(total)
                )
                print(line, file=sys.stderr)

        yield plain
        return

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    tasks: dict[str, int] = {}
    with Bar(
        TextColumn("{task.description:<8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    ) as bar:

        def update(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(messages.PHASES.get(phase, phase), total=total)
            bar.update(tasks[phase], completed=done, total=total)

        yield update
