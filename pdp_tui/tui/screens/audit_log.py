"""Registro attività: who did what and when, newest first; read-only.

Filters sit in one row at the top; Enter in a field (or a new activity type) applies
them. One page (``audit.PAGE_SIZE`` events) is on screen at a time: moving past its last
row loads the next page by keyset, past its first row the previous one. What support
staff may read is decided by ``audit.list_events``.
"""

from __future__ import annotations

import datetime as dt
import re

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Select, Static

from pdp_tui.domain import AuditEntry, AuditPage
from pdp_tui.services import audit
from pdp_tui.services.errors import ValidationError
from pdp_tui.tui import format
from pdp_tui.tui.audit_text import describe, kind_label
from pdp_tui.tui.columns import Column
from pdp_tui.tui.messages import OpenedByKey
from pdp_tui.tui.service_calls import ServiceCalls
from pdp_tui.tui.styles import stylesheet
from pdp_tui.tui.widgets.app_header import AppHeader
from pdp_tui.tui.widgets.key_footer import KeyFooter
from pdp_tui.tui.widgets.paged_table import PagedTable
from pdp_tui.tui.widgets.text_field import TextField

TITLE = "Registro attività"
LOADING = "Caricamento…"
EMPTY = "Nessuna attività trovata."
MORE = "↓ per le successive"
ALL_KINDS = "tutti"
DATE_PLACEHOLDER = "gg/mm/aaaa"
BAD_DATE = "Data non valida: scrivi gg/mm/aaaa."
DETAIL = "Dettaglio: "
FILTER_LABELS = {
    "user": "Utente",
    "store": "Negozio",
    "kind": "Tipo",
    "from": "Dal",
    "to": "Al",
}
# Service error keys -> the filter they refer to.
ERROR_FIELDS = {"username": "user", "store_code": "store", "kind": "kind"}
ERROR_FIELDS.update(day_from="from", day_to="to")
COLUMNS = [
    Column("at", "Data e ora", whole=True, priority=10),
    Column("user", "Utente", minimum=8, priority=8),
    Column("store", "Negozio", whole=True, optional=True, priority=5, short="Neg."),
    Column("kind", "Attività", minimum=10, priority=9),
    Column("target", "Oggetto", minimum=8, priority=7),
    Column("detail", "Dettaglio", minimum=12, optional=True, priority=1, grow=True),
]


def parse_day(text: str) -> dt.date | None:
    """``gg/mm/aaaa`` (also with - or .) -> date; '' -> None; ValueError otherwise."""
    text = text.strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if not match:
        raise ValueError(text)
    day, month, year = (int(part) for part in match.groups())
    return dt.date(year, month, day)


