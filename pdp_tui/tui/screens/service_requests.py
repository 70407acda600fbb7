"""Richieste di intervento: the list (F10), one request's detail with its steps, and the
dialogs that open a request, close it with an outcome and add a note.

Support and administrators see every store's requests and handle them by keys; staff see
their own store's, read-only (the services decide; the keys show only where they work).
"""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Select, Static

from pdp_tui.domain import (
    PlanDetail,
    PlanStatus,
    RequestConcern,
    RequestDetail,
    RequestOutcome,
    RequestPage,
    RequestStatus,
    RequestStep,
    RequestStepKind,
    RequestSummary,
)
from pdp_tui.services import service_requests
from pdp_tui.services.permissions import Permission
from pdp_tui.tui import format
from pdp_tui.tui.columns import Column
from pdp_tui.tui.messages import OpenedByKey
from pdp_tui.tui.service_calls import ServiceCalls
from pdp_tui.tui.styles import stylesheet
from pdp_tui.tui.widgets.app_header import AppHeader
from pdp_tui.tui.widgets.form_dialog import Choice, FormDialog, FormField
from pdp_tui.tui.widgets.key_footer import KeyFooter
from pdp_tui.tui.widgets.paged_table import PagedTable
from pdp_tui.tui.widgets.store_filter import StoreFilter

LIST_TITLE = "Richieste di intervento"
DETAIL_TITLE = "Richiesta di intervento {number}"
NEW_TITLE = "Nuova richiesta di intervento"
CLOSE_TITLE = "Chiudi la richiesta"
NOTE_TITLE = "Aggiungi una nota"
ALL_STATUSES = "Tutti gli stati"
LOADING = "Caricamento…"
EMPTY = "Nessuna richiesta di intervento."
OPEN_HINT = "Invio apre la richiesta"
READ_ONLY = "sola lettura"
MORE = "↓ per le successive"
STEPS = "Passaggi"
OPENED_DONE = "Richiesta {number} aperta."
MOVED_DONE = "Richiesta {number}: {status}."
NOTE_DONE = "Nota aggiunta alla richiesta {number}."
PHONE_HINT = "facoltativo, es. +39 333 1234567"
LABEL_WIDTH = 12


def can_handle(actor) -> bool:
    return actor is not None and actor.role in Permission.HANDLE_REQUESTS.roles


# --- what a plan's detail shows -----------------------------------------------------------


def refusal(plan: PlanDetail) -> str | None:
    """Why no request can be opened on ``plan`` (voided, past its validity), or None."""
    if plan.status is PlanStatus.VOIDED:
        return service_requests.PLAN_VOIDED
    if service_requests.local_today() > plan.valid_until:
        return service_requests.PLAN_EXPIRED.format(day=format.date_only(plan.valid_until))
    return None


def plan_requests_table(requests: list[RequestSummary]) -> Table | Text:
    """A plan's requests, newest first: number, date, status, what it concerns."""
    if not requests:
        return Text(EMPTY, style="italic")
    table = Table(box=None, padding=(0, 1), show_edge=False)
    for header in ("Numero", "Data", "Stato", "Riguarda"):
        table.add_column(header, no_wrap=True)
    for request in requests:
        table.add_row(
            Text(request.number),
            Text(format.date_only(request.created_at)),
            Text(request.status.label),
            Text(request.concerns.label),
        )
    return table


# --- dialogs ----------------------------------------------------------------------------------


