"""Sessione bloccata: shown after a pause with no key pressed; hides everything behind it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from pdp_tui.domain import Actor
from pdp_tui.tui.field_order import ENTER_MOVES_ON, EnterMovesOn
from pdp_tui.tui.screens.login import authenticate
from pdp_tui.tui.service_calls import ServiceCalls
from pdp_tui.tui.styles import stylesheet
from pdp_tui.tui.widgets.text_field import TextField

TITLE = "Sessione bloccata"
EXPLAIN = (
    "Per riprendere inserisci la tua password. Un altro utente può accedere con le sue "
    "credenziali: il lavoro non salvato della sessione precedente andrà perso."
)
CHECKING = "Verifica in corso…"


class LockScreen(EnterMovesOn, ServiceCalls, Screen[None]):
    """Opaque, so that no customer data stays visible; only the app can take it away."""

    CSS_PATH = stylesheet("lock")

    AUTO_FOCUS = "#lock-password"
    BINDINGS = [ENTER_MOVES_ON]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor

    def compose(self) -> ComposeResult:
        with Vertical(id="lock-box"):
            yield Label(TITLE, id="lock-title")
            yield Static(Text(EXPLAIN))
            yield Label("Nome utente", classes="field-label")
            yield TextField(self.actor.username, id="lock-username", max_length=100)
            yield Label("Password", classes="field-label")
            yield TextField(id="lock-password", password=True, max_length=200)
            yield Static("", id="lock-message", classes="error")

    def field_order(self) -> list[Input]:
        return [self.query_one("#lock-username", Input), self.query_one("#lock-password", Input)]

    def enter_on_last(self) -> None:
        username = self.query_one("#lock-username", Input).value
        password = self.query_one("#lock-password", Input).value
        self._message(CHECKING)
        self.call_service(
            authenticate,
            username,
            password,
            on_success=lambda actor: self.app.unlock(actor, password),
            on_error=self._failed,
            group="unlock",
        )

    def _failed(self, error: Exception) -> None:
        self._message(str(error))
        field = self.query_one("#lock-password", Input)
        field.value = ""
        field.focus()

    def _message(self, text: str) -> None:
        self.query_one("#lock-message", Static).update(Text(text))
