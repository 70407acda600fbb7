"""``pdp-tui serve --socket PATH``: the session server (see pdp_tui.session_server)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pdp_tui.cli import messages
from pdp_tui.cli.errors import EXIT_OK, CliError
from pdp_tui.cli.parser import Commands


def register(commands: Commands) -> None:
    serve = commands.add(
        "serve",
        "server di sessioni per SSH: carica l'applicazione una volta e avvia una sessione "
        "per ogni cassa che si collega (memoria condivisa, avvio immediato)",
        run,
    )
    serve.add_argument(
        "--socket",
        metavar="PERCORSO",
        type=Path,
        required=True,
        help="il socket Unix su cui ascoltare (lo stesso di PDP_SESSIONS_SOCKET per pdp-tui-ssh)",
    )


def run(args: argparse.Namespace) -> int:
    from pdp_tui.session_server import server

    if getattr(args, "db", None):
        raise CliError(messages.SERVE_SETTINGS_FROM_SESSIONS)
    try:
        server.serve(args.socket)
    except server.ServerError as exc:
        raise CliError(str(exc)) from None
    return EXIT_OK
