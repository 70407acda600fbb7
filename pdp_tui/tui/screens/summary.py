"""Riepilogo: plans registered per store today, this week and this month, and a bar chart
of the plans per day over the last 30 days (support and administrators).

The figures come from one service call, run off the UI thread on showing the screen and on
``a`` (aggiorna); the screen has no text field, so the letter never clashes with typing.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from pdp_tui.services import summary
from pdp_tui.services.summary import Summary
from pdp_tui.tui.messages import OpenedByKey
from pdp_tui.tui.service_calls import ServiceCalls
from pdp_tui.tui.styles import stylesheet
from pdp_tui.tui.widgets.app_header import AppHeader
from pdp_tui.tui.widgets.day_bars import DayBars, number
from pdp_tui.tui.widgets.key_footer import KeyFooter

TITLE = "Riepilogo del {day}"
LOADING = "Caricamento…"
COLUMNS = [
    ("store", "Negozio", 24),
    ("today", "Oggi", 7),
    ("week", "Settimana", 9),
    ("month", "Mese", 7),
    ("requests", "Richieste aperte", 16),
]
CLOSED = " (chiuso)"
TOTAL = "Totale"
TOTAL_KEY = "*"  # no store code has it
NOT_KEPT = "–"
CHART_TITLE = "Piani al giorno, ultimi 30 giorni · massimo {top} il {top_day} · oggi {today}"
STATUS = "Aggiornato alle {time} · annullati esclusi · la settimana inizia il lunedì"
REFRESH = "Aggiorna"


class SummaryScreen(ServiceCalls, Screen[None]):
    CSS_PATH = stylesheet("summary")
    AUTO_FOCUS = "#summary-stores"
    BINDINGS = [Binding("a,A", "refresh", REFRESH, id="riepilogo-aggiorna")]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(Text(TITLE.format(day="…"), style="bold"), id="summary-title")
        yield DataTable(id="summary-stores", cursor_type="row", zebra_stripes=True)
        yield Static("", id="summary-chart-title")
        yield DayBars(id="summary-chart")
        yield Static(Text(LOADING), id="summary-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#summary-stores", DataTable)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)

    def on_screen_resume(self) -> None:
        self.call_after_refresh(self.action_refresh)

    def on_opened_by_key(self, event: OpenedByKey) -> None:
        if event.again:
            self.action_refresh()

    def action_refresh(self) -> None:
        self.call_service(
            summary.summary,
            self.app.actor,
            on_success=self._show,
            on_error=lambda error: self._status(str(error)),
            group="summary",
        )

    def _show(self, figures: Summary) -> None:
        title = self.query_one("#summary-title", Static)
        title.update(Text(TITLE.format(day=figures.today.strftime("%d/%m/%Y")), style="bold"))
        table = self.query_one("#summary-stores", DataTable)
        table.clear()
        for store in figures.stores:
            name = Text(f"{store.code} {store.name}")
            if not store.open:
                name.append(CLOSED, style="italic")
            table.add_row(
                name,
                *(_count(n) for n in (store.today, store.week, store.month)),
                _count(store.open_requests),
                key=store.code,
            )
        requests = [s.open_requests for s in figures.stores]
        total_requests = None if None in requests else sum(requests)
        table.add_row(
            Text(TOTAL, style="bold"),
            *(_count(n, bold=True) for n in figures.totals),
            _count(total_requests, bold=True),
            key=TOTAL_KEY,
        )
        self.query_one(DayBars).days = tuple(figures.per_day)
        top_day, top = max(figures.per_day, key=lambda item: (item[1], item[0]))
        self.query_one("#summary-chart-title", Static).update(
            Text(
                CHART_TITLE.format(
                    top=number(top),
                    top_day=top_day.strftime("%d/%m"),
                    today=number(figures.per_day[-1][1]),
                ),
                style="bold",
            )
        )
        self._status(STATUS.format(time=figures.counted_at.strftime("%H:%M")))

    def _status(self, text: str) -> None:
        self.query_one("#summary-status", Static).update(Text(text))


def _count(value: int | None, bold: bool = False) -> Text:
    return Text(NOT_KEPT if value is None else number(value), style="bold" if bold else "")
