"""Printing the adhesion form on the plan's store printer, through CUPS.

Each store has the name of a CUPS print queue (set by an administrator, audited). The
form goes to it with CUPS's own client, ``lp -d QUEUE``, which hands the PDF to the
scheduler (local, or the one named by CUPS_SERVER / ~/.cups/client.conf) and returns a
request id; ``lp`` runs with a timeout, so a call never blocks for ever (screens run it
in a worker). A store without a queue, or a CUPS that refuses the job or does not
answer, gets an Italian message and the PDF saved in the app's data directory,
``moduli/STORE/CONTRACT.pdf``, whose path the message gives. Every print and reprint is
audited, with its outcome.

Why ``lp`` rather than pycups: it is the interface CUPS documents for scripts, it needs no
C extension built against libcups, and a hung scheduler cannot hang the app's process.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from pdp_tui.config import APP_NAME, os_error_text
from pdp_tui.db import database
from pdp_tui.domain import Actor, PlanDetail
from pdp_tui.models import Store
from pdp_tui.services import audit, gateway
from pdp_tui.services.catalogue import clean_store_code
from pdp_tui.services.errors import NotFound, ServiceError, ValidationError
from pdp_tui.services.forms import find_plan, make_pdf
from pdp_tui.services.permissions import Permission, require

log = logging.getLogger(__name__)

LP_TIMEOUT_S = 20.0
# CUPS allows more, but a queue name typed by an administrator is letters, digits, _ . -
QUEUE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,126}")
SAVED_FORMS_DIR = "moduli"
_REQUEST_ID = re.compile(r"request id is (\S+)")
# What lp says (in the C locale), and what the user reads.
_LP_ERRORS = (
    ("does not exist", "la coda di stampa «{queue}» non esiste in CUPS"),
    ("not accepting jobs", "la coda di stampa «{queue}» non accetta stampe"),
    ("unable to connect", "il servizio di stampa (CUPS) non è in funzione"),
    ("scheduler not responding", "il servizio di stampa (CUPS) non risponde"),
    ("forbidden", "CUPS non consente di stampare su «{queue}»"),
    ("not authorized", "CUPS non consente di stampare su «{queue}»"),
)


@dataclass(frozen=True)
class StorePrinter:
    store_code: str
    store_name: str
    queue: str | None


@dataclass(frozen=True)
class PrintResult:
    """What became of a form: printed (a CUPS job) or saved to a file instead."""

    contract_number: str
    queue: str | None
    job_id: str | None
    saved_to: Path | None
    message: str  # Italian, for the user

    @property
    def printed(self) -> bool:
        return self.job_id is not None


class PrintRefused(Exception):
    """CUPS did not take the job. ``str(exc)`` is the Italian reason."""


# --- the stores' queues -------------------------------------------------------------------


def clean_queue(queue: str | None) -> str | None:
    text = (queue or "").strip()
    if not text:
        return None
    if not QUEUE_PATTERN.fullmatch(text):
        raise ValidationError(
            {
                "queue": "Coda di stampa: fino a 127 caratteri tra lettere, cifre, _ . e -, "
                "come in CUPS (lpstat -p)."
            }
        )
    return text


def set_print_queue(actor: Actor, store_code: str, queue: str | None) -> StorePrinter:
    """Set (or, with None or "", remove) the CUPS queue of a store. Admin only; audited."""
    require(actor, Permission.ADMINISTER)
    code = clean_store_code(store_code)
    queue = clean_queue(queue)
    with database.atomic():
        store = Store.get_or_none(Store.code == code)
        if store is None:
            raise NotFound(f"Il negozio {code} non esiste.")
        Store.update(print_queue=queue).where(Store.id == store.id).execute()
        audit.record(
            audit.Kind.STORE_PRINTER_SET,
            actor,
            target=code,
            detail={"before": {"queue": store.print_queue}, "after": {"queue": queue}},
        )
    return StorePrinter(store.code, store.name, queue)


def list_print_queues(actor: Actor) -> list[StorePrinter]:
    """Every store with its queue; staff see only their own store."""
    require(actor, Permission.USE_APP)
    query = Store.select().order_by(Store.code)
    if not actor.sees_all_stores:
        query = query.where(Store.id == actor.store_id)
    return [StorePrinter(s.code, s.name, s.print_queue) for s in query]


# --- printing -----------------------------------------------------------------------------


def print_form(actor: Actor, plan_id: int, *, timeout: float = LP_TIMEOUT_S) -> PrintResult:
    """Print the form of a plan on its store's queue (saved to a file if that fails).

    The lookup and the audit entry are units of work of their own (gateway.call); drawing
    the form and waiting for CUPS (up to ``timeout``) happen between them, outside any.
    Call it from a worker as it is, not inside a unit of work: on PostgreSQL a process's
    units of work take turns, and the others must not wait for the printer.
    """
    plan, queue = gateway.call(_plan_and_queue, actor, plan_id)
    pdf = make_pdf(plan)
    job_id = saved_to = None
    if queue is None:
        problem = f"Nessuna stampante impostata per il negozio {plan.store_code}"
    else:
        try:
            job_id = submit(queue, pdf, title=f"Modulo {plan.contract_number}", timeout=timeout)
        except PrintRefused as exc:
            problem = f"Stampa non riuscita: {exc}"
    if job_id is not None:
        message = f"Modulo inviato alla stampante «{queue}» (stampa {job_id})."
    else:
        saved_to = save_form(plan.store_code, plan.contract_number, pdf)
        message = f"{problem}. Il modulo è salvato in {saved_to}"
    gateway.call(
        audit.record,
        audit.Kind.FORM_PRINTED,
        actor,
        target=plan.contract_number,
        detail={"plan_id": plan.id, "queue": queue}
        | ({"job_id": job_id} if job_id else {"saved_to": str(saved_to)}),
    )
    return PrintResult(plan.contract_number, queue, job_id, saved_to, message)


def _plan_and_queue(actor: Actor, plan_id: int) -> tuple[PlanDetail, str | None]:
    plan = find_plan(actor, plan_id=plan_id)
    return plan, Store.select(Store.print_queue).where(Store.code == plan.store_code).scalar()


def submit(queue: str, pdf: bytes, *, title: str, timeout: float = LP_TIMEOUT_S) -> str:
    """Hand ``pdf`` to CUPS's queue ``queue``; the request id (e.g. "PDP-PDF-12")."""
    env = dict(os.environ, LC_ALL="C", LANG="C")  # lp's messages, parsed below
    argv = ["lp", "-d", queue, "-t", title, "-o", "media=A4"]
    try:
        done = subprocess.run(
            argv, input=pdf, capture_output=True, timeout=timeout, env=env, check=False
        )
    except FileNotFoundError:
        raise PrintRefused(
            "il comando lp di CUPS non è installato (pacchetto cups-client)"
        ) from None
    except subprocess.TimeoutExpired:
        log.warning("lp -d %s: no answer in %.0f s", queue, timeout)
        raise PrintRefused(f"CUPS non ha risposto entro {timeout:.0f} secondi") from None
    except OSError as exc:
        log.warning("lp could not run: %s", exc)
        raise PrintRefused("il comando lp di CUPS non si è avviato") from None
    out = done.stdout.decode("utf-8", "replace")
    err = done.stderr.decode("utf-8", "replace").strip()
    match = _REQUEST_ID.search(out)
    if done.returncode == 0 and match:
        return match.group(1)
    log.warning("lp -d %s refused the job (exit %s): %s", queue, done.returncode, err or out)
    lowered = err.lower()
    # lp says "does not exist" also when it cannot reach the scheduler at all.
    if "does not exist" in lowered and not _scheduler_running(env, timeout):
        raise PrintRefused("il servizio di stampa (CUPS) non è in funzione")
    for needle, reason in _LP_ERRORS:
        if needle in lowered:
            raise PrintRefused(reason.format(queue=queue))
    raise PrintRefused(f"CUPS ha rifiutato la stampa su «{queue}»")


