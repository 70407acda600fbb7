"""Dettaglio contratto: every field of one plan and its activation code."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from pdp_tui.domain import ChangeKind, PlanChangeEntry, PlanDetail, PlanStatus
from pdp_tui.services import corrections, plans
from pdp_tui.services.codes import format_code
from pdp_tui.services.permissions import Permission
from pdp_tui.tui import format
from pdp_tui.tui.form_printing import PRINT_FORM, PrintOutcome, PrintsForm
from pdp_tui.tui.service_calls import ServiceCalls
from pdp_tui.tui.styles import stylesheet
from pdp_tui.tui.widgets.app_header import AppHeader
from pdp_tui.tui.widgets.code_panel import ActivationCodePanel
from pdp_tui.tui.widgets.key_footer import KeyFooter

TITLE = "Dettaglio contratto"
LOADING = "Caricamento…"
HISTORY = "Storico delle modifiche"
PLAN_REQUESTS = "Richieste di intervento"
NO_HISTORY = "Nessuna modifica dalla registrazione."
CHANGED = "Modifica salvata."
SIGNED_FORM = "Modulo firmato"
SIGNED_RECEIVED = "ricevuto il {day} da {who}"
SIGNED_MISSING = "mancante"
# Short: the footer has room for them beside F9 at 80 columns (F1 lists them too).
MARK_SIGNED = "Firmato"
UNDO_SIGNED = "Non firmato"
MARK_SIGNED_CONFIRM = "Ricevuto"
MARK_SIGNED_TITLE = "Modulo firmato ricevuto"
MARK_SIGNED_QUESTION = "Segnare come ricevuto il modulo di adesione firmato dal cliente?"
SIGNED_MARKED = "Modulo firmato segnato come ricevuto."
SIGNED_UNDONE = "Modulo firmato di nuovo mancante."
FIELD_NAMES = {
    "first_name": "nome",
    "last_name": "cognome",
    "covering": "rivestimento",
    "protection": "tipo di protezione",
    "status": "stato",
    "form_signed": "modulo firmato",
}


LABEL_WIDTH = 21


def detail_rows(plan: PlanDetail) -> list[tuple[str, str]]:
    """The fields of a plan: the customer first, then what the plan is, then its record.
    A voided plan has no validity to show: its voiding is said on a line of its own."""
    rows = [
        ("Cliente", f"{plan.first_name} {plan.last_name}"),
        ("Numero del contratto", plan.contract_number),
        ("Rivestimento", plan.covering.label),
        ("Tipo di protezione", plan.protection.label),
        ("Codice di attivazione", format_code(plan.activation_code)),
        ("Negozio", f"{plan.store_code} · {plan.store_name}"),
        ("Stato", plan.status.label),
        ("Valido fino al", format.date_only(plan.valid_until)),
        ("Registrato da", plan.created_by),
        ("Registrato il", format.date_time(plan.created_at)),
    ]
    if plan.status is PlanStatus.VOIDED:
        rows = [row for row in rows if row[0] != "Valido fino al"]
    return rows


def signed_form(plan: PlanDetail) -> Text | None:
    """``ricevuto il 20/03/2026 da Sara Neri`` or ``mancante``; nothing for a voided plan
    whose form never came back (it needs none)."""
    if plan.form_signed_at is not None:
        day = format.date_only(plan.form_signed_at)
        return Text(SIGNED_RECEIVED.format(day=day, who=plan.form_signed_by or "?"))
    if plan.status is PlanStatus.VOIDED:
        return None
    return Text(SIGNED_MISSING, style="bold")


def voiding(history: list[PlanChangeEntry]) -> Text | None:
    """``Annullato il 20/03/2026 16:05 da Sara Neri — Reso del divano``, from the history."""
    void = next((e for e in reversed(history) if e.kind is ChangeKind.VOID), None)
    if void is None:
        return None
    line = Text(f"Annullato il {format.date_time(void.changed_at)} da ", style="bold")
    line.append(void.changed_by, style="bold")
    line.append(" — ", style="bold")
    line.append(void.reason)
    return line


def history_table(history: list[PlanChangeEntry]) -> Table | Text:
    if not history:
        return Text(NO_HISTORY, style="italic")
    table = Table(box=None, padding=(0, 1), show_edge=False, expand=True)
    table.add_column("Data", no_wrap=True)
    table.add_column("Chi")
    table.add_column("Modifica")
    table.add_column("Motivo")
    for entry in history:
        change = Text(entry.kind.label, style="bold")
        for field, before in entry.before.items():
            change.append(f"\n{FIELD_NAMES.get(field, field)}: ")
            change.append(before)
            change.append(" → ")
            change.append(entry.after.get(field, ""), style="bold")
        table.add_row(
            Text(format.date_time(entry.changed_at)),
            Text(entry.changed_by),
            change,
            Text(entry.reason),
        )
    return table


def detail_table(plan: PlanDetail, history: list[PlanChangeEntry] | None = None) -> Group:
    """The customer on a line of their own (and, for a voided plan, when, who and why),
    then the other fields in two label/value columns, so that the detail fits 80x24 with
    its history and a name is never cut."""
    customer, *others = detail_rows(plan)
    top = Table.grid(padding=(0, 1))
    top.add_column(style="bold", no_wrap=True, min_width=LABEL_WIDTH)
    top.add_column(overflow="fold")
    top.add_row(Text(customer[0]), Text(customer[1]))
    voided = voiding(history or [])
    if voided is not None:
        top.add_row(Text("Annullamento"), voided)
    signed = signed_form(plan)
    if signed is not None:
        top.add_row(Text(SIGNED_FORM), signed)
    half = 5  # the plan on the left, its record on the right
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(style="bold", no_wrap=True, min_width=LABEL_WIDTH)
    grid.add_column(overflow="fold")
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    left_rows, right_rows = others[:half], others[half:]
    right_rows += [("", "")] * (len(left_rows) - len(right_rows))
    for (left_label, left), (right_label, right) in zip(left_rows, right_rows, strict=False):
        grid.add_row(Text(left_label), Text(left), Text(right_label), Text(right))
    return Group(top, grid)


class ContractDetailScreen(PrintsForm, ServiceCalls, Screen[None]):
    CSS_PATH = stylesheet("contract_detail")
    BINDINGS = [
        Binding("escape", "back", "Indietro", key_display="Esc", id="indietro"),
        Binding("c,C", "correct", "Correggi", id="correggi"),
        Binding("a,A", "void", "Annulla piano", id="annulla-piano"),
        # The footer drops keys from the end when 80 columns are not enough: support's
        # request comes before printing (a store's job, listed by F1 all the same).
        Binding("r,R", "new_request", "Richiesta", id="nuova-richiesta"),
        Binding("m,M", "signed_form(True)", MARK_SIGNED, id="modulo-ricevuto"),
        Binding("m,M", "signed_form(False)", UNDO_SIGNED, id="togli-modulo-ricevuto"),
        PRINT_FORM,
    ]

    def __init__(self, plan_id: int) -> None:
        super().__init__()
        self.plan_id = plan_id
        self.plan: PlanDetail | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with VerticalScroll(id="detail"):
            yield Static(Text(TITLE, style="bold"), id="detail-title")
            yield Static(Text(LOADING), id="detail-fields")
            yield ActivationCodePanel(reminder=False, id="detail-code")
            yield PrintOutcome(id="print-outcome")
            # Service requests: this plan's, and r to open one (support, admin).
            yield Static(Text(PLAN_REQUESTS, style="bold"), id="plan-requests-title")
            yield Static(Text(LOADING), id="plan-requests")
            yield Static(Text(HISTORY, style="bold"), id="history-title")
            yield Static("", id="history")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#detail").focus()
        self._load()

    def _load(self) -> None:
        actor = self.app.actor
        self.call_service(
            lambda: (
                plans.get_plan(actor, self.plan_id),
                corrections.plan_history(actor, self.plan_id),
            ),
            on_success=self._show,
            on_error=lambda error: self.query_one("#detail-fields", Static).update(
                Text(str(error))
            ),
            group="detail",
        )

    def _show(self, loaded: tuple[PlanDetail, list[PlanChangeEntry]]) -> None:
        plan, history = loaded
        self.plan = plan
        self.query_one("#detail-fields", Static).update(detail_table(plan, history))
        self.query_one("#detail-code", ActivationCodePanel).plan = plan
        self.query_one("#history", Static).update(history_table(history))
        self.refresh_bindings()
        self._load_requests()

    # --- corrections (the service decides who may; the keys show only where useful) ---

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("correct", "void"):
            actor = self.app.actor
            if actor is None or actor.role not in Permission.CHANGE_PLANS.roles:
                return False  # not this role's: not offered at all
            return self.plan is not None and self.plan.status is PlanStatus.ACTIVE
        if action == "print_form":
            return self.print_form_allowed()
        if action == "signed_form":
            return self._may_mark_signed(bool(parameters[0]))
        if action == "new_request":
            actor = self.app.actor
            if actor is None or actor.role not in Permission.HANDLE_REQUESTS.roles:
                return False
            return self.plan is not None
        return True

    def action_correct(self) -> None:
        from pdp_tui.tui.screens.plan_changes import CorrectionScreen

        if self.plan is not None:
            self.app.push_screen(CorrectionScreen(self.plan), self._changed)

    def action_void(self) -> None:
        from pdp_tui.tui.screens.plan_changes import VoidScreen

        if self.plan is not None:
            self.app.push_screen(VoidScreen(self.plan), self._changed)

    def _changed(self, plan: PlanDetail | None) -> None:
        if plan is not None:
            self.notify(CHANGED)
            self._load()

    # --- F9 and the signed form (m) ---------------------------------------------------------

    def printable_plan(self) -> PlanDetail | None:
        return self.plan

    def _may_mark_signed(self, mark: bool) -> bool | None:
        """m marks a missing form as received (an active plan) or takes a mark back."""
        actor, plan = self.app.actor, self.plan
        if actor is None or actor.role not in Permission.CHANGE_PLANS.roles or plan is None:
            return False
        if mark:
            return plan.form_signed_at is None and plan.status is PlanStatus.ACTIVE
        return plan.form_signed_at is not None

    def action_signed_form(self, mark: bool) -> None:
        from pdp_tui.services import signed_forms
        from pdp_tui.tui.widgets.form_dialog import ConfirmDialog

        plan = self.plan
        if plan is None or not self._may_mark_signed(mark):
            return
        if not mark:
            from pdp_tui.tui.screens.plan_changes import UndoSignedFormScreen

            self.app.push_screen(UndoSignedFormScreen(plan), self._signed_undone)
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.call_service(
                    signed_forms.mark_form_signed,
                    self.app.actor,
                    plan.id,
                    on_success=lambda _: self._signed_changed(SIGNED_MARKED),
                    group="signed-form",
                )

        question = Text(f"Contratto {plan.contract_number} · {plan.customer}\n")
        question.append(MARK_SIGNED_QUESTION, style="bold")
        dialog = ConfirmDialog(MARK_SIGNED_TITLE, question, MARK_SIGNED_CONFIRM)
        self.app.push_screen(dialog, confirmed)

    def _signed_undone(self, plan: PlanDetail | None) -> None:
        if plan is not None:
            self._signed_changed(SIGNED_UNDONE)

    def _signed_changed(self, message: str) -> None:
        self.notify(message, markup=False)
        self._load()

    # --- service requests (richieste di intervento) ---

    def _load_requests(self) -> None:
        from pdp_tui.services import service_requests
        from pdp_tui.tui.screens.service_requests import plan_requests_table

        self.call_service(
            service_requests.plan_requests,
            self.app.actor,
            self.plan_id,
            on_success=lambda rows: self.query_one("#plan-requests", Static).update(
                plan_requests_table(rows)
            ),
            on_error=lambda error: self.query_one("#plan-requests", Static).update(
                Text(str(error))
            ),
            group="plan-requests",
        )

    def action_new_request(self) -> None:
        from pdp_tui.tui.screens.service_requests import NewRequestDialog, refusal

        if self.plan is None:
            return
        refused = refusal(self.plan)  # said at once; the service checks again on saving
        if refused:
            self.notify(refused, severity="error", markup=False)
        else:
            self.app.push_screen(NewRequestDialog(self.plan), self._request_opened)

    def _request_opened(self, request) -> None:
        from pdp_tui.tui.screens.service_requests import OPENED_DONE

        if request is not None and request is not True:
            self.notify(OPENED_DONE.format(number=request.number), markup=False)
            self._load_requests()

    def action_back(self) -> None:
        self.dismiss()
