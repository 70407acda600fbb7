"""The demo fill and the bulk loader under it: indexes kept whole, repeated codes redrawn,
unique violations told apart by type (not by the words of the message)."""

from __future__ import annotations

import sqlite3

import pytest
from peewee import IntegrityError

from pdp_tui import db, db_bulk, demo
from pdp_tui.demo import synthetic
from pdp_tui.domain import SYSTEM
from pdp_tui.models import Plan
from pdp_tui.services import codes


def _index_definitions() -> dict[str, str]:
    if db.is_postgres():
        rows = db.database.execute_sql(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = 'plan' AND schemaname = current_schema()"
        )
    else:
        rows = db.database.execute_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'plan'"
        )
    return dict(rows.fetchall())


def test_index_rebuild_restores_the_same_indexes_even_on_failure(database, monkeypatch):
    demo.ensure_demo_stores(SYSTEM)
    demo.ensure_demo_accounts(SYSTEM)
    before = _index_definitions()
    assert len(before) >= 10

    # A failure half-way: no plan kept, every index back as it was.
    original = synthetic.PlanRows._chunk
    calls = []

    def failing_chunk(self, start, n):
        calls.append(start)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return original(self, start, n)

    monkeypatch.setattr(synthetic.PlanRows, "_chunk", failing_chunk)
    with pytest.raises(RuntimeError):
        demo.fill_plans(SYSTEM, 3000, chunk_size=1000, rebuild_indexes=True)
    assert _index_definitions() == before
    assert Plan.select().count() == 0
    monkeypatch.setattr(synthetic.PlanRows, "_chunk", original)

    # A repeated activation code: the unique index refuses it, the code is redrawn.
    demo.fill_plans(SYSTEM, 1500, rebuild_indexes=False)
    taken = Plan.select(Plan.activation_code).order_by(Plan.id).first().activation_code
    real_unique_codes = synthetic.unique_codes

    def repeat_once(n):
        monkeypatch.setattr(synthetic, "unique_codes", real_unique_codes)
        return [taken, *real_unique_codes(n - 1)]

    violations = []
    real_is_unique_violation = db_bulk.is_unique_violation

    def spy(exc):
        violations.append(exc)
        return real_is_unique_violation(exc)

    monkeypatch.setattr(db_bulk, "is_unique_violation", spy)
    monkeypatch.setattr(synthetic, "unique_codes", repeat_once)
    added, _, _, rebuilt = demo.fill_plans(SYSTEM, 1500, rebuild_indexes=True)
    assert rebuilt and added == 1500
    assert len(violations) == 1
    assert _index_definitions() == before
    # ... and with the indexes in place, the chunk is retried with new codes.
    monkeypatch.setattr(synthetic, "unique_codes", repeat_once)
    added, _, _, rebuilt = demo.fill_plans(SYSTEM, 500, rebuild_indexes=False)
    assert added == 500 and not rebuilt
    assert len(violations) == 2
    all_codes = [p.activation_code for p in Plan.select(Plan.activation_code)]
    assert len(all_codes) == 3500 == len(set(all_codes))
    assert all(codes.parse_code(c) == c for c in all_codes)


def _refusal(statement: str, params: tuple = ()) -> Exception:
    """What the raw driver raises for ``statement`` (the loader writes below the ORM)."""
    cursor = db.database.connection().cursor()
    try:
        with db.database.atomic():
            cursor.execute(statement, params)
    except Exception as exc:  # noqa: BLE001 - returned to be examined
        return exc
    finally:
        cursor.close()
    raise AssertionError(f"not refused: {statement}")


def test_unique_violations_are_told_by_type_and_code(database):
    db.database.execute_sql("CREATE TABLE probe (k VARCHAR(10) UNIQUE, v VARCHAR(10) NOT NULL)")
    mark = "%s" if db.is_postgres() else "?"
    insert = f"INSERT INTO probe (k, v) VALUES ({mark}, {mark})"
    db.database.execute_sql(insert, ("a", "x"))

    # Through peewee: its IntegrityError wraps the driver's.
    with pytest.raises(IntegrityError) as wrapped, db.database.atomic():
        db.database.execute_sql(insert, ("a", "y"))
    assert db_bulk.is_unique_violation(wrapped.value)
    # Straight from the driver: psycopg's UniqueViolation (23505), sqlite3's IntegrityError.
    driver = _refusal(insert, ("a", "z"))
    assert db_bulk.is_unique_violation(driver)
    assert getattr(driver, "sqlstate", None) == "23505" or isinstance(
        driver, sqlite3.IntegrityError
    )
    # Other refusals are not, whatever their message says.
    assert not db_bulk.is_unique_violation(_refusal(insert, ("b", None)))
    assert not db_bulk.is_unique_violation(ValueError("UNIQUE constraint failed: duplicate key"))
