"""``pdp-tui covering …``: the coverings on sale (the catalogue of the plan form)."""

from __future__ import annotations

import argparse

from pdp_tui.cli import messages
from pdp_tui.cli.errors import EXIT_OK
from pdp_tui.cli.output import print_table
from pdp_tui.cli.parser import Commands
from pdp_tui.cli.session import database_session, settings_for
from pdp_tui.domain import SYSTEM


def register(commands: Commands) -> None:
    covering = commands.group("covering", "rivestimenti in vendita")
    add = covering.add("add", "aggiunge un rivestimento in vendita", add_covering)
    add.add_argument("code", metavar="CODICE", help="codice del rivestimento, es. velluto")
    add.add_argument("label", metavar="ETICHETTA", help='nome mostrato, es. "Velluto"')
    covering.add("list", "elenca i rivestimenti, in vendita e ritirati", list_coverings)
    retire = covering.add(
        "retire",
        "ritira un rivestimento dalla vendita (i Piani registrati non cambiano)",
        retire_covering,
    )
    retire.add_argument("code", metavar="CODICE")


def add_covering(args: argparse.Namespace) -> int:
    from pdp_tui.services import catalogue

    with database_session(settings_for(args)):
        item = catalogue.add_covering(SYSTEM, args.label, code=args.code)
    print(messages.COVERING_CREATED.format(code=item.code, label=item.label))
    return EXIT_OK


def list_coverings(args: argparse.Namespace) -> int:
    from pdp_tui.services import catalogue

    with database_session(settings_for(args)):
        rows = catalogue.list_catalogue(SYSTEM)
    if not rows:
        print(messages.NO_COVERINGS)
        return EXIT_OK
    print_table(
        messages.COVERING_HEADERS,
        [
            (item.code, item.label, messages.YES if on_sale else messages.NO)
            for item, on_sale in rows
        ],
    )
    return EXIT_OK


def retire_covering(args: argparse.Namespace) -> int:
    from pdp_tui.services import catalogue

    with database_session(settings_for(args)):
        covering_id = catalogue.covering_id_by_code(SYSTEM, args.code)
        item = catalogue.set_covering_active(SYSTEM, covering_id, False)
    print(messages.COVERING_RETIRED.format(code=item.code, label=item.label))
    return EXIT_OK
