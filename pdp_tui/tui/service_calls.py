"""Running service calls off the UI thread, with results and errors back on it.

Every screen that talks to the database does it through ``ServiceCalls.call_service``:
the call runs in a thread worker inside its own database session (``gateway.call``),
a stale call (exclusive group) never delivers its result, a ``ServiceError`` reaches
the screen's handler, and anything else is logged and shown as a generic message.
A ``SessionEnded`` (the account was disabled or changed meanwhile) goes to the app instead,
which ends the session and shows why on the login screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from textual.worker import Worker, get_current_worker

log = logging.getLogger(__name__)

UNEXPECTED = "Si è verificato un errore imprevisto. Riprova; se persiste, avvisa l'assistenza."


class ServiceCalls:
    """Mixin for screens (any ``DOMNode`` with ``app`` and ``run_worker``)."""

    def call_service(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_success: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None = None,
        group: str = "service",
        exclusive: bool = True,
        **kwargs: Any,
    ) -> Worker:
        app = self.app  # type: ignore[attr-defined]
        handle_error = on_error or self.show_service_error

        def job() -> None:
            from pdp_tui.services import gateway
            from pdp_tui.services.errors import ServiceError, SessionEnded

            worker = get_current_worker()
            try:
                app.ensure_database()
                result = gateway.call(fn, *args, **kwargs)
            except SessionEnded as exc:
                deliver, value = app.session_ended, exc
            except ServiceError as exc:
                deliver, value = handle_error, exc
            except Exception as exc:  # noqa: BLE001 - shown as a message, logged with traceback
                log.exception("unexpected error in %s", getattr(fn, "__name__", fn))
                deliver, value = handle_error, RuntimeError(UNEXPECTED)
                value.__cause__ = exc
            else:
                deliver, value = on_success, result
            if not worker.is_cancelled:
                app.call_from_thread(deliver, value)

        return self.run_worker(  # type: ignore[attr-defined]
            job, thread=True, group=group, exclusive=exclusive, exit_on_error=False
        )

    def show_service_error(self, error: Exception) -> None:
        self.app.notify(str(error), severity="error", markup=False)  # type: ignore[attr-defined]
