"""Correggi / Annulla: dialogs that change a registered plan, always with a reason."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from pdp_tui.domain import CatalogueItem, PlanDetail, ProtectionType
from pdp_tui.services import catalogue, corrections
from pdp_tui.tui.service_calls import ServiceCalls
from pdp_tui.tui.widgets.choice_field import Choice, ChoiceField
from pdp_tui.tui.widgets.text_field import TextField

CORRECT_TITLE = "Correggi il Piano"
VOID_TITLE = "Annulla il Piano"
VOID_WARNING = (
    "Il Piano resterà visibile come annullato e il suo codice risulterà annullato. "
    "Non si può tornare indietro."
)
HINT = "Invio: campo successivo, sull'ultimo salva · Esc: chiudi senza salvare"
SAVING = "Salvataggio in corso…"
LABELS = {
    "first_name": "Nome",
    "last_name": "Cognome",
    "covering": "Rivestimento",
    "protection": "Tipo di protezione",
    "reason": "Motivo (obbligatorio)",
}


class _ChangeDialog(ServiceCalls, ModalScreen[PlanDetail | None]):
    """A form over the detail: fields in order, Enter to move on, Enter on the last saves."""

    BINDINGS = [Binding("escape", "cancel", "Chiudi", key_display="Esc")]
    FIELDS: tuple[str, ...] = ()
    TITLE_TEXT = ""

    def __init__(self, plan: PlanDetail) -> None:
        super().__init__()
        self.plan = plan

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog change-dialog"):
            yield Label(self.TITLE_TEXT, classes="dialog-title")
            header = Text("Contratto ")
            header.append(self.plan.contract_number, style="bold")
            header.append(" · ")
            header.append(self.plan.customer)
            yield Static(header)
            yield from self.compose_intro()
            for field in self.FIELDS:
                with Horizontal(classes="form-row"):
                    yield Label(LABELS[field], classes="field-label")
                    yield self.make_field(field)
                yield Static("", id=f"{field}-error", classes="field-error")
            yield Static("", id="dialog-message", classes="error")
            yield Static(Text(HINT, style="italic"))

    def compose_intro(self) -> ComposeResult:
        return iter(())

    def make_field(self, field: str) -> Widget:
        return TextField(id=field, max_length=500, compact=True)

    def on_mount(self) -> None:
        self.query_one(f"#{self.FIELDS[0]}").focus()

    @on(Input.Submitted)
    @on(ChoiceField.Submitted)
    def _next(self, event: Input.Submitted | ChoiceField.Submitted) -> None:
        event.stop()
        index = self.FIELDS.index(event.control.id or "")
        if index + 1 < len(self.FIELDS):
            self.query_one(f"#{self.FIELDS[index + 1]}").focus()
        else:
            self._message(SAVING)
            self.save()

    def save(self) -> None:
        raise NotImplementedError

    def refused(self, error: Exception) -> None:
        errors = dict(getattr(error, "errors", None) or {})
        general = errors.pop("plan", "")
        for field in self.FIELDS:
            message = errors.get(field, "")
            widget = self.query_one(f"#{field}-error", Static)
            widget.update(Text(message))
            widget.display = bool(message)
        self._message(general or ("" if errors else str(error)))
        first = next((f for f in self.FIELDS if f in errors), None)
        if first:
            self.query_one(f"#{first}").focus()

    def _message(self, text: str) -> None:
        self.query_one("#dialog-message", Static).update(Text(text))

    def action_cancel(self) -> None:
        self.dismiss(None)


class CorrectionScreen(_ChangeDialog):
    FIELDS = ("first_name", "last_name", "covering", "protection", "reason")
    TITLE_TEXT = CORRECT_TITLE

    def make_field(self, field: str) -> Widget:
        if field in ("first_name", "last_name"):
            value = getattr(self.plan, field)
            return TextField(value, id=field, max_length=80, compact=True)
        if field in ("covering", "protection"):
            return ChoiceField(id=field)
        return super().make_field(field)

    def on_mount(self) -> None:
        super().on_mount()
        protection = self.query_one("#protection", ChoiceField)
        protection.set_choices([Choice(p, p.label) for p in ProtectionType])
        protection.select_value(self.plan.protection)
        actor = self.app.actor
        self.call_service(
            catalogue.list_coverings,
            actor,
            on_success=self._show_coverings,
            group="coverings",
        )

    def _show_coverings(self, coverings: list[CatalogueItem]) -> None:
        field = self.query_one("#covering", ChoiceField)
        field.set_choices([Choice(c.id, c.label) for c in coverings])
        field.select_value(self.plan.covering.id)

    def save(self) -> None:
        def value(name: str) -> str:
            return self.query_one(f"#{name}", Input).value

        self.call_service(
            corrections.correct_plan,
            self.app.actor,
            self.plan.id,
            reason=value("reason"),
            first_name=value("first_name"),
            last_name=value("last_name"),
            covering_id=self.query_one("#covering", ChoiceField).value,
            protection=self.query_one("#protection", ChoiceField).value,
            on_success=self.dismiss,
            on_error=self.refused,
            group="save",
        )


class VoidScreen(_ChangeDialog):
    FIELDS = ("reason",)
    TITLE_TEXT = VOID_TITLE

    def compose_intro(self) -> ComposeResult:
        yield Static(Text(VOID_WARNING, style="bold"), classes="void-warning")

    def save(self) -> None:
        self.call_service(
            corrections.void_plan,
            self.app.actor,
            self.plan.id,
            reason=self.query_one("#reason", Input).value,
            on_success=self.dismiss,
            on_error=self.refused,
            group="save",
        )
