"""Negozi e rivestimenti: the stores and the coverings on sale, kept by an administrator.

Two tables side by side (Tab moves between them). ``n`` adds a store and ``r`` a
covering from either table; ``m`` renames the store under the cursor, ``c`` closes or
reopens it and ``p`` sets or clears its CUPS print queue (where F9 prints the form); ``d``
on the coverings withdraws one from sale or offers it again (plans already registered keep
their covering). ``v`` sets the protection types' validity, shown
below the tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from pdp_tui.domain import CatalogueItem, ProtectionInfo, StoreInfo
from pdp_tui.services import catalogue, printing
from pdp_tui.services.errors import ValidationError
from pdp_tui.tui.messages import OpenedByKey
from pdp_tui.tui.service_calls import ServiceCalls
from pdp_tui.tui.styles import stylesheet
from pdp_tui.tui.widgets.app_header import AppHeader
from pdp_tui.tui.widgets.form_dialog import ConfirmDialog, FormDialog, FormField
from pdp_tui.tui.widgets.key_footer import KeyFooter

TITLE = "Negozi e rivestimenti"
STORES = "Negozi"
COVERINGS = "Rivestimenti"
LOADING = "Caricamento…"
STATUS = "{stores} negozi · {coverings} rivestimenti · Tab: passa all'altra tabella"
STORE_COLUMNS = [
    ("code", "Codice", 6),
    ("name", "Nome", 15),
    ("state", "Stato", 6),
    ("queue", "Stampante", 11),
]
NO_QUEUE = "—"
OPEN = "aperto"
CLOSED = "chiuso"
VALIDITY_LINE = "Validità (v): {items}"
VALIDITY_ITEM = "{label} {months} mesi"
COVERING_COLUMNS = [("label", "Rivestimento", 18), ("active", "In vendita", 10)]
YES = "sì"
NO = "no"

NEW_STORE = "Nuovo negozio"
NEW_COVERING = "Nuovo rivestimento"
DISABLE = "Ritira"
ENABLE = "Rimetti in vendita"
STORE_LABELS = {"code": "Codice", "name": "Nome del negozio"}
STORE_INTRO = "Il codice (es. MI02) compare negli elenchi e nel registro attività."
COVERING_LABEL = "Nome"
COVERING_INTRO = "Il nuovo rivestimento sarà subito tra le scelte del Nuovo Piano."
DISABLE_TITLE = "Ritira rivestimento"
DISABLE_QUESTION = (
    "Ritirare «{label}» dalla vendita? Non comparirà più tra le scelte del Nuovo Piano; "
    "i Piani già registrati non cambiano."
)
ENABLE_TITLE = "Rimetti in vendita"
ENABLE_QUESTION = "Rimettere «{label}» tra le scelte del Nuovo Piano?"

STORE_CREATED = "Negozio {code} creato."
COVERING_CREATED = "Rivestimento «{label}» aggiunto."
COVERING_DISABLED = "Rivestimento «{label}» ritirato dalla vendita."
COVERING_ENABLED = "Rivestimento «{label}» di nuovo in vendita."

RENAME = "Rinomina"
RENAME_TITLE = "Rinomina negozio"
RENAME_INTRO = "Nuovo nome per il negozio {code}: il codice, i Piani e gli addetti restano."
CLOSE = "Chiudi negozio"
REOPEN = "Riapri negozio"
CLOSE_QUESTION = (
    "Chiudere il negozio {code} «{name}»? I suoi addetti non potranno più accedere e le loro "
    "sessioni aperte terminano; i Piani restano consultabili dall'assistenza."
)
REOPEN_QUESTION = "Riaprire il negozio {code} «{name}»? I suoi addetti potranno di nuovo accedere."
STORE_RENAMED = "Negozio {code} rinominato «{name}»."
STORE_CLOSED = "Negozio {code} chiuso."
STORE_REOPENED = "Negozio {code} riaperto."

PRINTER = "Stampante"
PRINTER_TITLE = "Stampante del negozio"
PRINTER_LABEL = "Coda di stampa"
PRINTER_INTRO = (
    "Il nome della coda CUPS (lpstat -p) su cui F9 stampa il modulo di adesione dei Piani "
    "del negozio {code}. Lascia vuoto per toglierla: il modulo verrà salvato in un file."
)
PRINTER_SET = "Negozio {code}: modulo stampato su «{queue}»."
PRINTER_CLEARED = "Negozio {code}: nessuna stampante, il modulo verrà salvato in un file."

VALIDITY = "Validità"
VALIDITY_TITLE = "Validità dei Piani"
VALIDITY_INTRO = (
    "Mesi di validità dei Piani registrati da ora, da {low} a {high}; "
    "i Piani già registrati non cambiano."
)
VALIDITY_FIELD = "{label} (mesi)"
VALIDITY_DONE = "Validità aggiornata."


class NewStoreDialog(FormDialog):
    DIALOG_TITLE = NEW_STORE
    FIELDS = (
        FormField("code", STORE_LABELS["code"], max_length=30, placeholder="es. MI02"),
        FormField("name", STORE_LABELS["name"], max_length=120),
    )

    def __init__(self) -> None:
        super().__init__(STORE_INTRO)

    def save(self, values: dict[str, Any]) -> None:
        self.submit(catalogue.add_store, self.app.actor, values["code"], values["name"])


class NewCoveringDialog(FormDialog):
    DIALOG_TITLE = NEW_COVERING
    FIELDS = (FormField("label", COVERING_LABEL, max_length=80),)

    def __init__(self) -> None:
        super().__init__(COVERING_INTRO)

    def save(self, values: dict[str, Any]) -> None:
        self.submit(catalogue.add_covering, self.app.actor, values["label"])


class RenameStoreDialog(FormDialog):
    DIALOG_TITLE = RENAME_TITLE
    FIELDS = (FormField("name", STORE_LABELS["name"], max_length=120),)

    def __init__(self, store: StoreInfo) -> None:
        super().__init__(Text(RENAME_INTRO.format(code=store.code)))
        self.store = store

    def on_mount(self) -> None:
        self.field("name").value = self.store.name

    def save(self, values: dict[str, Any]) -> None:
        self.submit(catalogue.rename_store, self.app.actor, self.store.code, values["name"])


class PrinterDialog(FormDialog):
    """The CUPS queue of a store; empty clears it. The result is a printing.StorePrinter."""

    DIALOG_TITLE = PRINTER_TITLE
    FIELDS = (FormField("queue", PRINTER_LABEL, max_length=127, placeholder="es. MI01-LASER"),)

    def __init__(self, store: StoreInfo, queue: str | None) -> None:
        super().__init__(Text(PRINTER_INTRO.format(code=store.code)))
        self.store = store
        self.queue = queue

    def on_mount(self) -> None:
        self.field("queue").value = self.queue or ""

    def save(self, values: dict[str, Any]) -> None:
        self.submit(printing.set_print_queue, self.app.actor, self.store.code, values["queue"])


def set_validities(actor, months: dict[str, str]) -> list[ProtectionInfo]:
    """Each protection type's validity (code -> months typed); errors name the code."""
    for code, value in months.items():
        try:
            catalogue.set_validity(actor, code, value)
        except ValidationError as exc:
            raise ValidationError({code: " ".join(exc.errors.values())}) from None
    return catalogue.list_protection_types(actor)


