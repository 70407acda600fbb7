"""Shared by the bench scripts: statistics, the header, cached databases, a pty runner.

Not a test helper: the scripts print figures, they assert nothing.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import platform
import pty
import re
import select
import shlex
import shutil
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("PDP_BENCH_CACHE", "/tmp/pdp-bench"))
# As in demo_fill.py: PDP_BENCH_POSTGRES_URL is the server's admin connection; the cached
# database with a million plans is pdp_bench on that server.
POSTGRES_ADMIN_URL = os.environ.get(
    "PDP_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
POSTGRES_URL = POSTGRES_ADMIN_URL.rpartition("/")[0] + "/pdp_bench"
MILLION = 1_000_000
COLS, ROWS = 80, 24

# The demo accounts (pdp_tui.demo / domain.DEMO_ACCOUNTS).
STAFF = ("vendite.mi", "demo-vendite-1")
SUPPORT = ("assistenza", "demo-assist-01")


# --- figures ----------------------------------------------------------------------------


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil
    return ordered[int(rank) - 1]


def summary(samples: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(samples),
        "median": statistics.median(samples),
        "p95": percentile(samples, 95),
        "min": min(samples),
        "max": max(samples),
    }


def fmt(samples: Sequence[float], unit: str = "ms", scale: float = 1000.0) -> str:
    s = summary(samples)
    return (
        f"median {s['median'] * scale:7.1f} {unit}  p95 {s['p95'] * scale:7.1f} {unit}  "
        f"min–max {s['min'] * scale:.1f}–{s['max'] * scale:.1f} {unit}  (n={s['n']})"
    )


def header(title: str) -> None:
    """What ran, where, when: printed before the figures."""
    cmd = " ".join(shlex.quote(a) for a in [Path(sys.executable).name, *sys.argv])
    print(f"# {title}")
    print(f"date:    {dt.datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(
        f"machine: {os.cpu_count()} cores (nproc), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )
    print(f"command: {cmd}")
    print(flush=True)


# --- databases ----------------------------------------------------------------------------


def _run(argv: list[str], **kwargs) -> None:
    print("$ " + " ".join(shlex.quote(a) for a in argv), file=sys.stderr, flush=True)
    subprocess.run(argv, check=True, **kwargs)


def pdp_tui_argv() -> list[str]:
    """How to start the installed ``pdp-tui`` (the console script next to this Python)."""
    script = Path(sys.executable).with_name("pdp-tui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pdp_tui"]


def sqlite_db(contracts: int, name: str | None = None) -> str:
    """URL of a cached demo SQLite file with ``contracts`` plans; filled on first use."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / (name or f"plans-{contracts}.sqlite3")
    if contracts == MILLION and name is None:
        path = CACHE / "plans-1m.sqlite3"
    if not path.exists():
        part = path.with_name(path.name + ".part")
        for leftover in CACHE.glob(part.name + "*"):
            leftover.unlink()
        _run(
            [*pdp_tui_argv(), "demo", "--contracts", str(contracts), "--db", f"sqlite:///{part}"],
            stdout=subprocess.DEVNULL,
        )
        part.rename(path)
    return f"sqlite:///{path}"


def sqlite_plan_count(url: str) -> int:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return conn.execute("SELECT count(*) FROM plan").fetchone()[0]


def postgres_db(contracts: int = MILLION, url: str = POSTGRES_URL) -> str | None:
    """URL of the scratch PostgreSQL database with at least ``contracts`` plans, or None."""
    import psycopg

    base, _, name = url.rpartition("/")
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL not reachable ({exc}): skipped", file=sys.stderr)
        return None
    with psycopg.connect(url, autocommit=True) as conn:
        has_table = conn.execute("SELECT to_regclass('plan')").fetchone()[0]
        count = conn.execute("SELECT count(*) FROM plan").fetchone()[0] if has_table else 0
    if count < contracts:
        _run(
            [*pdp_tui_argv(), "demo", "--contracts", str(contracts - count), "--db", url],
            stdout=subprocess.DEVNULL,
        )
    return url


def million_plan_databases(choice: str) -> list[tuple[str, str]]:
    """(label, URL) of the 1,000,000-plan databases for ``--backend sqlite|postgres|both``."""
    found = []
    if choice in ("sqlite", "both"):
        found.append(("SQLite", sqlite_db(MILLION)))
    if choice in ("postgres", "both"):
        url = postgres_db()
        if url:
            found.append(("PostgreSQL", url))
    return found


