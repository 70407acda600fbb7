"""The activation code, large and highlighted, as the salesperson copies it onto the card."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from pdp_tui.domain import PlanDetail, PlanStatus
from pdp_tui.services.codes import format_code
from pdp_tui.tui import format
from pdp_tui.tui.columns import fit

TITLE = "Codice di attivazione"
REMINDER = "Copia il codice sul cartoncino e sul modulo di adesione."
VOIDED = "PIANO ANNULLATO: il codice non è più valido."


def already_registered(plan: PlanDetail, today: dt.date | None = None) -> str:
    """The panel's line for a plan registered before: "Già registrato alle 10:42", or
    "Già registrato il 28/11/2026 alle 10:42" on another day (the users' time zone)."""
    at = format.local_time(plan.created_at)
    today = today or dt.datetime.now(at.tzinfo).date()
    when = f"alle {at:%H:%M}" if at.date() == today else f"il {at:%d/%m/%Y} alle {at:%H:%M}"
    return f"Già registrato {when}"


def spaced_code(code: str) -> str:
    """A wide rendering that is easy to copy: ``7 S 1 3 - P W 7 4 - 6 J B F``."""
    return " " + " ".join(format_code(code)) + " "


class ActivationCodePanel(Widget, can_focus=True):
    """Shows ``plan``'s activation code; hidden while ``plan`` is None.

    The code comes first and every line is one line: a long name ends with "…" and can
    never push the code out of sight.
    """

    DEFAULT_CSS = """
    ActivationCodePanel {
        height: auto;
        margin-top: 1;
        padding: 1 2;
        border: double $accent;
        border-title-style: bold;
        text-style: bold;
        text-align: center;
    }
    ActivationCodePanel:focus {
        border: double $success;
    }
    ActivationCodePanel.-voided {
        border: double $error;
    }
    ActivationCodePanel.-compact {
        padding: 0 2;
    }
    """

    plan: reactive[PlanDetail | None] = reactive(None, layout=True)

    def __init__(self, *, reminder: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.reminder = reminder
        self.border_title = TITLE
        self.set_class(not reminder, "-compact")

    def watch_plan(self, plan: PlanDetail | None) -> None:
        self.display = plan is not None
        self.set_class(plan is not None and plan.status is PlanStatus.VOIDED, "-voided")

    def render(self) -> Text:
        plan = self.plan
        if plan is None:
            return Text("")
        width = max(self.content_size.width, 1)
        lines = [Text(spaced_code(plan.activation_code), style="bold reverse")]
        if plan.already_registered:
            lines.append(Text(already_registered(plan), style="bold"))
        elif self.reminder:
            lines.append(Text(""))
        about = Text("Contratto ")
        about.append(plan.contract_number, style="bold")
        about.append(" · ")
        about.append(plan.customer, style="bold")
        lines.append(about)
        if plan.status is PlanStatus.VOIDED:
            lines.append(Text(VOIDED, style="bold"))
        elif self.reminder:
            lines.append(Text(REMINDER, style="italic"))
        return Text("\n", justify="center").join(fit(line, width) for line in lines)
