"""Shared fixtures: an isolated environment, a fresh database per test, seed data.

Every database test runs twice through ``db_url``: on an SQLite file in ``tmp_path`` and
on a fresh PostgreSQL schema in the database named by ``PDP_TEST_POSTGRES_URL``
(the ``postgres`` case is skipped when that variable is unset). Tests marked
``pgbouncer`` run a third time through the PgBouncer at ``PDP_TEST_PGBOUNCER_URL``:
transaction pooling, in front of the same server and database, logging in any role of the
server (``auth_user``/``auth_query``) with one server connection per role
(``default_pool_size = 1``); .ci/run starts one.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from argon2 import PasswordHasher
from peewee import Database

from pdp_tui import config, db
from pdp_tui.domain import SYSTEM, Actor, PlanDetail, Role
from pdp_tui.services import accounts, auth, catalogue, plans

POSTGRES_ENV = "PDP_TEST_POSTGRES_URL"
PGBOUNCER_ENV = "PDP_TEST_PGBOUNCER_URL"
PASSWORD = "password-di-prova"


# --- environment --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch) -> Iterator[config.Settings]:
    """Keep the developer's HOME, config and PDP_* variables out of every test."""
    for var, sub in (
        ("HOME", "home"),
        ("XDG_CONFIG_HOME", "home/.config"),
        ("XDG_DATA_HOME", "home/.local/share"),
        ("XDG_CACHE_HOME", "home/.cache"),
    ):
        path = tmp_path / sub
        path.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(var, str(path))
    for var in list(os.environ):
        if var.startswith("PDP_") and var not in (POSTGRES_ENV, PGBOUNCER_ENV):
            monkeypatch.delenv(var)
    previous = config._current
    settings = config.use(config.load_settings(env={}))
    yield settings
    config._current = previous


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch) -> Iterator[PasswordHasher]:
    """Cheap argon2 parameters so that tests creating users and logging in stay fast.

    Tests of rehashing patch ``auth.hasher`` themselves (after this fixture has run).
    """
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    original = auth.hasher
    original.cache_clear()
    auth._dummy_hash.cache_clear()
    monkeypatch.setattr(auth, "hasher", lambda: cheap)
    yield cheap
    auth._dummy_hash.cache_clear()
    original.cache_clear()


@pytest.fixture(autouse=True)
def pilot_waits_for_type_ahead(monkeypatch) -> None:
    """After pressing keys, Pilot also waits for the keys the app holds in its type-ahead
    queue to be delivered (``pdp_tui.tui.type_ahead``), as it waits for the screen."""
    from textual.pilot import Pilot

    original = Pilot._wait_for_screen

    async def wait_for_screen(self, timeout: float = 30.0) -> bool:
        type_ahead = getattr(self.app, "type_ahead", None)
        if type_ahead is not None:
            await asyncio.wait_for(type_ahead.delivered(), timeout)
        return await original(self, timeout)

    monkeypatch.setattr(Pilot, "_wait_for_screen", wait_for_screen)


# --- database URLs ------------------------------------------------------------------------


def _sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path}/pdp.sqlite3"