@contextmanager
def scratch_copy(url: str, tag: str = "scratch") -> Iterator[str]:
    """A throwaway copy of a cached database, for benchmarks that register plans.

    Plans are never deleted (a trigger refuses it), so the cached databases stay as filled
    only if what a benchmark writes goes to a copy: a file copy for SQLite, a database made
    from the cached one as a template for PostgreSQL. ``tag`` names the copy, so that two
    benchmarks running at once do not share (or drop) each other's.
    """
    if url.startswith("sqlite"):
        source = Path(url.removeprefix("sqlite:///"))
        copy = source.with_name(f"{tag}-{source.name}")
        shutil.copyfile(source, copy)
        try:
            yield f"sqlite:///{copy}"
        finally:
            for leftover in copy.parent.glob(copy.name + "*"):
                leftover.unlink()
        return
    import psycopg

    base, _, name = url.rpartition("/")
    scratch = f"{name}_{tag}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{scratch}" TEMPLATE "{name}"')
    try:
        yield f"{base}/{scratch}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


# --- a real process in a pseudo-terminal ----------------------------------------------

_ESCAPES = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    rb"|\x1b[P^_X][^\x1b]*\x1b\\"  # DCS, PM, APC, SOS
    rb"|\x1b[@-Z\\-_]"  # other two-byte sequences
    rb"|\x1b[()][0-9A-Za-z]"  # character sets
)


def plain_text(data: bytes) -> str:
    """Terminal output without escape sequences (enough to find words drawn on screen)."""
    return _ESCAPES.sub(b"", data).decode("utf-8", "replace")


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a benchmarked process: a plain xterm, no developer settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PDP_", "TEXTUAL", "COLORTERM", "NO_COLOR", "TMUX"))
    }
    env.update(TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    env.update(XDG_STATE_HOME=str(CACHE / "state"))  # the app's log file
    env.update(extra)
    return env


KEYS = {
    "enter": b"\r",
    "tab": b"\t",
    "down": b"\x1b[B",
    "up": b"\x1b[A",
    "pagedown": b"\x1b[6~",
    "pageup": b"\x1b[5~",
    "f2": b"\x1bOQ",
    "f3": b"\x1bOR",
    "f5": b"\x1b[15~",
    "ctrl+q": b"\x11",
}


class PtyProcess:
    """A command in its own pseudo-terminal (cols x rows), as if started from a terminal.

    Every byte the program writes is kept in ``output`` (with ``len(output)`` the count of
    bytes the terminal received); ``wait_for`` searches the text without escape sequences.
    """

    def __init__(
        self,
        argv: Sequence[str],
        env: dict[str, str] | None = None,
        cols: int = COLS,
        rows: int = ROWS,
        cwd: str | os.PathLike | None = None,
    ) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.started = time.perf_counter()

        def controlling_tty() -> None:  # in the child: the pty is its terminal
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env if env is not None else child_env(),
            cwd=cwd,
            preexec_fn=controlling_tty,
            close_fds=True,
        )
        self.tty_name = os.ttyname(slave)
        os.close(slave)
        self.output = bytearray()
        self.last_read = self.started
        self._searched = 0
        self._text = ""

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _pump(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], max(timeout, 0))
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the child closed the terminal
            chunk = b""
        if not chunk:
            raise EOFError("the program ended")
        self.output += chunk
        self.last_read = time.perf_counter()
        self._answer_queries(chunk)
        return True

    def _answer_queries(self, chunk: bytes) -> None:
        # Cursor position report: some programs ask and wait; answer as a terminal would.
        if b"\x1b[6n" in chunk:
            self.send(b"\x1b[1;1R")

    def text(self) -> str:
        if self._searched != len(self.output):
            self._text = plain_text(bytes(self.output))
            self._searched = len(self.output)
        return self._text

    def wait_for(self, pattern: str | re.Pattern, timeout: float = 20.0, start: int = 0):
        """Read until ``pattern`` appears in the text after byte ``start``; the match."""
        regex = re.compile(re.escape(pattern)) if isinstance(pattern, str) else pattern
        deadline = time.perf_counter() + timeout
        while True:
            match = regex.search(plain_text(bytes(self.output[start:])))
            if match:
                return match
            left = deadline - time.perf_counter()
            if left <= 0:
                tail = plain_text(bytes(self.output[-2000:]))
                raise TimeoutError(f"{regex.pattern!r} not on screen; last text: {tail!r}")
            try:
                self._pump(min(left, 0.5))
            except EOFError:
                raise EOFError(f"ended before {regex.pattern!r}: {self.text()[-2000:]!r}") from None

    def drain(self, quiet: float = 0.3, limit: float = 10.0) -> None:
        """Read until the program has written nothing for ``quiet`` seconds."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            try:
                if not self._pump(quiet):
                    return
            except EOFError:
                return

    def send(self, data: bytes | str) -> None:
        os.write(self.master, data.encode() if isinstance(data, str) else data)

    def press(self, *keys: str) -> None:
        for key in keys:
            self.send(KEYS.get(key, key.encode()))

    def peak_rss_kib(self) -> int:
        """VmHWM of the process: its peak resident set size."""
        return self.memory_kib()["VmHWM"]

    def memory_kib(self) -> dict[str, int]:
        """VmHWM (peak) and VmRSS (now) of the process, in KiB."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        return {k: int(v) for k, v in re.findall(r"(VmHWM|VmRSS):\s+(\d+) kB", status)}

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        try:
            os.close(self.master)
        except OSError:
            pass

    def __enter__(self) -> PtyProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def attach_argv() -> list[str]:
    """A session from the session server, as pdp-tui-ssh starts it when PDP_SESSIONS_SOCKET
    is set: its client (deploy/ssh/pdp-tui-attach) without site-packages."""
    return [sys.executable, "-I", "-S", str(ROOT / "deploy" / "ssh" / "pdp-tui-attach")]


