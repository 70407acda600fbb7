"""The database layer: URLs, pragmas, migrations, append-only tables, indexed search."""

from __future__ import annotations

import logging
import re
import threading

import pytest
from peewee import DatabaseError, PostgresqlDatabase, SqliteDatabase

from pdp_tui import db
from pdp_tui.models import AuditEvent, Plan, PlanChange
from pdp_tui.services import audit, plans, search

# --- URLs ---------------------------------------------------------------------------------

ALL_MIGRATIONS = sorted(path.stem for path in db.MIGRATIONS_DIR.glob("0*.py"))


@pytest.mark.parametrize(
    "url, message",
    [
        ("sqlite:///:memory:", "SQLite richiede il percorso di un file"),
        ("sqlite://", "SQLite richiede il percorso di un file"),
        ("mysql://root@localhost/pdp", r"non valido \(mysql\)"),
        ("pdp.sqlite3", r"non valido \(pdp.sqlite3\)"),
        ("postgresql://postgres@127.0.0.1:5432", "manca il nome del database"),
        ("postgresql://postgres@127.0.0.1:notaport/x", "la porta 'notaport' non è un numero"),
        ("postgresql://postgres@127.0.0.1:0/x", "la porta '0' non è un numero"),
        ("postgresql://postgres@[::1/x", "IPv6 va tra parentesi quadre"),
        ("postgresql://postgres@[zz::1]:5432/x", "IPv6 va tra parentesi quadre"),
    ],
)
def test_unusable_urls(url, message):
    with pytest.raises(db.DatabaseURLError, match=message):
        db.make_database(url)


def test_urls(tmp_path):
    sqlite = db.make_database(f"sqlite:///{tmp_path}/sub/dir/pdp.sqlite3")
    assert isinstance(sqlite, SqliteDatabase)
    assert (tmp_path / "sub" / "dir").is_dir()  # the folder is created
    for scheme in ("postgresql", "postgres"):
        pg = db.make_database(f"{scheme}://pdp:segreto@db.example:6543/pdp")
        assert isinstance(pg, PostgresqlDatabase)
        assert pg.database == "pdp"
        assert pg.connect_params["host"] == "db.example"
        assert pg.connect_params["port"] == 6543
        assert pg.connect_params["connect_timeout"] == 5


def test_sqlite_pragmas(sqlite_database):
    def pragma(name):
        return sqlite_database.execute_sql(f"PRAGMA {name}").fetchone()[0]

    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") >= 1000


def test_sqlite_pragmas_in_every_thread(sqlite_database):
    seen = {}

    def run():
        seen["journal_mode"] = sqlite_database.execute_sql("PRAGMA journal_mode").fetchone()[0]
        seen["foreign_keys"] = sqlite_database.execute_sql("PRAGMA foreign_keys").fetchone()[0]
        sqlite_database.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert seen == {"journal_mode": "wal", "foreign_keys": 1}


# --- migrations ---------------------------------------------------------------------------


def test_migrations_from_scratch_and_idempotent(db_url):
    database = db.open_database(db_url)
    try:
        assert not db.schema_exists()
        pending, unknown = db.migration_status()
        assert pending == ALL_MIGRATIONS and unknown == []
        assert db.migrate() == ALL_MIGRATIONS
        assert db.schema_exists()
        assert db.migration_status() == ([], [])
        assert db.migrate() == []
        assert db.migrate(database) == []
        with database.connection_context():
            assert {
                "store",
                "user",
                "covering",
                "protection",
                "plan",
                "plan_change",
                "audit_event",
            } <= set(database.get_tables())
    finally:
        database.close()


def test_down_and_up_again(database):
    db._runner(database).down()  # the newest one only
    assert db.migration_status() == (ALL_MIGRATIONS[-1:], [])
    db._runner(database).down(target="0001_initial")
    assert not db.schema_exists()
    assert db.migrate() == ALL_MIGRATIONS
    assert db.migration_status() == ([], [])


def test_upgrading_a_database_that_holds_plans(database, seed, register):
    """Migrations that rebuild a table others reference (SQLite's way of changing a column)
    upgrade a database in use, and keep every row."""
    plan = register(seed.staff_mi, "MI-1")
    if not db.is_postgres():
        database.execute_sql("PRAGMA foreign_keys = 0")
    db._runner(database).down(target="0002_plan_store_contract_index")
    if not db.is_postgres():
        database.execute_sql("PRAGMA foreign_keys = 1")
    assert "0003_user_session_epoch" in db.migration_status()[0]
    assert "0003_user_session_epoch" in db.migrate()
    assert db.migration_status() == ([], [])
    assert plans.get_plan(seed.admin, plan.id).contract_number == "MI-1"
    if not db.is_postgres():
        assert database.execute_sql("PRAGMA foreign_keys").fetchone() == (1,)


