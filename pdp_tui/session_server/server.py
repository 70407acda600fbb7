"""``pdp-tui serve --socket PATH``: import the app once, then fork a session per connection.

The server imports what a session uses (Textual and every screen, peewee with the driver,
argon2, the adhesion form's PDF libraries), freezes those objects out of the garbage
collector's reach (``gc.freeze``: a collection in a session would otherwise write to every
shared page and copy it), and listens. It never opens the database, reads the settings or
starts a thread or an event loop: each session does that for itself, after the fork, with
the environment its till sent, exactly as ``pdp-tui`` started by sshd would (Textual's
settings included: they are read again from the session's environment).

A connection from another account is refused (SO_PEERCRED). Stopping the server (SIGTERM,
SIGINT) stops new sessions only: those running are processes of their own and go on.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import pkgutil
import signal
import socket
import stat
import struct
import sys
import threading
import time
from pathlib import Path

from pdp_tui.config import os_error_text
from pdp_tui.session_server import attach

log = logging.getLogger("pdp_tui.session_server")

# Every package whose modules a session may import; each module in them is imported.
PRELOADED_PACKAGES = ("pdp_tui.tui", "pdp_tui.services", "pdp_tui.forms", "pdp_tui.cli")
PRELOADED = (
    "pdp_tui.db",
    "pdp_tui.models",
    "pdp_tui.database_url",
    "argon2",
    "psycopg",  # when installed: a chain's sessions are on PostgreSQL
    "playhouse.pool",
    "playhouse.postgres_ext",
    "fpdf",
    "segno",
    "textual.widgets._data_table",
    "textual.widgets._select",
    "textual.widgets._toast",
    "textual.command",
    "textual.drivers.linux_driver",  # what App.run() imports when a session starts
    "textual.drivers.headless_driver",
    "textual.layouts.factory",
    "textual.layouts.horizontal",
    "textual.layouts.stream",
    "textual.scrollbar",
    "textual._xterm_parser",
    "concurrent.futures.thread",
    "tty",
)
REQUEST_TIMEOUT = 10.0  # seconds a client has to send its request


class BadRequest(Exception):
    """What a client sent is not a session request (see attach)."""


class ServerError(Exception):
    """The server cannot start: the message says why, in Italian."""


def serve(path: Path) -> None:
    """Preload, listen on ``path`` and fork sessions until SIGTERM or SIGINT."""
    started = time.perf_counter()
    count = preload()
    listener = listen(path)
    stopping = threading.Event()

    def stop(_signum, _frame):
        stopping.set()
        listener.close()  # accept() below fails: the loop ends

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # sessions are reaped by the kernel
    print(
        f"pdp-tui serve: in ascolto su {path} ({count} moduli caricati in "
        f"{time.perf_counter() - started:.1f} s, pid {os.getpid()})",
        file=sys.stderr,
        flush=True,
    )
    inode = os.stat(path).st_ino
    try:
        while not stopping.is_set():
            try:
                conn, _ = listener.accept()
            except OSError as exc:  # closed by stop(), or no descriptor left for a while
                if not stopping.is_set():
                    log.warning("pdp-tui serve: connessione non accettata (%s)", os_error_text(exc))
                    time.sleep(0.1)
                continue
            if not _same_account(conn):
                log.warning("pdp-tui serve: connessione rifiutata, viene da un altro account")
                conn.close()
                continue
            _fork_session(listener, conn)
    finally:
        listener.close()
        try:
            if os.stat(path).st_ino == inode:  # still ours, not a newer server's
                os.unlink(path)
        except OSError:
            pass


def preload() -> int:
    """Import what sessions use; the number of modules loaded."""
    from pdp_tui.cli.commands.app import set_frame_rate
    from pdp_tui.process_memory import return_large_blocks

    set_frame_rate()  # Textual reads it when it is imported
    return_large_blocks()  # inherited by every session
    gc.disable()  # as the gc.freeze docs advise: no collection leaves holes for sessions to fill
    for name in PRELOADED:
        _try_import(name)
    for package_name in PRELOADED_PACKAGES:
        package = importlib.import_module(package_name)
        for module in pkgutil.walk_packages(package.__path__, package_name + "."):
            _try_import(module.name)
    from rich.cells import cell_len

    cell_len("è")  # loads Rich's table of character widths (0.4 MiB), else loaded per session
    gc.freeze()
    return len(sys.modules)


def _try_import(name: str) -> None:
    try:
        importlib.import_module(name)
    except ImportError:  # an optional driver that is not installed
        pass


def listen(path: Path) -> socket.socket:
    if path.exists() or path.is_symlink():
        if not stat.S_ISSOCK(path.lstat().st_mode):
            raise ServerError(f"{path} esiste e non è un socket: scegli un altro percorso.")
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(str(path))
        except OSError:
            path.unlink()  # left by a server that ended without tidying up
        else:
            raise ServerError(f"un altro server di sessioni è già in ascolto su {path}.")
        finally:
            probe.close()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_umask = os.umask(0o177)  # the socket is born readable by this account only
    try:
        listener.bind(str(path))
    except OSError as exc:
        listener.close()
        raise ServerError(f"impossibile creare il socket {path}: {os_error_text(exc)}.") from None
    finally:
        os.umask(old_umask)
    listener.listen(128)
    return listener


def _same_account(conn: socket.socket) -> bool:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid == os.getuid()


def _fork_session(listener: socket.socket, conn: socket.socket) -> None:
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError as exc:  # no process left: the client starts the app itself
        log.warning("pdp-tui serve: sessione non avviata (%s)", os_error_text(exc))
        conn.close()
        return
    if pid:
        conn.close()
        return
    code = 1
    try:
        listener.close()
        code = run_session(conn)
    except BaseException:  # noqa: BLE001 - the child must never return into the server
        log.exception("pdp-tui serve: sessione terminata per un errore")
    finally:
        _exit(code)


def run_session(conn: socket.socket) -> int:
    """In the forked child: become the till's app, with its terminal and environment."""
    for signum in (signal.SIGCHLD, signal.SIGTERM):  # subprocess (lp) needs SIGCHLD back
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    gc.enable()
    os.setsid()  # out of the server's session and process group
    conn.settimeout(REQUEST_TIMEOUT)
    try:
        argv, env, cwd, umask, fds = receive_request(conn)
    except (OSError, BadRequest) as exc:
        log.warning("pdp-tui serve: richiesta non valida, nessuna sessione (%s)", exc)
        return 1
    conn.settimeout(None)
    for target, fd in zip(attach.TERMINAL_FDS, fds):
        os.dup2(fd, target)
        os.close(fd)
    _reopen_standard_streams()
    os.environ.clear()
    os.environ.update(env)
    time.tzset()
    _reread_textual_settings()
    os.umask(umask)
    try:
        os.chdir(cwd)
    except OSError:
        os.chdir("/")
    sys.argv = ["pdp-tui", *argv]
    _reply(conn, "pid", os.getpid())
    ended = threading.Event()
    threading.Thread(target=_hang_up_with_client, args=(conn, ended), daemon=True).start()
    from pdp_tui.cli import main

    code = main(argv)
    ended.set()
    _flush()
    try:
        _reply(conn, "exit", code)
    except OSError:
        pass
    return code


