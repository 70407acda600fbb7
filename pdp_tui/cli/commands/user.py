"""``pdp-tui user …``: the accounts.

``user add`` and ``user passwd`` ask for the password twice on the terminal, read one
line of stdin with --password-stdin, or draw a temporary one with --generate (printed once,
to be changed at the first login). Without a terminal on stdin and without that flag they
refuse at once, exit status 2 (the command line has to change), before the database is
opened: getpass would otherwise read the password from stdin, echoed, after an English
GetPassWarning.
"""

from __future__ import annotations

import argparse
import sys
import warnings

from pdp_tui.cli import messages
from pdp_tui.cli.errors import EXIT_OK, EXIT_USAGE, CliError
from pdp_tui.cli.output import print_table
from pdp_tui.cli.parser import Commands, Parser
from pdp_tui.cli.session import database_session, settings_for
from pdp_tui.domain import SYSTEM, Role


def register(commands: Commands) -> None:
    user = commands.group("user", "account degli utenti")
    password_stdin = Parser(add_help=False)
    source = password_stdin.add_mutually_exclusive_group()
    source.add_argument(
        "--password-stdin",
        action="store_true",
        help="legge la password da una riga dello standard input invece di chiederla "
        "(obbligatorio senza un terminale, se non si usa --generate)",
    )
    source.add_argument(
        "--generate",
        action="store_true",
        help="genera una password temporanea casuale e la stampa una sola volta "
        "(va cambiata al primo accesso)",
    )

    add = user.add(
        "add",
        "crea un account (la password va cambiata al primo accesso)",
        add_user,
        parents=[password_stdin],
    )
    add.add_argument("username", metavar="UTENTE", help="nome utente, es. mario.rossi")
    add.add_argument(
        "--role",
        required=True,
        choices=[r.value for r in Role],
        help="staff (addetto vendite), support (assistenza), admin (amministratore)",
    )
    add.add_argument("--store", metavar="CODICE", help="negozio (obbligatorio per staff)")
    add.add_argument("--name", metavar="NOME", default="", help="nome e cognome")

    user.add("list", "elenca gli account", list_users)

    change = user.add(
        "set",
        "cambia ruolo, negozio o nome di un account (un nuovo ruolo o negozio chiude le sue "
        "sessioni aperte)",
        set_user,
    )
    change.add_argument("username", metavar="UTENTE")
    change.add_argument("--role", choices=[r.value for r in Role], help="staff, support o admin")
    change.add_argument(
        "--store", metavar="CODICE", help="negozio (solo per staff; uno staff tiene il suo)"
    )
    change.add_argument("--name", metavar="NOME", help="nome e cognome")

    passwd = user.add(
        "passwd",
        "imposta una nuova password (da cambiare al primo accesso) e sblocca",
        set_password,
        parents=[password_stdin],
    )
    passwd.add_argument("username", metavar="UTENTE")

    for name, help_text, handler in (
        ("disable", "disattiva un account", disable),
        ("enable", "riattiva un account", enable),
        ("unlock", "sblocca un account bloccato dai tentativi falliti", unlock),
    ):
        user.add(name, help_text, handler).add_argument("username", metavar="UTENTE")


def add_user(args: argparse.Namespace) -> int:
    from pdp_tui.services import accounts

    _require_password_source(args)
    with database_session(settings_for(args)):
        password = _password(args, args.username, args.name)
        account = accounts.create_user(
            SYSTEM,
            args.username,
            args.role,
            password=password,
            store_code=args.store,
            full_name=args.name,
            must_change_password=True,
        )
    where = messages.ACCOUNT_STORE.format(store=account.store_code) if account.store_code else ""
    print(
        messages.ACCOUNT_CREATED.format(
            username=account.username, role=account.role.label, where=where
        )
    )
    _show_generated(args, account.username, password)
    return EXIT_OK


def list_users(args: argparse.Namespace) -> int:
    from pdp_tui.services import accounts

    with database_session(settings_for(args)):
        users = accounts.list_users(SYSTEM)
    if not users:
        print(messages.NO_ACCOUNTS)
        return EXIT_OK
    print_table(
        messages.ACCOUNT_HEADERS,
        [
            (
                u.username,
                u.role.label,
                u.store_code or messages.NONE,
                _state(u),
                messages.PASSWORD_CHANGE_REQUIRED
                if u.must_change_password
                else messages.PASSWORD_CHANGE_NOT_REQUIRED,
                u.full_name or messages.NONE,
            )
            for u in users
        ],
    )
    return EXIT_OK


