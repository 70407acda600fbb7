"""Nuovo Piano: the till's form. Fields in the portal's order, Enter to move on, Genera."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from pdp_tui.domain import CatalogueItem, PlanDetail, ProtectionType
from pdp_tui.services import catalogue, plans
from pdp_tui.services.errors import ValidationError
from pdp_tui.tui.field_order import ENTER_MOVES_ON, EnterMovesOn
from pdp_tui.tui.form_printing import PRINT_FORM, PrintOutcome, PrintsForm
from pdp_tui.tui.messages import OpenedByKey
from pdp_tui.tui.service_calls import ServiceCalls
from pdp_tui.tui.styles import stylesheet
from pdp_tui.tui.widgets.app_header import AppHeader
from pdp_tui.tui.widgets.choice_field import Choice, ChoiceField
from pdp_tui.tui.widgets.code_panel import ActivationCodePanel
from pdp_tui.tui.widgets.form_dialog import ConfirmDialog
from pdp_tui.tui.widgets.key_footer import KeyFooter
from pdp_tui.tui.widgets.text_field import TextField

TITLE = "Nuovo Piano di Protezione"
LABELS = {
    "covering": "Rivestimento",
    "contract_number": "Numero del contratto",
    "first_name": "Nome",
    "last_name": "Cognome",
    "protection": "Tipo di protezione",
}
FIELD_ORDER = tuple(LABELS)
GENERATE = "Genera"
GENERATING = "Registrazione in corso…"
FIX_FIELDS = "Correggi i campi segnalati."
CATALOGUE_MISSING = "Catalogo non disponibile. Premi F2 per riprovare."
REGISTERED = "Registrato. F9: stampa il modulo · F2: nuovo Piano."
# The store had registered this contract for this customer already: its code, again.
REGISTERED_BEFORE = "Era già registrato. F9: stampa il modulo · F2: nuovo Piano."
ABANDON = "Abbandona"
ABANDON_TITLE = "Abbandona il Piano"
ABANDON_QUESTION = (
    "Il Piano in corso non è registrato: quello che hai scritto andrà perso. "
    "Il rivestimento scelto resta."
)
CUSTOMER_FIELDS = ("contract_number", "first_name", "last_name")
UNSAVED = "Il Piano che stai scrivendo non è registrato"


class PlanEntryScreen(EnterMovesOn, PrintsForm, ServiceCalls, Screen[None]):
    CSS_PATH = stylesheet("plan_entry")
    AUTO_FOCUS = "#covering"
    BINDINGS = [
        ENTER_MOVES_ON,
        Binding("f5,ctrl+g", "generate", GENERATE, key_display="F5", id="genera"),
        PRINT_FORM,
        Binding("escape", "abandon", ABANDON, key_display="Esc", id="abbandona"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._busy = False
        self._was_half_typed = False

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with VerticalScroll(id="plan-form", can_focus=False):
            yield Static(self._store_line(), id="form-store")
            for field in FIELD_ORDER:
                with Horizontal(classes="form-row"):
                    yield Label(LABELS[field], classes="field-label")
                    yield self._make_field(field)
                yield Static("", id=f"{field}-error", classes="field-error")
            with Horizontal(id="form-actions"):
                yield Button(f"{GENERATE} (F5)", id="generate", variant="primary", compact=True)
                yield Static("", id="form-message")
            yield ActivationCodePanel(id="code-panel")
            yield PrintOutcome(id="print-outcome")
        yield KeyFooter()

    def _store_line(self) -> Text:
        actor = self.app.actor
        line = Text(TITLE, style="bold")
        if actor and actor.store_code:
            line.append(f"  ·  {actor.store_code} {actor.store_name or ''}", style="dim")
        return line

    @staticmethod
    def _make_field(field: str) -> Widget:
        if field in ("covering", "protection"):
            return ChoiceField(id=field)
        max_length = 20 if field == "contract_number" else 60
        return TextField(id=field, max_length=max_length + 20, compact=True)

    # --- catalogue -------------------------------------------------------------------

    def on_mount(self) -> None:
        self._load_catalogue()

    def _load_catalogue(self) -> None:
        actor = self.app.actor
        self.call_service(
            lambda: (catalogue.list_coverings(actor), catalogue.list_protections(actor)),
            on_success=self._show_catalogue,
            on_error=lambda error: self._form_message(f"{CATALOGUE_MISSING} {error}"),
            group="catalogue",
        )

    def _show_catalogue(self, items: tuple[list[CatalogueItem], list[CatalogueItem]]) -> None:
        coverings, protections = items
        covering = self.query_one("#covering", ChoiceField)
        covering.set_choices([Choice(c.id, c.label) for c in coverings], keep=covering.value)
        protection = self.query_one("#protection", ChoiceField)
        protection.set_choices(
            [Choice(ProtectionType(p.code), p.label) for p in protections], keep=protection.value
        )
        self._form_message("")

    # --- moving through the form -----------------------------------------------------

    def _field(self, name: str) -> Widget:
        return self.query_one(f"#{name}")

    def field_order(self) -> list[Widget]:
        return [self._field(name) for name in FIELD_ORDER]

    def enter_on_last(self) -> None:
        self.action_generate()

    @on(Button.Pressed, "#generate")
    def _generate_pressed(self) -> None:
        self.action_generate()

    # --- Genera ------------------------------------------------------------------------

    def action_generate(self) -> None:
        panel = self.query_one("#code-panel", ActivationCodePanel)
        if self._busy or panel.plan is not None:
            return
        if not self.query_one("#covering", ChoiceField).choices:
            self._load_catalogue()
        self._busy = True
        self.query_one("#generate", Button).disabled = True
        self._form_message(GENERATING)
        self.call_service(
            plans.register_plan,
            self.app.actor,
            covering_id=self.query_one("#covering", ChoiceField).value,
            contract_number=self.query_one("#contract_number", Input).value,
            first_name=self.query_one("#first_name", Input).value,
            last_name=self.query_one("#last_name", Input).value,
            protection=self.query_one("#protection", ChoiceField).value,
            on_success=self._registered,
            on_error=self._refused,
            group="register",
            exclusive=False,
        )

    def _done(self) -> None:
        self._busy = False
        self.query_one("#generate", Button).disabled = False

    def _registered(self, plan: PlanDetail) -> None:
        self._done()
        self._show_errors({})
        for field in FIELD_ORDER:
            self._field(field).disabled = True
        self.query_one("#generate", Button).disabled = True
        panel = self.query_one("#code-panel", ActivationCodePanel)
        panel.plan = plan
        panel.focus()
        panel.scroll_visible()
        self._typed()
        self._form_message(REGISTERED_BEFORE if plan.already_registered else REGISTERED)
        self.refresh_bindings()

    def _refused(self, error: Exception) -> None:
        self._done()
        errors = error.errors if isinstance(error, ValidationError) else None
        if errors:
            self._show_errors(errors)
            self._form_message(FIX_FIELDS)
            first = next(f for f in FIELD_ORDER if f in errors)
            self._field(first).focus()
        else:
            self._form_message(str(error))

    def _show_errors(self, errors: dict[str, str]) -> None:
        for field in FIELD_ORDER:
            message = errors.get(field, "")
            error = self.query_one(f"#{field}-error", Static)
            error.update(Text(message))
            error.display = bool(message)
            self._field(field).set_class(bool(message), "-invalid")

    def _form_message(self, text: str) -> None:
        self.query_one("#form-message", Static).update(Text(text))

    # --- the next plan -----------------------------------------------------------------

    def on_opened_by_key(self, _: OpenedByKey) -> None:
        self.next_plan()

    def half_typed(self) -> bool:
        """Something typed for a plan not registered yet (the covering alone is kept)."""
        if self.query_one("#code-panel", ActivationCodePanel).plan is not None:
            return False
        typed = any(self.query_one(f"#{name}", Input).value for name in CUSTOMER_FIELDS)
        return typed or self.query_one("#protection", ChoiceField).value is not None

    def unsaved_work(self) -> str | None:
        return UNSAVED if self.half_typed() else None

    def next_plan(self) -> None:
        """F2, from here or any screen: the form ready for the next card (customer fields
        cleared, covering kept, cursor on the contract number). A half-typed plan is left
        as it is, cursor included."""
        if self._busy:
            return
        if not self.query_one("#covering", ChoiceField).choices:
            self._load_catalogue()
        if self.query_one("#code-panel", ActivationCodePanel).plan is not None:
            self._clear_customer()
        elif self.half_typed():
            return
        self._focus_first_empty()

    def _clear_customer(self) -> None:
        self.query_one("#code-panel", ActivationCodePanel).plan = None
        self.query_one("#print-outcome", PrintOutcome).say("")
        self.refresh_bindings()
        for field in FIELD_ORDER:
            self._field(field).disabled = False
        for name in CUSTOMER_FIELDS:
            self.query_one(f"#{name}", Input).value = ""
        self.query_one("#protection", ChoiceField).selected = None
        self.query_one("#generate", Button).disabled = False
        self._show_errors({})
        self._form_message("")
        self.query_one("#plan-form").scroll_home(animate=False)

    def _focus_first_empty(self) -> None:
        focus = "contract_number" if self.query_one("#covering", ChoiceField).value else "covering"
        self._field(focus).focus()

    # --- abandoning a half-typed plan --------------------------------------------------

    @on(Input.Changed)
    @on(ChoiceField.Changed)
    def _typed(self) -> None:
        # The footer offers Esc only while there is something to abandon.
        half_typed = self.half_typed()
        if half_typed is not self._was_half_typed:
            self._was_half_typed = half_typed
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "abandon":
            return not self._busy and self.half_typed()
        if action == "print_form":
            return self.print_form_allowed()
        return True

    # --- F9: the plan just registered, its form to the store's printer -------------------

    def printable_plan(self) -> PlanDetail | None:
        # Also asked (through check_action) before the screen has composed.
        panel = next(self.query("#code-panel").results(ActivationCodePanel), None)
        return panel.plan if panel is not None else None

    def action_abandon(self) -> None:
        if not self.half_typed():
            return

        def answered(abandon: bool | None) -> None:
            if abandon:
                self._clear_customer()
                self._focus_first_empty()

        self.app.push_screen(
            ConfirmDialog(ABANDON_TITLE, Text(ABANDON_QUESTION), ABANDON), answered
        )
