"""The argument parser: Italian help and one-line Italian errors; each command module adds
its own commands through ``Commands``.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from typing import NoReturn

from pdp_tui.cli import messages
from pdp_tui.cli.errors import EXIT_USAGE, CliError
from pdp_tui.cli.output import PROG

Handler = Callable[[argparse.Namespace], int | None]

# argparse speaks English; these are the messages an operator can meet, in Italian.
_ARGPARSE_MESSAGES = [
    (r"the following arguments are required: (.+)", r"mancano argomenti obbligatori: \1"),
    (r"unrecognized arguments: (.+)", r"argomenti non riconosciuti: \1"),
    (
        r"argument (.+?): invalid choice: (.+?) \(choose from (.+)\)",
        r"\1: scelta non valida \2 (ammessi: \3)",
    ),
    (r"argument (.+?): expected one argument", r"\1: manca il valore"),
    (r"argument (.+?): invalid \S+ value: (.+)", r"\1: valore non valido \2"),
    (r"argument (.+?): not allowed with argument (.+)", r"\1 non si usa insieme a \2"),
    (r"ambiguous option: (.+?) could match (.+)", r"opzione ambigua: \1 (può essere \2)"),
    (r"argument (.+?): (.+)", r"\1: \2"),
]


def _italian_usage_error(message: str) -> str:
    for pattern, replacement in _ARGPARSE_MESSAGES:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, replacement, message)
    return f"argomenti non validi: {message}"


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: ANN001 - argparse API
        super().add_usage(usage, actions, groups, "uso: " if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """argparse with Italian help headings and one-line Italian errors."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "argomenti"
        self._optionals.title = "opzioni"
        if add_help:  # not in the parents, whose options are copied into each parser
            self.add_argument(
                "-h", "--help", action="help", default=argparse.SUPPRESS, help="mostra questo aiuto"
            )

    def error(self, message: str) -> NoReturn:
        hint = messages.USAGE_HINT.format(message=_italian_usage_error(message), prog=self.prog)
        raise CliError(hint, EXIT_USAGE)


class Commands:
    """One level of commands (``pdp-tui COMANDO``, ``pdp-tui user COMANDO``): a command
    module adds its commands here, each with the options every command takes (--db).

        def register(commands: Commands) -> None:
            rename = commands.group("store", "negozi").add("rename", "rinomina", _rename)
            rename.add_argument("code", metavar="CODICE")
    """

    def __init__(self, parser: Parser, common: Parser, dest: str, *, required: bool = True):
        self.parser = parser
        self.common = common
        self._groups: dict[str, Commands] = {}
        self._choices = parser.add_subparsers(
            title="comandi", metavar="COMANDO", dest=dest, required=required
        )

    def add(
        self,
        name: str,
        help: str,
        handler: Handler | None = None,
        *,
        parents: Sequence[Parser] = (),
    ) -> Parser:
        """A command; its arguments are added to the parser returned."""
        command = self._choices.add_parser(name, help=help, parents=[self.common, *parents])
        if handler is not None:
            command.set_defaults(handler=handler)
        return command

    def group(self, name: str, help: str) -> Commands:
        """A command made of commands (``pdp-tui user add``), made on first use."""
        if name not in self._groups:
            self._groups[name] = Commands(self.add(name, help), self.common, f"{name}_command")
        return self._groups[name]


def build_parser() -> Parser:
    from pdp_tui.cli.commands import MODULES

    common = Parser(add_help=False)
    # SUPPRESS: a command without --db keeps the value given before it. (No set_defaults(db=)
    # either: the parents' actions are shared, it would reach every parser.)
    common.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database da usare (sqlite:///percorso o postgresql://utente@host/nome); "
        "prevale su PDP_DATABASE_URL",
    )
    parser = Parser(
        prog=PROG,
        description="Registrazione dei Piani di Protezione. Senza comando apre l'applicazione.",
        parents=[common],
    )
    commands = Commands(parser, common, "command", required=False)
    for module in MODULES:
        module.register(commands)
    return parser


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    args = build_parser().parse_args(argv)
    if getattr(args, "demo", False) and args.command:
        raise CliError(messages.DEMO_FLAG_WITH_COMMAND, EXIT_USAGE)
    return args
