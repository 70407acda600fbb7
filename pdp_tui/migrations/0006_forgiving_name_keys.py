"""Search that forgives: name keys without apostrophes, hyphens or spaces, both ways round.

``plan.name_key`` becomes "cognome nome" folded to letters and digits only ("D'Amico
Nicolò" -> "damiconicolo"), and the new ``plan.first_last_key`` holds "nome cognome"
("nicolodamico"), indexed alone and per store as name_key is. The column is added with a
constant default (instant on both backends, no table rebuild), then every row's keys are
computed by the same Python function the app uses (services.text as of this migration,
frozen below) and written in batches of ids: one UPDATE per batch, from a VALUES list.
"""

import unicodedata

from peewee import PostgresqlDatabase

BATCH = 5000
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
INDEXES = (
    ("plan_first_last_key", ("first_last_key",)),
    ("plan_store_id_first_last_key", ("store_id", "first_last_key")),
)


def _fold(text):
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def _compact(text):
    return "".join(ch for ch in _fold(text) if ch.isalnum())


def _new_keys(last, first):
    return _compact(f"{last} {first}"), _compact(f"{first} {last}")


def _old_keys(last, first):
    return _fold(f"{last} {first}"), ""


def _is_postgres(db):
    return isinstance(db, PostgresqlDatabase)


def _fill(db, keys):
    """Rewrite name_key and first_last_key of every plan, ``BATCH`` ids at a time."""
    postgres = _is_postgres(db)
    mark = "%s" if postgres else "?"
    last_id = 0
    while True:
        rows = db.execute_sql(
            f"SELECT id, last_name, first_name FROM plan WHERE id > {mark} "
            f"ORDER BY id LIMIT {BATCH}",
            (last_id,),
        ).fetchall()
        if not rows:
            return
        params = []
        for pid, last, first in rows:
            params += [pid, *keys(last, first)]
        values = ", ".join([f"({mark}, {mark}, {mark})"] * len(rows))
        # UPDATE ... FROM: PostgreSQL, and SQLite since 3.33 (VALUES names its columns
        # column1, column2, ...).
        db.execute_sql(
            "UPDATE plan SET name_key = k.column2, first_last_key = k.column3 "
            f"FROM (SELECT * FROM (VALUES {values}) AS v(column1, column2, column3)) AS k "
            "WHERE plan.id = k.column1"
            if postgres
            else "UPDATE plan SET name_key = k.column2, first_last_key = k.column3 "
            f"FROM (VALUES {values}) AS k WHERE plan.id = k.column1",
            params,
        )
        last_id = rows[-1][0]


def up(migrator, db):
    collate = ' COLLATE "C"' if _is_postgres(db) else ""
    # A constant default: no rewrite of the table on PostgreSQL, no rebuild on SQLite.
    db.execute_sql(
        f"ALTER TABLE plan ADD COLUMN first_last_key VARCHAR(130){collate} NOT NULL DEFAULT ''"
    )
    _fill(db, _new_keys)
    migrator.migrate(
        *(migrator.add_index("plan", columns, False, name=name) for name, columns in INDEXES)
    )


def down(migrator, db):
    migrator.migrate(*(migrator.drop_index("plan", name) for name, _ in INDEXES))
    _fill(db, _old_keys)
    migrator.migrate(migrator.drop_column("plan", "first_last_key"))
