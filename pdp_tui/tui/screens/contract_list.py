"""Elenco completo: the plans the user may see, newest first, filtered as you type.

One page (``search.PAGE_SIZE`` rows) is on screen at a time; moving past its last row
loads the next page by keyset, past its first row the previous one. Memory and paint
time therefore do not grow with the number of plans.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Select, Static

from pdp_tui.domain import PlanSummary, SearchPage
from pdp_tui.services import catalogue, search
from pdp_tui.tui import format
from pdp_tui.tui.keyset_pages import KeysetPages
from pdp_tui.tui.messages import OpenedByKey
from pdp_tui.tui.service_calls import ServiceCalls
from pdp_tui.tui.styles import stylesheet
from pdp_tui.tui.widgets.key_footer import KeyFooter
from pdp_tui.tui.widgets.text_field import TextField

TITLE = "Elenco completo"
SEARCH_PLACEHOLDER = "Cerca per numero del contratto o «cognome nome»"
ALL_STORES = "Tutti i negozi"
LOADING = "Ricerca in corso…"
EMPTY = "Nessun contratto trovato."
COLUMNS = [
    ("contract", "Contratto", 14),
    ("customer", "Cliente", 19),
    ("covering", "Rivestimento", 12),
    ("protection", "Protezione", 10),
    ("date", "Data", 10),
]
STORE_COLUMN = ("store", "Negozio", 7)
# With the store column (support), the customer and covering give up the room.
SUPPORT_WIDTHS = {"customer": 16, "covering": 9}


class ContractListScreen(ServiceCalls, Screen[None]):
    CSS_PATH = stylesheet("contract_list")
    AUTO_FOCUS = "#search"
    BINDINGS = [
        # priority: the search field and the table have page keys of their own.
        Binding(
            "pagedown", "page(1)", "Pag. succ.", key_display="PgGiù", priority=True, id="pag-succ"
        ),
        Binding(
            "pageup", "page(-1)", "Pag. prec.", key_display="PgSu", priority=True, id="pag-prec"
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.query_text = ""
        self._pages: KeysetPages[tuple[str, int]] = KeysetPages()
        self._rows: list[PlanSummary] = []
        self.store_id: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(TITLE, style="bold"), id="list-title")
        with Horizontal(id="list-filters"):
            yield TextField(
                placeholder=SEARCH_PLACEHOLDER, id="search", max_length=130, compact=True
            )
            if self.app.actor and self.app.actor.sees_all_stores:
                yield Select([], prompt=ALL_STORES, id="store-filter", compact=True)
        yield DataTable(id="plans", cursor_type="row", zebra_stripes=True)
        yield Static("", id="list-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#plans", DataTable)
        columns = list(COLUMNS)
        if self.app.actor and self.app.actor.sees_all_stores:
            columns.insert(0, STORE_COLUMN)
            columns = [(k, label, SUPPORT_WIDTHS.get(k, w)) for k, label, w in columns]
        for key, label, width in columns:
            table.add_column(label, key=key, width=width)
        if self.query("#store-filter"):
            self.call_service(
                catalogue.list_stores, self.app.actor, on_success=self._show_stores, group="stores"
            )

    def _show_stores(self, stores: list[tuple[int, str, str]]) -> None:
        options = [(Text(f"{code} · {name}"), store_id) for store_id, code, name in stores]
        self.query_one("#store-filter", Select).set_options(options)

    @on(Select.Changed, "#store-filter")
    def _store_changed(self, event: Select.Changed) -> None:
        self.store_id = None if event.select.is_blank() else int(event.value)
        self._pages.reset()
        self._load(0)

    # --- loading ------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self._pages.reset()
        self._load(0)

    def _load(self, page_index: int, *, cursor_row: int = 0) -> None:
        self._status(LOADING)
        self.call_service(
            search.search_plans,
            self.app.actor,
            self.query_text,
            cursor=self._pages.cursor(page_index),
            store_id=self.store_id,
            on_success=lambda page: self._show(page, page_index, cursor_row),
            on_error=self._failed,
            group="search",
        )

    def _show(self, page: SearchPage, page_index: int, cursor_row: int) -> None:
        self._pages.arrived(page_index, page.next_cursor)
        self._rows = page.rows
        table = self.query_one("#plans", DataTable)
        table.clear()
        store_column = len(table.columns) > len(COLUMNS)
        for plan in page.rows:
            cells = [
                Text(plan.contract_number),
                Text(plan.customer),
                Text(plan.covering),
                Text(format.protection_short(plan.protection)),
                Text(format.date_only(plan.created_at)),
            ]
            if plan.status.value != "active":
                cells[0].append(" ✗", style="bold")
            if store_column:
                cells.insert(0, Text(plan.store_code))
            table.add_row(*cells, key=str(plan.id))
        if page.rows:
            table.move_cursor(row=min(max(cursor_row, 0), len(page.rows) - 1))
        self._status(self._describe())

    def _describe(self) -> str:
        if not self._rows:
            return EMPTY
        first = self._pages.index * search.PAGE_SIZE + 1
        last = first + len(self._rows) - 1
        more = " · ↓ per i successivi" if self._pages.has_next else ""
        return f"Contratti {first}–{last}{more} · Invio apre il dettaglio"

    def _failed(self, error: Exception) -> None:
        errors = getattr(error, "errors", None)
        self._status(" ".join(errors.values()) if errors else str(error))

    def _status(self, text: str) -> None:
        self.query_one("#list-status", Static).update(Text(text))

    # --- keys ----------------------------------------------------------------------------

    @on(Input.Submitted, "#search")
    def _into_results(self) -> None:
        self._focus_table()

    def _focus_table(self) -> None:
        if self._rows:
            self.query_one("#plans", DataTable).focus()

    def on_key(self, event: events.Key) -> None:
        table = self.query_one("#plans", DataTable)
        if self.focused is table and event.is_printable:
            # Typing in the results starts a new search: the key replaces the old one.
            search_field = self.query_one("#search", Input)
            search_field.focus()
            search_field.select_all()
            self.app.type_ahead.retype(event)
        elif self.focused is self.query_one("#search") and event.key == "down":
            event.stop()
            self._focus_table()
        elif self.focused is table and event.key == "down":
            if table.cursor_row >= table.row_count - 1 and self._pages.has_next:
                event.stop()
                self._load(self._pages.index + 1)
        elif self.focused is table and event.key == "up" and table.cursor_row <= 0:
            event.stop()
            if self._pages.index > 0:
                self._load(self._pages.index - 1, cursor_row=search.PAGE_SIZE - 1)
            else:
                self.query_one("#search").focus()

    def action_page(self, step: int) -> None:
        target = self._pages.index + step
        if self._pages.exists(target):
            self._load(target)

    @on(DataTable.RowSelected, "#plans")
    def _open(self, event: DataTable.RowSelected) -> None:
        from pdp_tui.tui.screens.contract_detail import ContractDetailScreen

        self.app.push_screen(ContractDetailScreen(int(event.row_key.value)))

    def on_opened_by_key(self, _: OpenedByKey) -> None:
        self.query_one("#search", Input).focus()

    def on_screen_resume(self) -> None:
        # Shown first, or back from the detail or another screen: show what changed
        # meanwhile, on the same page and row. After the next refresh: resume can come
        # before the screen has composed (the first screen of a mode on a busy machine).
        self.call_after_refresh(self._reload_same_page)

    def _reload_same_page(self) -> None:
        self._load(self._pages.index, cursor_row=self.query_one("#plans", DataTable).cursor_row)
