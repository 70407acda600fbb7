"""Service requests (richieste di intervento): the requests, their steps, a counter per year.

``service_request_counter`` holds the last number given in each year; opening a request
bumps it with one upsert (INSERT … ON CONFLICT DO UPDATE … RETURNING) in the transaction
that inserts the request, so that two processes never get the same number (the row stays
locked until commit) and nothing depends on session state (PgBouncer transaction pooling).
Requests are never deleted; their steps are append-only (triggers, as for the audit log).
"""

import datetime

from peewee import (
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    PostgresqlDatabase,
    TextField,
)


def _utcnow():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


TRIGGERS_SQLITE = [
    """CREATE TRIGGER service_request_no_delete BEFORE DELETE ON service_request
       BEGIN SELECT RAISE(ABORT, 'service requests are never deleted'); END""",
    """CREATE TRIGGER service_request_step_no_update BEFORE UPDATE ON service_request_step
       BEGIN SELECT RAISE(ABORT, 'service_request_step is append-only'); END""",
    """CREATE TRIGGER service_request_step_no_delete BEFORE DELETE ON service_request_step
       BEGIN SELECT RAISE(ABORT, 'service_request_step is append-only'); END""",
]
# pdp_refuse_change() is migration 0001's.
TRIGGERS_POSTGRES = [
    """CREATE TRIGGER service_request_no_delete BEFORE DELETE ON service_request
       FOR EACH ROW EXECUTE FUNCTION pdp_refuse_change()""",
    """CREATE TRIGGER service_request_step_append_only
       BEFORE UPDATE OR DELETE ON service_request_step
       FOR EACH ROW EXECUTE FUNCTION pdp_refuse_change()""",
]


def _models(db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Store(Base):
        class Meta:
            table_name = "store"

    class User(Base):
        class Meta:
            table_name = "user"

    class Plan(Base):
        class Meta:
            table_name = "plan"

    class ServiceRequestCounter(Base):
        year = IntegerField(primary_key=True)
        last = IntegerField(default=0)

    class ServiceRequest(Base):
        number = CharField(max_length=20, unique=True)
        plan = ForeignKeyField(Plan, on_delete="RESTRICT")
        store = ForeignKeyField(Store, on_delete="RESTRICT")
        concerns = CharField(max_length=10)
        description = TextField()
        phone = CharField(max_length=20, default="")
        status = CharField(max_length=12, default="open")
        outcome = CharField(max_length=20, null=True)
        created_at = DateTimeField(default=_utcnow)
        created_by = ForeignKeyField(User, on_delete="RESTRICT")
        updated_at = DateTimeField(null=True)
        closed_at = DateTimeField(null=True)

        class Meta:
            indexes = (
                (("created_at", "id"), False),
                (("store", "created_at", "id"), False),
                (("status", "created_at", "id"), False),
                (("store", "status", "created_at", "id"), False),
                (("plan", "created_at"), False),
            )

    class ServiceRequestStep(Base):
        request = ForeignKeyField(ServiceRequest, on_delete="RESTRICT")
        at = DateTimeField(default=_utcnow)
        by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        kind = CharField(max_length=10)
        status = CharField(max_length=12, null=True)
        outcome = CharField(max_length=20, null=True)
        note = TextField(default="")

        class Meta:
            indexes = ((("request", "at"), False),)

    return [ServiceRequestCounter, ServiceRequest, ServiceRequestStep]


def up(migrator, db):
    db.create_tables(_models(db), safe=False)
    triggers = TRIGGERS_POSTGRES if isinstance(db, PostgresqlDatabase) else TRIGGERS_SQLITE
    for sql in triggers:
        db.execute_sql(sql)


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("DROP TRIGGER IF EXISTS service_request_no_delete ON service_request")
        db.execute_sql(
            "DROP TRIGGER IF EXISTS service_request_step_append_only ON service_request_step"
        )
    db.drop_tables(list(reversed(_models(db))))
