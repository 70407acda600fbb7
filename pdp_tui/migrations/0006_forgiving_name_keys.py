"""Search that forgives: name keys without apostrophes, hyphens or spaces, both ways round.

``plan.name_key`` becomes "cognome nome" folded to letters and digits only ("D'Amico
Nicolò" -> "damiconicolo"), and the new ``plan.first_last_key`` holds "nome cognome"
("nicolodamico"), indexed alone and per store as name_key is. The column is added with a
constant default (instant on both backends, no table rebuild), then every row's keys are
computed by the same Python function the app uses (services.text as of this migration,
frozen below): on SQLite in one UPDATE that calls it as an SQL function, on PostgreSQL in
batches of ids, one UPDATE from a VALUES list each. The name-key indexes are dropped
during the fill and built again after it.
"""

import unicodedata

from peewee import PostgresqlDatabase

BATCH = 5000
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
NAME_KEY_INDEXES = (
    ("plan_name_key", ("name_key",)),
    ("plan_store_id_name_key", ("store_id", "name_key")),
)
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
    """Rewrite name_key and first_last_key of every plan with ``keys(last, first)``."""
    if not _is_postgres(db):
        # One pass over the table, the keys made by the same Python function.
        connection = db.connection()
        connection.create_function(
            "pdp_name_key", 2, lambda last, first: keys(last, first)[0], deterministic=True
        )
        connection.create_function(
            "pdp_first_last_key", 2, lambda last, first: keys(last, first)[1], deterministic=True
        )
        db.execute_sql(
            "UPDATE plan SET name_key = pdp_name_key(last_name, first_name), "
            "first_last_key = pdp_first_last_key(last_name, first_name)"
        )
        return
    # PostgreSQL: BATCH plans at a time, one UPDATE from a VALUES list each.
    last_id = 0
    while True:
        rows = db.execute_sql(
            f"SELECT id, last_name, first_name FROM plan WHERE id > %s ORDER BY id LIMIT {BATCH}",
            (last_id,),
        ).fetchall()
        if not rows:
            return
        params = []
        for pid, last, first in rows:
            params += [pid, *keys(last, first)]
        values = ", ".join(["(%s, %s, %s)"] * len(rows))
        db.execute_sql(
            "UPDATE plan SET name_key = k.name_key, first_last_key = k.first_last_key "
            f"FROM (VALUES {values}) AS k(id, name_key, first_last_key) WHERE plan.id = k.id",
            params,
        )
        last_id = rows[-1][0]


def up(migrator, db):
    collate = ' COLLATE "C"' if _is_postgres(db) else ""
    # A constant default: no rewrite of the table on PostgreSQL, no rebuild on SQLite.
    db.execute_sql(
        f"ALTER TABLE plan ADD COLUMN first_last_key VARCHAR(130){collate} NOT NULL DEFAULT ''"
    )
    # Every key changes: building the indexes afterwards, by a sort, is much cheaper than
    # moving a million entries in them one at a time.
    migrator.migrate(*(migrator.drop_index("plan", name) for name, _ in NAME_KEY_INDEXES))
    _fill(db, _new_keys)
    migrator.migrate(
        *(
            migrator.add_index("plan", columns, False, name=name)
            for name, columns in NAME_KEY_INDEXES + INDEXES
        )
    )
    if _is_postgres(db) and db.execute_sql(f"SELECT count(*) > {BATCH} FROM plan").fetchone()[0]:
        # Statistics of the rewritten keys for the planner, where there are many (VACUUM
        # cannot run in the migration's transaction: autovacuum clears the old versions).
        # Not on a small table: its statistics would outlive it as the table grows.
        db.execute_sql("ANALYZE plan")


def down(migrator, db):
    migrator.migrate(*(migrator.drop_index("plan", name) for name, _ in INDEXES + NAME_KEY_INDEXES))
    _fill(db, _old_keys)
    migrator.migrate(
        *(
            migrator.add_index("plan", columns, False, name=name)
            for name, columns in NAME_KEY_INDEXES
        ),
        migrator.drop_column("plan", "first_last_key"),
    )