class ValidityDialog(FormDialog):
    """The validity of each protection type, in months; the result is the new list."""

    DIALOG_TITLE = VALIDITY_TITLE

    def __init__(self, protections: list[ProtectionInfo]) -> None:
        low, high = catalogue.VALIDITY_MONTHS
        self.FIELDS = tuple(
            FormField(p.code.value, VALIDITY_FIELD.format(label=p.label), max_length=3)
            for p in protections
        )
        super().__init__(VALIDITY_INTRO.format(low=low, high=high))
        self.protections = protections

    def on_mount(self) -> None:
        for protection in self.protections:
            self.field(protection.code.value).value = str(protection.validity_months)
        if self.protections:
            self.field(self.protections[0].code.value).focus()

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        low, high = catalogue.VALIDITY_MONTHS
        errors = {}
        for code, text in values.items():
            if not (text.strip().isdigit() and low <= int(text) <= high):
                errors[code] = f"Un numero di mesi da {low} a {high}."
        return errors

    def save(self, values: dict[str, Any]) -> None:
        self.submit(set_validities, self.app.actor, values)


@dataclass(frozen=True)
class CatalogueData:
    stores: list[StoreInfo]
    coverings: list[CatalogueItem]
    on_sale: set[int]  # ids of the coverings on sale
    protections: list[ProtectionInfo]
    queues: dict[str, str | None]  # store code -> CUPS print queue


def _load(actor) -> CatalogueData:
    return CatalogueData(
        queues={p.store_code: p.queue for p in printing.list_print_queues(actor)},
        stores=catalogue.list_store_details(actor),
        coverings=catalogue.list_coverings(actor, include_inactive=True),
        on_sale={c.id for c in catalogue.list_coverings(actor)},
        protections=catalogue.list_protection_types(actor),
    )


