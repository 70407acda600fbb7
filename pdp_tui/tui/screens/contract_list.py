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
from textual.timer import Timer
from textual.widgets import DataTable, Input, Select, Static

from pdp_tui.domain import PlanSummary, SearchPage
from pdp_tui.services import search
from pdp_tui.services.errors import ValidationError
from pdp_tui.tui import format
from pdp_tui.tui.columns import Column
from pdp_tui.tui.messages import OpenedByKey
from pdp_tui.tui.service_calls import ServiceCalls
from pdp_tui.tui.styles import stylesheet
from pdp_tui.tui.widgets.app_header import AppHeader
from pdp_tui.tui.widgets.form_dialog import FormDialog, FormField
from pdp_tui.tui.widgets.key_footer import KeyFooter
from pdp_tui.tui.widgets.paged_table import PagedTable
from pdp_tui.tui.widgets.store_filter import StoreFilter
from pdp_tui.tui.widgets.text_field import TextField

TITLE = "Elenco completo"
SEARCH_PLACEHOLDER = "Cerca per numero del contratto, cognome o nome"
LOADING = "Ricerca in corso…"
LOADING_AFTER = 0.15  # seconds
EMPTY = "Nessun contratto registrato."
# A search that found nothing says how to search.
NOT_FOUND = "Nessun contratto trovato: cerca per numero del contratto, cognome o nome."
OPEN_HINT = "Invio apre il dettaglio"
MORE = "↓ per i successivi"
VOIDED_MARK = " ✗"
SIGNED_MARK = "✓"
MISSING_MARK = "—"
# Short: with them the list's footer keeps F1, F2 and F3 at 80 columns (F1 lists it too).
MISSING_FILTER = "Mancanti"
ALL_PLANS = "Tutti"
MISSING_TITLE = "solo moduli firmati mancanti da almeno {days} giorni"
MISSING_DIALOG_TITLE = "Moduli firmati mancanti"
MISSING_DIALOG_INTRO = (
    "Mostra solo i Piani attivi registrati da almeno tanti giorni il cui modulo firmato "
    "non risulta ricevuto."
)
MISSING_DAYS_LABEL = "Giorni"
MISSING_DAYS_DEFAULT = 14
MISSING_DAYS_ERROR = "Un numero intero di giorni da 0 a {high}."
# From this width the table has room for the long labels and the time of registration.
WIDE = 110


def list_columns(with_store: bool) -> list[Column]:
    """What matters (store, contract, customer, date) is whole; the rest gives way."""
    columns = [
        Column("contract", "Contratto", whole=True, priority=10),
        Column("customer", "Cliente", minimum=12, grow=True, priority=8),
        Column("covering", "Rivestimento", minimum=6, optional=True, priority=2, short="Riv."),
        Column("protection", "Protezione", whole=True, optional=True, priority=3, short="Prot."),
        Column("date", "Data", whole=True, priority=7),
        # The signed form (✓ received, — missing): the first to go on a narrow terminal.
        Column("form", "Mod.", whole=True, optional=True, priority=1),
    ]
    if with_store:
        columns.insert(0, Column("store", "Negozio", whole=True, priority=9, short="Neg."))
    return columns


def plan_cells(plan: PlanSummary, wide: bool) -> dict[str, Text]:
    contract = Text(plan.contract_number)
    active = plan.status.value == "active"
    if not active:
        contract.append(VOIDED_MARK, style="bold")
    if plan.form_signed_at is not None:
        form = Text(SIGNED_MARK)
    else:
        form = Text(MISSING_MARK if active else "", style="bold")
    return {
        "store": Text(plan.store_code),
        "contract": contract,
        "customer": Text(plan.customer),
        "covering": Text(plan.covering),
        "protection": Text(
            plan.protection.label if wide else format.protection_short(plan.protection)
        ),
        "date": Text(
            format.date_time(plan.created_at) if wide else format.date_only(plan.created_at)
        ),
        "form": form,
    }


class MissingFormsDialog(FormDialog):
    """How many days a signed form may be missing before the plan is listed; the result
    is the number of days."""

    DIALOG_TITLE = MISSING_DIALOG_TITLE
    FIELDS = (FormField("days", MISSING_DAYS_LABEL, max_length=4),)

    def __init__(self, days: int) -> None:
        super().__init__(MISSING_DIALOG_INTRO)
        self.days = days

    def on_mount(self) -> None:
        field = self.field("days")
        field.value = str(self.days)
        field.focus()
        field.select_all()

    def check(self, values: dict[str, str]) -> dict[str, str]:
        text = (values["days"] or "").strip()
        if not (text.isdigit() and int(text) <= search.FORM_MISSING_DAYS_MAX):
            return {"days": MISSING_DAYS_ERROR.format(high=search.FORM_MISSING_DAYS_MAX)}
        return {}

    def save(self, values: dict[str, str]) -> None:
        self.dismiss(int(values["days"].strip()))


