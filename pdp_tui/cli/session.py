"""What a command that touches the database runs inside: the settings from its flags, and
the database opened, its schema brought up to date (or checked), in one session.

Peewee and the drivers are imported here only when a command opens the database.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from pdp_tui import config
from pdp_tui.cli import messages
from pdp_tui.cli.errors import CliError

if TYPE_CHECKING:
    from pdp_tui.config import Settings


def settings_for(args: argparse.Namespace, database_url: str | None = None) -> Settings:
    """The settings, with --db (or ``database_url``) first; made current for the services."""
    settings = config.load_settings(database_url=database_url or getattr(args, "db", None))
    return config.use(settings)


def may_create(settings: Settings) -> bool:
    """A command other than ``migrate`` and ``demo`` makes a new SQLite file only at the
    default path: a mistyped URL must not leave an empty database behind."""
    return not settings.database_url


@contextmanager
def database_session(
    settings: Settings, *, migrate: bool | None = None, create: bool | None = None
) -> Iterator[None]:
    """Open the database, bring the schema up to date (or check it), one session.

    ``migrate`` None follows the ``auto_migrate`` setting; ``create`` None: ``may_create``.
    """
    from pdp_tui import db

    create = may_create(settings) if create is None else create
    database = db.open_database(settings.resolved_database_url, create=create)
    try:
        pending, unknown = db.migration_status(database)
        if unknown:
            raise CliError(messages.SCHEMA_TOO_NEW.format(migrations=", ".join(unknown)))
        if pending and (settings.auto_migrate if migrate is None else migrate):
            db.migrate(database)
        elif pending:
            raise CliError(messages.SCHEMA_NOT_MIGRATED)
        with db.session():
            yield
    finally:
        close_database(database)


def close_database(database) -> None:  # noqa: ANN001 - a peewee Database
    if not database.is_closed():
        database.close()
    close_all = getattr(database, "close_all", None)
    if close_all is not None:  # pooled PostgreSQL: give the connections back
        close_all()
