"""F9 "Stampa modulo": the adhesion form of the plan on screen, to its store's printer.

Screens that show one plan (the code panel after Genera, a contract's detail) mix in
``PrintsForm``, list ``PRINT_FORM`` in their BINDINGS, yield a ``PrintOutcome`` and say
which plan is printable (``printable_plan``). The print runs in a worker through
``ServiceCalls.call_service`` outside a unit of work (``services.printing.print_form`` opens
its own around drawing the form and waiting for CUPS), so nothing blocks the screen, and
the keys typed meanwhile are not held: the next plan can be typed while the form prints.
The service audits every print and reprint.
"""

from __future__ import annotations

import os
from pathlib import Path

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from pdp_tui.domain import PlanDetail, PlanStatus

PRINT_FORM_LABEL = "Stampa modulo"
PRINT_FORM = Binding("f9,ctrl+s", "print_form", PRINT_FORM_LABEL, key_display="F9", id="stampa")
PRINTING = "Stampa del modulo in corso…"
OTHER_PLAN = "Modulo del contratto {number}: {message}"


def short_path(path: Path | str, home: str | None = None) -> str:
    """``/home/anna/.local/share/…`` -> ``~/.local/share/…``: the saved form's path as a user
    reads it, shorter at 80 columns and still one that a shell understands."""
    text = str(path)
    home = (home if home is not None else os.path.expanduser("~")).rstrip("/")
    if home and (text == home or text.startswith(home + "/")):
        return "~" + text[len(home) :]
    return text


def outcome_text(message: str, saved_to: Path | None) -> str:
    """The service's message with the saved form's path shortened (see ``short_path``)."""
    if saved_to is not None:
        message = message.replace(str(saved_to), short_path(saved_to))
    return message


class PrintOutcome(Static):
    """One or two lines under the code: how the last print went. Hidden while empty; the
    text wraps at spaces, so a saved form's path (no spaces) stays whole on its line."""

    DEFAULT_CSS = """
    PrintOutcome {
        height: auto;
        margin-top: 1;
        padding: 0 1;
        border-left: thick $accent;
    }
    PrintOutcome.-refused {
        border-left: thick $warning;
        text-style: bold;
    }
    """

    def on_mount(self) -> None:
        self.display = False

    def say(self, text: str, *, refused: bool = False) -> None:
        self.update(Text(text))
        self.set_class(refused, "-refused")
        self.display = bool(text)
        if text:  # once laid out with its new height
            self.call_after_refresh(self.scroll_visible, animate=False)


class PrintsForm:
    """Mixin for a ``ServiceCalls`` screen that shows one plan (see the module doc)."""

    _printing: frozenset[int] = frozenset()

    def printable_plan(self) -> PlanDetail | None:
        """The plan F9 would print now, or None."""
        raise NotImplementedError

    def print_form_allowed(self) -> bool | None:
        """For ``check_action``: shown where a plan with a form is on screen."""
        plan = self.printable_plan()
        return plan is not None and plan.status is PlanStatus.ACTIVE

    def action_print_form(self) -> None:
        from pdp_tui.services import printing

        plan = self.printable_plan()
        if plan is None or plan.status is not PlanStatus.ACTIVE or plan.id in self._printing:
            return
        self._printing = self._printing | {plan.id}
        outcome = self.query_one(PrintOutcome)  # type: ignore[attr-defined]
        outcome.say(PRINTING)
        self.call_service(  # type: ignore[attr-defined]
            printing.print_form,
            self.app.actor,  # type: ignore[attr-defined]
            plan.id,
            on_success=lambda result: self._printed(plan, result),
            on_error=lambda error: self._print_failed(plan, error),
            group="print-form",
            exclusive=False,
            hold_keys=False,
            unit_of_work=False,
        )

    def _printed(self, plan: PlanDetail, result) -> None:
        self._show_print(plan, outcome_text(result.message, result.saved_to), not result.printed)

    def _print_failed(self, plan: PlanDetail, error: Exception) -> None:
        self._show_print(plan, str(error), True)

    def _show_print(self, plan: PlanDetail, text: str, refused: bool) -> None:
        self._printing = self._printing - {plan.id}
        shown = self.printable_plan()
        if shown is not None and shown.id == plan.id:
            self.query_one(PrintOutcome).say(text, refused=refused)  # type: ignore[attr-defined]
        else:  # the screen has moved on to another plan meanwhile
            self.app.notify(  # type: ignore[attr-defined]
                OTHER_PLAN.format(number=plan.contract_number, message=text),
                severity="warning" if refused else "information",
                markup=False,
                timeout=15,
            )
