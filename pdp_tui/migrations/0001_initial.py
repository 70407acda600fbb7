"""Initial schema: stores, users, catalogue, plans, plan history, audit log; default catalogue."""

import datetime

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    PostgresqlDatabase,
    TextField,
)


def _utcnow():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


# Search keys are compared byte-wise so that a range query is a prefix match and a
# plain btree index serves it; PostgreSQL needs the "C" collation for that.
TRIGGERS_SQLITE = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
    """CREATE TRIGGER plan_no_delete BEFORE DELETE ON plan
       BEGIN SELECT RAISE(ABORT, 'plans are never deleted'); END""",
    """CREATE TRIGGER plan_change_no_delete BEFORE DELETE ON plan_change
       BEGIN SELECT RAISE(ABORT, 'plan history is never deleted'); END""",
]
TRIGGERS_POSTGRES = [
    """CREATE FUNCTION pdp_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION '%% is append-only', TG_TABLE_NAME; END $$""",
    """CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
       FOR EACH ROW EXECUTE FUNCTION pdp_refuse_change()""",
    """CREATE TRIGGER plan_no_delete BEFORE DELETE ON plan
       FOR EACH ROW EXECUTE FUNCTION pdp_refuse_change()""",
    """CREATE TRIGGER plan_change_no_delete BEFORE DELETE ON plan_change
       FOR EACH ROW EXECUTE FUNCTION pdp_refuse_change()""",
]

COVERINGS = [
    ("tessuto", "Tessuto"),
    ("pelle", "Pelle"),
    ("ecopelle", "Ecopelle"),
    ("microfibra", "Microfibra"),
]
PROTECTIONS = [("covering", "solo rivestimento"), ("covering_motion", "rivestimento + motion")]


def _models(db):
    binary = '"C"' if isinstance(db, PostgresqlDatabase) else None

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Store(Base):
        code = CharField(max_length=20, unique=True)
        name = CharField(max_length=100)
        active = BooleanField(default=True)
        created_at = DateTimeField(default=_utcnow)

    class User(Base):
        username = CharField(max_length=40, unique=True)
        full_name = CharField(max_length=100, default="")
        role = CharField(max_length=10)
        store = ForeignKeyField(Store, null=True, on_delete="RESTRICT")
        password_hash = CharField(max_length=255)
        must_change_password = BooleanField(default=True)
        active = BooleanField(default=True)
        failed_logins = IntegerField(default=0)
        locked_until = DateTimeField(null=True)
        created_at = DateTimeField(default=_utcnow)
        last_login_at = DateTimeField(null=True)

    class Covering(Base):
        code = CharField(max_length=30, unique=True)
        label = CharField(max_length=60)
        active = BooleanField(default=True)
        sort_order = IntegerField(default=0)

    class Protection(Base):
        code = CharField(max_length=30, unique=True)
        label = CharField(max_length=60)
        validity_months = IntegerField(default=60)
        active = BooleanField(default=True)
        sort_order = IntegerField(default=0)

    class Plan(Base):
        contract_number = CharField(max_length=20, unique=True, collation=binary)
        first_name = CharField(max_length=60)
        last_name = CharField(max_length=60)
        name_key = CharField(max_length=130, collation=binary)
        covering = ForeignKeyField(Covering, on_delete="RESTRICT")
        protection = ForeignKeyField(Protection, on_delete="RESTRICT")
        activation_code = CharField(max_length=12, unique=True, collation=binary)
        store = ForeignKeyField(Store, on_delete="RESTRICT")
        created_by = ForeignKeyField(User, on_delete="RESTRICT")
        created_at = DateTimeField(default=_utcnow)
        valid_until = DateField()
        status = CharField(max_length=10, default="active")
        updated_at = DateTimeField(null=True)

        class Meta:
            indexes = (
                (("store", "created_at", "id"), False),
                (("created_at", "id"), False),
                (("name_key",), False),
                (("store", "name_key"), False),
            )

    class PlanChange(Base):
        plan = ForeignKeyField(Plan, on_delete="RESTRICT")
        kind = CharField(max_length=20)
        changed_at = DateTimeField(default=_utcnow)
        changed_by = ForeignKeyField(User, on_delete="RESTRICT")
        reason = TextField()
        before = TextField()
        after = TextField()

        class Meta:
            indexes = ((("plan", "changed_at"), False),)

    class AuditEvent(Base):
        at = DateTimeField(default=_utcnow)
        user = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        username = CharField(max_length=100)
        store = ForeignKeyField(Store, null=True, on_delete="RESTRICT")
        kind = CharField(max_length=30)
        target = CharField(max_length=100, default="")
        detail = TextField(default="")

        class Meta:
            indexes = (
                (("at",), False),
                (("user", "at"), False),
                (("store", "at"), False),
                (("kind", "at"), False),
            )

    return [Store, User, Covering, Protection, Plan, PlanChange, AuditEvent]


def up(migrator, db):
    models = _models(db)
    db.create_tables(models)
    triggers = TRIGGERS_POSTGRES if isinstance(db, PostgresqlDatabase) else TRIGGERS_SQLITE
    for sql in triggers:
        db.execute_sql(sql)
    _, _, Covering, Protection, *_ = models
    Covering.insert_many(
        [{"code": c, "label": label, "sort_order": i} for i, (c, label) in enumerate(COVERINGS)]
    ).execute()
    Protection.insert_many(
        [
            {"code": c, "label": label, "sort_order": i, "validity_months": 60}
            for i, (c, label) in enumerate(PROTECTIONS)
        ]
    ).execute()


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        for table in ("plan", "plan_change", "audit_event"):
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}")
        db.execute_sql("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        db.execute_sql("DROP FUNCTION IF EXISTS pdp_refuse_change()")
    db.drop_tables(list(reversed(_models(db))))
