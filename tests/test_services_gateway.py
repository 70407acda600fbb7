"""gateway.call: driver errors become DatabaseUnavailable, service errors pass through."""

from __future__ import annotations

import pytest

from pdp_tui import db
from pdp_tui.domain import SYSTEM
from pdp_tui.models import Plan
from pdp_tui.services import catalogue, gateway, plans
from pdp_tui.services.errors import DatabaseUnavailable, NotFound, ValidationError


def test_postgres_server_down():
    db.open_database("postgresql://postgres@127.0.0.1:1/pdp")
    with pytest.raises(DatabaseUnavailable, match="Database non raggiungibile"):
        gateway.call(catalogue.list_coverings, SYSTEM)


def test_sqlite_file_that_cannot_be_opened(tmp_path):
    # A directory where the database file should be: it cannot be opened, even by root.
    (tmp_path / "pdp.sqlite3").mkdir()
    db.open_database(f"sqlite:///{tmp_path}/pdp.sqlite3")
    with pytest.raises(DatabaseUnavailable, match="Database non raggiungibile"):
        gateway.call(catalogue.list_coverings, SYSTEM)


def test_missing_schema_is_a_database_error(db_url):
    db.open_database(db_url)
    with pytest.raises(DatabaseUnavailable):
        gateway.call(catalogue.list_coverings, SYSTEM)


def test_results_and_service_errors_pass_through(seed):
    assert gateway.call(catalogue.list_coverings, seed.staff_mi) == seed.coverings
    with pytest.raises(NotFound):
        gateway.call(plans.get_plan, seed.staff_mi, 999_999)
    with pytest.raises(ValidationError):
        gateway.call(catalogue.add_store, seed.admin, "", "")
    assert gateway.call(catalogue.list_stores, seed.staff_mi) == [
        (seed.mi[0], "MI01", "Milano Centro")
    ]


def test_a_refused_statement_leaves_a_usable_connection(seed, register):
    register(seed.staff_mi, "A-1")

    def delete_everything():
        with db.database.atomic():
            Plan.delete().execute()

    with pytest.raises(DatabaseUnavailable, match="Errore del database"):
        gateway.call(delete_everything)
    assert gateway.call(lambda: Plan.select().count()) == 1
    assert gateway.call(plans.get_plan, seed.staff_mi, Plan.get().id).contract_number == "A-1"