def test_concurrent_migrations_apply_once(db_url):
    db.open_database(db_url)
    barrier = threading.Barrier(3)
    results: list[object] = []

    def run():
        barrier.wait(10)
        try:
            results.append(db.migrate())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion
            results.append(exc)
        finally:
            db.database.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results, key=len) == [[], [], ALL_MIGRATIONS]


def test_unknown_applied_migration_is_reported(database):
    runner = db._runner(database)
    runner.History.create(name="0099_from_a_newer_version")
    assert db.migration_status() == ([], ["0099_from_a_newer_version"])


# --- append-only tables -------------------------------------------------------------------


REFUSED = re.compile(r"append-only|never deleted")


def _refused(statement) -> None:
    with pytest.raises(DatabaseError, match=REFUSED):
        with db.database.atomic():
            statement()


def test_audit_events_cannot_be_changed_or_deleted(seed):
    audit.record(audit.Kind.PLAN_VIEWED, seed.support, target="X")
    count = AuditEvent.select().count()
    _refused(lambda: AuditEvent.update(detail="cancellato").execute())
    _refused(lambda: AuditEvent.delete().execute())
    _refused(lambda: AuditEvent.delete().where(AuditEvent.target == "X").execute())
    assert AuditEvent.select().count() == count
    assert AuditEvent.select().where(AuditEvent.detail == "cancellato").count() == 0


def test_plans_and_history_cannot_be_deleted_but_plans_can_be_corrected(seed, register):
    plan = register(seed.staff_mi, "A-1")
    PlanChange.create(
        plan=plan.id,
        kind="correction",
        changed_by=seed.staff_mi.id,
        reason="refuso",
        before="{}",
        after="{}",
    )
    _refused(lambda: Plan.delete().execute())
    _refused(lambda: PlanChange.delete().execute())
    assert Plan.select().count() == PlanChange.select().count() == 1
    with db.database.atomic():
        Plan.update(first_name="Maria").where(Plan.id == plan.id).execute()
    assert Plan.get_by_id(plan.id).first_name == "Maria"


def test_foreign_keys_are_enforced(seed):
    with pytest.raises(DatabaseError):
        with db.database.atomic():
            PlanChange.create(
                plan=999_999,
                kind="void",
                changed_by=seed.staff_mi.id,
                reason="x",
                before="{}",
                after="{}",
            )


# --- the search uses indexes --------------------------------------------------------------


