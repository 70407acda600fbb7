"""Exports: CSV an Italian spreadsheet opens as it is, streamed, formula-safe, on both backends."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from pdp_tui.domain import SYSTEM
from pdp_tui.models import AuditEvent, Plan
from pdp_tui.services import corrections, exports
from pdp_tui.services.audit import Kind
from pdp_tui.services.errors import NotFound, PermissionDenied, ValidationError


def read_csv(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


def as_csv(rows) -> str:
    stream = io.StringIO(newline="")
    exports.write_csv(stream, exports.PLAN_HEADERS, rows)
    return stream.getvalue()


def set_created(plan_id: int, at: dt.datetime) -> None:
    Plan.update(created_at=at).where(Plan.id == plan_id).execute()


def test_one_row_per_plan_with_italian_dates_and_voided_marked(seed, register):
    first = register(seed.staff_mi, "MI-1", "Giulia", "D'Amico")
    second = register(seed.staff_rm, "RM-1", "Luca", "Verdi", protection="covering_motion")
    # 23:30 UTC on 31 Dec is already 1 January in Rome.
    set_created(first.id, dt.datetime(2025, 12, 31, 23, 30))
    set_created(second.id, dt.datetime(2026, 3, 2, 9, 0))
    corrections.void_plan(seed.support, second.id, reason="Registrato per errore")

    text = as_csv(exports.export_plans(seed.admin))
    assert "\r\n" in text
    header, *rows = read_csv(text)
    assert header == list(exports.PLAN_HEADERS)
    assert header[:3] == ["Numero contratto", "Data di registrazione", "Negozio"]
    valid_until = first.valid_until.strftime("%d/%m/%Y")
    assert rows[0] == [
        "MI-1",
        "01/01/2026",
        "MI01",
        "D'Amico",
        "Giulia",
        seed.coverings[0].label,
        "solo rivestimento",
        valid_until,
        "attivo",
        "vendite.mi",
    ]
    assert rows[1][0] == "RM-1"
    assert rows[1][6:9] == ["rivestimento + motion", second.valid_until.strftime("%d/%m/%Y"),
                            "annullato"]  # fmt: skip
    assert first.activation_code not in text  # codes stay in the app


def test_filters_by_local_days_and_store(seed, register):
    days = [dt.datetime(2026, 1, d, 12) for d in (1, 2, 3, 4)]
    for index, at in enumerate(days):
        plan = register(seed.staff_mi if index % 2 else seed.staff_rm, f"P-{index}")
        set_created(plan.id, at)

    def numbers(**filters) -> list[str]:
        return [row[0] for row in exports.export_plans(SYSTEM, **filters)]

    assert numbers() == ["P-0", "P-1", "P-2", "P-3"]
    assert numbers(day_from=dt.date(2026, 1, 2), day_to=dt.date(2026, 1, 3)) == ["P-1", "P-2"]
    assert numbers(day_from=dt.date(2026, 1, 4)) == ["P-3"]
    assert numbers(day_to=dt.date(2026, 1, 1)) == ["P-0"]
    assert numbers(store_code="mi01") == ["P-1", "P-3"]
    assert numbers(store_code="RM01", day_from=dt.date(2026, 1, 2)) == ["P-2"]
    with pytest.raises(ValidationError):
        exports.export_plans(SYSTEM, day_from=dt.date(2026, 1, 3), day_to=dt.date(2026, 1, 2))
    with pytest.raises(NotFound):
        exports.export_plans(SYSTEM, store_code="XX01")


def test_customer_text_never_runs_as_a_formula(seed, register):
    hostile = ['=HYPERLINK("http://x")', "+Mario", "-Anna", "@SUM(A1)"]
    for index, name in enumerate(hostile):
        plan = register(seed.staff_mi, f"H-{index}", name, "Rossi")
        set_created(plan.id, dt.datetime(2026, 1, 1, 10, index))
    # A tab or carriage return cannot be typed into a name: stored by another way, it is
    # neutralised all the same.
    Plan.update(last_name="\tcmd", first_name="\r=1+1").where(
        Plan.contract_number == "H-0"
    ).execute()

    rows = read_csv(as_csv(exports.export_plans(seed.admin)))[1:]
    first_names = [row[4] for row in rows]
    assert first_names == ["'\r=1+1", "'+Mario", "'-Anna", "'@SUM(A1)"]
    assert rows[0][3] == "'\tcmd"
    for row in rows:
        assert not any(cell.startswith(exports.FORMULA_STARTS) for cell in row)
    assert exports.neutralise("Rossi-Bianchi") == "Rossi-Bianchi"


def test_semicolons_and_quotes_stay_in_their_cell(seed, register):
    register(seed.staff_mi, "Q-1", 'Anna "Nina"', "Rossi; Bianchi")
    row = read_csv(as_csv(exports.export_plans(seed.admin)))[1]
    assert row[3:5] == ["Rossi; Bianchi", 'Anna "Nina"']


def test_more_rows_than_a_chunk_come_whole_and_in_order(seed, register, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 3)
    base = dt.datetime(2026, 2, 1, 8)
    for index in range(8):
        plan = register(seed.staff_mi, f"C-{index}")
        # Two plans share each instant: the chunks go on by (created_at, id).
        set_created(plan.id, base + dt.timedelta(minutes=index // 2))
    numbers = [row[0] for row in exports.export_plans(seed.admin)]
    assert numbers == [f"C-{i}" for i in range(8)]


def test_only_administrators_export_and_each_export_is_audited(seed, register):
    register(seed.staff_mi, "MI-1")
    for actor in (seed.staff_mi, seed.support):
        with pytest.raises(PermissionDenied):
            exports.export_plans(actor)
    exports.export_plans(seed.admin, day_from=dt.date(2026, 1, 1), store_code="mi01")
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert (event.kind, event.username, event.target) == (Kind.PLANS_EXPORTED, "admin", "MI01")
    assert json.loads(event.detail) == {"from": "01/01/2026", "to": None, "store": "MI01"}


def test_an_export_abandoned_half_way_leaves_the_database_usable(seed, register, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 2)
    for index in range(5):
        register(seed.staff_mi, f"A-{index}")
    rows = exports.export_plans(seed.admin)
    assert next(rows)[0] == "A-0"
    rows.close()  # the reader went away: the cursor and its transaction end
    register(seed.staff_mi, "A-9")
    assert len(list(exports.export_plans(seed.admin))) == 6


# --- service requests -------------------------------------------------------------------------


def test_export_requests_as_an_italian_spreadsheet_reads_it(seed, register):
    import csv as _csv
    import io as _io

    from pdp_tui.services import exports as _exports
    from pdp_tui.services import service_requests

    plan = register(seed.staff_mi, "MI-1", "Nicolò", "=D'Amico")
    other = register(seed.staff_rm, "RM-1")
    first = service_requests.open_request(
        seed.support,
        plan.id,
        concerns="covering",
        description="-Strappo   sul cuscino",
        phone="+39 333 1234567",
    )
    service_requests.change_status(seed.support, first.id, "closed", outcome="replacement")
    service_requests.open_request(
        seed.support, other.id, concerns="covering", description="Macchia"
    )
    stream = _io.StringIO(newline="")
    count = _exports.write_csv(
        stream, _exports.REQUEST_HEADERS, _exports.export_requests(seed.admin, store_code="mi01")
    )
    assert count == 1
    text = stream.getvalue()
    assert text.startswith("\ufeffNumero richiesta;Data di apertura;Negozio;")
    rows = list(_csv.reader(_io.StringIO(text[1:]), delimiter=";"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Numero richiesta"] == first.number
    assert row["Cognome"] == "'=D'Amico" and row["Nome"] == "Nicolò"
    assert row["Descrizione"] == "'-Strappo sul cuscino"
    assert row["Telefono"] == "'+39 333 1234567"
    assert (row["Riguarda"], row["Stato"], row["Esito"]) == (
        "rivestimento",
        "chiusa",
        "sostituzione",
    )
    assert len(row["Data di apertura"]) == 10 and row["Data di apertura"][2] == "/"
    assert row["Data di chiusura"] == row["Data di apertura"]
    assert row["Aperta da"] == "assistenza"
    every = list(_exports.export_requests(seed.admin))
    assert [r[0] for r in every] == sorted(r[0] for r in every) and len(every) == 2
    with pytest.raises(PermissionDenied):
        _exports.export_requests(seed.support)
