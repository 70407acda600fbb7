"""Cambio password: asked at the first login of an issued account, or by the user."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from pdp_tui.domain import Actor
from pdp_tui.tui.field_order import ENTER_MOVES_ON, EnterMovesOn
from pdp_tui.tui.service_calls import ServiceCalls
from pdp_tui.tui.widgets.text_field import TextField

TITLE = "Cambio password"
FORCED = "Prima di continuare scegli una nuova password (almeno 10 caratteri)."
CURRENT = "Password attuale"
DONE = "Password cambiata."
NEW = "Nuova password"
REPEAT = "Ripeti la nuova password"
MISMATCH = "Le due password non coincidono."
SAVING = "Salvataggio in corso…"


def _change(actor: Actor, current: str, new: str) -> Actor:
    from pdp_tui.services import auth

    return auth.change_password(actor, current, new)


class ChangePasswordScreen(EnterMovesOn, ServiceCalls, ModalScreen[Actor | None]):
    BINDINGS = [
        ENTER_MOVES_ON,
        Binding("escape", "cancel", "Chiudi", key_display="Esc", id="chiudi"),
    ]

    def __init__(self, actor: Actor, current_password: str | None, *, forced: bool) -> None:
        """``current_password`` None: ask for it (a change the user chose to make)."""
        super().__init__()
        self.actor = actor
        self.current_password = current_password
        self.forced = forced

    def compose(self) -> ComposeResult:
        with Vertical(id="password-box", classes="dialog"):
            yield Label(TITLE, classes="dialog-title")
            if self.forced:
                yield Static(FORCED)
            if self.current_password is None:
                yield Label(CURRENT, classes="field-label")
                yield TextField(id="current-password", password=True, max_length=200)
            yield Label(NEW, classes="field-label")
            yield TextField(id="new-password", password=True, max_length=200)
            yield Label(REPEAT, classes="field-label")
            yield TextField(id="repeat-password", password=True, max_length=200)
            yield Static("", id="password-message", classes="error")

    def on_mount(self) -> None:
        first = "#current-password" if self.current_password is None else "#new-password"
        self.query_one(first, Input).focus()

    def field_order(self) -> list[Input]:
        return list(self.query(Input))

    def enter_on_last(self) -> None:
        new = self.query_one("#new-password", Input).value
        if new != self.query_one("#repeat-password", Input).value:
            self._show(MISMATCH)
            self.query_one("#repeat-password", Input).value = ""
            return
        self._show(SAVING)
        current = self.current_password
        if current is None:
            current = self.query_one("#current-password", Input).value
        self.call_service(
            _change,
            self.actor,
            current,
            new,
            on_success=self._changed,
            on_error=self._failed,
            group="password",
        )

    def _changed(self, actor: Actor) -> None:
        if not self.forced:
            self.notify(DONE)
        self.dismiss(actor)

    def _failed(self, error: Exception) -> None:
        errors = getattr(error, "errors", None) or {}
        self._show(" ".join(errors.values()) if errors else str(error))
        for field in self.query(Input):
            field.value = ""
        self.query_one(Input).focus()

    def _show(self, message: str) -> None:
        self.query_one("#password-message", Static).update(Text(message))

    def action_cancel(self) -> None:
        self.dismiss(None)
