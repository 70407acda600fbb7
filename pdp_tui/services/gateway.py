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

from pdp_tui.db import database
from pdp_tui.services.errors import DatabaseUnavailable

T = TypeVar("T")
log = logging.getLogger(__name__)


def call(fn: Callable[..., T], /, *args: object, **kwargs: object) -> T:
    try:
        with database.connection_context():
            return fn(*args, **kwargs)
    except (OperationalError, InterfaceError) as exc:
        log.warning("database unavailable in %s: %s", getattr(fn, "__name__", fn), exc)
        # A broken pooled connection must not be handed out again.
        _discard_connection()
        raise DatabaseUnavailable() from exc
    except DatabaseError as exc:
        log.exception("database error in %s", getattr(fn, "__name__", fn))
        _discard_connection()
        raise DatabaseUnavailable("Errore del database. Riprova; se persiste, avvisa l'assistenza.") from exc


def _discard_connection() -> None:
    db = database.obj
    if db is None:
        return
    try:
        if not db.is_closed():
            db.close()
    except Exception:  # noqa: BLE001 - the connection is already broken; nothing to report
        log.debug("closing a broken connection failed", exc_info=True)
