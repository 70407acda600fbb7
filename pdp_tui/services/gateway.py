"""One entry point for the UI: run a service call in its own database session.

Screens call ``gateway.call(fn, *args)`` from a thread worker. Driver errors (server
down, connection lost, database locked for too long) become ``DatabaseUnavailable``
with an Italian message, so that no driver exception or traceback reaches a screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from peewee import DatabaseError, InterfaceError, OperationalError

from pdp_tui.db import is_disk_full, release, session
from pdp_tui.services.errors import DatabaseUnavailable, DiskFull

T = TypeVar("T")
log = logging.getLogger(__name__)


def call(fn: Callable[..., T], /, *args: object, **kwargs: object) -> T:
    try:
        with session():
            return fn(*args, **kwargs)
    except DatabaseError as exc:  # a file the app writes (a form) says its own OSError
        translated = _translated(exc, getattr(fn, "__name__", fn))
        if translated is exc:
            raise
        raise translated from exc


def _translated(exc: Exception, where: object) -> Exception:
    """The Italian error for a driver error (the connection dropped where it must not be
    used again); anything else as it was."""
    if is_disk_full(exc):
        # The transaction was rolled back: nothing of this call is saved, nothing before it
        # is lost. Said as what it is, so that someone frees space instead of waiting.
        log.error("database disk full in %s: %s", where, exc)
        _discard_connection()
        return DiskFull()
    if isinstance(exc, (OperationalError, InterfaceError)):
        log.warning("database unavailable in %s: %s", where, exc)
        # A broken connection must not be used again (nor kept for the next call).
        _discard_connection()
        return DatabaseUnavailable()
    if isinstance(exc, DatabaseError):
        log.error("database error in %s", where, exc_info=exc)
        _discard_connection()
        return DatabaseUnavailable(
            "Errore del database. Riprova; se persiste, avvisa l'assistenza."
        )
    return exc


def _discard_connection() -> None:
    try:
        release()
    except Exception:  # noqa: BLE001 - the connection is already broken; nothing to report
        log.debug("closing a broken connection failed", exc_info=True)


def prepare(url: str, *, auto_migrate: bool, create: bool = True) -> None:
    """Open the database at ``url`` and bring its schema up to date (where allowed).
    ``create`` False refuses an SQLite file that does not exist (see ``db.make_database``)."""
    from pdp_tui import db

    try:
        database_obj = db.open_database(url, create=create)
        pending, unknown = db.migration_status(database_obj)
        if unknown:
            raise DatabaseUnavailable(
                "Il database è di una versione più recente di questo programma: aggiornalo."
            )
        if pending:
            if not auto_migrate:
                raise DatabaseUnavailable("Il database va aggiornato: esegui «pdp-tui migrate».")
            db.migrate(database_obj)
    except db.DatabaseURLError as exc:
        message = str(exc)
        raise DatabaseUnavailable(message[:1].upper() + message[1:]) from exc
    except DatabaseError as exc:
        translated = _translated(exc, "prepare")
        if translated is exc:
            raise
        raise translated from exc
