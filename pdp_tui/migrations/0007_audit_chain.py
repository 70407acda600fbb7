"""A tamper-evident audit log, and history nobody rewrites.

- audit_event gets ``prev_hash`` and ``hash`` (a SHA-256 chain, services/audit.py) and
  ``plan_id`` (the plan whose fields an event records), indexed with the id so that the
  verification finds each plan's latest state in its own batch.
- audit_chain holds the chain's head: one row, locked by every writer.
- The events already in the log are chained in id order (their hashes filled in, with the
  append-only trigger set aside for the purpose), then one ``plan_state`` event per plan
  records each plan's fields as they are now, so the chain covers every plan from here on.
- History is never emptied, by the table owner either: audit_chain refuses DELETE, and on
  PostgreSQL a statement-level trigger refuses TRUNCATE (which row triggers do not see) on
  plan, plan_change, audit_event and audit_chain. The app's own role has no UPDATE of the
  history or the log, and no DELETE or TRUNCATE anywhere (``pdp-tui db grant-app``); what
  a correction changed is also in its audit event, under the chain.

The hash encoding is frozen here as in services/audit.py: the events written now must
verify with the code of every later version (tests/test_audit_chain.py checks both agree).
"""

import datetime
import hashlib
import json

from peewee import (
    CharField,
    DateField,
    DateTimeField,
    IntegerField,
    Model,
    PostgresqlDatabase,
    TextField,
)

GENESIS = "0" * 64
HASHED_FIELDS = ("at", "user_id", "username", "store_id", "kind", "target", "detail", "plan_id")
PLAN_STATE_FIELDS = (
    "contract_number",
    "first_name",
    "last_name",
    "name_key",
    "covering_id",
    "protection_id",
    "activation_code",
    "store_id",
    "created_by_id",
    "created_at",
    "valid_until",
    "status",
    "updated_at",
    "form_signed_at",
    "form_signed_by_id",
)
PLAN_STATE_KIND = "plan_state"
BATCH = 1000

TRUNCATE_REFUSED = ("plan", "plan_change", "audit_event", "audit_chain")
TRIGGERS_POSTGRES = [
    *(
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION pdp_refuse_change()"""
        for table in TRUNCATE_REFUSED
    ),
    """CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
       FOR EACH ROW EXECUTE FUNCTION pdp_refuse_change()""",
]
TRIGGERS_SQLITE = [
    """CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
       BEGIN SELECT RAISE(ABORT, 'audit_chain is append-only'); END""",
]
SQLITE_AUDIT_NO_UPDATE = """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"""
SQLITE_AUDIT_NO_DELETE = """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"""


def _canonical(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _event_hash(fields, prev_hash):
    content = {name: _canonical(fields[name]) for name in HASHED_FIELDS}
    content["prev_hash"] = prev_hash
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _models(db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class AuditEvent(Base):
        at = DateTimeField()
        user_id = IntegerField(null=True)
        username = CharField(max_length=100)
        store_id = IntegerField(null=True)
        kind = CharField(max_length=30)
        target = CharField(max_length=100, default="")
        detail = TextField(default="")
        plan_id = IntegerField(null=True)
        prev_hash = CharField(max_length=64, default="")
        hash = CharField(max_length=64, default="")

    class Plan(Base):
        contract_number = CharField()
        first_name = CharField()
        last_name = CharField()
        name_key = CharField()
        covering_id = IntegerField()
        protection_id = IntegerField()
        activation_code = CharField()
        store_id = IntegerField()
        created_by_id = IntegerField()
        created_at = DateTimeField()
        valid_until = DateField()
        status = CharField()
        updated_at = DateTimeField(null=True)
        form_signed_at = DateTimeField(null=True)
        form_signed_by_id = IntegerField(null=True)

    class AuditChain(Base):
        last_id = IntegerField(null=True)
        last_hash = CharField(max_length=64)

    return AuditEvent, Plan, AuditChain


def _batches(query, field):
    last = 0
    while True:
        rows = list(query.where(field > last).order_by(field).limit(BATCH))
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _chain_existing_events(event, prev_hash):
    for rows in _batches(event.select(), event.id):
        for row in rows:
            fields = {name: getattr(row, name) for name in HASHED_FIELDS}
            digest = _event_hash(fields, prev_hash)
            event.update(prev_hash=prev_hash, hash=digest).where(event.id == row.id).execute()
            prev_hash = digest
    return prev_hash


def _record_plan_states(event, plan, prev_hash, now):
    for rows in _batches(plan.select(), plan.id):
        new = []
        for row in rows:
            state = {name: _canonical(getattr(row, name)) for name in PLAN_STATE_FIELDS}
            fields = {
                "at": now,
                "user_id": None,
                "username": "",
                "store_id": row.store_id,
                "kind": PLAN_STATE_KIND,
                "target": row.contract_number[:100],
                "detail": json.dumps({"state": state}, ensure_ascii=False),
                "plan_id": row.id,
            }
            digest = _event_hash(fields, prev_hash)
            new.append(dict(fields, prev_hash=prev_hash, hash=digest))
            prev_hash = digest
        for row in new:  # one by one: the ids must follow the chain
            event.insert(row).execute()
    return prev_hash


def up(migrator, db):
    postgres = isinstance(db, PostgresqlDatabase)
    event, plan, chain = _models(db)
    # Plain ALTER TABLE: peewee's add_column would rebuild the table on SQLite (see 0003).
    for column in (
        "plan_id INTEGER",
        "prev_hash VARCHAR(64) NOT NULL DEFAULT ''",
        "hash VARCHAR(64) NOT NULL DEFAULT ''",
    ):
        db.execute_sql(f"ALTER TABLE audit_event ADD COLUMN {column}")
    db.execute_sql("CREATE INDEX audit_event_plan_id_id ON audit_event (plan_id, id)")
    db.create_tables([chain])

    if postgres:
        db.execute_sql("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
    else:
        db.execute_sql("DROP TRIGGER audit_event_no_update")
    prev_hash = _chain_existing_events(event, GENESIS)
    if postgres:
        db.execute_sql("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")
    else:
        db.execute_sql(SQLITE_AUDIT_NO_UPDATE)
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    prev_hash = _record_plan_states(event, plan, prev_hash, now)
    last = event.select(event.id).order_by(event.id.desc()).limit(1).scalar()
    chain.insert(id=1, last_id=last, last_hash=prev_hash).execute()

    for sql in TRIGGERS_POSTGRES if postgres else TRIGGERS_SQLITE:
        db.execute_sql(sql)


def down(migrator, db):
    postgres = isinstance(db, PostgresqlDatabase)
    event, _, chain = _models(db)
    if postgres:
        for table in TRUNCATE_REFUSED:
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        db.execute_sql("DROP TRIGGER IF EXISTS audit_chain_no_delete ON audit_chain")
        db.execute_sql("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
        event.delete().where(event.kind == PLAN_STATE_KIND).execute()
        db.execute_sql("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")
    else:
        db.execute_sql("DROP TRIGGER IF EXISTS audit_chain_no_delete")
        db.execute_sql("DROP TRIGGER audit_event_no_delete")
        event.delete().where(event.kind == PLAN_STATE_KIND).execute()
        db.execute_sql(SQLITE_AUDIT_NO_DELETE)
    db.drop_tables([chain])
    db.execute_sql("DROP INDEX audit_event_plan_id_id")
    for column in ("hash", "prev_hash", "plan_id"):
        db.execute_sql(f"ALTER TABLE audit_event DROP COLUMN {column}")
