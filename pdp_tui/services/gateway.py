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

from pdp_tui.db import release, session
from pdp_tui.services.errors import DatabaseUnavailable

T = TypeVar("T")
log = logging.getLogger(__name__)


def call(fn: Callable[..., T], /, *args: object, **kwargs: object) -> T:
    try:
        with session():
            return fn(*args, **kwargs)
    except (OperationalError, InterfaceError) as exc:
        log.warning("database unavailable in %s: %s", getattr(fn, "__name__", fn), exc)
        # A broken connection must not be used again (nor kept for the next call).
        _discard_connection()
        raise DatabaseUnavailable() from exc
    except DatabaseError as exc:
        log.exception("database error in %s", getattr(fn, "__name__", fn))
        _discard_connection()
        raise DatabaseUnavailable(
            "Errore del database. Riprova; se persiste, avvisa l'assistenza."
        ) from exc


def _discard_connection() -> None:
    try:
        release()
    except Exception:  # noqa: BLE001 - the connection is already broken; nothing to report
        log.debug("closing a broken connection failed", exc_info=True)


def prepare(url: str, *, auto_migrate: bool) -> None:
    """Open the database at ``url`` and bring its schema up to date (where allowed)."""
    from pdp_tui import db

    try:
        database_obj = db.open_database(url)
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
        raise DatabaseUnavailable(f"Indirizzo del database non valido: {exc}") from exc
    except (OperationalError, InterfaceError) as exc:
        log.warning("cannot open the database: %s", exc)
        _discard_connection()
        raise DatabaseUnavailable() from exc