class NewRequestDialog(FormDialog):
    """Nuova richiesta di intervento: what it concerns, a description, a phone number."""

    DIALOG_TITLE = NEW_TITLE
    FIELDS = (
        FormField("concerns", "Riguarda", kind="choice"),
        FormField("description", "Descrizione", max_length=service_requests.DESCRIPTION_MAX),
        FormField(
            "phone",
            "Telefono",
            max_length=service_requests.PHONE_MAX,
            placeholder=PHONE_HINT,
        ),
    )

    def __init__(self, plan: PlanDetail) -> None:
        about = Text("Contratto ")
        about.append(plan.contract_number, style="bold")
        about.append(" · ")
        about.append(plan.customer)
        about.append(" · ")
        about.append(plan.protection.label)
        super().__init__(about)
        self.plan = plan

    def on_mount(self) -> None:
        concerns = self.field("concerns")
        concerns.set_choices([Choice(c, c.label) for c in RequestConcern])
        concerns.focus()

    def save(self, values: dict[str, Any]) -> None:
        self.submit(
            service_requests.open_request,
            self.app.actor,
            self.plan.id,
            concerns=values["concerns"],
            description=values["description"] or "",
            phone=values["phone"] or "",
        )


class CloseRequestDialog(FormDialog):
    """Close a request with its outcome (and, if useful, a note)."""

    DIALOG_TITLE = CLOSE_TITLE
    FIELDS = (
        FormField("outcome", "Esito", kind="choice"),
        FormField("note", "Nota", max_length=service_requests.NOTE_MAX, placeholder="facoltativa"),
    )

    def __init__(self, request: RequestDetail) -> None:
        super().__init__(_about(request))
        self.request = request

    def on_mount(self) -> None:
        outcome = self.field("outcome")
        outcome.set_choices([Choice(o, o.label) for o in RequestOutcome])
        outcome.focus()

    def save(self, values: dict[str, Any]) -> None:
        self.submit(
            service_requests.change_status,
            self.app.actor,
            self.request.id,
            RequestStatus.CLOSED,
            outcome=values["outcome"],
            note=values["note"] or "",
        )


class NoteDialog(FormDialog):
    DIALOG_TITLE = NOTE_TITLE
    FIELDS = (FormField("note", "Nota", max_length=service_requests.NOTE_MAX),)

    def __init__(self, request: RequestDetail) -> None:
        super().__init__(_about(request))
        self.request = request

    def on_mount(self) -> None:
        self.field("note").focus()

    def save(self, values: dict[str, Any]) -> None:
        self.submit(
            service_requests.add_note, self.app.actor, self.request.id, values["note"] or ""
        )


def _about(request: RequestDetail) -> Text:
    text = Text("Richiesta ")
    text.append(request.number, style="bold")
    text.append(" · ")
    text.append(request.customer)
    text.append(f" · {request.status.label}")
    return text


# --- the list ----------------------------------------------------------------------------------


def list_columns(with_store: bool) -> list[Column]:
    """The number and the date whole; the customer gives way."""
    columns = [
        Column("number", "Numero", whole=True, priority=10),
        Column("date", "Data", whole=True, priority=9),
        Column("status", "Stato", whole=True, priority=8),
        Column("contract", "Contratto", whole=True, optional=True, priority=5),
        Column("customer", "Cliente", minimum=8, grow=True, priority=6),
        Column("concerns", "Riguarda", whole=True, optional=True, priority=2),
    ]
    if with_store:
        columns.insert(3, Column("store", "Negozio", whole=True, priority=7, short="Neg."))
    return columns


def request_cells(request: RequestSummary) -> dict[str, Text]:
    return {
        "number": Text(request.number),
        "date": Text(format.date_only(request.created_at)),
        "status": Text(request.status.label),
        "store": Text(request.store_code),
        "contract": Text(request.contract_number),
        "customer": Text(request.customer),
        "concerns": Text(request.concerns.label),
    }


