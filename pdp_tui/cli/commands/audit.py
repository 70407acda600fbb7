"""``pdp-tui audit verify``: check the audit log's hash chain and every plan against it."""

from __future__ import annotations

import argparse

from pdp_tui.cli import messages
from pdp_tui.cli.errors import EXIT_ERROR, EXIT_OK
from pdp_tui.cli.output import number, print_error
from pdp_tui.cli.parser import Commands
from pdp_tui.cli.session import database_session, settings_for
from pdp_tui.domain import SYSTEM


def register(commands: Commands) -> None:
    audit = commands.group("audit", "registro attività")
    audit.add(
        "verify",
        "verifica che nessun evento del registro e nessun Piano sia stato modificato, "
        "cancellato o aggiunto fuori dall'applicazione",
        verify,
    )


def verify(args: argparse.Namespace) -> int:
    from pdp_tui.services import audit_verify

    with database_session(settings_for(args)):
        try:
            report = audit_verify.verify_chain(SYSTEM)
        except audit_verify.ChainBroken as exc:
            print_error(str(exc))
            return EXIT_ERROR
    print(
        messages.CHAIN_VERIFIED.format(
            events=number(report.events), plans=number(report.plans), head=report.head
        )
    )
    return EXIT_OK
