"""``pdp-tui db grant-app ROLE``: the PostgreSQL role the app runs as, with only what it needs."""

from __future__ import annotations

import argparse

from pdp_tui.cli import messages
from pdp_tui.cli.errors import EXIT_OK, CliError
from pdp_tui.cli.parser import Commands
from pdp_tui.cli.session import database_session, settings_for


def register(commands: Commands) -> None:
    group = commands.group("db", "amministrazione del database (PostgreSQL)")
    grant = group.add(
        "grant-app",
        "crea (se manca) il ruolo PostgreSQL con cui gira l'app e gli dà solo i permessi che "
        "le servono: nessuna cancellazione, storico e registro solo in aggiunta. Da eseguire "
        "come proprietario delle tabelle, dopo ogni «pdp-tui migrate»",
        grant_app,
    )
    grant.add_argument("role", metavar="RUOLO", help="nome del ruolo dell'app, es. pdp_app")


def grant_app(args: argparse.Namespace) -> int:
    from pdp_tui import db, db_grants

    settings = settings_for(args)
    with database_session(settings, migrate=False):
        if not db.is_postgres():
            raise CliError(messages.GRANT_ONLY_POSTGRES)
        try:
            result = db_grants.grant_app(db.database.obj, args.role)
        except db_grants.GrantError as exc:
            raise CliError(str(exc)) from None
    print(
        (messages.APP_ROLE_CREATED if result.created else messages.APP_ROLE_UPDATED).format(
            role=result.role, schema=result.schema, tables=len(result.tables)
        )
    )
    if result.unknown_tables:
        print(messages.APP_ROLE_UNKNOWN_TABLES.format(tables=", ".join(result.unknown_tables)))
    if result.created:
        print(messages.APP_ROLE_SET_PASSWORD.format(role=result.role))
    return EXIT_OK
