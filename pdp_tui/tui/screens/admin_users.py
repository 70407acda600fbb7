"""Utenti: the accounts, issued and managed by an administrator.

The table's keys (a, d, p, s) act on the account under the cursor; Enter lists the same
actions. The screen has no text field, so single letters never clash with typing.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from pdp_tui.domain import Role
from pdp_tui.services import accounts, catalogue
from pdp_tui.services.accounts import Account
from pdp_tui.tui.messages import OpenedByKey
from pdp_tui.tui.service_calls import ServiceCalls
from pdp_tui.tui.styles import stylesheet
from pdp_tui.tui.widgets.app_header import AppHeader
from pdp_tui.tui.widgets.choice_field import Choice
from pdp_tui.tui.widgets.form_dialog import (
    ActionDialog,
    ConfirmDialog,
    FormDialog,
    FormField,
)
from pdp_tui.tui.widgets.key_footer import KeyFooter

TITLE = "Utenti"
LOADING = "Caricamento…"
EMPTY = "Nessun account."
COLUMNS = [
    ("username", "Nome utente", 14),
    ("full_name", "Nome", 11),
    ("role", "Ruolo", 15),
    ("store", "Negozio", 7),
    ("state", "Stato", 11),
    ("must_change", "Cambio pw", 9),
]
ACTIVE = "attivo"
DISABLED = "disattivato"
LOCKED = "bloccato"
YES = "sì"
NO = "no"
STATUS = "{count} account · Invio: azioni sull'account selezionato"

NEW_USER = "Nuovo utente"
EDIT = "Modifica"
EDIT_TITLE = "Modifica account"
EDIT_INTRO = (
    "Account «{username}». Un nuovo ruolo o negozio chiude le sue sessioni aperte: "
    "alla prossima azione dovrà accedere di nuovo. Il negozio serve solo per gli addetti vendite."
)
DISABLE = "Disattiva"
ENABLE = "Riattiva"
RESET = "Reimposta password"
RESET_SHORT = "Nuova password"
UNLOCK = "Sblocca"
ACTIONS_TITLE = "Azioni sull'account"

LABELS = {
    "username": "Nome utente",
    "full_name": "Nome e cognome",
    "role": "Ruolo",
    "store": "Negozio",
    "password": "Password provvisoria",
    "password2": "Ripeti la password",
}
NEW_USER_INTRO = (
    "Al primo accesso l'utente dovrà scegliere una nuova password. "
    "Il negozio serve solo per gli addetti vendite."
)
NO_STORES = "Nessun negozio: creane uno in «Negozi» (F7)."
MISMATCH = "Le due password non coincidono."
RESET_TITLE = "Reimposta password"
RESET_INTRO = "Nuova password provvisoria per «{username}»: al prossimo accesso dovrà cambiarla."
DISABLE_TITLE = "Disattiva account"
DISABLE_QUESTION = (
    "Disattivare l'account «{username}»? Non potrà più accedere finché non lo riattivi."
)
ENABLE_TITLE = "Riattiva account"
ENABLE_QUESTION = "Riattivare l'account «{username}»? Potrà di nuovo accedere."

CREATED = "Account {username} creato: al primo accesso dovrà cambiare la password."
DISABLED_DONE = "Account {username} disattivato."
ENABLED_DONE = "Account {username} riattivato."
RESET_DONE = "Password di {username} reimpostata: al prossimo accesso dovrà cambiarla."
UNLOCKED_DONE = "Account {username} sbloccato."
EDITED_DONE = "Account {username} aggiornato."


def account_state(account: Account) -> str:
    if not account.active:
        return DISABLED
    return LOCKED if account.locked else ACTIVE


class RoleAndStore:
    """The role and store fields of a user form: the store is asked of staff only, among
    the open stores (and the account's own, even if closed)."""

    def start_role_and_store(self, role: Role, store_code: str | None = None) -> None:
        self._own_store = store_code
        field = self.field("role")
        field.set_choices([Choice(r, r.label) for r in Role], keep=role)
        self.watch(field, "selected", self._role_changed)
        self.call_service(
            catalogue.list_stores,
            self.app.actor,
            open_only=True,
            on_success=self._show_stores,
            on_error=self._refused,
            group="stores",
        )

    def _show_stores(self, stores: list[tuple[int, str, str]]) -> None:
        codes = [code for _, code, _ in stores]
        if self._own_store and self._own_store not in codes:
            codes = sorted([*codes, self._own_store])
        store = self.field("store")
        store.set_choices(
            [Choice(code, code) for code in codes], keep=store.value or self._own_store
        )
        self._role_changed()
        if not codes:
            self.message(NO_STORES)

    def _role_changed(self) -> None:
        staff = self.field("role").value is Role.STAFF
        store = self.field("store")
        store.disabled = not staff
        if not staff:
            store.selected = None


class NewUserDialog(RoleAndStore, FormDialog):
    DIALOG_TITLE = NEW_USER
    FIELDS = (
        FormField("username", LABELS["username"], max_length=60, placeholder="es. mario.rossi"),
        FormField("full_name", LABELS["full_name"], max_length=120),
        FormField("role", LABELS["role"], kind="choice"),
        FormField("store", LABELS["store"], kind="choice"),
        FormField("password", LABELS["password"], kind="password", max_length=200),
        FormField("password2", LABELS["password2"], kind="password", max_length=200),
    )

    def __init__(self) -> None:
        super().__init__(NEW_USER_INTRO)

    def on_mount(self) -> None:
        self.start_role_and_store(Role.STAFF)
        self.field("username").focus()

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        if values["password"] != values["password2"]:
            return {"password2": MISMATCH}
        return {}

    def save(self, values: dict[str, Any]) -> None:
        self.submit(
            accounts.create_user,
            self.app.actor,
            values["username"],
            values["role"] or "",
            password=values["password"],
            store_code=values["store"],
            full_name=values["full_name"],
            must_change_password=True,
        )


class EditUserDialog(RoleAndStore, FormDialog):
    """Role, store and name of an existing account; its result is the updated Account."""

    DIALOG_TITLE = EDIT_TITLE
    FIELDS = (
        FormField("full_name", LABELS["full_name"], max_length=120),
        FormField("role", LABELS["role"], kind="choice"),
        FormField("store", LABELS["store"], kind="choice"),
    )

    def __init__(self, account: Account) -> None:
        super().__init__(Text(EDIT_INTRO.format(username=account.username)))
        self.account = account

    def on_mount(self) -> None:
        name = self.field("full_name")
        name.value = self.account.full_name
        self.start_role_and_store(self.account.role, self.account.store_code)
        name.focus()

    def save(self, values: dict[str, Any]) -> None:
        self.submit(
            accounts.update_user,
            self.app.actor,
            self.account.username,
            role=values["role"] or "",
            store_code=values["store"] or "",
            full_name=values["full_name"],
        )


class ResetPasswordDialog(FormDialog):
    DIALOG_TITLE = RESET_TITLE
    FIELDS = (
        FormField("password", LABELS["password"], kind="password", max_length=200),
        FormField("password2", LABELS["password2"], kind="password", max_length=200),
    )

    def __init__(self, username: str) -> None:
        super().__init__(Text(RESET_INTRO.format(username=username)))
        self.username = username

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        if values["password"] != values["password2"]:
            return {"password2": MISMATCH}
        return {}

    def save(self, values: dict[str, Any]) -> None:
        self.submit(accounts.reset_password, self.app.actor, self.username, values["password"])


class UsersTable(DataTable):
    """The accounts; its keys act on the account under the cursor.

    ``d`` disables an active account and enables a disabled one; the footer shows which.
    ``s`` is offered only for a locked account. The actions are the screen's: they are
    forwarded (not bound as ``screen.…``, which would ask whichever screen is in front,
    e.g. the help, whether they apply).
    """

    BINDINGS = [
        Binding("a,A", "new_user", NEW_USER, id="utenti-nuovo"),
        Binding("m,M", "edit_user", EDIT, id="utenti-modifica"),
        Binding("d,D", "set_active(False)", DISABLE, id="utenti-disattiva"),
        Binding("d,D", "set_active(True)", ENABLE, id="utenti-riattiva"),
        Binding("p,P", "reset_password", RESET_SHORT, id="utenti-password"),
        Binding("s,S", "unlock", UNLOCK, id="utenti-sblocca"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.screen.check_action(action, parameters)

    def action_new_user(self) -> None:
        self.screen.action_new_user()

    def action_edit_user(self) -> None:
        self.screen.action_edit_user()

    def action_set_active(self, active: bool) -> None:
        self.screen.action_set_active(active)

    def action_reset_password(self) -> None:
        self.screen.action_reset_password()

    def action_unlock(self) -> None:
        self.screen.action_unlock()


class UsersScreen(ServiceCalls, Screen[None]):
    CSS_PATH = stylesheet("admin_users")
    AUTO_FOCUS = "#users"

    def __init__(self) -> None:
        super().__init__()
        self._accounts: dict[str, Account] = {}
        self._select_next: str | None = None  # the account to put the cursor on

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(Text(TITLE, style="bold"), id="users-title")
        yield UsersTable(id="users", cursor_type="row", zebra_stripes=True)
        yield Static(Text(LOADING), id="users-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#users", DataTable)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)

    def on_screen_resume(self) -> None:
        # Resume can come before the screen has composed (the first screen of a mode on a
        # busy machine): load after the next refresh, when the widgets are there.
        self.call_after_refresh(self.reload)

    def on_opened_by_key(self, event: OpenedByKey) -> None:
        if event.again:  # shown anew, it reloads on resume
            self.query_one("#users").focus()
            self.reload()

    # --- the table -------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        if select:
            self._select_next = select
        self.call_service(
            accounts.list_users,
            self.app.actor,
            on_success=self._show,
            on_error=self._failed,
            group="users",
        )

    def _show(self, rows: list[Account]) -> None:
        table = self.query_one("#users", DataTable)
        keep = self._select_next or (self.selected.username if self.selected else None)
        self._select_next = None
        self._accounts = {a.username: a for a in rows}
        table.clear()
        for account in rows:
            state = account_state(account)
            table.add_row(
                Text(account.username),
                Text(account.full_name),
                Text(account.role.label),
                Text(account.store_code or ""),
                Text(state, style="" if state == ACTIVE else "bold"),
                Text(YES if account.must_change_password else NO),
                key=account.username,
            )
        if keep in self._accounts:
            table.move_cursor(row=table.get_row_index(keep))
        self._status(STATUS.format(count=len(rows)) if rows else EMPTY)
        self.refresh_bindings()

    def _failed(self, error: Exception) -> None:
        self._status(str(error))

    def _status(self, text: str) -> None:
        self.query_one("#users-status", Static).update(Text(text))

    @property
    def selected(self) -> Account | None:
        # Also asked (through check_action) before the screen has composed its table.
        tables = self.query("#users").results(DataTable)
        table = next(tables, None)
        if table is None or not self._accounts or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return self._accounts.get(str(key.value))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        account = self.selected
        if action == "set_active":
            # Hidden (False) when it does not apply, so that the other "d" is shown.
            return account is not None and account.active is not parameters[0]
        if action == "unlock":
            return account is not None and account.locked
        if action in ("reset_password", "edit_user"):
            return account is not None or None
        return True

    @on(DataTable.RowHighlighted, "#users")
    def _row_moved(self) -> None:
        self.refresh_bindings()

    # --- actions ---------------------------------------------------------------------------

    def _done(self, message: str, username: str | None = None) -> None:
        self.app.notify(message, markup=False)
        self.reload(select=username)

    def action_new_user(self) -> None:
        def created(account: Account | None) -> None:
            if account is not None:
                self._done(CREATED.format(username=account.username), account.username)

        self.app.push_screen(NewUserDialog(), created)

    def action_edit_user(self) -> None:
        account = self.selected
        if account is None:
            return

        def edited(result: Account | None) -> None:
            if result is not None:
                self._done(EDITED_DONE.format(username=result.username), result.username)

        self.app.push_screen(EditUserDialog(account), edited)

    def action_set_active(self, enable: bool) -> None:
        account = self.selected
        if account is None or account.active is enable:
            return
        username = account.username
        title, question, label, done = (
            (ENABLE_TITLE, ENABLE_QUESTION, ENABLE, ENABLED_DONE)
            if enable
            else (DISABLE_TITLE, DISABLE_QUESTION, DISABLE, DISABLED_DONE)
        )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.call_service(
                    accounts.set_active,
                    self.app.actor,
                    username,
                    enable,
                    on_success=lambda _: self._done(done.format(username=username), username),
                    group="account-action",
                )

        self.app.push_screen(
            ConfirmDialog(title, Text(question.format(username=username)), label), confirmed
        )

    def action_reset_password(self) -> None:
        account = self.selected
        if account is None:
            return
        username = account.username

        def reset(result: object | None) -> None:
            if result is not None:
                self._done(RESET_DONE.format(username=username), username)

        self.app.push_screen(ResetPasswordDialog(username), reset)

    def action_unlock(self) -> None:
        account = self.selected
        if account is None or not account.locked:
            return
        username = account.username
        self.call_service(
            accounts.unlock,
            self.app.actor,
            username,
            on_success=lambda _: self._done(UNLOCKED_DONE.format(username=username), username),
            group="account-action",
        )

    @on(DataTable.RowSelected, "#users")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        account = self._accounts.get(str(event.row_key.value))
        if account is None:
            return
        actions = [
            Choice("edit_user", EDIT_TITLE),
            Choice("set_active", ENABLE if not account.active else DISABLE),
            Choice("reset_password", RESET),
            Choice("new_user", NEW_USER),
        ]
        if account.locked:
            actions.insert(0, Choice("unlock", UNLOCK))
        subject = Text(account.username, style="bold")
        if account.full_name:
            subject.append(f" · {account.full_name}")
        subject.append(f" · {account.role.label}")

        def chosen(action: str | None) -> None:
            if action == "set_active":
                self.action_set_active(not account.active)
            elif action:
                getattr(self, f"action_{action}")()

        self.app.push_screen(ActionDialog(ACTIONS_TITLE, subject, actions), chosen)
