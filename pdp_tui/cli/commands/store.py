"""``pdp-tui store …``: the stores."""

from __future__ import annotations

import argparse

from pdp_tui.cli import messages
from pdp_tui.cli.errors import EXIT_OK
from pdp_tui.cli.output import print_table
from pdp_tui.cli.parser import Commands
from pdp_tui.cli.session import database_session, settings_for
from pdp_tui.domain import SYSTEM


def register(commands: Commands) -> None:
    store = commands.group("store", "negozi")
    add = store.add("add", "aggiunge un negozio", add_store)
    add.add_argument("code", metavar="CODICE", help="codice del negozio, es. MI01")
    add.add_argument("name", metavar="NOME", help='nome del negozio, es. "Milano Centro"')
    store.add("list", "elenca i negozi", list_stores)


def add_store(args: argparse.Namespace) -> int:
    from pdp_tui.services import catalogue

    with database_session(settings_for(args)):
        store = catalogue.add_store(SYSTEM, args.code, args.name)
    print(messages.STORE_CREATED.format(code=store.code, name=store.name))
    return EXIT_OK


def list_stores(args: argparse.Namespace) -> int:
    from pdp_tui.services import catalogue

    with database_session(settings_for(args)):
        stores = catalogue.list_stores(SYSTEM)
    if not stores:
        print(messages.NO_STORES)
    else:
        print_table(messages.STORE_HEADERS, [(code, name) for _, code, name in stores])
    return EXIT_OK