def _scheduler_running(env: dict[str, str], timeout: float) -> bool:
    try:
        done = subprocess.run(
            ["lpstat", "-r"], capture_output=True, timeout=timeout, env=env, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return b"scheduler is running" in done.stdout


# --- saved forms --------------------------------------------------------------------------


def saved_forms_dir() -> Path:
    return Path(user_data_dir(APP_NAME)) / SAVED_FORMS_DIR


def _file_part(text: str) -> str:
    """A store code or contract number as one safe path component."""
    part = re.sub(r"[^A-Za-z0-9_-]", "_", text).strip("_") or "_"
    return part[:100]


def saved_form_path(store_code: str, contract_number: str) -> Path:
    base = saved_forms_dir()
    path = base / _file_part(store_code) / f"{_file_part(contract_number)}.pdf"
    if not path.resolve().is_relative_to(base.resolve()):  # unreachable after _file_part
        raise ValueError(f"not a saved-form path: {path}")
    return path


def save_form(store_code: str, contract_number: str, pdf: bytes) -> Path:
    """Write the PDF to ``moduli/STORE/CONTRACT.pdf`` (replacing an older copy); its path.

    Readable by the app's account only: the form carries the customer's name and code.
    """
    path = saved_form_path(store_code, contract_number)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, part = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pdf)
            os.replace(part, path)
        except BaseException:
            Path(part).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.error("cannot save the form at %s: %s", path, exc)
        raise ServiceError(
            f"Stampa non riuscita e modulo non salvato ({path}): {os_error_text(exc)}."
        ) from None
    return path
