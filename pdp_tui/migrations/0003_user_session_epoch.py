"""A session counter on each account: bumped when the account is disabled, its role or store
changes, or an administrator resets its password, so that sessions opened before end at their
next service call (services/permissions.py compares it with the one the session logged in with).
"""

from peewee import IntegerField


def up(migrator, db):
    migrator.migrate(migrator.add_column("user", "session_epoch", IntegerField(default=0)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("user", "session_epoch"))
