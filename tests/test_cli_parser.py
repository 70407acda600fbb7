"""The argument parser speaks Italian through argparse's own gettext hook.

No database here: every case ends (or prints help) before a command opens one.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import re

import pytest

from pdp_tui import cli
from pdp_tui.cli import messages
from pdp_tui.cli.errors import CliError
from pdp_tui.cli.parser import Parser, build_parser

# argparse messages only a developer can meet (a wrong add_argument, a broken FileType, an
# internal "shouldn't get here"): left in English on purpose.
DEVELOPER_ONLY = {
    ".__call__() not defined",
    "'required' is an invalid argument for positionals",
    "mutually exclusive arguments must be optional",
    "%r is not callable",
    "cannot merge actions - two groups are named %r",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r",
    "dest= is required for options like %r",
    "invalid conflict_resolution value: %r",
    "cannot have multiple subparser arguments",
    "conflicting subparser: %s",
    "conflicting subparser alias: %s",
    "conflicting option string: %s",
    'argument "-" with mode %r',
    "unexpected option string: %s",
}
ENGLISH = re.compile(
    r"usage|options:|positional arguments|show this help|subcommands|argument|required|"
    r"invalid|expected|unrecognized|ambiguous|choose from|not allowed",
    re.IGNORECASE,
)


def argparse_msgids() -> tuple[set[str], set[str]]:
    """The literal messages the installed argparse passes to ``_`` and to ``ngettext``."""
    tree = ast.parse(inspect.getsource(argparse))
    singles, plurals = set(), set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        literal = node.args and isinstance(node.args[0], ast.Constant)
        if node.func.id == "_" and literal:
            singles.add(node.args[0].value)
        elif node.func.id == "ngettext" and literal:
            plurals.add(node.args[0].value)
    return singles, plurals


def usage_error(capsys, *argv: str) -> str:
    """The one stderr line of a refused command line (exit status 2, nothing on stdout)."""
    capsys.readouterr()
    assert cli.main(list(argv)) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("pdp-tui: ")
    assert not ENGLISH.search(lines[0].replace("--help", "")), lines[0]
    return lines[0]


# --- the catalogue ------------------------------------------------------------------


def test_every_message_argparse_can_show_an_operator_is_translated():
    singles, plurals = argparse_msgids()
    assert "unrecognized arguments: %s" in singles  # the scan found argparse's messages
    assert singles - set(messages.ARGPARSE) - DEVELOPER_ONLY == set()
    assert plurals - set(messages.ARGPARSE_PLURALS) - DEVELOPER_ONLY == set()


def test_translations_keep_the_placeholders():
    """The same positional placeholders; named ones may be left out (argparse formats with a
    dict: "invalid %(type)s value" names a Python function, of no use to an operator)."""
    positional = re.compile(r"%[sr]")
    named = re.compile(r"%\(\w+\)[sr]")
    pairs = list(messages.ARGPARSE.items())
    pairs += [(en, form) for en, forms in messages.ARGPARSE_PLURALS.items() for form in forms]
    for english, italian in pairs:
        assert positional.findall(italian) == positional.findall(english), italian
        assert set(named.findall(italian)) <= set(named.findall(english)), italian


def test_other_parsers_in_the_process_keep_english():
    build_parser().format_help()
    with pytest.raises(CliError):
        build_parser().parse_args(["store"])
    plain = argparse.ArgumentParser(prog="altro")
    assert "show this help message and exit" in plain.format_help()
    assert plain.format_usage().startswith("usage: ")
    import gettext

    assert argparse._ is gettext.gettext and argparse.ngettext is gettext.ngettext


# --- what an operator meets ---------------------------------------------------------


def test_unknown_option(capsys):
    line = usage_error(capsys, "store", "list", "--verbose")
    assert line == "pdp-tui: argomenti non riconosciuti: --verbose (vedi pdp-tui --help)"


def test_missing_required_arguments(capsys):
    line = usage_error(capsys, "user", "add", "mario")
    assert line == "pdp-tui: mancano argomenti obbligatori: --role (vedi pdp-tui user add --help)"
    line = usage_error(capsys, "store", "add", "MI01")
    assert "mancano argomenti obbligatori: NOME" in line
    line = usage_error(capsys, "user")
    assert line == "pdp-tui: mancano argomenti obbligatori: COMANDO (vedi pdp-tui user --help)"


def test_invalid_choice(capsys):
    line = usage_error(capsys, "user", "add", "mario", "--role", "capo")
    assert line.startswith("pdp-tui: --role: scelta non valida: 'capo' (ammessi: 'staff', ")
    line = usage_error(capsys, "negozi")
    assert "COMANDO: scelta non valida: 'negozi' (ammessi: 'migrate', 'store'" in line


def test_missing_value_ambiguous_option_bad_value_and_flag_with_value(capsys):
    assert "--contracts: manca il valore" in usage_error(capsys, "demo", "--contracts")
    line = usage_error(capsys, "--d", "x")
    assert "opzione ambigua: --d (può essere --db, --demo)" in line
    assert "--contracts: numero non valido: 'tanti'" in usage_error(
        capsys, "demo", "--contracts", "tanti"
    )
    line = usage_error(capsys, "user", "add", "x", "--role", "admin", "--password-stdin=si")
    assert "--password-stdin: non prende valori (dato 'si')" in line


def test_messages_of_argparse_features_commands_may_use():
    """Mutually exclusive options, fixed counts, typed values: for the commands to come."""
    parser = Parser(prog="pdp-tui prova")
    choice = parser.add_mutually_exclusive_group(required=True)
    choice.add_argument("--tutti", action="store_true")
    choice.add_argument("--negozio")
    parser.add_argument("--da", nargs=2)
    parser.add_argument("--mesi", type=int)

    def refusal(*argv: str) -> str:
        with pytest.raises(CliError) as raised:
            parser.parse_args(list(argv))
        assert raised.value.code == 2
        return str(raised.value)

    assert "--negozio: non si usa insieme a --tutti" in refusal("--tutti", "--negozio", "MI01")
    assert "serve uno di questi argomenti: --tutti --negozio" in refusal()
    assert "--da: servono 2 valori" in refusal("--tutti", "--da", "1")
    assert "--mesi: valore non valido: 'sei'" in refusal("--tutti", "--mesi", "sei")
    assert refusal("--tutti", "x").endswith("(vedi pdp-tui prova --help)")


# --- help ---------------------------------------------------------------------------


def all_parsers(parser: argparse.ArgumentParser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from all_parsers(sub)


def test_help_is_italian_on_every_command(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("uso: pdp-tui [-h] [--db URL] [--demo] COMANDO ...")
    assert "\nopzioni:\n" in out and "\ncomandi:\n" in out
    assert "-h, --help  mostra questo aiuto ed esce" in out

    assert cli.main(["store", "add", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("uso: pdp-tui store add")
    assert "\nargomenti:\n  CODICE" in out

    parsers = list(all_parsers(build_parser()))
    assert len(parsers) >= 12  # pdp-tui, migrate, store (add, list), user (6 commands), demo
    for parser in parsers:
        text = parser.format_help()
        assert text.startswith("uso: "), parser.prog
        assert text.count("opzioni:") == 1, text  # --db and -h under one heading
        assert not ENGLISH.search(text), text