def receive_request(conn: socket.socket) -> tuple[list[str], dict, str, int, list[int]]:
    """The request attach.encode_request made, and the terminal's three descriptors."""
    data, fds, _flags, _address = socket.recv_fds(
        conn, attach.MAX_REQUEST, len(attach.TERMINAL_FDS)
    )
    try:
        header, _, body = data.partition(b"\0")
        length = int(header)
        if len(fds) != len(attach.TERMINAL_FDS) or not 0 < length <= attach.MAX_REQUEST:
            raise ValueError("three descriptors and a request expected")
        while len(body) < length:
            more = conn.recv(length - len(body))
            if not more:
                raise ValueError("request cut short")
            body += more
        return (*attach.decode_request(body), fds)
    except ValueError as exc:
        for fd in fds:
            os.close(fd)
        raise BadRequest(str(exc)) from None


def _reread_textual_settings() -> None:
    """Textual read its settings (TEXTUAL_COLOR_SYSTEM, TEXTUAL_FPS, ESCDELAY...) from the
    server's environment when the server imported it: read them again from the session's,
    so that a served session looks as the same session started by sshd would."""
    from pdp_tui.cli.commands.app import set_frame_rate

    set_frame_rate()
    import textual.constants

    importlib.reload(textual.constants)


def _reply(conn: socket.socket, word: str, number: int) -> None:
    conn.sendall(f"{word} {number}\n".encode())


def _reopen_standard_streams() -> None:
    """Text streams over the till's terminal, as a new process would have."""
    sys.stdin = sys.__stdin__ = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stdout = sys.__stdout__ = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = sys.__stderr__ = open(  # noqa: SIM115
        2, "w", encoding="utf-8", errors="backslashreplace", closefd=False, buffering=1
    )


def _hang_up_with_client(conn: socket.socket, ended: threading.Event) -> None:
    """The client's end closed (sshd killed it, or it died): the session hangs up too."""
    try:
        while conn.recv(64):
            pass
    except OSError:
        pass
    if not ended.is_set():
        os.kill(os.getpid(), signal.SIGHUP)


def _flush() -> None:
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


def _exit(code: int) -> None:
    """End the child without the server's atexit handlers or finally blocks."""
    try:
        _flush()
    finally:
        os._exit(code)
