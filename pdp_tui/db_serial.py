"""PostgreSQL for an app process: one connection at most, shared by its threads in turn.

A screen's workers may overlap (a search superseded by the next key is still running):
their units of work take turns (``connection_context``) instead of each holding a server
connection, and a unit nests in its own thread. Between units the connection is kept
for ``idle_seconds`` and then closed, so an idle process holds none.

Why keep it at all: a new connection costs 3-10 ms straight to PostgreSQL (a backend
starts) and 6-16 ms through PgBouncer with SCRAM (the client's key derivation), against
a keystroke's budget of 30 ms; reused, it costs nothing (bench/connections.py). Through
PgBouncer in transaction mode a kept client connection holds no server connection.

A kept connection the server has closed meanwhile (restart, terminated backend, timeout)
has something to read, an EOF or the server's last message: it is dropped unused.
"""

from __future__ import annotations

import atexit
import selectors
import threading
import time
import weakref

from peewee import ConnectionContext, PostgresqlDatabase

IDLE_SECONDS = 30.0


class _Turn(ConnectionContext):
    """A connection for one unit of work, when this thread's turn comes."""

    __slots__ = ()

    def __enter__(self) -> None:
        self.db.turn.acquire()
        try:
            super().__enter__()
        except BaseException:
            self.db.turn.release()
            raise

    def __exit__(self, exc_type, exc_val, exc_tb) -> None:
        try:
            super().__exit__(exc_type, exc_val, exc_tb)
        finally:
            self.db.turn.release()


class SerialPostgresqlDatabase(PostgresqlDatabase):
    """Units of work take turns on one connection, kept ``idle_seconds`` between them."""

    def __init__(self, *args, idle_seconds: float = IDLE_SECONDS, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.turn = threading.RLock()
        self.idle_seconds = idle_seconds
        self._kept = None  # the idle connection, or None
        self._kept_since = 0.0
        self._changed = threading.Condition()
        self._reaper: threading.Thread | None = None
        atexit.register(_close_kept, weakref.ref(self))

    def connection_context(self) -> _Turn:
        return _Turn(self)

    def _connect(self):
        with self._changed:
            conn, self._kept = self._kept, None
        if conn is not None and _still_open(conn):
            return conn
        if conn is not None:
            _quietly_close(conn)
        return super()._connect()

    def _close(self, conn) -> None:
        if self.idle_seconds > 0 and _reusable(conn):
            with self._changed:
                if self._kept is None:
                    self._kept, self._kept_since = conn, time.monotonic()
                    self._start_reaper()
                    self._changed.notify()
                    return
        super()._close(conn)

    def close_kept(self) -> None:
        """Close the idle connection now (if any)."""
        with self._changed:
            conn, self._kept = self._kept, None
            self._changed.notify()
        if conn is not None:
            _quietly_close(conn)

    def _start_reaper(self) -> None:
        if self._reaper is None:
            self._reaper = threading.Thread(
                target=_reap, args=(weakref.ref(self),), name="pdp-db-idle", daemon=True
            )
            self._reaper.start()


def _reap(ref: weakref.ref) -> None:
    """Close the kept connection once it has been idle for ``idle_seconds``; then end (the
    next connection kept starts another reaper)."""
    while (db := ref()) is not None:
        with db._changed:
            if db._kept is None:
                db._reaper = None
                return
            wait = db._kept_since + db.idle_seconds - time.monotonic()
            if wait > 0:
                db._changed.wait(wait)
                conn = None
            else:
                conn, db._kept, db._reaper = db._kept, None, None
        if conn is not None:
            _quietly_close(conn)
            return
        del db


def _close_kept(ref: weakref.ref) -> None:
    db = ref()
    if db is not None:
        db.close_kept()


def _reusable(conn) -> bool:
    """Open, usable, and outside any transaction."""
    return not conn.closed and not conn.broken and conn.info.transaction_status == 0  # IDLE


def _still_open(conn) -> bool:
    """Reusable, and the server has sent nothing since (it would have closed it)."""
    if not _reusable(conn):
        return False
    with selectors.DefaultSelector() as selector:
        selector.register(conn.fileno(), selectors.EVENT_READ)
        return not selector.select(timeout=0)


def _quietly_close(conn) -> None:
    try:
        conn.close()
    except Exception:  # noqa: BLE001, S110 - the connection is being dropped anyway
        pass
