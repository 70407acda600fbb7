"""Bulk loading: many rows into one table in one transaction, below the ORM.

``executemany`` on the raw sqlite3 connection, ``COPY`` on PostgreSQL. For a large load the
table's secondary indexes are dropped first and rebuilt from their own definitions
afterwards (a sort is much cheaper than a million random index inserts). The DDL is part of
the transaction, so a failure or an interrupt rolls the indexes back with the rows; a final
check recreates any index that is still missing. While that transaction runs, PostgreSQL
keeps other sessions out of the table: load into a database nobody is using.

Rows whose values a unique index refuses are handed to the caller to change (``fix_rows``
while the indexes are in place, ``fix_table`` when a rebuilt unique index finds repeats).
Refusals are told apart by type and SQLSTATE, never by the message's text. The next chunk
is made in a helper thread while the previous one is written.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from pdp_tui.db import database, is_postgres

# phase, done, total
Progress = Callable[[str, int, int], None]
Row = tuple
UNIQUE_VIOLATION = "23505"  # SQLSTATE
_SQLITE_UNIQUE = (sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
_ATTEMPTS = 5
log = logging.getLogger(__name__)


class Index(NamedTuple):
    name: str
    sql: str  # the CREATE statement
    unique: bool


class StillRepeated(Exception):
    """A unique index still finds repeated values after the caller's fixes."""

    def __init__(self, index: str) -> None:
        super().__init__(index)
        self.index = index


def is_unique_violation(exc: BaseException) -> bool:
    """A unique index or constraint refused a value: SQLSTATE 23505 on PostgreSQL,
    SQLITE_CONSTRAINT_UNIQUE (or _PRIMARYKEY) on SQLite; peewee's wrapper or the driver's own."""
    original = getattr(exc, "orig", None) or exc
    if getattr(original, "sqlstate", None) == UNIQUE_VIOLATION:
        return True
    return (
        isinstance(original, sqlite3.IntegrityError)
        and getattr(original, "sqlite_errorcode", None) in _SQLITE_UNIQUE
    )


def wants_text_rows() -> bool:
    """Rows for this database must hold str values only (PostgreSQL's text COPY)."""
    return is_postgres()


def secondary_indexes(table: str) -> list[Index]:
    """The table's indexes that can be dropped and rebuilt (not those behind a constraint)."""
    if is_postgres():
        rows = database.execute_sql(
            "SELECT i.indexname, i.indexdef, x.indisunique FROM pg_indexes i "
            "JOIN pg_class c ON c.relname = i.indexname "
            "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = i.schemaname "
            "JOIN pg_index x ON x.indexrelid = c.oid "
            "WHERE i.tablename = %s AND i.schemaname = current_schema() "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid) "
            "ORDER BY i.indexname",
            (table,),
        ).fetchall()
        return [Index(name, sql, bool(unique)) for name, sql, unique in rows]
    rows = database.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY name",
        (table,),
    ).fetchall()
    return [Index(name, sql, sql.upper().startswith("CREATE UNIQUE")) for name, sql in rows]


