"""The app's own PostgreSQL role (issue 10): ``pdp-tui db grant-app ROLE`` as the owner, then
the app working as that role (registration, correction, void, signed-form mark, login,
verification of the audit chain) and each statement that would rewrite history refused.
TRUNCATE of the plans, the history and the audit log is refused to the owner too (a trigger)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from pdp_tui import cli, db
from pdp_tui.db_grants import APP_GRANTS
from pdp_tui.domain import SYSTEM, Role
from pdp_tui.models import ALL_MODELS
from pdp_tui.services import (
    accounts,
    audit_verify,
    auth,
    catalogue,
    corrections,
    plans,
    signed_forms,
)

pytestmark = pytest.mark.postgres

SUPERUSER = os.environ.get("PDP_TEST_POSTGRES_URL", "")
PASSWORD = "password-di-prova"


def _as_role(url: str, role: str, password: str) -> str:
    parts = urlsplit(url)
    netloc = f"{role}:{password}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()


def make_seed() -> SimpleNamespace:
    """Two stores' staff, support (the app's own writes: stores, accounts, logins)."""
    catalogue.add_store(SYSTEM, "MI01", "Milano Centro")
    for username, role, store in (
        ("vendite.mi", Role.STAFF, "MI01"),
        ("assistenza", Role.SUPPORT, None),
    ):
        accounts.create_user(
            SYSTEM, username, role, password=PASSWORD, store_code=store,
            must_change_password=False,
        )  # fmt: skip
    return SimpleNamespace(
        staff_mi=auth.authenticate("vendite.mi", PASSWORD),
        support=auth.authenticate("assistenza", PASSWORD),
        coverings=catalogue.list_coverings(SYSTEM),
    )


def _superuser():
    import psycopg

    return psycopg.connect(SUPERUSER, autocommit=True)


@pytest.fixture
def owner_url(db_url) -> Iterator[str]:
    """The owner's URL (the test's role, which owns its schema), schema migrated."""
    database = db.open_database(db_url)
    db.migrate(database)
    db.release()
    yield db_url


@pytest.fixture
def app_role(owner_url) -> Iterator[SimpleNamespace]:
    """A role name for the app, dropped afterwards (with whatever it was granted)."""
    owner = urlsplit(owner_url).username
    name = f"{owner}_app"
    yield SimpleNamespace(name=name, owner=owner, schema=owner)
    db.release()
    with _superuser() as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (name,)
        )
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone():
            conn.execute(f'DROP OWNED BY "{name}"')
            conn.execute(f'DROP ROLE "{name}"')
        conn.execute(f'ALTER ROLE "{owner}" NOCREATEROLE')


def _grant(owner_url: str, role: str, capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["--db", owner_url, "db", "grant-app", role])
    db.release()
    out, err = capsys.readouterr()
    return code, out, err


def test_every_table_has_its_grants_listed():
    """A new table must say what the app may do with it (else: SELECT, INSERT, UPDATE)."""
    assert {model._meta.table_name for model in ALL_MODELS} | {db.MIGRATIONS_TABLE} <= set(
        APP_GRANTS
    )
    assert not any("DELETE" in p or "TRUNCATE" in p for ps in APP_GRANTS.values() for p in ps)


def test_grant_app_creates_the_role_and_is_idempotent(owner_url, app_role, capsys):
    # The owner may not create roles: an Italian line saying what to do.
    code, _, err = _grant(owner_url, app_role.name, capsys)
    assert code == 1 and "Traceback" not in err
    assert f"crealo come superutente (CREATE ROLE {app_role.name} LOGIN)" in err
    with _superuser() as conn:
        conn.execute(f'ALTER ROLE "{app_role.owner}" CREATEROLE')
    code, out, err = _grant(owner_url, app_role.name, capsys)
    assert code == 0, err
    assert f"Ruolo {app_role.name} creato" in out and "password" in out
    with _superuser() as conn:
        login, config = conn.execute(
            "SELECT rolcanlogin, rolconfig FROM pg_roles WHERE rolname = %s", (app_role.name,)
        ).fetchone()
    assert login and config == [f"search_path={app_role.schema}"]
    code, out, err = _grant(owner_url, app_role.name, capsys)
    assert code == 0, err
    assert f"Permessi del ruolo {app_role.name}" in out and "creato" not in out
    assert "sconosciute" not in out  # every table of the schema has its grants listed
    # Refusals: the owner itself, a bad name, SQLite.
    assert "possiede le tabelle" in _grant(owner_url, app_role.owner, capsys)[2]
    assert "nome del ruolo non valido" in _grant(owner_url, 'x"; DROP', capsys)[2]


def test_grant_app_on_sqlite_is_refused(sqlite_url, capsys):
    cli.main(["--db", sqlite_url, "migrate"])
    code, _, err = _grant(sqlite_url, "pdp_app", capsys)
    assert code == 1 and "solo per PostgreSQL" in err


@pytest.fixture
def app_url(owner_url, app_role, capsys) -> str:
    """The URL the app uses: the restricted role, made by the superuser, set up by the owner."""
    password = uuid.uuid4().hex
    with _superuser() as conn:
        conn.execute(f"CREATE ROLE \"{app_role.name}\" LOGIN PASSWORD '{password}'")
        conn.execute(f'ALTER ROLE "{app_role.name}" SET search_path = "{app_role.schema}"')
        conn.execute(f'ALTER ROLE "{app_role.name}" SET synchronous_commit = off')
    code, _, err = _grant(owner_url, app_role.name, capsys)
    assert code == 0, err
    return _as_role(SUPERUSER, app_role.name, password)


def _as_app(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


FORBIDDEN = [
    "TRUNCATE audit_event",
    "TRUNCATE plan_change",
    "TRUNCATE plan",
    "DELETE FROM plan",
    "DELETE FROM audit_event",
    "DELETE FROM plan_change",
    'DELETE FROM "user"',
    "UPDATE plan SET activation_code = 'ZZZZZZZZZZZZ'",
    "UPDATE plan SET contract_number = 'ALTRO'",
    "UPDATE plan SET store_id = store_id",
    "UPDATE plan SET created_by_id = created_by_id",
    "UPDATE plan SET created_at = created_at",
    "UPDATE plan_change SET reason = 'riscritto'",
    "UPDATE audit_event SET detail = ''",
    "DELETE FROM service_request",
    "DELETE FROM service_request_step",
    "UPDATE service_request_step SET note = 'riscritto'",
    "UPDATE service_request SET number = 'RI-0'",
    "UPDATE audit_chain SET last_hash = last_hash",  # allowed: the app moves the head
    "CREATE TABLE intruso (id int)",
]


def test_the_app_works_as_its_role_and_cannot_rewrite_history(app_url, owner_url):
    import psycopg

    database = db.open_database(app_url)
    assert db.migration_status(database) == ([], [])
    with db.session():
        seed = make_seed()  # stores, accounts (INSERT), logins (UPDATE of the counters)
        with pytest.raises(Exception):  # noqa: B017 - a wrong password, then the lockout
            auth.authenticate("vendite.mi", "sbagliata-davvero")
        covering = seed.coverings[0].id
        plan = plans.register_plan(
            seed.staff_mi,
            covering_id=covering,
            contract_number="MI-1",
            first_name="Mario",
            last_name="Rossi",
            protection="covering",
        )
        other = plans.register_plan(
            seed.staff_mi,
            covering_id=covering,
            contract_number="MI-2",
            first_name="Anna",
            last_name="Neri",
            protection="covering_motion",
        )
        corrections.correct_plan(seed.support, plan.id, reason="Refuso", first_name="Marco")
        signed_forms.mark_form_signed(seed.staff_mi, plan.id)
        signed_forms.undo_form_signed(seed.support, plan.id, reason="Per sbaglio")
        corrections.void_plan(seed.staff_mi, other.id, reason="Reso")
        plans.verify_code(seed.support, plan.activation_code)
        from pdp_tui.services import service_requests

        request = service_requests.open_request(
            seed.support, plan.id, concerns="covering", description="Macchia"
        )
        service_requests.add_note(seed.support, request.id, "Richiamato")
        service_requests.change_status(seed.support, request.id, "closed", outcome="repair")
        report = audit_verify.verify_chain(SYSTEM)
        assert report.plans == 2
    db.release()

    with _as_app(app_url) as conn:
        for sql in FORBIDDEN:
            if sql.startswith("UPDATE audit_chain"):
                conn.execute(sql)
                continue
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
    # The owner may change plans' and accounts' data directly, but not empty the history.
    with psycopg.connect(owner_url, autocommit=True) as conn:
        for table in ("audit_event", "plan_change", "plan", "audit_chain"):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(f"TRUNCATE {table} CASCADE")
        assert conn.execute("SELECT count(*) FROM plan_change").fetchone()[0] == 4
