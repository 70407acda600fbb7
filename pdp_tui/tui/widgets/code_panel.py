"""The activation code, large and highlighted, as the salesperson copies it onto the card."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from pdp_tui.domain import PlanDetail, PlanStatus
from pdp_tui.services.codes import format_code

TITLE = "Codice di attivazione"
REMINDER = "Copia il codice sul cartoncino e sul modulo di adesione."
VOIDED = "PIANO ANNULLATO: il codice non è più valido."


def spaced_code(code: str) -> str:
    """A wide rendering that is easy to copy: ``7 S 1 3 - P W 7 4 - 6 J B F``."""
    return " " + " ".join(format_code(code)) + " "


class ActivationCodePanel(Widget, can_focus=True):
    """Shows ``plan``'s activation code; hidden while ``plan`` is None."""

    plan: reactive[PlanDetail | None] = reactive(None, layout=True)

    def __init__(self, *, reminder: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.reminder = reminder
        self.border_title = TITLE

    def watch_plan(self, plan: PlanDetail | None) -> None:
        self.display = plan is not None
        self.set_class(plan is not None and plan.status is PlanStatus.VOIDED, "-voided")

    def render(self) -> Text:
        plan = self.plan
        if plan is None:
            return Text("")
        lines = Text(justify="center", no_wrap=True, overflow="ellipsis")
        lines.append(spaced_code(plan.activation_code), style="bold reverse")
        lines.append("\n\n")
        lines.append("Contratto ")
        lines.append(plan.contract_number, style="bold")
        lines.append(" · ")
        lines.append(plan.customer, style="bold")
        if plan.status is PlanStatus.VOIDED:
            lines.append("\n")
            lines.append(VOIDED, style="bold")
        elif self.reminder:
            lines.append("\n")
            lines.append(REMINDER, style="italic")
        return lines
