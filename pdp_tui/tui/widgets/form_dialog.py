"""Small modal dialogs shared by the administration screens.

``FormDialog``: a few labelled fields, Enter moves on and confirms on the last one, the
service call runs through ``ServiceCalls`` and its ``ValidationError.errors`` are shown
next to the fields they name. ``ConfirmDialog``: yes/no. ``ActionDialog``: pick one of a
few actions from a list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from pdp_tui.tui.field_order import ENTER_MOVES_ON, EnterMovesOn
from pdp_tui.tui.service_calls import ServiceCalls
from pdp_tui.tui.styles import stylesheet
from pdp_tui.tui.widgets.choice_field import Choice, ChoiceField
from pdp_tui.tui.widgets.text_field import TextField

# "Annulla" would read as "void the plan" next to "Annulla il Piano": Esc closes.
FORM_HINT = "Invio: campo successivo, sull'ultimo conferma · Esc: chiudi"
SAVING = "Salvataggio in corso…"
FIX_FIELDS = "Correggi i campi segnalati."
CLOSE = "Chiudi"
NO = "No"
UNSAVED = "La finestra «{title}» è aperta"
CONFIRM_HINT = "Invio: conferma · Tab: cambia pulsante · Esc: chiudi"
ACTION_HINT = "↑↓ e Invio: scegli · Esc: chiudi"


def field_id(name: str) -> str:
    return f"dlg-{name}"


@dataclass(frozen=True)
class FormField:
    """One field of a form; ``name`` is the key of its value and of the service's errors.

    Its widget's id is ``field_id(name)`` (prefixed: every .tcss is global, and a bare
    ``#code`` or ``#name`` would pick up other screens' rules).
    """

    name: str
    label: str
    kind: str = "text"  # "text" | "password" | "choice"
    max_length: int = 100
    placeholder: str = ""


class FormDialog(EnterMovesOn, ServiceCalls, ModalScreen[Any]):
    """A modal form whose result is what the service returned (None when cancelled,
    True when the service returns nothing).

    Subclasses set ``DIALOG_TITLE`` and ``FIELDS`` and implement ``save``, which calls
    ``self.submit(service_fn, *args, **kwargs)``; ``check`` may refuse values first.
    """

    CSS_PATH = stylesheet("form_dialog")

    DIALOG_TITLE = ""
    FIELDS: tuple[FormField, ...] = ()
    BINDINGS = [
        ENTER_MOVES_ON,
        Binding("escape", "cancel", CLOSE, key_display="Esc", id="chiudi"),
    ]

    def __init__(self, intro: Text | str = "") -> None:
        super().__init__()
        self.intro = Text(intro) if isinstance(intro, str) else intro
        self._busy = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form-dialog", can_focus=False):
            yield Label(self.DIALOG_TITLE, classes="dialog-title")
            if self.intro:
                yield Static(self.intro, classes="dialog-intro")
            for field in self.FIELDS:
                with Horizontal(classes="dialog-row"):
                    yield Label(field.label, classes="dialog-label")
                    yield self._make_field(field)
                yield Static(
                    "", id=f"{field_id(field.name)}-error", classes="field-error dialog-error"
                )
            yield Static("", id="dialog-message", classes="error")
            yield Static(Text(FORM_HINT, style="italic"), classes="dialog-hint")

    @staticmethod
    def _make_field(field: FormField) -> Widget:
        if field.kind == "choice":
            return ChoiceField(id=field_id(field.name))
        return TextField(
            id=field_id(field.name),
            password=field.kind == "password",
            max_length=field.max_length,
            placeholder=field.placeholder,
            compact=True,
        )

    # --- values -------------------------------------------------------------------------

    def unsaved_work(self) -> str | None:
        return UNSAVED.format(title=self.DIALOG_TITLE)

    def field(self, name: str) -> Any:
        return self.query_one(f"#{field_id(name)}")

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for spec in self.FIELDS:
            widget = self.field(spec.name)
            values[spec.name] = widget.value if not widget.disabled else None  # type: ignore[attr-defined]
        return values

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        """Errors found before calling the service (field -> message)."""
        return {}

    def save(self, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self._busy = True
        self.message(SAVING)
        self.call_service(
            fn, *args, on_success=self._saved, on_error=self._refused, group="dialog", **kwargs
        )

    # --- moving through the form ----------------------------------------------------------

    def field_order(self) -> list[Widget]:
        return [self.field(spec.name) for spec in self.FIELDS]

    def enter_on_last(self) -> None:
        self.confirm()

    def confirm(self) -> None:
        if self._busy:
            return
        values = self.values()
        errors = self.check(values)
        if errors:
            self.show_errors(errors)
            return
        self.save(values)

    # --- results -----------------------------------------------------------------------------

    def _saved(self, result: Any) -> None:
        self._busy = False
        self.dismiss(True if result is None else result)

    def _refused(self, error: Exception) -> None:
        self._busy = False
        errors = getattr(error, "errors", None)
        if errors:
            self.show_errors(errors)
        else:
            self.show_errors({})
            self.message(str(error))

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each message next to its field; messages for no field of this form go below."""
        names = [f.name for f in self.FIELDS]
        for name in names:
            text = errors.get(name, "")
            error = self.query_one(f"#{field_id(name)}-error", Static)
            error.update(Text(text))
            error.display = bool(text)
            self.field(name).set_class(bool(text), "-invalid")
        others = [text for key, text in errors.items() if key not in names]
        self.message(" ".join(others) if others else FIX_FIELDS if errors else "")
        first = next((n for n in names if n in errors and not self.field(n).disabled), None)
        if first:
            self.field(first).focus()
            for spec in self.FIELDS:
                if spec.kind == "password":
                    self.field(spec.name).value = ""  # type: ignore[attr-defined]

    def message(self, text: str) -> None:
        self.query_one("#dialog-message", Static).update(Text(text))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A question with a confirm and a cancel button; Enter confirms, Esc cancels."""

    CSS_PATH = stylesheet("form_dialog")

    BINDINGS = [Binding("escape", "cancel", CLOSE, key_display="Esc", id="chiudi")]

    def __init__(self, title: str, question: Text, confirm_label: str) -> None:
        super().__init__()
        self.dialog_title = title
        self.question = question
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm-dialog"):
            yield Label(self.dialog_title, classes="dialog-title")
            yield Static(self.question, classes="dialog-intro")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.confirm_label, id="confirm", variant="primary", compact=True)
                yield Button(NO, id="cancel", compact=True)
            yield Static(Text(CONFIRM_HINT, style="italic"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#confirm", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")

    def action_cancel(self) -> None:
        self.dismiss(False)


class ActionDialog(ModalScreen[str | None]):
    """Pick one of a few actions; the result is the chosen action's id."""

    CSS_PATH = stylesheet("form_dialog")

    BINDINGS = [Binding("escape", "cancel", CLOSE, key_display="Esc", id="chiudi")]

    def __init__(self, title: str, subject: Text, actions: Sequence[Choice]) -> None:
        super().__init__()
        self.dialog_title = title
        self.subject = subject
        self.actions = list(actions)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog action-dialog"):
            yield Label(self.dialog_title, classes="dialog-title")
            yield Static(self.subject, classes="dialog-intro")
            yield OptionList(
                *(Option(Text(a.label), id=str(a.value)) for a in self.actions), id="actions"
            )
            yield Static(Text(ACTION_HINT, style="italic"), classes="dialog-hint")

    @on(OptionList.OptionSelected, "#actions")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["ActionDialog", "Choice", "ConfirmDialog", "FormDialog", "FormField", "field_id"]
