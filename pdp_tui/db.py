"""The database: opened from a URL, SQLite by default, PostgreSQL for a central server.

Models bind to ``database``, a proxy initialised by ``open_database``. Connections are
per thread (peewee's default); ``session()`` gives one to a unit of work.

On PostgreSQL a process uses at most one connection, which its threads' units of work
take in turn, and closes it after a while without work (``db_serial``). The app's queries
keep no state in the server session (no prepared statements, SET, session locks, LISTEN
or temporary tables), so that a PgBouncer in transaction pooling mode can hand the server
connection to another process between transactions.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlparse

from peewee import (
    ConnectionContext,
    Database,
    DatabaseProxy,
    IntegrityError,
    InterfaceError,
    PostgresqlDatabase,
    SqliteDatabase,
)

from pdp_tui.database_url import MESSAGES, DatabaseURLError, check_url, sqlite_path
from pdp_tui.db_serial import SerialPostgresqlDatabase

if TYPE_CHECKING:
    from playhouse.migrations import Runner

__all__ = ["MESSAGES", "DatabaseURLError", "check_url", "database", "make_database"]

database = DatabaseProxy()

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_S = 10
_ADVISORY_LOCK_KEY = 0x5D9_7A1  # serialises concurrent migration runs on PostgreSQL


def parse_url(url: str) -> dict:
    """Connection arguments of ``url``, as ``playhouse.db_url.parse`` gives them.

    Not imported from there: playhouse.db_url imports every database flavour that peewee
    supports (postgres_ext, cockroachdb, mysql_ext...) to register their URL schemes, and
    with them psycopg even for SQLite: memory in each app process (process_memory.py).
    """
    parsed = urlparse(url)
    params: dict = {"database": parsed.path[1:]}
    if parsed.username:
        params["user"] = parsed.username
    if parsed.password:
        params["password"] = parsed.password
    if parsed.hostname:
        params["host"] = parsed.hostname
    if parsed.port:
        params["port"] = parsed.port
    for key, value in parse_qsl(parsed.query, keep_blank_values=True):
        params[key] = _query_value(value)
    return params


def _query_value(value: str):
    lowered = value.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if value.isdigit():
        return int(value)
    if "." in value and all(part.isdigit() for part in value.split(".", 1)):
        return float(value)
    if lowered in ("null", "none"):
        return None
    return value


def make_database(url: str, *, create: bool = True) -> Database:
    """A database object for ``url``, not yet connected.

    ``create`` False refuses an SQLite file that does not exist yet: the app and the
    commands other than ``migrate`` and ``demo`` open a database, they do not make one
    where a mistyped URL points.
    """
    scheme = check_url(url)
    if scheme == "sqlite":
        path = sqlite_path(url, create=create)
        return SqliteDatabase(
            str(path),
            pragmas={
                "journal_mode": "wal",
                "foreign_keys": 1,
                "busy_timeout": SQLITE_BUSY_TIMEOUT_S * 1000,
                "synchronous": "normal",
            },
            timeout=SQLITE_BUSY_TIMEOUT_S,
            lock_type="IMMEDIATE",  # writers take the lock up front: no upgrade deadlocks
        )
    if scheme in ("postgres", "postgresql"):
        params = parse_url(url)
        params.setdefault("connect_timeout", 5)
        params.setdefault("application_name", "pdp-tui")
        # Server-side prepared statements outlive the transaction: PgBouncer 1.18 in
        # transaction mode would run them on another client's connection.
        params["prepare_threshold"] = None
        name = params.pop("database")
        return SerialPostgresqlDatabase(name, prefer_psycopg3=True, **params)
    raise AssertionError(scheme)  # check_url refused it


def is_disk_full(exc: BaseException) -> bool:
    """Did the database refuse a write for lack of space? SQLite's SQLITE_FULL ("database or
    disk is full"), PostgreSQL's disk_full (SQLSTATE 53100), or ENOSPC, however wrapped
    (peewee keeps the driver's exception as ``orig``)."""
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        error = todo.pop()
        if not isinstance(error, BaseException) or id(error) in seen:
            continue
        seen.add(id(error))
        if getattr(error, "sqlstate", None) == "53100":
            return True
        if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            return True
        if isinstance(error, OSError) and error.errno == 28:  # ENOSPC
            return True
        if "database or disk is full" in str(error):
            return True
        todo.extend([getattr(error, "orig", None), error.__cause__, error.__context__])
    return False


def open_database(url: str, *, create: bool = True) -> Database:
    """Create the database object for ``url`` and bind the models to it (``create``: see
    ``make_database``)."""
    db = make_database(url, create=create)
    release(database.obj)
    database.initialize(db)
    return db


def release(db: Database | None = None) -> None:
    """Close this thread's connection and the idle one a PostgreSQL database keeps."""
    db = db or database.obj
    if db is None:
        return
    if not db.is_closed():
        db.close()
    if isinstance(db, SerialPostgresqlDatabase):
        db.close_kept()


def is_postgres(db: Database | None = None) -> bool:
    return isinstance(db or database.obj, PostgresqlDatabase)


def session() -> ConnectionContext:
    """Connection for one unit of work (nests; the outermost one gives it back).

    Through the database itself, not the proxy, so that PostgreSQL's units take turns.
    """
    if database.obj is None:
        raise InterfaceError("no database is open")
    return database.obj.connection_context()


MIGRATIONS_TABLE = "schema_migration"  # playhouse.migrations.Runner's history table


def _runner(db: Database) -> Runner:
    # Imported when migrating only: playhouse.migrate imports every flavour's extension
    # (cockroachdb, postgres_ext with psycopg): memory each app process would keep.
    from playhouse.migrations import Runner

    return Runner(db, directory=str(MIGRATIONS_DIR), table_name=MIGRATIONS_TABLE)


def migration_status(db: Database | None = None) -> tuple[list[str], list[str]]:
    """(pending migration names, applied names unknown to this version).

    What ``Runner.status()`` says, read without playhouse.migrations (see ``_runner``).
    """
    db = db or database.obj
    files = sorted(p.stem for p in MIGRATIONS_DIR.glob("[0-9]*.py"))
    with db.connection_context():
        applied: set[str] = set()
        if db.table_exists(MIGRATIONS_TABLE):
            cursor = db.execute_sql(f"SELECT name FROM {MIGRATIONS_TABLE}")
            applied = {row[0] for row in cursor.fetchall()}
    pending = [name for name in files if name not in applied]
    unknown = sorted(applied - set(files))
    return pending, unknown


def migrate(db: Database | None = None) -> list[str]:
    """Apply pending migrations; safe to run from several processes at once."""
    db = db or database.obj
    with db.connection_context():
        if is_postgres(db):
            with db.atomic():
                db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_ADVISORY_LOCK_KEY,))
                return _runner(db).up()
        # SQLite changes a column by rebuilding its table (copy, drop, rename), and dropping
        # a table that other rows reference (the user of a plan) fails while foreign keys
        # are on. The pragma is a no-op inside a transaction, so it is set before one, and
        # the keys are checked once at the end, as SQLite's ALTER TABLE notes advise.
        db.execute_sql("PRAGMA foreign_keys = 0")
        try:
            with db.atomic():
                applied = _runner(db).up()
                broken = db.execute_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise IntegrityError(f"foreign keys broken by the migrations: {broken[:5]}")
            return applied
        finally:
            db.execute_sql("PRAGMA foreign_keys = 1")


def schema_exists(db: Database | None = None) -> bool:
    db = db or database.obj
    with db.connection_context():
        return "plan" in db.get_tables()