class SessionServer:
    """``pdp-tui serve`` on a socket in a temporary folder, until ``close()``."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        import tempfile

        self.folder = Path(tempfile.mkdtemp(prefix="pdp-serve."))
        self.socket = self.folder / "sessions.sock"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pdp_tui", "serve", "--socket", str(self.socket)],
            env=env if env is not None else child_env(),
            stdin=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.started_line = self.proc.stderr.readline().strip()  # "in ascolto su ..."
        if not self.socket.exists():
            raise SystemExit(f"pdp-tui serve did not start: {self.started_line}")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def session_pid(self, tty_name: str, timeout: float = 30) -> int:
        """The session the server forked for the client on terminal ``tty_name``."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
            for child in children:
                try:
                    if os.readlink(f"/proc/{child}/fd/0") == tty_name:
                        return int(child)
                except OSError:
                    continue
            time.sleep(0.05)
        raise TimeoutError(f"no session on {tty_name}")

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


def bare_app_argv() -> list[str]:
    """The baseline: a bare Textual app that draws one Input (bench/bare_app.py)."""
    return [sys.executable, str(BENCH_DIR / "bare_app.py")]


BARE_MARKER = "Accesso"  # bare_app.py shows it as the Input's placeholder


def login_keys(proc: PtyProcess, user: tuple[str, str], pause: float = 0.3) -> None:
    """Type the credentials. Enter moves the focus by a message handled after the keys that
    already arrived, so keys sent in the same burst would still land in the first field: wait.
    """
    proc.send(user[0])
    proc.press("enter")
    proc.drain(pause, limit=pause * 3)
    proc.send(user[1])
    proc.press("enter")


def alternate(*names: str, runs: int) -> Iterable[str]:
    """a, b, a, b, …: side by side in the same run, so that machine noise hits both."""
    for _ in range(runs):
        yield from names


# --- the real app under Pilot (in this process) -------------------------------------------


def make_app(url: str):
    """PdpApp on ``url`` with default settings (no config file, no PDP_* variables)."""
    os.environ["PDP_CONFIG"] = os.devnull  # an empty settings file: defaults
    for var in [v for v in os.environ if v.startswith("PDP_") and v != "PDP_CONFIG"]:
        del os.environ[var]
    from pdp_tui import config
    from pdp_tui.tui.app import PdpApp

    settings = config.use(config.load_settings(database_url=url))
    return PdpApp(settings)


class FrameClock:
    """When the app sent each frame to the terminal.

    Wraps ``App._display``; under Pilot (headless) it also turns the update into the
    terminal's bytes, as a real driver would, so that the cost is counted.
    """

    def __init__(self, app) -> None:
        self.frames: list[float] = []
        original = app._display

        def display(screen, renderable) -> None:
            original(screen, renderable)
            if renderable is None:
                return
            if app.is_headless and hasattr(renderable, "render_segments"):
                renderable.render_segments(app.console)
            self.frames.append(time.perf_counter())

        app._display = display

    def first_after(self, moment: float) -> float | None:
        """The first frame sent at or after ``moment``."""
        import bisect

        index = bisect.bisect_left(self.frames, moment)
        return self.frames[index] if index < len(self.frames) else None


async def wait_until(predicate, timeout: float = 30.0, step: float = 0.0005) -> None:
    import asyncio

    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError(getattr(predicate, "__doc__", None) or "condition not met")
        await asyncio.sleep(step)


async def pilot_login(pilot, user: tuple[str, str]) -> None:
    """Type the credentials on the login screen and wait for the user's first screen."""
    from textual.widgets import Input

    app = pilot.app
    await wait_until(lambda: app.screen.query("#username"))
    app.screen.query_one("#username", Input).value = user[0]
    app.screen.query_one("#password", Input).value = user[1]
    app.screen.query_one("#password", Input).focus()
    await pilot.press("enter")
    await wait_until(lambda: app.actor is not None, timeout=60)
    await pilot.pause()