class RequestListScreen(ServiceCalls, Screen[None]):
    """Richieste: newest first, by status (and store, for support and administrators)."""

    CSS_PATH = stylesheet("service_requests")
    AUTO_FOCUS = "#requests"
    BINDINGS = [
        Binding(
            "pagedown", "page(1)", "Pag. succ.", key_display="PgGiù", priority=True, id="pag-succ"
        ),
        Binding(
            "pageup", "page(-1)", "Pag. prec.", key_display="PgSu", priority=True, id="pag-prec"
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.status: RequestStatus | None = None
        self.store_id: int | None = None
        self._rows: list[RequestSummary] = []

    @property
    def _with_store(self) -> bool:
        return bool(self.app.actor and self.app.actor.sees_all_stores)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(Text(LIST_TITLE, style="bold"), id="requests-title")
        with Horizontal(id="requests-filters"):
            yield Select(
                [(Text(s.label), s.value) for s in RequestStatus],
                prompt=ALL_STATUSES,
                id="status-filter",
                compact=True,
            )
            if self._with_store:
                yield StoreFilter(id="requests-store-filter")
        yield PagedTable(list_columns(self._with_store), service_requests.PAGE_SIZE, id="requests")
        yield Static("", id="requests-status")
        yield KeyFooter()

    @property
    def _table(self) -> PagedTable:
        return self.query_one("#requests", PagedTable)

    @on(Select.Changed, "#status-filter")
    def _status_changed(self, event: Select.Changed) -> None:
        self.status = None if event.select.is_blank() else RequestStatus(event.value)
        self._reload_first_page()

    @on(Select.Changed, "#requests-store-filter")
    def _store_changed(self, event: Select.Changed) -> None:
        self.store_id = self.query_one(StoreFilter).store_id
        self._reload_first_page()

    def _reload_first_page(self) -> None:
        self._table.reset()
        self._load(0)

    @on(PagedTable.PageWanted, "#requests")
    def _page_wanted(self, event: PagedTable.PageWanted) -> None:
        self._load(event.index, cursor_row=event.cursor_row)

    def _load(self, page_index: int, *, cursor_row: int = 0) -> None:
        self._status(LOADING)
        self.call_service(
            service_requests.list_requests,
            self.app.actor,
            status=self.status,
            store_id=self.store_id,
            cursor=self._table.pages.cursor(page_index),
            on_success=lambda page: self._show(page, page_index, cursor_row),
            on_error=lambda error: self._status(str(error)),
            group="requests",
        )

    def _show(self, page: RequestPage, page_index: int, cursor_row: int) -> None:
        self._rows = page.rows
        rows = [(str(r.id), request_cells(r)) for r in page.rows]
        self._table.show_page(rows, page_index, page.next_cursor, cursor_row)
        if not self._rows:
            self._status(EMPTY)
            return
        hint = OPEN_HINT if can_handle(self.app.actor) else f"{OPEN_HINT} ({READ_ONLY})"
        self._status(f"{self._table.describe('Richieste', MORE)} · {hint}")

    def _status(self, text: str) -> None:
        self.query_one("#requests-status", Static).update(Text(text))

    @on(PagedTable.LeftAtTop, "#requests")
    def _to_filters(self) -> None:
        self.query_one("#status-filter", Select).focus()

    def action_page(self, step: int) -> None:
        self._table.page(step)

    @on(DataTable.RowSelected, "#requests")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(RequestDetailScreen(int(event.row_key.value)))

    def on_opened_by_key(self, _: OpenedByKey) -> None:
        self._table.focus()

    def on_screen_resume(self) -> None:
        self.call_after_refresh(self._reload_same_page)

    def _reload_same_page(self) -> None:
        table = self._table
        self._load(table.pages.index, cursor_row=table.cursor_row)


# --- one request -------------------------------------------------------------------------------


def step_what(step: RequestStep) -> Text:
    if step.kind is RequestStepKind.OPENED:
        return Text("aperta", style="bold")
    if step.kind is RequestStepKind.NOTE:
        return Text("nota", style="bold")
    what = Text(step.status.label if step.status else "", style="bold")
    if step.outcome is not None:
        what.append(f" · esito: {step.outcome.label}")
    return what


def steps_table(steps: list[RequestStep]) -> Table:
    """When, who, what: a note goes under its step, so that nothing is cut at 80 columns."""
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, max_width=18, overflow="ellipsis")
    table.add_column(ratio=1, overflow="fold")
    for step in steps:
        what = step_what(step)
        if step.note:
            what.append("\n")
            what.append(step.note, style="italic")
        table.add_row(Text(format.date_time(step.at)), Text(step.by), what)
    return table


def request_fields(request: RequestDetail) -> Group:
    status = request.status.label
    if request.outcome is not None:
        status += f" · esito: {request.outcome.label}"
    rows = [
        ("Cliente", request.customer),
        ("Contratto", f"{request.contract_number} · negozio {request.store_code}"),
        ("Riguarda", request.concerns.label),
        ("Descrizione", request.description),
        ("Telefono", request.phone or "—"),
        ("Stato", status),
        ("Aperta il", f"{format.date_time(request.created_at)} da {request.created_by}"),
    ]
    if request.closed_at is not None:
        rows.append(("Chiusa il", format.date_time(request.closed_at)))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True, min_width=LABEL_WIDTH)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(Text(label), Text(value))
    return Group(grid)


