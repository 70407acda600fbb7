"""Correggi / Annulla: dialogs that change a registered plan, always with a reason."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from pdp_tui.domain import CatalogueItem, PlanDetail, ProtectionType
from pdp_tui.services import catalogue, corrections
from pdp_tui.tui.widgets.form_dialog import Choice, FormDialog, FormField

CORRECT_TITLE = "Correggi il Piano"
VOID_TITLE = "Annulla il Piano"
VOID_WARNING = (
    "Il Piano resterà visibile come annullato e il suo codice risulterà annullato. "
    "Non si può tornare indietro."
)
REASON = FormField("reason", "Motivo", max_length=500, placeholder="obbligatorio")


def _about(plan: PlanDetail, warning: str = "") -> Text:
    text = Text("Contratto ")
    text.append(plan.contract_number, style="bold")
    text.append(" · ")
    text.append(plan.customer)
    if warning:
        text.append("\n")
        text.append(warning, style="bold")
    return text


class CorrectionScreen(FormDialog):
    """Correct the customer's name, the covering or the protection type."""

    DIALOG_TITLE = CORRECT_TITLE
    FIELDS = (
        FormField("first_name", "Nome", max_length=80),
        FormField("last_name", "Cognome", max_length=80),
        FormField("covering", "Rivestimento", kind="choice"),
        FormField("protection", "Tipo di protezione", kind="choice"),
        REASON,
    )

    def __init__(self, plan: PlanDetail) -> None:
        super().__init__(_about(plan))
        self.plan = plan

    def on_mount(self) -> None:
        self.field("first_name").value = self.plan.first_name
        self.field("last_name").value = self.plan.last_name
        protection = self.field("protection")
        protection.set_choices([Choice(p, p.label) for p in ProtectionType])
        protection.select_value(self.plan.protection)
        self.field("first_name").focus()
        self.call_service(
            catalogue.list_coverings,
            self.app.actor,
            on_success=self._show_coverings,
            on_error=self._refused,
            group="coverings",
        )

    def _show_coverings(self, coverings: list[CatalogueItem]) -> None:
        covering = self.field("covering")
        covering.set_choices([Choice(c.id, c.label) for c in coverings])
        covering.select_value(self.plan.covering.id)

    def save(self, values: dict[str, Any]) -> None:
        self.submit(
            corrections.correct_plan,
            self.app.actor,
            self.plan.id,
            reason=values["reason"],
            first_name=values["first_name"],
            last_name=values["last_name"],
            covering_id=values["covering"],
            protection=values["protection"],
        )


class VoidScreen(FormDialog):
    """Void the plan: it stays visible as annullato."""

    DIALOG_TITLE = VOID_TITLE
    FIELDS = (REASON,)

    def __init__(self, plan: PlanDetail) -> None:
        super().__init__(_about(plan, VOID_WARNING))
        self.plan = plan

    def on_mount(self) -> None:
        self.field("reason").focus()

    def save(self, values: dict[str, Any]) -> None:
        self.submit(corrections.void_plan, self.app.actor, self.plan.id, reason=values["reason"])


SIGNED_UNDO_TITLE = "Togli «modulo firmato ricevuto»"
SIGNED_UNDO_WARNING = (
    "Il modulo firmato risulta ricevuto il {day} da {who}. Se è un errore, scrivi il motivo: "
    "il modulo tornerà mancante."
)


class UndoSignedFormScreen(FormDialog):
    """Take back a mistaken "modulo firmato ricevuto", with a reason."""

    DIALOG_TITLE = SIGNED_UNDO_TITLE
    FIELDS = (REASON,)

    def __init__(self, plan: PlanDetail) -> None:
        from pdp_tui.tui import format

        day = format.date_only(plan.form_signed_at) if plan.form_signed_at else "?"
        warning = SIGNED_UNDO_WARNING.format(day=day, who=plan.form_signed_by or "?")
        super().__init__(_about(plan, warning))
        self.plan = plan

    def on_mount(self) -> None:
        self.field("reason").focus()

    def save(self, values: dict[str, Any]) -> None:
        from pdp_tui.services import signed_forms

        self.submit(
            signed_forms.undo_form_signed, self.app.actor, self.plan.id, reason=values["reason"]
        )