def _as_role(url: str, role: str, password: str) -> str:
    """``url`` logging in as ``role``, its connections named after it."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    netloc = f"{role}:{password}@{host}" + (f":{parts.port}" if parts.port else "")
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "application_name"]
    query.append(("application_name", role))
    return urlunsplit(parts._replace(netloc=netloc, query=urlencode(query)))


def _close_peewee() -> None:
    """Give back the connections peewee holds (this thread's, the idle one kept)."""
    db.release()


def _admin_connect(server: str):
    import psycopg

    # A test needs no crash safety: the admin's DDL does not wait for the disk either.
    return psycopg.connect(server, autocommit=True, options="-csynchronous_commit=off")


@contextmanager
def _postgres_role(through: str | None = None) -> Iterator[tuple[str, str]]:
    """A fresh login role and a schema of the same name for one test; dropped afterwards.

    Yields (URL to PostgreSQL itself, URL the test uses: the same, or through the PgBouncer
    at ``through``), both logging in as the role.

    Isolation that also works through PgBouncer, which does not pass the ``options``
    startup parameter on: the role's own settings put its schema alone on the search path
    (and turn synchronous_commit off), and every server connection of the role gets them.
    A schema and a role cost a few tens of milliseconds; ``CREATE DATABASE`` 0.2-0.5 s.
    """
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    name = f"pdp_t_{uuid.uuid4().hex}"
    password = uuid.uuid4().hex
    with _admin_connect(server) as conn, conn.transaction():
        conn.execute(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}'")
        conn.execute(f'ALTER ROLE "{name}" SET search_path = "{name}"')
        conn.execute(f'ALTER ROLE "{name}" SET synchronous_commit = off')
        conn.execute(f'CREATE SCHEMA "{name}" AUTHORIZATION "{name}"')
    direct = _as_role(server, name, password)
    try:
        yield direct, _as_role(through, name, password) if through else direct
    finally:
        _close_peewee()
        with _admin_connect(server) as conn:
            # Like DROP DATABASE ... WITH (FORCE): connections left behind (a thread or
            # child process of the test, PgBouncer's pool) must not block the drop.
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE usename = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            with conn.transaction():
                conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
                conn.execute(f'DROP ROLE IF EXISTS "{name}"')


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL schema for this test only, reached directly."""
    with _postgres_role() as (direct, _):
        yield direct


_BACKEND_MARKS = {
    "sqlite": [],
    "postgres": [
        pytest.mark.postgres,
        pytest.mark.skipif(not os.environ.get(POSTGRES_ENV), reason=f"{POSTGRES_ENV} is not set"),
    ],
    "pgbouncer": [
        pytest.mark.postgres,
        pytest.mark.skipif(
            not (os.environ.get(POSTGRES_ENV) and os.environ.get(PGBOUNCER_ENV)),
            reason=f"{POSTGRES_ENV} and {PGBOUNCER_ENV} are not both set",
        ),
    ],
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests using ``db_url`` run on SQLite and PostgreSQL (only PostgreSQL when marked
    ``postgres``); those marked ``pgbouncer`` also through PgBouncer (only through it with
    ``pgbouncer(only=True)``)."""
    if "db_url" not in metafunc.fixturenames:
        return
    marked = metafunc.definition.get_closest_marker
    backends = ["postgres"] if marked("postgres") else ["sqlite", "postgres"]
    if marked("pgbouncer"):
        backends = [] if marked("pgbouncer").kwargs.get("only") else backends
        backends.append("pgbouncer")
    metafunc.parametrize(
        "db_url",
        [pytest.param(b, id=b, marks=_BACKEND_MARKS[b]) for b in backends],
        indirect=True,
    )


@pytest.fixture
def db_url(request, tmp_path) -> Iterator[str]:
    """The URL of a fresh, empty database (``request.param``: the backend): an SQLite file,
    or a PostgreSQL schema of its own, reached directly or through PgBouncer."""
    if request.param == "sqlite":
        yield _sqlite_url(tmp_path)
        return
    through = None
    if request.param == "pgbouncer":
        through = os.environ.get(PGBOUNCER_ENV)
        if not through:
            pytest.skip(f"{PGBOUNCER_ENV} is not set")
    with _postgres_role(through) as (direct, url):
        if through:
            # As deployed: migrations go to PostgreSQL itself, the app through PgBouncer.
            database = db.open_database(direct)
            db.migrate(database)
            database.close()
        yield url


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return _sqlite_url(tmp_path)


def _open(url: str) -> Iterator[Database]:
    database = db.open_database(url)
    db.migrate()
    try:
        yield database
    finally:
        _close_peewee()


@pytest.fixture
def database(db_url) -> Iterator[Database]:
    """The migrated database, bound to the models."""
    yield from _open(db_url)


@pytest.fixture
def sqlite_database(sqlite_url) -> Iterator[Database]:
    yield from _open(sqlite_url)


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """The SQL statements peewee runs while the test collects them."""
    collected: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            collected.append(str(record.msg[0]) if isinstance(record.msg, tuple) else "")

    logger = logging.getLogger("peewee")
    handler, level = Collect(level=logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield collected
    logger.removeHandler(handler)
    logger.setLevel(level)


# --- seed data ----------------------------------------------------------------------------


def make_seed() -> SimpleNamespace:
    """Two stores, one account per role (all sharing PASSWORD), the default catalogue."""
    mi = catalogue.add_store(SYSTEM, "MI01", "Milano Centro")
    rm = catalogue.add_store(SYSTEM, "RM01", "Roma Eur")
    users = (
        ("vendite.mi", Role.STAFF, "MI01", "Giulia Bianchi"),
        ("vendite.rm", Role.STAFF, "RM01", "Luca Verdi"),
        ("assistenza", Role.SUPPORT, None, "Sara Neri"),
        ("admin", Role.ADMIN, None, "Anna Gialli"),
    )
    for username, role, store, full_name in users:
        accounts.create_user(
            SYSTEM,
            username,
            role,
            password=PASSWORD,
            store_code=store,
            full_name=full_name,
            must_change_password=False,
        )
    coverings = catalogue.list_coverings(SYSTEM)
    return SimpleNamespace(
        mi=(mi.id, mi.code),
        rm=(rm.id, rm.code),
        staff_mi=auth.authenticate("vendite.mi", PASSWORD),
        staff_rm=auth.authenticate("vendite.rm", PASSWORD),
        support=auth.authenticate("assistenza", PASSWORD),
        admin=auth.authenticate("admin", PASSWORD),
        password=PASSWORD,
        coverings=coverings,
        covering_id=coverings[0].id,
    )


@pytest.fixture
def seed(database) -> SimpleNamespace:
    return make_seed()


@pytest.fixture
def sqlite_seed(sqlite_database) -> SimpleNamespace:
    return make_seed()


RegisterFn = Callable[..., PlanDetail]


@pytest.fixture
def register() -> RegisterFn:
    """``register(actor, contract_number, ...)``: register_plan with sensible defaults.

    It uses whatever database is open, so it goes with ``seed`` as well as ``sqlite_seed``.
    """
    return _register


def _register(
    actor: Actor,
    contract_number: str,
    first_name: str = "Mario",
    last_name: str = "Rossi",
    protection: str = "covering",
    covering_id: int | None = None,
) -> PlanDetail:
    if covering_id is None:
        covering_id = catalogue.list_coverings(actor)[0].id
    return plans.register_plan(
        actor,
        covering_id=covering_id,
        contract_number=contract_number,
        first_name=first_name,
        last_name=last_name,
        protection=protection,
    )


# --- printing -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def cups_queue():
    """The real cups-pdf queue of .ci/cups-setup (tests/pdf_tools.py): started if it is
    installed but down; the test is skipped (failed under CI) if CUPS cannot run here."""
    from pdf_tools import cups_pdf_queue

    return cups_pdf_queue()
