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
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Select, Static

from pdp_tui.domain import AuditEntry, AuditPage
from pdp_tui.services import audit
from pdp_tui.tui import format
from pdp_tui.tui.keyset_pages import KeysetPages
from pdp_tui.tui.messages import OpenedByKey
from pdp_tui.tui.service_calls import ServiceCalls
from pdp_tui.tui.styles import stylesheet
from pdp_tui.tui.widgets.app_header import AppHeader
from pdp_tui.tui.widgets.key_footer import KeyFooter
from pdp_tui.tui.widgets.text_field import TextField

TITLE = "Registro attività"
LOADING = "Caricamento…"
EMPTY = "Nessuna attività trovata."
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
    ("at", "Data e ora", 16),
    ("user", "Utente", 11),
    ("store", "Neg.", 5),
    ("kind", "Attività", 20),
    ("target", "Oggetto", 14),
    ("detail", "Dettaglio", 40),
]
KIND_LABELS = {
    audit.Kind.LOGIN_OK: "accesso",
    audit.Kind.LOGIN_FAILED: "accesso non riuscito",
    audit.Kind.PASSWORD_CHANGED: "cambio password",
    audit.Kind.PASSWORD_CHANGE_FAILED: "cambio password non riuscito",
    audit.Kind.PLAN_REGISTERED: "registrazione",
    audit.Kind.PLAN_VIEWED: "consultazione",
    audit.Kind.PLAN_SEARCHED: "ricerca",
    audit.Kind.CODE_VERIFIED: "verifica codice",
    audit.Kind.PLAN_CORRECTED: "correzione",
    audit.Kind.PLAN_VOIDED: "annullamento",
    audit.Kind.USER_CREATED: "nuovo utente",
    audit.Kind.USER_DISABLED: "utente disattivato",
    audit.Kind.USER_ENABLED: "utente riattivato",
    audit.Kind.USER_UNLOCKED: "utente sbloccato",
    audit.Kind.USER_ROLE_CHANGED: "ruolo cambiato",
    audit.Kind.PASSWORD_RESET: "password reimpostata",
    audit.Kind.STORE_CREATED: "nuovo negozio",
    audit.Kind.COVERING_CREATED: "nuovo rivestimento",
    audit.Kind.COVERING_DISABLED: "rivestimento ritirato",
    audit.Kind.COVERING_ENABLED: "rivestimento in vendita",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


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


class AuditTable(DataTable):
    """The events; moving past either end of the page asks the screen for the next one."""

    BINDINGS = [
        Binding("pagedown", "page_down", "Pag. succ.", key_display="PgGiù", id="registro-succ"),
        Binding("pageup", "page_up", "Pag. prec.", key_display="PgSu", id="registro-prec"),
    ]

    class PastEdge(Message):
        def __init__(self, step: int, *, by_page: bool) -> None:
            super().__init__()
            self.step = step
            self.by_page = by_page

    def _at_edge(self, step: int) -> bool:
        if self.row_count == 0:
            return True
        return self.cursor_row >= self.row_count - 1 if step > 0 else self.cursor_row <= 0

    def action_cursor_down(self) -> None:
        if self._at_edge(1):
            self.post_message(self.PastEdge(1, by_page=False))
        else:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self._at_edge(-1):
            self.post_message(self.PastEdge(-1, by_page=False))
        else:
            super().action_cursor_up()

    def action_page_down(self) -> None:
        if self._at_edge(1):
            self.post_message(self.PastEdge(1, by_page=True))
        else:
            super().action_page_down()

    def action_page_up(self) -> None:
        if self._at_edge(-1):
            self.post_message(self.PastEdge(-1, by_page=True))
        else:
            super().action_page_up()


class AuditLogScreen(ServiceCalls, Screen[None]):
    CSS_PATH = stylesheet("audit_log")
    AUTO_FOCUS = "#audit-table"

    def __init__(self) -> None:
        super().__init__()
        self._filters: dict[str, object] = {}
        self._pages: KeysetPages[int] = KeysetPages()
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
        yield AuditTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="audit-detail")
        yield Static(Text(LOADING), id="audit-status")
        yield KeyFooter()

    @staticmethod
    def _date_field(id: str) -> TextField:
        return TextField(id=id, max_length=10, placeholder=DATE_PLACEHOLDER, compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#audit-table", DataTable)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
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
        self._load(self._pages.index, cursor_row=self._table.cursor_row)

    def on_opened_by_key(self, event: OpenedByKey) -> None:
        if event.again:  # F8 on the log: to the filters
            self.query_one("#audit-user").focus()

    @property
    def _table(self) -> DataTable:
        return self.query_one("#audit-table", DataTable)

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
        self._pages.reset()
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
            before_id=self._pages.cursor(page_index),
            **self._filters,
            on_success=lambda page: self._show(page, page_index, cursor_row),
            on_error=self._failed,
            group="events",
        )

    def _show(self, page: AuditPage, page_index: int, cursor_row: int) -> None:
        self._pages.arrived(page_index, page.next_cursor)
        self._rows = page.rows
        table = self._table
        table.clear()
        for entry in page.rows:
            table.add_row(
                Text(format.date_time(entry.at)),
                Text(entry.username),
                Text(entry.store_code or ""),
                Text(kind_label(entry.kind)),
                Text(entry.target),
                Text(entry.detail),
                key=str(entry.id),
            )
        if page.rows:
            table.move_cursor(row=min(max(cursor_row, 0), len(page.rows) - 1))
            if self._focus_results:
                table.focus()
        self._focus_results = False
        self._show_detail()
        self._status(self._describe())

    def _describe(self) -> str:
        if not self._rows:
            return EMPTY
        first = self._pages.index * audit.PAGE_SIZE + 1
        last = first + len(self._rows) - 1
        more = " · ↓ per le successive" if self._pages.has_next else ""
        return f"Attività {first}–{last}{more} · le più recenti in alto"

    def _failed(self, error: Exception) -> None:
        errors = getattr(error, "errors", None)
        if errors:
            self._show_errors({ERROR_FIELDS.get(k, k): m for k, m in errors.items()})
            self._status("")
        else:
            self._status(str(error))

    def _status(self, text: str) -> None:
        self.query_one("#audit-status", Static).update(Text(text))

    @on(DataTable.RowHighlighted, "#audit-table")
    def _show_detail(self) -> None:
        table = self._table
        entry = self._rows[table.cursor_row] if 0 <= table.cursor_row < len(self._rows) else None
        detail = Text(DETAIL, style="bold")
        if entry is not None and entry.detail:
            detail.append(entry.detail)
        self.query_one("#audit-detail", Static).update(detail if entry and entry.detail else "")

    # --- keys --------------------------------------------------------------------------------

    def on_key(self, event) -> None:
        if event.key == "down" and isinstance(self.focused, Input) and self._rows:
            event.stop()
            self._table.focus()

    # --- paging ------------------------------------------------------------------------------

    @on(AuditTable.PastEdge)
    def _past_edge(self, event: AuditTable.PastEdge) -> None:
        if event.step > 0 and self._pages.has_next:
            self._load(self._pages.index + 1)
        elif event.step < 0 and self._pages.index > 0:
            self._load(self._pages.index - 1, cursor_row=audit.PAGE_SIZE - 1)
        elif event.step < 0 and not event.by_page:
            self.query_one("#audit-user").focus()