class AuditLogScreen(ServiceCalls, Screen[None]):
    CSS_PATH = stylesheet("audit_log")
    AUTO_FOCUS = "#audit-table"

    def __init__(self) -> None:
        super().__init__()
        self._filters: dict[str, object] = {}
        self._rows: list[AuditEntry] = []
        self._focus_results = False

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(Text(TITLE, style="bold"), id="audit-title")
        with Horizontal(id="audit-filters"):
            for name, widget in (
                ("user", TextField(id="audit-user", max_length=100, compact=True)),
                ("store", TextField(id="audit-store", max_length=20, compact=True)),
                (
                    "kind",
                    Select[str](
                        [], prompt=ALL_KINDS, allow_blank=True, compact=True, id="audit-kind"
                    ),
                ),
                ("from", self._date_field("audit-from")),
                ("to", self._date_field("audit-to")),
            ):
                with Vertical(classes="audit-filter", id=f"audit-filter-{name}"):
                    yield Label(FILTER_LABELS[name], classes="audit-filter-label")
                    yield widget
        yield Static("", id="audit-filter-error", classes="error")
        yield PagedTable(COLUMNS, audit.PAGE_SIZE, id="audit-table")
        yield Static("", id="audit-detail")
        yield Static(Text(LOADING), id="audit-status")
        yield KeyFooter()

    @staticmethod
    def _date_field(id: str) -> TextField:
        return TextField(id=id, max_length=10, placeholder=DATE_PLACEHOLDER, compact=True)

    def on_mount(self) -> None:
        self.query_one("#audit-filter-error").display = False
        self.call_service(
            audit.kinds_visible_to,
            self.app.actor,
            on_success=self._show_kinds,
            group="kinds",
        )

    def _show_kinds(self, kinds: tuple[str, ...]) -> None:
        self.query_one("#audit-kind", Select).set_options((kind_label(k), k) for k in kinds)

    def on_screen_resume(self) -> None:
        # After the next refresh: resume can come before the screen has composed.
        self.call_after_refresh(self._reload_same_page)

    def _reload_same_page(self) -> None:
        self._load(self._table.pages.index, cursor_row=self._table.cursor_row)

    def on_opened_by_key(self, event: OpenedByKey) -> None:
        if event.again:  # F8 on the log: to the filters
            self.query_one("#audit-user").focus()

    @property
    def _table(self) -> PagedTable:
        return self.query_one("#audit-table", PagedTable)

    # --- filters ----------------------------------------------------------------------------

    @on(Input.Submitted, ".audit-filter Input")
    def _filter_submitted(self) -> None:
        self._apply(focus_results=True)

    @on(Select.Changed, "#audit-kind")
    def _kind_changed(self) -> None:
        self._apply(focus_results=False)

    def _apply(self, *, focus_results: bool) -> None:
        errors: dict[str, str] = {}
        days: dict[str, dt.date | None] = {}
        for name in ("from", "to"):
            try:
                days[name] = parse_day(self.query_one(f"#audit-{name}", Input).value)
            except ValueError:
                errors[name] = BAD_DATE
        self._show_errors(errors)
        if errors:
            return
        kind = self.query_one("#audit-kind", Select).value
        self._filters = {
            "username": self.query_one("#audit-user", Input).value,
            "store_code": self.query_one("#audit-store", Input).value,
            "kind": "" if kind is Select.NULL else str(kind),
            "day_from": days["from"],
            "day_to": days["to"],
        }
        self._table.reset()
        self._focus_results = focus_results
        self._load(0)

    def _show_errors(self, errors: dict[str, str]) -> None:
        for name in FILTER_LABELS:
            self.query_one(f"#audit-{name}").set_class(name in errors, "-invalid")
        line = self.query_one("#audit-filter-error", Static)
        line.update(Text("  ".join(f"{FILTER_LABELS[n]} – {m}" for n, m in errors.items())))
        line.display = bool(errors)
        if errors:
            self.query_one(f"#audit-{next(iter(errors))}").focus()

    # --- loading ----------------------------------------------------------------------------

    def _load(self, page_index: int, *, cursor_row: int = 0) -> None:
        self._status(LOADING)
        self.call_service(
            audit.list_events,
            self.app.actor,
            before_id=self._table.pages.cursor(page_index),
            **self._filters,
            on_success=lambda page: self._show(page, page_index, cursor_row),
            on_error=self._failed,
            group="events",
        )

    def _show(self, page: AuditPage, page_index: int, cursor_row: int) -> None:
        self._rows = page.rows
        table = self._table
        table.show_page(
            [(str(entry.id), self._cells(entry)) for entry in page.rows],
            page_index,
            page.next_cursor,
            cursor_row,
        )
        if page.rows and self._focus_results:
            table.focus()
        self._focus_results = False
        self._show_detail()
        self._status(self._describe())

    @staticmethod
    def _cells(entry: AuditEntry) -> dict[str, Text]:
        return {
            "at": Text(format.date_time(entry.at)),
            "user": Text(entry.username),
            "store": Text(entry.store_code or ""),
            "kind": Text(kind_label(entry.kind)),
            "target": Text(entry.target),
            "detail": Text(describe(entry.kind, entry.detail)),
        }

    def _describe(self) -> str:
        if not self._rows:
            return EMPTY
        return f"{self._table.describe('Attività', MORE)} · le più recenti in alto"

    def _failed(self, error: Exception) -> None:
        if isinstance(error, ValidationError):
            self._show_errors({ERROR_FIELDS.get(k, k): m for k, m in error.errors.items()})
            self._status("")
        else:
            self._status(str(error))

    def _status(self, text: str) -> None:
        self.query_one("#audit-status", Static).update(Text(text))

    @on(DataTable.RowHighlighted, "#audit-table")
    def _show_detail(self) -> None:
        table = self._table
        entry = self._rows[table.cursor_row] if 0 <= table.cursor_row < len(self._rows) else None
        text = describe(entry.kind, entry.detail) if entry is not None else ""
        detail = Text(DETAIL, style="bold")
        detail.append(text)
        self.query_one("#audit-detail", Static).update(detail if text else "")

    # --- keys --------------------------------------------------------------------------------

    def on_key(self, event) -> None:
        if event.key == "down" and isinstance(self.focused, Input) and self._rows:
            event.stop()
            self._table.focus()

    # --- paging ------------------------------------------------------------------------------

    @on(PagedTable.PageWanted, "#audit-table")
    def _page_wanted(self, event: PagedTable.PageWanted) -> None:
        self._load(event.index, cursor_row=event.cursor_row)

    @on(PagedTable.LeftAtTop, "#audit-table")
    def _to_filters(self) -> None:
        self.query_one("#audit-user").focus()