class ContractListScreen(ServiceCalls, Screen[None]):
    CSS_PATH = stylesheet("contract_list")
    AUTO_FOCUS = "#search"
    BINDINGS = [
        # priority: from the search field as well as from the results.
        Binding(
            "f5,ctrl+g",
            "missing_forms(True)",
            MISSING_FILTER,
            key_display="F5",
            priority=True,
            id="moduli-mancanti",
        ),
        Binding(
            "f5,ctrl+g",
            "missing_forms(False)",
            ALL_PLANS,
            key_display="F5",
            priority=True,
            id="tutti-i-contratti",
        ),
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
        self._plans: list[PlanSummary] = []
        self._wide = False
        self._loading_notice: Timer | None = None
        self.store_id: int | None = None
        # Only plans whose signed form is missing after this many days (None: every plan).
        self.missing_days: int | None = None
        self._asked_days = MISSING_DAYS_DEFAULT

    @property
    def _with_store(self) -> bool:
        return bool(self.app.actor and self.app.actor.sees_all_stores)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(Text(TITLE, style="bold"), id="list-title")
        with Horizontal(id="list-filters"):
            yield TextField(
                placeholder=SEARCH_PLACEHOLDER, id="search", max_length=130, compact=True
            )
            if self._with_store:
                yield StoreFilter(id="store-filter")
        yield PagedTable(list_columns(self._with_store), search.PAGE_SIZE, id="plans")
        yield Static("", id="list-status")
        yield KeyFooter()

    @property
    def _table(self) -> PagedTable:
        return self.query_one("#plans", PagedTable)

    @on(Select.Changed, "#store-filter")
    def _store_changed(self, event: Select.Changed) -> None:
        self.store_id = self.query_one(StoreFilter).store_id
        self._table.reset()
        self._load(0)

    # --- loading ------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self._table.reset()
        self._load(0)

    @on(PagedTable.PageWanted, "#plans")
    def _page_wanted(self, event: PagedTable.PageWanted) -> None:
        self._load(event.index, cursor_row=event.cursor_row)

    def _load(self, page_index: int, *, cursor_row: int = 0) -> None:
        # Said only when a search takes long enough to be seen: one repaint fewer per key.
        self._stop_loading_notice()
        self._loading_notice = self.set_timer(LOADING_AFTER, self._say_loading)
        self.call_service(
            search.search_plans,
            self.app.actor,
            self.query_text,
            cursor=self._table.pages.cursor(page_index),
            store_id=self.store_id,
            form_missing_days=self.missing_days,
            on_success=lambda page: self._show(page, page_index, cursor_row),
            on_error=self._failed,
            group="search",
        )

    def _rows(self) -> list[tuple[str, dict[str, Text]]]:
        self._wide = self.size.width >= WIDE
        return [(str(plan.id), plan_cells(plan, self._wide)) for plan in self._plans]

    def _say_loading(self) -> None:
        # A timer that has fired runs its callback later (Textual's set_timer goes through
        # call_next): stopping it then is too late, and on a loaded machine the answer can
        # come in between. Only a search still waited for is said.
        if self._loading_notice is not None:
            self._status(LOADING)

    def _stop_loading_notice(self) -> None:
        if self._loading_notice is not None:
            self._loading_notice.stop()
            self._loading_notice = None

    def _show(self, page: SearchPage, page_index: int, cursor_row: int) -> None:
        self._stop_loading_notice()
        self._plans = page.rows
        self._table.show_page(self._rows(), page_index, page.next_cursor, cursor_row)
        self._status(self._describe())

    def on_resize(self) -> None:
        # From WIDE columns on, the long labels and the time: the rows are made again.
        if self._plans and (self.size.width >= WIDE) != self._wide:
            self._table.replace_rows(self._rows())

    def describe_state(self) -> str:
        """For ``PdpApp.log_state``."""
        status = self.query_one("#list-status", Static).render()
        return (
            f"list: query {self.query_text!r}, {len(self._plans)} plans, status {status!s:.60}, "
            f"loading notice {self._loading_notice is not None}, "
            f"pending calls {len(self._pending_calls or ())}"
        )

    def _describe(self) -> str:
        if not self._plans:
            filtered = self.query_text.strip() or self.missing_days is not None
            return NOT_FOUND if filtered else EMPTY
        return f"{self._table.describe('Contratti', MORE)} · {OPEN_HINT}"

    # --- the missing signed forms (F5) -----------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "missing_forms":
            return (self.missing_days is None) is bool(parameters[0])
        return True

    def action_missing_forms(self, on: bool) -> None:
        if not on:
            self._filter_missing(None)
            return

        def chosen(days: int | None) -> None:
            if days is not None:
                self._asked_days = days
                self._filter_missing(days)

        self.app.push_screen(MissingFormsDialog(self._asked_days), chosen)

    def _filter_missing(self, days: int | None) -> None:
        self.missing_days = days
        title = Text(TITLE, style="bold")
        if days is not None:
            title.append(" · ")
            title.append(MISSING_TITLE.format(days=days))
        self.query_one("#list-title", Static).update(title)
        self.refresh_bindings()
        self._table.reset()
        self._load(0)

    def _failed(self, error: Exception) -> None:
        self._stop_loading_notice()
        if isinstance(error, ValidationError):
            self._status(" ".join(error.errors.values()))
        else:
            self._status(str(error))

    def _status(self, text: str) -> None:
        self.query_one("#list-status", Static).update(Text(text))

    # --- keys ----------------------------------------------------------------------------

    @on(Input.Submitted, "#search")
    def _into_results(self) -> None:
        self._focus_table()

    def _focus_table(self) -> None:
        if self._plans:
            self._table.focus()

    @on(PagedTable.LeftAtTop, "#plans")
    def _back_to_search(self) -> None:
        self.query_one("#search", Input).focus()

    def on_key(self, event: events.Key) -> None:
        table = self._table
        if self.focused is table and event.is_printable:
            # Typing in the results starts a new search: the key replaces the old one.
            search_field = self.query_one("#search", Input)
            search_field.focus()
            search_field.select_all()
            self.app.type_ahead.retype(event)
        elif self.focused is self.query_one("#search") and event.key == "down":
            event.stop()
            self._focus_table()

    def action_page(self, step: int) -> None:
        self._table.page(step)

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
        table = self._table
        self._load(table.pages.index, cursor_row=table.cursor_row)
