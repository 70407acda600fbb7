"""Running service calls off the UI thread, with results and errors back on it.

Every screen that talks to the database does it through ``ServiceCalls.call_service``:
the call runs in a thread worker inside its own database session (``gateway.call``),
a stale call (exclusive group) never delivers its result, a ``ServiceError`` reaches
the screen's handler, and anything else is logged and shown as a generic message.
A ``SessionEnded`` (the account was disabled or changed meanwhile) goes to the app instead,
which ends the session and shows why on the login screen.

While a call runs, the screen holds the keys typed meanwhile (``holds_keys``; see
``type_ahead``): they reach the screen once the result is shown, in order. An error
discards them, as on a 5250 terminal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.worker import Worker, get_current_worker

log = logging.getLogger(__name__)

UNEXPECTED = "Si è verificato un errore imprevisto. Riprova; se persiste, avvisa l'assistenza."


@dataclass(eq=False)
class _Pending:
    """A call the screen waits for; it holds the keys typed meanwhile."""

    worker: Worker | None = None
    done: bool = False

    @property
    def holds(self) -> bool:
        # A superseded call (exclusive group) delivers nothing and holds nothing.
        return not self.done and not (self.worker is not None and self.worker.is_cancelled)


class ServiceCalls:
    """Mixin for screens (any ``DOMNode`` with ``app`` and ``run_worker``)."""

    _pending_calls: set[_Pending] | None = None

    def holds_keys(self) -> bool:
        """Keys typed now wait: the screen is not mounted yet, or waits for a call."""
        if not self.is_mounted:  # type: ignore[attr-defined]
            return True
        return any(call.holds for call in self._pending_calls or ())

    def call_service(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_success: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None = None,
        group: str = "service",
        exclusive: bool = True,
        hold_keys: bool = True,
        unit_of_work: bool = True,
        **kwargs: Any,
    ) -> Worker:
        """Run ``fn(*args, **kwargs)`` off the UI thread; its result goes to ``on_success``,
        a ``ServiceError`` (or an unexpected error, as a generic message) to ``on_error``.
        With ``hold_keys`` (the default) keys typed meanwhile wait for the result.
        ``unit_of_work=False`` runs ``fn`` outside a database session, for services that
        open their own around slow work (printing waits for CUPS between two of them)."""
        app = self.app  # type: ignore[attr-defined]
        handle_error = on_error or self.show_service_error
        pending = _Pending()
        if hold_keys:
            if self._pending_calls is None:
                self._pending_calls = set()
            self._pending_calls.add(pending)

        def finish(deliver: Callable[[Any], None] | None, value: Any, failed: bool) -> None:
            try:
                if deliver is not None:
                    deliver(value)
            except Exception:  # a bug in a screen's handler: said, logged, not swallowed
                log.exception("showing the result of %s", getattr(fn, "__name__", fn))
                failed = True
                self.show_service_error(RuntimeError(UNEXPECTED))
            finally:
                pending.done = True
                if self._pending_calls is not None:
                    self._pending_calls.discard(pending)
                if hold_keys:
                    if failed:
                        app.type_ahead.discard()
                    app.type_ahead.wake()

        def job() -> None:
            from pdp_tui.services import gateway
            from pdp_tui.services.errors import ServiceError, SessionEnded

            worker = get_current_worker()
            failed = True
            try:
                app.ensure_database()
                if unit_of_work:
                    result = gateway.call(fn, *args, **kwargs)
                else:
                    result = fn(*args, **kwargs)
            except SessionEnded as exc:
                deliver, value = app.session_ended, exc
            except ServiceError as exc:
                deliver, value = handle_error, exc
            except Exception as exc:  # noqa: BLE001 - shown as a message, logged with traceback
                log.exception("unexpected error in %s", getattr(fn, "__name__", fn))
                deliver, value = handle_error, RuntimeError(UNEXPECTED)
                value.__cause__ = exc
            else:
                deliver, value, failed = on_success, result, False
            if worker.is_cancelled:
                deliver, failed = None, False
            try:
                app.call_from_thread(finish, deliver, value, failed)
            except RuntimeError:  # the app has exited meanwhile
                log.debug("result of %s after exit", getattr(fn, "__name__", fn))

        worker = self.run_worker(  # type: ignore[attr-defined]
            job, thread=True, group=group, exclusive=exclusive, exit_on_error=False
        )
        pending.worker = worker
        return worker

    def show_service_error(self, error: Exception) -> None:
        self.app.notify(str(error), severity="error", markup=False)  # type: ignore[attr-defined]
