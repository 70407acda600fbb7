"""``pdp-tui protection …``: the protection types and how long their plans last."""

from __future__ import annotations

import argparse

from pdp_tui.cli import messages
from pdp_tui.cli.errors import EXIT_OK
from pdp_tui.cli.output import print_table
from pdp_tui.cli.parser import Commands
from pdp_tui.cli.session import database_session, settings_for
from pdp_tui.domain import SYSTEM, ProtectionType


def register(commands: Commands) -> None:
    protection = commands.group("protection", "tipi di protezione e loro validità")
    protection.add("list", "elenca i tipi di protezione con la validità", list_protections)
    validity = protection.add(
        "set-validity",
        "mesi di validità dei Piani registrati da ora con un tipo di protezione",
        set_validity,
    )
    validity.add_argument(
        "code",
        metavar="CODICE",
        help=", ".join(f"{t.value} ({t.label})" for t in ProtectionType),
    )
    validity.add_argument("months", metavar="MESI", help="da 1 a 120")


def list_protections(args: argparse.Namespace) -> int:
    from pdp_tui.services import catalogue

    with database_session(settings_for(args)):
        rows = catalogue.list_protection_types(SYSTEM)
    print_table(
        messages.PROTECTION_HEADERS,
        [
            (
                p.code.value,
                p.label,
                str(p.validity_months),
                messages.YES if p.on_sale else messages.NO,
            )
            for p in rows
        ],
    )
    return EXIT_OK


def set_validity(args: argparse.Namespace) -> int:
    from pdp_tui.services import catalogue

    with database_session(settings_for(args)):
        info = catalogue.set_validity(SYSTEM, args.code, args.months)
    print(messages.VALIDITY_SET.format(label=info.label, months=info.validity_months))
    return EXIT_OK
