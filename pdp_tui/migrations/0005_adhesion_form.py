"""The adhesion form: each store's print queue, and the signed form's mark on each plan.

``plan.form_signed_at``/``form_signed_by`` hold the current mark (NULL: not received yet).
``form_signed_by`` has no index: accounts are disabled, never deleted. The mark's history
(marks and undos, with who, when and why) is in plan_change and the audit log.
Two partial indexes hold only the plans whose form is missing, in the contract list's
order, so "still missing after N days" is a short range scan however many plans there are
(and the indexes shrink as signed forms come back).
"""

from peewee import SQL, CharField, DateTimeField, ForeignKeyField, Model


def _user_model(db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    return User


FORM_MISSING_INDEXES = (
    ("plan_form_missing", ("created_at", "id")),
    ("plan_store_form_missing", ("store_id", "created_at", "id")),
)


def up(migrator, db):
    user = _user_model(db)
    migrator.migrate(
        migrator.add_column("store", "print_queue", CharField(max_length=127, null=True)),
        migrator.add_column("plan", "form_signed_at", DateTimeField(null=True)),
        migrator.add_column(
            "plan",
            "form_signed_by_id",
            ForeignKeyField(user, field=user.id, null=True, index=False, on_delete="RESTRICT"),
        ),
        *(
            migrator.add_index(
                "plan", columns, False, where=SQL("form_signed_at IS NULL"), name=name
            )
            for name, columns in FORM_MISSING_INDEXES
        ),
    )


def down(migrator, db):
    migrator.migrate(
        *(migrator.drop_index("plan", name) for name, _ in FORM_MISSING_INDEXES),
        migrator.drop_column("plan", "form_signed_by_id"),
        migrator.drop_column("plan", "form_signed_at"),
        migrator.drop_column("store", "print_queue"),
    )