class RequestDetailScreen(ServiceCalls, Screen[None]):
    CSS_PATH = stylesheet("service_requests")
    BINDINGS = [
        Binding("escape", "back", "Indietro", key_display="Esc", id="indietro"),
        Binding("l,L", "start", "In lavorazione", id="richiesta-lavorazione"),
        Binding("c,C", "close", "Chiudi richiesta", id="richiesta-chiudi"),
        Binding("n,N", "note", "Nota", id="richiesta-nota"),
    ]

    def __init__(self, request_id: int) -> None:
        super().__init__()
        self.request_id = request_id
        self.request: RequestDetail | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with VerticalScroll(id="request-detail"):
            yield Static(Text(LIST_TITLE, style="bold"), id="request-title")
            yield Static(Text(LOADING), id="request-fields")
            yield Static(Text(STEPS, style="bold"), id="request-steps-title")
            yield Static("", id="request-steps")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#request-detail").focus()
        self._load()

    def _load(self) -> None:
        self.call_service(
            service_requests.get_request,
            self.app.actor,
            self.request_id,
            on_success=self._show,
            on_error=lambda error: self.query_one("#request-fields", Static).update(
                Text(str(error))
            ),
            group="request",
        )

    def _show(self, request: RequestDetail) -> None:
        self.request = request
        self.query_one("#request-title", Static).update(
            Text(DETAIL_TITLE.format(number=request.number), style="bold")
        )
        self.query_one("#request-fields", Static).update(request_fields(request))
        self.query_one("#request-steps", Static).update(steps_table(request.steps))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("start", "close", "note"):
            if not can_handle(self.app.actor):
                return False  # staff: read-only, the keys are not offered
            if self.request is None:
                return None
            moves = service_requests.MOVES[self.request.status]
            if action == "start":
                return RequestStatus.IN_PROGRESS in moves
            if action == "close":
                return RequestStatus.CLOSED in moves
        return True

    def action_start(self) -> None:
        if self.request is None:
            return
        self.call_service(
            service_requests.change_status,
            self.app.actor,
            self.request.id,
            RequestStatus.IN_PROGRESS,
            on_success=self._moved,
            on_error=lambda error: self.notify(str(error), severity="error", markup=False),
            group="move",
            hold_keys=True,
        )

    def action_close(self) -> None:
        if self.request is not None:
            self.app.push_screen(CloseRequestDialog(self.request), self._moved)

    def action_note(self) -> None:
        if self.request is not None:
            self.app.push_screen(NoteDialog(self.request), self._noted)

    def _moved(self, request: RequestDetail | None) -> None:
        if isinstance(request, RequestDetail):
            self.notify(MOVED_DONE.format(number=request.number, status=request.status.label))
            self._show(request)

    def _noted(self, request: RequestDetail | None) -> None:
        if isinstance(request, RequestDetail):
            self.notify(NOTE_DONE.format(number=request.number))
            self._show(request)

    def action_back(self) -> None:
        self.dismiss()
