"""The database: opened from a URL, SQLite by default, PostgreSQL for a central server.

Models bind to ``database``, a proxy initialised by ``open_database``. Connections are
per thread (peewee's default); ``session()`` opens one for a unit of work and gives
pooled PostgreSQL connections back when it ends.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from peewee import Database, DatabaseProxy, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import parse as parse_url
from playhouse.migrations import Runner
from playhouse.pool import PooledPostgresqlDatabase

database = DatabaseProxy()

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_S = 10
_ADVISORY_LOCK_KEY = 0x5D9_7A1  # serialises concurrent migration runs on PostgreSQL


class DatabaseURLError(ValueError):
    """The database URL cannot be used."""


def make_database(url: str) -> Database:
    """A database object for ``url``, not yet connected."""
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        path = parse_url(url)["database"]
        if not path or path == ":memory:":
            # Each worker thread would see a different, empty in-memory database.
            raise DatabaseURLError("SQLite needs a file path: sqlite:///path/to/pdp.sqlite3")
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        return SqliteDatabase(
            str(Path(path).expanduser()),
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
        if not params.get("database"):
            raise DatabaseURLError("PostgreSQL URL without a database name")
        params.setdefault("connect_timeout", 5)
        name = params.pop("database")
        return PooledPostgresqlDatabase(
            name, max_connections=16, stale_timeout=300, prefer_psycopg3=True, **params
        )
    raise DatabaseURLError(f"unsupported database URL scheme: {scheme!r} (sqlite, postgresql)")


def open_database(url: str) -> Database:
    """Create the database for ``url`` and bind the models to it."""
    db = make_database(url)
    if database.obj is not None and not database.obj.is_closed():
        database.obj.close()
    database.initialize(db)
    return db


def is_postgres(db: Database | None = None) -> bool:
    return isinstance(db or database.obj, PostgresqlDatabase)


def session():
    """Connection for one unit of work (nests; the outermost one closes it)."""
    return database.connection_context()


def _runner(db: Database) -> Runner:
    return Runner(db, directory=str(MIGRATIONS_DIR))


def migration_status(db: Database | None = None) -> tuple[list[str], list[str]]:
    """(pending migration names, applied names unknown to this version)."""
    db = db or database.obj
    with db.connection_context():
        status = _runner(db).status()
    pending = [m.name for m in status if m.applied is None]
    unknown = [m.name for m in status if m.path is None]
    return pending, unknown


def migrate(db: Database | None = None) -> list[str]:
    """Apply pending migrations; safe to run from several processes at once."""
    db = db or database.obj
    with db.connection_context(), db.atomic():
        if is_postgres(db):
            db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_ADVISORY_LOCK_KEY,))
        return _runner(db).up()


def schema_exists(db: Database | None = None) -> bool:
    db = db or database.obj
    with db.connection_context():
        return "plan" in db.get_tables()