def set_user(args: argparse.Namespace) -> int:
    from pdp_tui.services import accounts

    if args.role is None and args.store is None and args.name is None:
        raise CliError(messages.NOTHING_TO_CHANGE, EXIT_USAGE)
    with database_session(settings_for(args)):
        account = accounts.update_user(
            SYSTEM, args.username, role=args.role, store_code=args.store, full_name=args.name
        )
    where = messages.ACCOUNT_STORE.format(store=account.store_code) if account.store_code else ""
    name = messages.ACCOUNT_NAME.format(name=account.full_name) if account.full_name else ""
    print(
        messages.ACCOUNT_UPDATED.format(
            username=account.username, role=account.role.label, where=where, name=name
        )
    )
    return EXIT_OK


def set_password(args: argparse.Namespace) -> int:
    from pdp_tui.services import accounts

    _require_password_source(args)
    with database_session(settings_for(args)):
        user = accounts.find_user(SYSTEM, args.username)
        password = _password(args, user.username, user.full_name)
        accounts.reset_password(SYSTEM, args.username, password)
    print(messages.PASSWORD_SET.format(username=_username(args)))
    _show_generated(args, user.username, password)
    return EXIT_OK


def disable(args: argparse.Namespace) -> int:
    from pdp_tui.services import accounts

    with database_session(settings_for(args)):
        accounts.set_active(SYSTEM, args.username, False)
    print(messages.ACCOUNT_DISABLED.format(username=_username(args)))
    return EXIT_OK


def enable(args: argparse.Namespace) -> int:
    from pdp_tui.services import accounts

    with database_session(settings_for(args)):
        accounts.set_active(SYSTEM, args.username, True)
    print(messages.ACCOUNT_ENABLED.format(username=_username(args)))
    return EXIT_OK


def unlock(args: argparse.Namespace) -> int:
    from pdp_tui.services import accounts

    with database_session(settings_for(args)):
        accounts.unlock(SYSTEM, args.username)
    print(messages.ACCOUNT_UNLOCKED.format(username=_username(args)))
    return EXIT_OK


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise CliError(messages.NO_PASSWORD_ON_STDIN)
        return line.rstrip("\r\n")
    import getpass

    with warnings.catch_warnings():
        # getpass falls back to echoed input, with an English warning, when it cannot switch
        # the echo off: refuse instead (also when the check below could not tell).
        warnings.simplefilter("error", getpass.GetPassWarning)
        try:
            first = getpass.getpass(messages.NEW_PASSWORD)
            second = getpass.getpass(messages.REPEAT_PASSWORD)
        except getpass.GetPassWarning:
            raise CliError(messages.NO_TERMINAL_FOR_PASSWORD, EXIT_USAGE) from None
    if first != second:
        raise CliError(messages.PASSWORDS_DIFFER)
    return first


def _password(args: argparse.Namespace, username: str, full_name: str) -> str:
    """The new password: drawn (--generate), from stdin, or asked twice at the terminal."""
    if args.generate:
        from pdp_tui.services import accounts

        return accounts.generate_temporary_password(username, full_name)
    return read_password(args.password_stdin)


def _show_generated(args: argparse.Namespace, username: str, password: str) -> None:
    """The drawn password, once: it is stored only as a hash."""
    if args.generate:
        print(messages.TEMPORARY_PASSWORD.format(username=username, password=password))


def _require_password_source(args: argparse.Namespace) -> None:
    """A password is drawn (--generate), comes from stdin (--password-stdin) or from a
    person at a terminal."""
    if args.password_stdin or args.generate:
        return
    try:
        interactive = sys.stdin is not None and sys.stdin.isatty()
    except ValueError:  # stdin closed
        interactive = False
    if not interactive:
        raise CliError(messages.NO_TERMINAL_FOR_PASSWORD, EXIT_USAGE)


def _username(args: argparse.Namespace) -> str:
    return args.username.strip().lower()


def _state(account) -> str:  # noqa: ANN001 - services.accounts.Account
    if not account.active:
        return messages.ACCOUNT_STATE_DISABLED
    if account.locked:
        return messages.ACCOUNT_STATE_LOCKED
    return messages.ACCOUNT_STATE_ACTIVE
