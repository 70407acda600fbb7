"""The adhesion form (modulo di adesione) of a plan, as a one-page PDF.

Scoped like plans: staff get their own store's plans, support and admin every store's.
Making a form is audited (who asked, for which plan); printing it is services.printing.
The PDF is drawn by pdp_tui.forms.render, imported here only when a form is made, so
that neither fpdf2 nor segno is loaded when the app starts.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from pdp_tui import config
from pdp_tui.domain import Actor, PlanDetail, PlanStatus, utcnow
from pdp_tui.forms import DEFAULT_TERMS_PATH
from pdp_tui.forms.content import AdhesionForm
from pdp_tui.models import Plan
from pdp_tui.services import audit, gateway
from pdp_tui.services.codes import format_code
from pdp_tui.services.errors import NotFound, ServiceError
from pdp_tui.services.permissions import Permission, require
from pdp_tui.services.plans import get_plan_unaudited, scope

log = logging.getLogger(__name__)


class FormUnavailable(ServiceError):
    """The form cannot be made: a voided plan, the terms or the font. Message in Italian."""


@dataclass(frozen=True)
class FormPdf:
    plan: PlanDetail
    pdf: bytes

    @property
    def file_name(self) -> str:
        return f"{self.plan.contract_number}.pdf"


def adhesion_form(
    actor: Actor, *, plan_id: int | None = None, contract_number: str | None = None
) -> FormPdf:
    """The form of one plan the actor may see, by id or contract number; audited.

    The lookup and the audit entry are units of work of their own (gateway.call), and the
    drawing runs between them, outside any: call it from a worker as it is, not inside a
    unit of work, so that the process's other database calls do not wait for the drawing
    (on PostgreSQL a process's units of work take turns).
    """
    plan = gateway.call(find_plan, actor, plan_id=plan_id, contract_number=contract_number)
    pdf = make_pdf(plan)
    gateway.call(
        audit.record,
        audit.Kind.FORM_MADE,
        actor,
        target=plan.contract_number,
        detail={"plan_id": plan.id, "bytes": len(pdf)},
    )
    return FormPdf(plan, pdf)


def find_plan(
    actor: Actor, *, plan_id: int | None = None, contract_number: str | None = None
) -> PlanDetail:
    """The plan, scoped to the actor; a voided plan has no form."""
    require(actor, Permission.READ_PLANS)
    if plan_id is None:
        number = (contract_number or "").strip().upper()
        query = scope(Plan.select(Plan.id).where(Plan.contract_number == number), actor)
        plan_id = query.scalar() if number else None
        if plan_id is None:
            raise NotFound("Contratto non trovato.")
    plan = get_plan_unaudited(actor, plan_id)
    if plan.status is PlanStatus.VOIDED:
        raise FormUnavailable("Il Piano è annullato: il suo modulo di adesione non si stampa.")
    return plan


def terms_path() -> Path:
    configured = config.current().form_terms_path
    return Path(configured).expanduser() if configured else DEFAULT_TERMS_PATH


def read_terms() -> str:
    path = terms_path()
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("form terms unreadable at %s: %s", path, exc)
        raise FormUnavailable(
            f"Condizioni del modulo non leggibili ({path}): controlla l'impostazione "
            "form_terms_path (PDP_FORM_TERMS)."
        ) from None


def form_content(plan: PlanDetail, terms: str, now: dt.datetime | None = None) -> AdhesionForm:
    """What the form of ``plan`` shows; dates in the users' time zone."""
    zone = config.current().zone

    def local(stored: dt.datetime) -> dt.datetime:
        return stored.replace(tzinfo=dt.UTC).astimezone(zone)

    return AdhesionForm(
        store_code=plan.store_code,
        store_name=plan.store_name,
        contract_number=plan.contract_number,
        registered_on=local(plan.created_at).date(),
        customer=f"{plan.first_name} {plan.last_name}",
        covering=plan.covering.label,
        protection=plan.protection.label,
        valid_until=plan.valid_until,
        activation_code=format_code(plan.activation_code),
        printed_at=local(now or utcnow()),
        terms=terms,
    )


def make_pdf(plan: PlanDetail) -> bytes:
    """The PDF of ``plan``'s form (no audit: the callers record what they do with it)."""
    from pdp_tui.forms import render  # fpdf2, fontTools, segno: only when a form is made

    content = form_content(plan, read_terms())
    try:
        return render.render(content)
    except render.FontsMissing:
        raise FormUnavailable(
            "Manca il carattere DejaVu Sans per il modulo: installa il pacchetto fonts-dejavu-core."
        ) from None
    except render.TermsTooLong:
        raise FormUnavailable(
            f"Le condizioni del modulo ({terms_path()}) non stanno in una pagina: accorciale."
        ) from None
