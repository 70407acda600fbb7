"""Negozi e rivestimenti: the stores and the coverings on sale, kept by an administrator.

Two tables side by side (Tab moves between them). ``n`` adds a store and ``r`` a
covering from either table; ``d`` on the coverings withdraws one from sale or offers it
again (plans already registered keep their covering).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from pdp_tui.domain import CatalogueItem
from pdp_tui.services import catalogue
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
STORE_COLUMNS = [("code", "Codice", 8), ("name", "Nome", 22)]
COVERING_COLUMNS = [("label", "Rivestimento", 22), ("active", "In vendita", 10)]
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


def _load(actor) -> tuple[list[tuple[int, str, str]], list[CatalogueItem], set[int]]:
    """Stores, every covering, and the ids of those on sale."""
    stores = catalogue.list_stores(actor)
    coverings = catalogue.list_coverings(actor, include_inactive=True)
    on_sale = {c.id for c in catalogue.list_coverings(actor)}
    return stores, coverings, on_sale


class CatalogueTable(DataTable):
    """The screen's keys, forwarded to it (see ``admin_users.UsersTable``)."""

    BINDINGS = [
        Binding("n,N", "new_store", NEW_STORE, id="catalogo-negozio"),
        Binding("r,R", "new_covering", NEW_COVERING, id="catalogo-rivestimento"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.screen.check_action(action, parameters)

    def action_new_store(self) -> None:
        self.screen.action_new_store()

    def action_new_covering(self) -> None:
        self.screen.action_new_covering()


class CoveringsTable(CatalogueTable):
    BINDINGS = [
        Binding("d,D", "set_covering_active(False)", DISABLE, id="catalogo-ritira"),
        Binding("d,D", "set_covering_active(True)", ENABLE, id="catalogo-rimetti"),
    ]

    def action_set_covering_active(self, active: bool) -> None:
        self.screen.action_set_covering_active(active)


class CatalogueScreen(ServiceCalls, Screen[None]):
    CSS_PATH = stylesheet("admin_catalogue")
    AUTO_FOCUS = "#stores"

    def __init__(self) -> None:
        super().__init__()
        self._coverings: dict[int, CatalogueItem] = {}
        self._on_sale: set[int] = set()
        self._select_store: str | None = None
        self._select_covering: int | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(Text(TITLE, style="bold"), id="catalogue-title")
        with Horizontal(id="catalogue-tables"):
            with Vertical(id="stores-pane"):
                yield Label(STORES, classes="pane-title")
                yield CatalogueTable(id="stores", cursor_type="row", zebra_stripes=True)
            with Vertical(id="coverings-pane"):
                yield Label(COVERINGS, classes="pane-title")
                yield CoveringsTable(id="coverings", cursor_type="row", zebra_stripes=True)
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

    def _show(self, data: tuple[list[tuple[int, str, str]], list[CatalogueItem], set[int]]) -> None:
        stores, coverings, on_sale = data
        table = self.query_one("#stores", DataTable)
        keep = self._select_store or self._row_key(table)
        table.clear()
        for _, code, name in stores:
            table.add_row(Text(code), Text(name), key=code)
        self._restore(table, keep)

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "set_covering_active":
            covering = self.selected_covering
            return covering is not None and (covering.id in self._on_sale) is not parameters[0]
        return True

    @on(DataTable.RowHighlighted, "#coverings")
    def _covering_moved(self) -> None:
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

    def _done(self, message: str) -> None:
        self.app.notify(message, markup=False)
        self.reload()
