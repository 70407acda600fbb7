"""The argument parser: Italian help and one-line Italian errors; each command module adds
its own commands through ``Commands``.
"""

from __future__ import annotations

import argparse
import functools
import gettext
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import NoReturn

from pdp_tui.cli import messages
from pdp_tui.cli.errors import EXIT_USAGE, CliError
from pdp_tui.cli.output import PROG

Handler = Callable[[argparse.Namespace], int | None]


class _ItalianArgparse(gettext.NullTranslations):
    """argparse's own messages in Italian, from messages.ARGPARSE (Python ships no catalogue
    for them); anything not listed stays as argparse wrote it."""

    def gettext(self, message: str) -> str:
        return messages.ARGPARSE.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = messages.ARGPARSE_PLURALS.get(singular)
        if forms is None:
            return super().ngettext(singular, plural, n)
        return forms[0] if n == 1 else forms[1]


_ITALIAN = _ItalianArgparse()


@contextmanager
def _argparse_in_italian() -> Iterator[None]:
    """argparse translates each message when it builds it, through its module globals ``_``
    and ``ngettext`` (``from gettext import gettext as _, ngettext``). They point at the
    Italian catalogue only while one of our parsers is at work, and back afterwards, so
    other parsers in the process (pytest's, say) keep their own language. No locale, no
    .mo file, no global text domain involved."""
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _ITALIAN.gettext, _ITALIAN.ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


def _in_italian(method: Callable) -> Callable:
    @functools.wraps(method)
    def italian(*args, **kwargs):
        with _argparse_in_italian():
            return method(*args, **kwargs)

    return italian


class Parser(argparse.ArgumentParser):
    """argparse in Italian: help, usage and errors. Errors end the command with one line,
    "pdp-tui: <message> (vedi pdp-tui … --help)", exit status 2.

    The methods below are where argparse builds text an operator reads (headings and -h at
    construction, errors while parsing, usage and help when formatting).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        with _argparse_in_italian():
            super().__init__(*args, **kwargs)

    add_subparsers = _in_italian(argparse.ArgumentParser.add_subparsers)
    parse_args = _in_italian(argparse.ArgumentParser.parse_args)
    parse_known_args = _in_italian(argparse.ArgumentParser.parse_known_args)
    parse_intermixed_args = _in_italian(argparse.ArgumentParser.parse_intermixed_args)
    parse_known_intermixed_args = _in_italian(argparse.ArgumentParser.parse_known_intermixed_args)
    format_usage = _in_italian(argparse.ArgumentParser.format_usage)
    format_help = _in_italian(argparse.ArgumentParser.format_help)

    def error(self, message: str) -> NoReturn:
        raise CliError(messages.USAGE_HINT.format(message=message, prog=self.prog), EXIT_USAGE)


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
        command = self._choices.add_parser(
            name,
            help=help,
            description=help[:1].upper() + help[1:],
            parents=[self.common, *parents],
        )
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
        help="database da usare (sqlite:////percorso/assoluto, sqlite:///percorso/relativo "
        "o postgresql://utente@host/nome); "
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
