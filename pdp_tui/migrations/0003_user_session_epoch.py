"""A session counter on each account: bumped when the account is disabled, its role or store
changes, or an administrator resets its password, so that sessions opened before end at their
next service call (services/permissions.py compares it with the one the session logged in with).

Plain ALTER TABLE on both backends: peewee's add_column + add_not_null rebuilds the table on
SQLite, which foreign keys from plans, history and the audit log forbid once there is data.
"""


def up(migrator, db):
    db.execute_sql('ALTER TABLE "user" ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0')


def down(migrator, db):
    db.execute_sql('ALTER TABLE "user" DROP COLUMN session_epoch')
