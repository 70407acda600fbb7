"""Dettaglio contratto: every field of one plan and its activation code."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from pdp_tui.domain import PlanDetail
from pdp_tui.services import plans
from pdp_tui.services.codes import format_code
from pdp_tui.tui import format
from pdp_tui.tui.service_calls import ServiceCalls
from pdp_tui.tui.widgets.code_panel import ActivationCodePanel

TITLE = "Dettaglio contratto"
LOADING = "Caricamento…"


def detail_rows(plan: PlanDetail) -> list[tuple[str, str]]:
    return [
        ("Numero del contratto", plan.contract_number),
        ("Cliente", f"{plan.first_name} {plan.last_name}"),
        ("Rivestimento", plan.covering.label),
        ("Tipo di protezione", plan.protection.label),
        ("Codice di attivazione", format_code(plan.activation_code)),
        ("Stato", plan.status.label),
        ("Valido fino al", format.date_only(plan.valid_until)),
        ("Negozio", f"{plan.store_code} · {plan.store_name}"),
        ("Registrato da", plan.created_by),
        ("Registrato il", format.date_time(plan.created_at)),
    ]


def detail_table(plan: PlanDetail) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for label, value in detail_rows(plan):
        table.add_row(Text(label), Text(value))
    return table


class ContractDetailScreen(ServiceCalls, Screen[None]):
    BINDINGS = [Binding("escape", "back", "Indietro", key_display="Esc", id="indietro")]

    def __init__(self, plan_id: int) -> None:
        super().__init__()
        self.plan_id = plan_id

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail"):
            yield Static(Text(TITLE, style="bold"), id="detail-title")
            yield Static(Text(LOADING), id="detail-fields")
            yield ActivationCodePanel(reminder=False, id="detail-code")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#detail").focus()
        self.call_service(
            plans.get_plan,
            self.app.actor,
            self.plan_id,
            on_success=self._show,
            on_error=lambda error: self.query_one("#detail-fields", Static).update(
                Text(str(error))
            ),
            group="detail",
        )

    def _show(self, plan: PlanDetail) -> None:
        self.plan = plan
        self.query_one("#detail-fields", Static).update(detail_table(plan))
        self.query_one("#detail-code", ActivationCodePanel).plan = plan

    def action_back(self) -> None:
        self.dismiss()
