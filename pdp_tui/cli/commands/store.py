"""``pdp-tui store …``: the stores."""

from __future__ import annotations

import argparse

from pdp_tui.cli import messages
from pdp_tui.cli.errors import EXIT_OK, EXIT_USAGE, CliError
from pdp_tui.cli.output import print_table
from pdp_tui.cli.parser import Commands
from pdp_tui.cli.session import database_session, settings_for
from pdp_tui.domain import SYSTEM


def register(commands: Commands) -> None:
    store = commands.group("store", "negozi")
    add = store.add("add", "aggiunge un negozio", add_store)
    add.add_argument("code", metavar="CODICE", help="codice del negozio, es. MI01")
    add.add_argument("name", metavar="NOME", help='nome del negozio, es. "Milano Centro"')
    store.add("list", "elenca i negozi, aperti e chiusi", list_stores)
    rename = store.add("rename", "cambia il nome di un negozio", rename_store)
    rename.add_argument("code", metavar="CODICE")
    rename.add_argument("name", metavar="NOME", help="il nuovo nome")
    for name, help_text, handler in (
        (
            "close",
            "chiude un negozio: i suoi addetti non accedono più, i Piani restano",
            close_store,
        ),
        ("reopen", "riapre un negozio chiuso", reopen_store),
    ):
        store.add(name, help_text, handler).add_argument("code", metavar="CODICE")
    printer = store.add(
        "printer",
        "imposta, toglie (--clear) o mostra la coda di stampa CUPS del negozio (F9, modulo)",
        store_printer,
    )
    printer.add_argument("code", metavar="CODICE")
    printer.add_argument(
        "queue", metavar="CODA", nargs="?", help="nome della coda CUPS (lpstat -p), es. MI01-LASER"
    )
    printer.add_argument(
        "--clear",
        action="store_true",
        help="toglie la stampante: il modulo viene salvato in un file",
    )


def add_store(args: argparse.Namespace) -> int:
    from pdp_tui.services import catalogue

    with database_session(settings_for(args)):
        store = catalogue.add_store(SYSTEM, args.code, args.name)
    print(messages.STORE_CREATED.format(code=store.code, name=store.name))
    return EXIT_OK


def list_stores(args: argparse.Namespace) -> int:
    from pdp_tui.services import catalogue, printing

    with database_session(settings_for(args)):
        stores = catalogue.list_store_details(SYSTEM)
        queues = {p.store_code: p.queue for p in printing.list_print_queues(SYSTEM)}
    if not stores:
        print(messages.NO_STORES)
    else:
        print_table(
            messages.STORE_HEADERS,
            [
                (
                    s.code,
                    s.name,
                    messages.STORE_OPEN if s.open else messages.STORE_CLOSED_STATE,
                    queues.get(s.code) or messages.STORE_NO_PRINTER,
                )
                for s in stores
            ],
        )
    return EXIT_OK


def rename_store(args: argparse.Namespace) -> int:
    from pdp_tui.services import catalogue

    with database_session(settings_for(args)):
        store = catalogue.rename_store(SYSTEM, args.code, args.name)
    print(messages.STORE_RENAMED.format(code=store.code, name=store.name))
    return EXIT_OK


def close_store(args: argparse.Namespace) -> int:
    return _set_open(args, False)


def reopen_store(args: argparse.Namespace) -> int:
    return _set_open(args, True)


def _set_open(args: argparse.Namespace, open: bool) -> int:
    from pdp_tui.services import catalogue

    with database_session(settings_for(args)):
        store = catalogue.set_store_open(SYSTEM, args.code, open)
    print((messages.STORE_REOPENED if open else messages.STORE_CLOSED).format(code=store.code))
    return EXIT_OK


def store_printer(args: argparse.Namespace) -> int:
    from pdp_tui.services import printing

    if args.clear and args.queue is not None:
        raise CliError(messages.STORE_PRINTER_BOTH, EXIT_USAGE)
    with database_session(settings_for(args)):
        if args.queue is None and not args.clear:
            code = args.code.strip().upper()
            found = [p for p in printing.list_print_queues(SYSTEM) if p.store_code == code]
            if not found:
                from pdp_tui.services.errors import NotFound

                raise NotFound(f"Il negozio {code} non esiste.")
            shown = found[0]
        else:
            shown = printing.set_print_queue(SYSTEM, args.code, None if args.clear else args.queue)
    if shown.queue:
        done = args.queue is not None
        message = messages.STORE_PRINTER_SET if done else messages.STORE_PRINTER_SHOWN
    else:
        message = messages.STORE_PRINTER_CLEARED if args.clear else messages.STORE_PRINTER_NONE
    print(message.format(code=shown.store_code, queue=shown.queue))
    return EXIT_OK
