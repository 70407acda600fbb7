"""``pdp-tui migrate``: create or upgrade the schema, and say what was applied."""

from __future__ import annotations

import argparse

from pdp_tui.cli import messages
from pdp_tui.cli.errors import EXIT_OK
from pdp_tui.cli.output import safe_url
from pdp_tui.cli.parser import Commands
from pdp_tui.cli.session import close_database, settings_for


def register(commands: Commands) -> None:
    commands.add("migrate", "crea o aggiorna lo schema del database", migrate)


def migrate(args: argparse.Namespace) -> int:
    from pdp_tui import db

    settings = settings_for(args)
    database = db.open_database(settings.resolved_database_url, create=True)
    try:
        _, unknown = db.migration_status(database)
        applied = db.migrate(database)
    finally:
        close_database(database)
    print(messages.DATABASE.format(url=safe_url(settings.resolved_database_url)))
    if applied:
        print(messages.MIGRATIONS_APPLIED.format(migrations=", ".join(applied)))
    else:
        print(messages.NO_MIGRATIONS)
    if unknown:
        print(messages.UNKNOWN_MIGRATIONS.format(migrations=", ".join(unknown)))
    return EXIT_OK
