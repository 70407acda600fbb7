"""Verifica codice: support checks an activation code a customer reads out."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Static

from pdp_tui.domain import PlanDetail, PlanStatus
from pdp_tui.services import codes, plans
from pdp_tui.services.errors import NotFound
from pdp_tui.tui.messages import OpenedByKey
from pdp_tui.tui.screens.contract_detail import detail_table
from pdp_tui.tui.service_calls import ServiceCalls
from pdp_tui.tui.styles import stylesheet
from pdp_tui.tui.widgets.app_header import AppHeader
from pdp_tui.tui.widgets.key_footer import KeyFooter
from pdp_tui.tui.widgets.text_field import TextField

TITLE = "Verifica codice di attivazione"
PROMPT = "Codice (maiuscole o minuscole, con o senza trattini):"
SEARCHING = "Verifica in corso…"
VALID = "CODICE VALIDO"
VOIDED = "CODICE DI UN PIANO ANNULLATO"
NOT_FOUND = "CODICE NON TROVATO: nessun Piano ha questo codice."
NEXT = "Invio: dettaglio del Piano · scrivi per verificare un altro codice"


class VerifyCodeScreen(ServiceCalls, Screen[None]):
    CSS_PATH = stylesheet("verify_code")
    AUTO_FOCUS = "#code"

    def __init__(self) -> None:
        super().__init__()
        # The text last verified and its plan: Enter on it opens the plan's detail.
        self._verified: tuple[str, PlanDetail | None] | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with VerticalScroll(id="verify", can_focus=False):
            yield Static(Text(TITLE, style="bold"), id="verify-title")
            yield Static(Text(PROMPT))
            yield TextField(id="code", max_length=30, placeholder="XXXX-XXXX-XXXX", compact=True)
            yield Static("", id="verify-result")
            yield Static("", id="verify-next")
            yield Static("", id="verify-plan")
        yield KeyFooter()

    @on(Input.Changed, "#code")
    def _typed(self, event: Input.Changed) -> None:
        if self._verified is not None and event.value == self._verified[0]:
            return
        self._verified = None
        # The check character catches a typo at once, before any lookup.
        self.query_one("#verify-plan", Static).update("")
        self.query_one("#verify-next", Static).update("")
        text = event.value
        cleaned = [ch for ch in text if ch.isalnum()]
        if len(cleaned) < codes.CODE_LENGTH:
            self._result("")
            return
        try:
            codes.parse_code(text)
        except codes.CodeFormatError as exc:
            self._result(str(exc), "-error")
        else:
            self._result("")

    @on(Input.Submitted, "#code")
    def _verify(self, event: Input.Submitted) -> None:
        if self._verified is not None and self._verified[0] == event.value:
            plan = self._verified[1]
            if plan is not None:
                from pdp_tui.tui.screens.contract_detail import ContractDetailScreen

                self.app.push_screen(ContractDetailScreen(plan.id))
            return
        self._result(SEARCHING)
        self.call_service(
            plans.verify_code,
            self.app.actor,
            event.value,
            on_success=self._found,
            on_error=self._not_verified,
            group="verify",
        )

    def _found(self, plan: PlanDetail) -> None:
        voided = plan.status is PlanStatus.VOIDED
        self._result(VOIDED if voided else VALID, "-error" if voided else "-ok")
        self.query_one("#verify-plan", Static).update(Group(Text(""), detail_table(plan)))
        self._done(plan)

    def _done(self, plan: PlanDetail | None) -> None:
        """After a result: typing starts a new code, Enter opens the plan verified."""
        code = self.query_one("#code", Input)
        self._verified = (code.value, plan)
        code.select_all()
        code.focus()
        if plan is not None:
            self.query_one("#verify-next", Static).update(Text(NEXT, style="italic"))

    def _not_verified(self, error: Exception) -> None:
        self.query_one("#verify-plan", Static).update("")
        if isinstance(error, NotFound):
            self._result(NOT_FOUND, "-error")
        else:
            self._result(str(error), "-error")
        self._done(None)

    def _result(self, text: str, kind: str = "") -> None:
        result = self.query_one("#verify-result", Static)
        result.update(Text(text))
        result.set_class(kind == "-error", "-error")
        result.set_class(kind == "-ok", "-ok")

    def on_opened_by_key(self, _: OpenedByKey) -> None:
        code = self.query_one("#code", Input)
        code.value = ""
        code.focus()