class CatalogueTable(DataTable):
    """The screen's keys, forwarded to it (see ``admin_users.UsersTable``)."""

    # Each table lists its own row's keys first, then these: the footer keeps what fits.
    COMMON_BINDINGS = [
        Binding("n,N", "new_store", NEW_STORE, id="catalogo-negozio"),
        Binding("r,R", "new_covering", NEW_COVERING, id="catalogo-rivestimento"),
        Binding("v,V", "validity", VALIDITY, id="catalogo-validita"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.screen.check_action(action, parameters)

    def action_new_store(self) -> None:
        self.screen.action_new_store()

    def action_new_covering(self) -> None:
        self.screen.action_new_covering()

    def action_validity(self) -> None:
        self.screen.action_validity()


class StoresTable(CatalogueTable):
    BINDINGS = [
        Binding("c,C", "set_store_open(False)", CLOSE, id="catalogo-chiudi"),
        Binding("c,C", "set_store_open(True)", REOPEN, id="catalogo-riapri"),
        Binding("m,M", "rename_store", RENAME, id="catalogo-rinomina"),
        Binding("p,P", "store_printer", PRINTER, id="catalogo-stampante"),
        *CatalogueTable.COMMON_BINDINGS,
    ]

    def action_rename_store(self) -> None:
        self.screen.action_rename_store()

    def action_set_store_open(self, open: bool) -> None:
        self.screen.action_set_store_open(open)

    def action_store_printer(self) -> None:
        self.screen.action_store_printer()


class CoveringsTable(CatalogueTable):
    BINDINGS = [
        Binding("d,D", "set_covering_active(False)", DISABLE, id="catalogo-ritira"),
        Binding("d,D", "set_covering_active(True)", ENABLE, id="catalogo-rimetti"),
        *CatalogueTable.COMMON_BINDINGS,
    ]

    def action_set_covering_active(self, active: bool) -> None:
        self.screen.action_set_covering_active(active)


class CatalogueScreen(ServiceCalls, Screen[None]):
    CSS_PATH = stylesheet("admin_catalogue")
    AUTO_FOCUS = "#stores"

    def __init__(self) -> None:
        super().__init__()
        self._coverings: dict[int, CatalogueItem] = {}
        self._stores: dict[str, StoreInfo] = {}
        self._protections: list[ProtectionInfo] = []
        self._queues: dict[str, str | None] = {}
        self._on_sale: set[int] = set()
        self._select_store: str | None = None
        self._select_covering: int | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(Text(TITLE, style="bold"), id="catalogue-title")
        with Horizontal(id="catalogue-tables"):
            with Vertical(id="stores-pane"):
                yield Label(STORES, classes="pane-title")
                yield StoresTable(id="stores", cursor_type="row", zebra_stripes=True)
            with Vertical(id="coverings-pane"):
                yield Label(COVERINGS, classes="pane-title")
                yield CoveringsTable(id="coverings", cursor_type="row", zebra_stripes=True)
        yield Static("", id="catalogue-validity")
        yield Static(Text(LOADING), id="catalogue-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        stores = self.query_one("#stores", DataTable)
        for key, label, width in STORE_COLUMNS:
            stores.add_column(label, key=key, width=width)
        coverings = self.query_one("#coverings", DataTable)
        for key, label, width in COVERING_COLUMNS:
            coverings.add_column(label, key=key, width=width)

    def on_screen_resume(self) -> None:
        # Resume can come before the screen has composed (the first screen of a mode on a
        # busy machine): load after the next refresh, when the widgets are there.
        self.call_after_refresh(self.reload)

    def on_opened_by_key(self, event: OpenedByKey) -> None:
        if event.again:  # shown anew, it reloads on resume
            self.query_one("#stores").focus()
            self.reload()

    # --- the tables ----------------------------------------------------------------------

    def reload(self) -> None:
        self.call_service(
            _load,
            self.app.actor,
            on_success=self._show,
            on_error=lambda error: self._status(str(error)),
            group="catalogue",
        )

    def _show(self, data: CatalogueData) -> None:
        stores, coverings, on_sale = data.stores, data.coverings, data.on_sale
        self._stores = {s.code: s for s in stores}
        self._queues = data.queues
        table = self.query_one("#stores", DataTable)
        keep = self._select_store or self._row_key(table)
        table.clear()
        for store in stores:
            table.add_row(
                Text(store.code),
                Text(store.name),
                Text(OPEN if store.open else CLOSED, style="" if store.open else "bold"),
                Text(data.queues.get(store.code) or NO_QUEUE),
                key=store.code,
            )
        self._restore(table, keep)
        self._protections = data.protections
        items = " · ".join(
            VALIDITY_ITEM.format(label=p.label, months=p.validity_months) for p in data.protections
        )
        self.query_one("#catalogue-validity", Static).update(
            Text(VALIDITY_LINE.format(items=items))
        )

        self._coverings = {c.id: c for c in coverings}
        self._on_sale = on_sale
        table = self.query_one("#coverings", DataTable)
        keep = str(self._select_covering) if self._select_covering else self._row_key(table)
        table.clear()
        for covering in coverings:
            active = covering.id in on_sale
            table.add_row(
                Text(covering.label),
                Text(YES if active else NO, style="" if active else "bold"),
                key=str(covering.id),
            )
        self._restore(table, keep)
        self._select_store = self._select_covering = None
        self._status(STATUS.format(stores=len(stores), coverings=len(coverings)))
        self.refresh_bindings()

    @staticmethod
    def _row_key(table: DataTable) -> str | None:
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    @staticmethod
    def _restore(table: DataTable, key: str | None) -> None:
        if key is not None and key in table.rows:
            table.move_cursor(row=table.get_row_index(key))

    def _status(self, text: str) -> None:
        self.query_one("#catalogue-status", Static).update(Text(text))

    @property
    def selected_covering(self) -> CatalogueItem | None:
        # Also asked (through check_action) before the screen has composed its tables.
        table = next(self.query("#coverings").results(DataTable), None)
        if table is None:
            return None
        key = self._row_key(table)
        return self._coverings.get(int(key)) if key else None

    @property
    def selected_store(self) -> StoreInfo | None:
        table = next(self.query("#stores").results(DataTable), None)
        key = self._row_key(table) if table is not None else None
        return self._stores.get(key) if key else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "set_store_open":
            store = self.selected_store
            return store is not None and store.open is not parameters[0]
        if action in ("rename_store", "store_printer"):
            return self.selected_store is not None or None
        if action == "validity":
            return bool(self._protections) or None
        if action == "set_covering_active":
            covering = self.selected_covering
            return covering is not None and (covering.id in self._on_sale) is not parameters[0]
        return True

    @on(DataTable.RowHighlighted)
    def _row_moved(self) -> None:
        self.refresh_bindings()

    # --- actions ---------------------------------------------------------------------------

    def action_new_store(self) -> None:
        def created(store) -> None:
            if store is not None:
                self._select_store = store.code
                self.query_one("#stores").focus()
                self._done(STORE_CREATED.format(code=store.code))

        self.app.push_screen(NewStoreDialog(), created)

    def action_new_covering(self) -> None:
        def created(covering: CatalogueItem | None) -> None:
            if covering is not None:
                self._select_covering = covering.id
                self.query_one("#coverings").focus()
                self._done(COVERING_CREATED.format(label=covering.label))

        self.app.push_screen(NewCoveringDialog(), created)

    def action_set_covering_active(self, active: bool) -> None:
        covering = self.selected_covering
        if covering is None or (covering.id in self._on_sale) is active:
            return
        title, question, label, done = (
            (ENABLE_TITLE, ENABLE_QUESTION, ENABLE, COVERING_ENABLED)
            if active
            else (DISABLE_TITLE, DISABLE_QUESTION, DISABLE, COVERING_DISABLED)
        )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._select_covering = covering.id
                self.call_service(
                    catalogue.set_covering_active,
                    self.app.actor,
                    covering.id,
                    active,
                    on_success=lambda _: self._done(done.format(label=covering.label)),
                    group="covering-action",
                )

        self.app.push_screen(
            ConfirmDialog(title, Text(question.format(label=covering.label)), label), confirmed
        )

    def action_rename_store(self) -> None:
        store = self.selected_store
        if store is None:
            return

        def renamed(result: StoreInfo | None) -> None:
            if result is not None:
                self._select_store = result.code
                self._done(STORE_RENAMED.format(code=result.code, name=result.name))

        self.app.push_screen(RenameStoreDialog(store), renamed)

    def action_set_store_open(self, open: bool) -> None:
        store = self.selected_store
        if store is None or store.open is open:
            return
        question, label, done = (
            (REOPEN_QUESTION, REOPEN, STORE_REOPENED)
            if open
            else (CLOSE_QUESTION, CLOSE, STORE_CLOSED)
        )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._select_store = store.code
                self.call_service(
                    catalogue.set_store_open,
                    self.app.actor,
                    store.code,
                    open,
                    on_success=lambda _: self._done(done.format(code=store.code)),
                    group="store-action",
                )

        text = Text(question.format(code=store.code, name=store.name))
        self.app.push_screen(ConfirmDialog(label, text, label), confirmed)

    def action_store_printer(self) -> None:
        store = self.selected_store
        if store is None:
            return

        def saved(result: printing.StorePrinter | None) -> None:
            if result is not None:
                self._select_store = result.store_code
                message = PRINTER_SET if result.queue else PRINTER_CLEARED
                self._done(message.format(code=result.store_code, queue=result.queue))

        self.app.push_screen(PrinterDialog(store, self._queues.get(store.code)), saved)

    def action_validity(self) -> None:
        if not self._protections:
            return

        def saved(result: list[ProtectionInfo] | None) -> None:
            if result is not None:
                self._done(VALIDITY_DONE)

        self.app.push_screen(ValidityDialog(self._protections), saved)

    def _done(self, message: str) -> None:
        self.app.notify(message, markup=False)
        self.reload()