def _captured_selects(run) -> list[tuple[str, tuple]]:
    statements: list[tuple[str, tuple]] = []

    class Capture(logging.Handler):
        def emit(self, record):
            if isinstance(record.msg, tuple):
                sql, params = record.msg
                if sql.startswith("SELECT") and 'FROM "plan"' in sql:
                    statements.append((sql, tuple(params)))

    logger = logging.getLogger("peewee")
    handler, level = Capture(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        run()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return statements


# Walking these indexes in order serves "newest first ... LIMIT n" without a condition.
ORDERED_INDEXES = ("plan_created_at_id", "plan_store_id_created_at_id")


def _full_scans_of_plan(database, sql: str, params: tuple) -> list[str]:
    """The steps of the query plan that read the whole plan table (or a whole index)."""
    if isinstance(database, PostgresqlDatabase):
        with database.atomic():
            # With so few rows a sequential scan would be cheapest; forbid it so that
            # the planner shows whether an index can serve the query at all.
            database.execute_sql("SET LOCAL enable_seqscan = off")
            lines = [row[0] for row in database.execute_sql("EXPLAIN " + sql, params)]
        bad = []
        for i, line in enumerate(lines):
            if " on plan t1" not in line or "Bitmap Heap Scan" in line:
                continue  # a bitmap heap scan reads what its index scan found
            depth = len(line) - len(line.lstrip())
            details = []
            for below in lines[i + 1 :]:
                if len(below) - len(below.lstrip()) <= depth:
                    break
                details.append(below)
            has_condition = any("Index Cond" in d for d in details)
            if "Seq Scan" in line or not (
                has_condition or any(f"using {ix} " in line for ix in ORDERED_INDEXES)
            ):
                bad.append(line.strip())
        return bad
    rows = database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    # Peewee aliases the plan table as t1. SEARCH uses an index with a condition;
    # SCAN reads everything, acceptable only along an index that gives the order.
    return [
        row[-1]
        for row in rows
        if re.search(r"\bSCAN t1\b", row[-1])
        and not any(f"USING INDEX {ix}" in row[-1] for ix in ORDERED_INDEXES)
    ]


def test_search_queries_use_an_index(database, seed, register):
    for i in range(30):
        register(seed.staff_mi if i % 2 else seed.staff_rm, f"PDP-{i:03d}", "Anna", f"Rossi{i}")
    first = search.search_plans(seed.support, "", limit=5)

    def run():
        for actor in (seed.staff_mi, seed.support):
            search.search_plans(actor, "", limit=5)
            search.search_plans(actor, "pdp-01", limit=5)
            search.search_plans(actor, "rossi1", limit=5)
            search.search_plans(actor, "", cursor=first.next_cursor, limit=5)
            search.search_plans(actor, "rossi", cursor=first.next_cursor, limit=5)
        search.search_plans(seed.support, "rossi", store_id=seed.mi[0], limit=5)

    statements = _captured_selects(run)
    assert len(statements) >= 15
    for sql, params in statements:
        assert _full_scans_of_plan(database, sql, params) == [], sql


def test_the_models_match_the_migrated_schema(database):
    """models.py and the migrations describe the same tables, columns and indexes."""
    from playhouse.schema_diff import diff_models

    from pdp_tui.models import ALL_MODELS

    with database.connection_context():
        diff = diff_models(database, ALL_MODELS)
    assert not diff, str(diff)


def _rows_of_a_deployed_database(database) -> None:
    """A store, an account, a plan with its history and audit events, as a database at the
    first schema holds them (plain SQL: the models describe the newest schema)."""
    now = "2025-03-10 09:00:00"
    statements = [
        "INSERT INTO store (code, name, active, created_at) VALUES ('MI01', 'Milano', TRUE, %s)",
        'INSERT INTO "user" (username, full_name, role, store_id, password_hash, '
        "must_change_password, active, failed_logins, created_at) "
        "VALUES ('vendite.mi', 'Giulia', 'staff', 1, 'x', FALSE, TRUE, 0, %s)",
        "INSERT INTO plan (contract_number, first_name, last_name, name_key, covering_id, "
        "protection_id, activation_code, store_id, created_by_id, created_at, valid_until, "
        "status) VALUES ('MI-0001', 'Nicolò', 'D''Amico', 'd''amico nicolo', 1, 1, "
        "'7S13PW746JBF', 1, 1, %s, '2030-03-10', 'active')",
        "INSERT INTO plan_change (plan_id, kind, changed_at, changed_by_id, reason, before, "
        "after) VALUES (1, 'correction', %s, 1, 'refuso', '{}', '{}')",
        "INSERT INTO audit_event (at, user_id, username, store_id, kind, target, detail) "
        "VALUES (%s, 1, 'vendite.mi', 1, 'plan_registered', 'MI-0001', '')",
    ]
    with database.connection_context():
        for sql in statements:
            if not db.is_postgres(database):
                sql = sql.replace("%s", "?").replace("TRUE", "1").replace("FALSE", "0")
            database.execute_sql(sql, (now,))


def test_each_migration_upgrades_a_database_that_holds_data(db_url):
    """Deployed databases hold plans, history and audit events that refer to stores and
    accounts: every migration must apply over them (SQLite rebuilds a table to add a NOT
    NULL column, which those foreign keys forbid), one at a time and all at once."""
    database = db.open_database(db_url)
    runner = db._runner(database)
    with database.connection_context():
        runner.up(target=ALL_MIGRATIONS[0])
    _rows_of_a_deployed_database(database)
    for name in ALL_MIGRATIONS[1:]:
        with database.connection_context(), database.atomic():
            assert runner.up(target=name) == [name]
    assert db.migration_status() == ([], [])
    from pdp_tui.models import AuditEvent, Plan, PlanChange, User

    with database.connection_context():
        plan = Plan.get(Plan.contract_number == "MI-0001")
        assert (plan.first_name, plan.last_name) == ("Nicolò", "D'Amico")
        # Migration 0006 rewrote the search keys of the plans already there.
        assert (plan.name_key, plan.first_last_key) == ("damiconicolo", "nicolodamico")
        assert PlanChange.select().count() == 1 and AuditEvent.select().count() >= 1
        assert User.get(User.username == "vendite.mi").store_id == plan.store_id


def test_migration_0006_rewrites_the_name_keys_both_ways(database, seed, register):
    """Down restores the spaced "cognome nome" key; up makes both compact keys again."""
    from pdp_tui.models import Plan

    register(seed.staff_mi, "MI-0006", "Nicolò", "D'Amico")
    runner = db._runner(database)
    runner.down(target="0006_forgiving_name_keys")  # and any newer one
    assert database.execute_sql("SELECT name_key FROM plan").fetchall() == [("d'amico nicolo",)]
    runner.up()
    plan = Plan.get(Plan.contract_number == "MI-0006")
    assert (plan.name_key, plan.first_last_key) == ("damiconicolo", "nicolodamico")
