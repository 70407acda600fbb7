"""Accesso: username, password, and the demo accounts when running with --demo."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from pdp_tui.domain import Actor, DemoAccount
from pdp_tui.tui.field_order import ENTER_MOVES_ON, EnterMovesOn
from pdp_tui.tui.service_calls import ServiceCalls
from pdp_tui.tui.styles import stylesheet
from pdp_tui.tui.widgets.key_footer import KeyFooter
from pdp_tui.tui.widgets.text_field import TextField

TITLE = "Piani di Protezione"
SUBTITLE = "Accesso"
USERNAME = "Nome utente"
PASSWORD = "Password"
CHECKING = "Verifica in corso…"
MISSING = "Inserisci nome utente e password."
DEMO_HEADER = "Account dimostrativi (nome utente / password):"
FIRST_START = (
    "Il database non ha ancora nessun account. Crea il primo amministratore dalla shell "
    'del server:\n  pdp-tui user add NOME --role admin --name "Nome Cognome"\n'
    "poi accedi qui con quel nome e la password scelta."
)


def authenticate(username: str, password: str) -> Actor:
    """The service call, imported when first used: argon2 and peewee load after the screen."""
    from pdp_tui.services import auth

    return auth.authenticate(username, password)


class LoginScreen(EnterMovesOn, ServiceCalls, Screen[None]):
    CSS_PATH = stylesheet("login")
    AUTO_FOCUS = "#username"
    BINDINGS = [
        ENTER_MOVES_ON,
        Binding("ctrl+q", "app.quit", "Esci", key_display="^Q", priority=True, id="esci-accesso"),
    ]

    _leaving = False  # good credentials: the session's screens are on their way

    def holds_keys(self) -> bool:
        # Keys typed after a good password belong to the session's first screen.
        return self._leaving or super().holds_keys()

    def on_screen_resume(self) -> None:
        self._leaving = False

    @property
    def demo_accounts(self) -> tuple[DemoAccount, ...]:
        return self.app.demo_accounts

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Label(TITLE, id="login-title")
            yield Label(SUBTITLE, id="login-subtitle")
            yield Label(USERNAME, classes="field-label")
            yield TextField(
                id="username", max_length=100, placeholder="es. mario.rossi", compact=True
            )
            yield Label(PASSWORD, classes="field-label")
            yield TextField(id="password", password=True, max_length=200, compact=True)
            yield Static("", id="login-message", classes="error")
        if self.demo_accounts:
            yield Static(self._demo_text(), id="demo-accounts")
        yield KeyFooter()

    def _demo_text(self) -> Text:
        text = Text(DEMO_HEADER, style="bold")
        for account in self.demo_accounts:
            store = f", {account.store_code}" if account.store_code else ""
            text.append(f"\n  {account.username} / {account.password}  ")
            text.append(f"({account.role.label}{store})", style="dim")
        return text

    def field_order(self) -> list[Input]:
        return [self.query_one("#username", Input), self.query_one("#password", Input)]

    def enter_on_last(self) -> None:
        username = self.query_one("#username", Input).value
        password = self.query_one("#password", Input).value
        if not username.strip() or not password:
            self._message(MISSING)
            self.query_one("#username" if not username.strip() else "#password", Input).focus()
            return
        self._set_busy(True)
        self._message(CHECKING, error=False)
        self.call_service(
            authenticate,
            username,
            password,
            on_success=lambda actor: self._logged_in(actor, password),
            on_error=self._failed,
            group="login",
        )

    def _set_busy(self, busy: bool) -> None:
        for field in self.query(Input):
            field.disabled = busy

    def _message(self, text: str, *, error: bool = True) -> None:
        message = self.query_one("#login-message", Static)
        message.update(Text(text))
        message.set_class(error, "error")

    def show_problem(self, message: str) -> None:
        """A problem found before any attempt (e.g. the database cannot be reached)."""
        self._message(message)

    def show_first_start(self) -> None:
        """No account exists: how to create the first administrator."""
        self._message(FIRST_START, error=False)

    def _failed(self, error: Exception) -> None:
        self._set_busy(False)
        self._message(str(error))
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()

    def _logged_in(self, actor: Actor, password: str) -> None:
        self._leaving = True
        self._set_busy(False)
        self._message("", error=False)
        self.query_one("#password", Input).value = ""
        self.app.logged_in(actor, password)
