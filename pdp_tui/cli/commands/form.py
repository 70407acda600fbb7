"""``pdp-tui form CONTRACT_NUMBER [-o FILE]``: the adhesion form of a plan as a PDF file.

For reprints and scripts: the same one-page form F9 prints, written to ``FILE`` (by
default ``CONTRACT_NUMBER.pdf`` in the current directory; ``-o -`` writes to standard
output, unless that is a terminal). Making the form is audited (form_made). The file is
written beside itself and put in place only when whole.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pdp_tui.cli import messages
from pdp_tui.cli.errors import EXIT_OK, EXIT_USAGE, CliError
from pdp_tui.cli.output import number
from pdp_tui.cli.parser import Commands
from pdp_tui.cli.session import database_session, settings_for
from pdp_tui.domain import SYSTEM


def register(commands: Commands) -> None:
    form = commands.add(
        "form", "scrive in PDF il modulo di adesione di un Piano (ristampe, script)", write_form
    )
    form.add_argument("contract", metavar="NUMERO_CONTRATTO", help="il numero del contratto")
    form.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="file da scrivere (predefinito: NUMERO_CONTRATTO.pdf; - per lo standard output)",
    )


def write_form(args: argparse.Namespace) -> int:
    from pdp_tui.services import forms

    to_stdout = args.output == "-"
    if to_stdout and sys.stdout.isatty():
        raise CliError(messages.FORM_TO_TERMINAL, EXIT_USAGE)
    with database_session(settings_for(args)):
        made = forms.adhesion_form(SYSTEM, contract_number=args.contract)
    if to_stdout:
        sys.stdout.flush()
        sys.stdout.buffer.write(made.pdf)
        sys.stdout.buffer.flush()
        message = messages.FORM_WRITTEN_STDOUT
        where = "-"
    else:
        path = Path(args.output) if args.output else Path(made.file_name)
        _write(path, made.pdf)
        message, where = messages.FORM_WRITTEN, str(path)
    print(
        message.format(number=made.plan.contract_number, path=where, size=number(len(made.pdf))),
        file=sys.stderr,
    )
    return EXIT_OK


def _write(path: Path, pdf: bytes) -> None:
    partial = path.with_name(path.name + ".part")
    try:
        partial.write_bytes(pdf)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