@dataclass
class BulkLoad:
    """One load: ``rows`` (chunks of tuples in ``columns`` order) into ``table``.

    On PostgreSQL the values must be str (``wants_text_rows``) without tab, newline or
    backslash. ``fix_rows`` returns a chunk with new values where a unique index refused
    it; ``fix_table`` changes repeated values already stored, True if it changed any.
    """

    table: str
    columns: tuple[str, ...]
    fix_rows: Callable[[list[Row]], list[Row]]
    fix_table: Callable[[], bool]
    phase: str = "rows"
    progress: Progress | None = None

    def run(self, chunks: Iterator[list[Row]], total: int, *, rebuild_indexes: bool) -> bool:
        """Write every chunk in one transaction; True if indexes were dropped and rebuilt.

        ``chunks`` runs in a helper thread: it must not use the database.
        """
        progress = self.progress or (lambda phase, done, total: None)
        postgres = is_postgres()
        indexes = secondary_indexes(self.table) if rebuild_indexes else []
        restore_pragmas = _speed_up_sqlite() if not postgres else lambda: None
        try:
            with database.atomic():
                if postgres:
                    # Transaction-scoped: nothing is left in the session (PgBouncer).
                    database.execute_sql("SET LOCAL maintenance_work_mem = '256MB'")
                    database.execute_sql("SET LOCAL synchronous_commit = off")
                for index in indexes:
                    database.execute_sql(f"DROP INDEX {_quote(index.name)}")
                done = 0
                progress(self.phase, 0, total)
                unrefused = bool(indexes) or not any(
                    i.unique for i in secondary_indexes(self.table)
                )
                with self._writer(postgres, unrefused) as write:
                    for rows in _made_ahead(chunks):
                        write(rows)
                        done += len(rows)
                        progress(self.phase, done, total)
                if indexes:
                    self._rebuild(indexes, progress)
        except BaseException:
            if indexes:
                try:
                    self._restore_missing(indexes)
                except Exception:  # noqa: BLE001 - the original error is the one to report
                    log.warning("could not check the indexes of %s", self.table, exc_info=True)
            raise
        finally:
            restore_pragmas()
        if postgres:
            database.execute_sql(f"ANALYZE {_quote(self.table)}")
        else:
            database.execute_sql("PRAGMA optimize")
        return bool(indexes)

    # --- writing -------------------------------------------------------------------------

    @contextmanager
    def _writer(self, postgres: bool, unrefused: bool) -> Iterator[Callable[[list[Row]], None]]:
        """A function that writes one chunk of rows.

        ``unrefused``: no unique index is in place, so no row can be refused; on PostgreSQL
        one COPY then spans every chunk and the server stores a chunk while we make the next.
        """
        if postgres and unrefused:
            with database.connection().cursor() as cursor:
                with cursor.copy(self._copy_sql()) as copy:
                    yield lambda rows: copy.write(_copy_text(rows))
            return
        insert = self._copy_chunk if postgres else self._insert_chunk
        if unrefused:
            yield insert
            return
        yield lambda rows: self._insert_refusable(insert, rows)

    def _copy_sql(self) -> str:
        return f"COPY {_quote(self.table)} ({', '.join(self.columns)}) FROM STDIN"

    def _copy_chunk(self, rows: list[Row]) -> None:
        with database.connection().cursor() as cursor:
            with cursor.copy(self._copy_sql()) as copy:
                copy.write(_copy_text(rows))

    def _insert_chunk(self, rows: list[Row]) -> None:
        marks = ", ".join("?" * len(self.columns))
        database.connection().executemany(
            f"INSERT INTO {_quote(self.table)} ({', '.join(self.columns)}) VALUES ({marks})", rows
        )

    def _insert_refusable(self, insert: Callable[[list[Row]], None], rows: list[Row]) -> None:
        """With the unique indexes in place: a refused chunk is fixed and written again."""
        for _ in range(_ATTEMPTS - 1):
            try:
                with database.savepoint():
                    insert(rows)
                return
            except Exception as exc:  # IntegrityError from either driver
                if not is_unique_violation(exc):
                    raise
                rows = self.fix_rows(rows)
        insert(rows)

    # --- indexes -------------------------------------------------------------------------

    def _rebuild(self, indexes: list[Index], progress: Progress) -> None:
        total = len(indexes)
        # Unique indexes first: repeated values are fixed before the rest is built.
        for done, index in enumerate(sorted(indexes, key=lambda i: not i.unique)):
            progress("indexes", done, total)
            if not index.unique:
                database.execute_sql(index.sql)
                continue
            for _ in range(_ATTEMPTS):
                try:
                    with database.savepoint():
                        database.execute_sql(index.sql)
                    break
                except Exception as exc:  # IntegrityError from either driver
                    if not is_unique_violation(exc) or not self.fix_table():
                        raise
            else:
                raise StillRepeated(index.name)
        progress("indexes", total, total)

    def _restore_missing(self, indexes: list[Index]) -> None:
        """After a failure: recreate any index the rollback did not bring back."""
        present = {index.name for index in secondary_indexes(self.table)}
        for index in indexes:
            if index.name not in present:
                database.execute_sql(index.sql)


def _made_ahead(chunks: Iterator[list[Row]]) -> Iterator[list[Row]]:
    """The same chunks, each made in a helper thread while the previous one is written.

    Writing spends most of its time in the driver or the server, without the GIL, so on two
    cores making and writing overlap.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdp-bulk-rows") as pool:
        pending = pool.submit(next, chunks, None)
        while (rows := pending.result()) is not None:
            pending = pool.submit(next, chunks, None)
            yield rows


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _copy_text(rows: list[Row]) -> str:
    # Text COPY: the caller's values hold no tab, newline or backslash.
    return "".join("\t".join(row) + "\n" for row in rows)


def _speed_up_sqlite() -> Callable[[], None]:
    """Bigger cache and sorter threads for the load; returns the undo."""
    conn = database.connection()
    before = {
        name: conn.execute(f"PRAGMA {name}").fetchone()[0]
        for name in ("cache_size", "threads", "temp_store")
    }
    conn.execute("PRAGMA cache_size = -32768")  # 32 MiB
    conn.execute("PRAGMA threads = 2")
    conn.execute("PRAGMA temp_store = MEMORY")

    def undo() -> None:
        for name, value in before.items():
            conn.execute(f"PRAGMA {name} = {int(value)}")

    return undo
