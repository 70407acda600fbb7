"""``pdp-tui export …``: plans or service requests as CSV, on stdout or into a file.

The rows are streamed from the database to the file: memory stays flat whatever the count.
A file named with -o is written beside itself and put in place only when complete, so that
an interrupted export never leaves a file that looks whole.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import re
import sys
from pathlib import Path

from pdp_tui.cli import messages
from pdp_tui.cli.errors import EXIT_OK
from pdp_tui.cli.output import number
from pdp_tui.cli.parser import Commands, Parser
from pdp_tui.cli.session import database_session, settings_for
from pdp_tui.domain import SYSTEM


def day(text: str) -> dt.date:
    """A day written gg/mm/aaaa (also with - or .) or aaaa-mm-gg (ISO)."""
    value = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value)
        match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
        if match:
            d, m, y = (int(part) for part in match.groups())
            return dt.date(y, m, d)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(messages.BAD_DAY.format(text=text))


def register(commands: Commands) -> None:
    export = commands.group("export", "esporta dati in CSV per un foglio di calcolo")
    filters = Parser(add_help=False)
    filters.add_argument(
        "--from", dest="day_from", type=day, metavar="DATA", help="dal giorno (gg/mm/aaaa)"
    )
    filters.add_argument(
        "--to", dest="day_to", type=day, metavar="DATA", help="al giorno, incluso (gg/mm/aaaa)"
    )
    filters.add_argument("--store", metavar="CODICE", help="solo un negozio")
    filters.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="file da scrivere (altrimenti lo standard output)",
    )
    export.add(
        "plans",
        "un Piano per riga, anche gli annullati (segnati nella colonna Stato)",
        export_plans,
        parents=[filters],
    )
    export.add(
        "requests",
        "una richiesta di intervento per riga, con stato ed esito",
        export_requests,
        parents=[filters],
    )


def export_plans(args: argparse.Namespace) -> int:
    from pdp_tui.services import exports

    return _export(args, exports.export_plans, exports.PLAN_HEADERS, messages.PLANS_EXPORTED)


def export_requests(args: argparse.Namespace) -> int:
    from pdp_tui.services import exports

    return _export(
        args, exports.export_requests, exports.REQUEST_HEADERS, messages.REQUESTS_EXPORTED
    )


def _export(args: argparse.Namespace, export, headers, said: str) -> int:
    with database_session(settings_for(args)):
        rows = export(SYSTEM, day_from=args.day_from, day_to=args.day_to, store_code=args.store)
        count = _write(args.output, headers, rows)
    _say(said.format(count=number(count), where=_where(args)))
    return EXIT_OK


def _write(output: str | None, headers, rows) -> int:
    from pdp_tui.services.exports import write_csv

    if output is None or output == "-":
        sys.stdout.flush()
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            return write_csv(stream, headers, rows)
        finally:
            stream.flush()
            stream.detach()
    path = Path(output)
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("w", encoding="utf-8", newline="") as stream:
            count = write_csv(stream, headers, rows)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return count


def _where(args: argparse.Namespace) -> str:
    return messages.EXPORTED_TO.format(path=args.output) if args.output not in (None, "-") else ""


def _say(message: str) -> None:
    """A line for the operator, on stderr: stdout may be the CSV itself."""
    print(message, file=sys.stderr)
