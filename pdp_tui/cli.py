"""The command line: ``pdp-tui`` runs the app; subcommands serve administrators.

    pdp-tui [--db URL]                    the app
    pdp-tui --demo                        the app on a ready demo database
    pdp-tui migrate                       create or upgrade the schema
    pdp-tui store add CODE NAME | list
    pdp-tui user add|list|passwd|disable|enable|unlock ...
    pdp-tui demo [--contracts N]          fill the database with demo data

Start-up speed matters for the plain app: this module imports only the standard library,
config and domain at module level. Peewee, psycopg, argon2 and every module that touches
the database are imported inside the subcommands, after argument parsing; the app opens
and migrates the database itself, in a worker.

Errors end as one Italian line on stderr and a non-zero exit status, never a traceback:
1 for a refused request or an unusable database, 2 for bad arguments, 130 for Ctrl+C.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from pdp_tui import config
from pdp_tui.domain import DEMO_ACCOUNTS, SYSTEM, Role

if TYPE_CHECKING:
    from pdp_tui.config import Settings

PROG = "pdp-tui"
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
DEMO_DEFAULT_CONTRACTS = 5_000  # mirrors services.demo.DEFAULT_CONTRACTS (not imported here)
MAX_DEMO_CONTRACTS = 50_000_000


class CliError(Exception):
    """A message for the operator (Italian, one line) and the exit status."""

    def __init__(self, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.code = code


# --- argument parsing ---------------------------------------------------------------

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


class _Parser(argparse.ArgumentParser):
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
        hint = f" (vedi {self.prog} --help)"
        raise CliError(_italian_usage_error(message) + hint, EXIT_USAGE)


def _contract_count(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(".", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"numero non valido: {text!r}") from None
    if not 0 <= value <= MAX_DEMO_CONTRACTS:
        raise argparse.ArgumentTypeError(f"da 0 a {_num(MAX_DEMO_CONTRACTS)} (non {text})")
    return value


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    # SUPPRESS: a subcommand without --db keeps the value given before it.
    common.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database da usare (sqlite:///percorso o postgresql://utente@host/nome); "
        "prevale su PDP_DATABASE_URL",
    )

    parser = _Parser(
        prog=PROG,
        description="Registrazione dei Piani di Protezione. Senza comando apre l'applicazione.",
        parents=[common],
    )
    # No set_defaults(db=...): the parents' actions are shared, it would reach every parser.
    parser.set_defaults(handler=_cmd_app)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="apre l'applicazione su un database demo pronto all'uso (lo crea se manca)",
    )
    commands = parser.add_subparsers(
        title="comandi", metavar="COMANDO", dest="command", parser_class=_Parser
    )

    migrate = commands.add_parser(
        "migrate", parents=[common], help="crea o aggiorna lo schema del database"
    )
    migrate.set_defaults(handler=_cmd_migrate)

    store = commands.add_parser("store", parents=[common], help="negozi")
    store_commands = store.add_subparsers(
        title="comandi", metavar="COMANDO", dest="store_command", required=True
    )
    store_add = store_commands.add_parser("add", parents=[common], help="aggiunge un negozio")
    store_add.add_argument("code", metavar="CODICE", help="codice del negozio, es. MI01")
    store_add.add_argument("name", metavar="NOME", help='nome del negozio, es. "Milano Centro"')
    store_add.set_defaults(handler=_cmd_store_add)
    store_list = store_commands.add_parser("list", parents=[common], help="elenca i negozi")
    store_list.set_defaults(handler=_cmd_store_list)

    user = commands.add_parser("user", parents=[common], help="account degli utenti")
    user_commands = user.add_subparsers(
        title="comandi", metavar="COMANDO", dest="user_command", required=True
    )
    password_stdin = _Parser(add_help=False)
    password_stdin.add_argument(
        "--password-stdin",
        action="store_true",
        help="legge la password da una riga dello standard input invece di chiederla",
    )
    user_add = user_commands.add_parser(
        "add",
        parents=[common, password_stdin],
        help="crea un account (la password va cambiata al primo accesso)",
    )
    user_add.add_argument("username", metavar="UTENTE", help="nome utente, es. mario.rossi")
    user_add.add_argument(
        "--role",
        required=True,
        choices=[r.value for r in Role],
        help="staff (addetto vendite), support (assistenza), admin (amministratore)",
    )
    user_add.add_argument("--store", metavar="CODICE", help="negozio (obbligatorio per staff)")
    user_add.add_argument("--name", metavar="NOME", default="", help="nome e cognome")
    user_add.set_defaults(handler=_cmd_user_add)

    user_list = user_commands.add_parser("list", parents=[common], help="elenca gli account")
    user_list.set_defaults(handler=_cmd_user_list)

    user_passwd = user_commands.add_parser(
        "passwd",
        parents=[common, password_stdin],
        help="imposta una nuova password (da cambiare al primo accesso) e sblocca",
    )
    user_passwd.add_argument("username", metavar="UTENTE")
    user_passwd.set_defaults(handler=_cmd_user_passwd)

    for name, help_text, handler in (
        ("disable", "disattiva un account", _cmd_user_disable),
        ("enable", "riattiva un account", _cmd_user_enable),
        ("unlock", "sblocca un account bloccato dai tentativi falliti", _cmd_user_unlock),
    ):
        sub = user_commands.add_parser(name, parents=[common], help=help_text)
        sub.add_argument("username", metavar="UTENTE")
        sub.set_defaults(handler=handler)

    demo = commands.add_parser(
        "demo",
        parents=[common],
        help="riempie il database con negozi, account e Piani dimostrativi",
    )
    demo.add_argument(
        "--contracts",
        metavar="N",
        type=_contract_count,
        default=DEMO_DEFAULT_CONTRACTS,
        help=f"quanti Piani creare (predefinito {_num(DEMO_DEFAULT_CONTRACTS)})",
    )
    demo.set_defaults(handler=_cmd_demo)
    return parser


# --- entry point --------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:  # --help
            return exc.code if isinstance(exc.code, int) else EXIT_OK
        if args.demo and args.command:
            raise CliError("--demo vale solo per aprire l'applicazione, non con un comando.", 2)
        return args.handler(args) or EXIT_OK
    except KeyboardInterrupt:
        _error("interrotto.")
        return EXIT_INTERRUPTED
    except CliError as exc:
        _error(str(exc))
        return exc.code
    except BrokenPipeError:
        # The reader went away (pdp-tui user list | head): nothing left to say.
        _silence_stdout()
        return EXIT_ERROR
    except Exception as exc:
        message = describe_error(exc)
        if message is None:
            raise  # a bug: the traceback is what a developer needs
        _error(message)
        return EXIT_ERROR


def describe_error(exc: BaseException) -> str | None:
    """One Italian line for an error the operator can act on; None for a bug."""
    from pdp_tui.config import ConfigError

    if isinstance(exc, ConfigError):
        return f"impostazioni non valide: {exc}"
    if type(exc).__name__ == "TOMLDecodeError":
        return f"file di configurazione illeggibile ({config.config_file_path()}): {exc}"
    db_module = sys.modules.get("pdp_tui.db")
    if db_module is not None and isinstance(exc, db_module.DatabaseURLError):
        return f"indirizzo del database non valido: {exc}"
    errors = sys.modules.get("pdp_tui.services.errors")
    if errors is not None:
        if isinstance(exc, errors.ValidationError):
            return " ".join(exc.errors.values()) or str(exc)
        if isinstance(exc, errors.ServiceError):  # includes DatabaseUnavailable
            return str(exc)
    if _is_driver_error(exc, "OperationalError", "InterfaceError"):
        return f"database non raggiungibile o non utilizzabile: {_first_line(exc)}"
    if _is_driver_error(exc, "DatabaseError", "Error"):
        return f"errore del database: {_first_line(exc)}"
    if isinstance(exc, EOFError):
        return "standard input terminato prima del previsto."
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"errore di sistema: {exc.strerror or exc}{where}"
    return None


def _is_driver_error(exc: BaseException, *names: str) -> bool:
    """Is ``exc`` one of the named classes of peewee, sqlite3 or psycopg (if loaded)?"""
    for module_name in ("peewee", "sqlite3", "psycopg"):
        module = sys.modules.get(module_name)
        for name in names:
            cls = getattr(module, name, None) if module else None
            if isinstance(cls, type) and isinstance(exc, cls):
                return True
    return False


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _error(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


# --- helpers ------------------------------------------------------------------------


def _num(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _seconds(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " s"


def _settings(args: argparse.Namespace, database_url: str | None = None) -> Settings:
    settings = config.load_settings(database_url=database_url or getattr(args, "db", None))
    return config.use(settings)


def _safe_url(url: str) -> str:
    """The URL without its password, to print."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


@contextmanager
def _database(settings: Settings, *, migrate: bool | None = None) -> Iterator[None]:
    """Open the database, bring the schema up to date (or check it), one session."""
    from pdp_tui import db

    database = db.open_database(settings.resolved_database_url)
    try:
        pending, unknown = db.migration_status(database)
        if unknown:
            raise CliError(
                "il database è stato aggiornato da una versione più recente di pdp-tui "
                f"({', '.join(unknown)}): aggiorna il programma."
            )
        if pending and (settings.auto_migrate if migrate is None else migrate):
            db.migrate(database)
        elif pending:
            raise CliError(
                "lo schema del database non è aggiornato: esegui «pdp-tui migrate» "
                "(PDP_AUTO_MIGRATE è disattivato)."
            )
        with db.session():
            yield
    finally:
        if not database.is_closed():
            database.close()
        close_all = getattr(database, "close_all", None)
        if close_all is not None:  # pooled PostgreSQL: give the connections back
            close_all()


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise CliError("nessuna password ricevuta sullo standard input.")
        return line.rstrip("\r\n")
    import getpass

    first = getpass.getpass("Nuova password: ")
    second = getpass.getpass("Ripeti la password: ")
    if first != second:
        raise CliError("le due password non coincidono.")
    return first


def _print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)]
    for row in (headers, *rows):
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


# --- the app ------------------------------------------------------------------------


def _cmd_app(args: argparse.Namespace) -> int:
    if args.demo:
        return _cmd_app_demo(args)
    settings = _settings(args)
    return _run_app(settings)


def _run_app(settings: Settings, demo_accounts: tuple = ()) -> int:
    from pdp_tui.tui.app import PdpApp

    _log_to_file()
    app = PdpApp(settings, demo_accounts=demo_accounts)
    app.run()
    return getattr(app, "return_code", None) or EXIT_OK


def _log_to_file() -> None:
    """Warnings and unexpected errors go to a file: the terminal belongs to the app."""
    import logging
    from pathlib import Path

    from platformdirs import user_log_dir

    path = Path(user_log_dir("pdp-tui")) / "pdp-tui.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)


def demo_database_url() -> str:
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir(config.APP_NAME)) / 'demo.sqlite3'}"


def _cmd_app_demo(args: argparse.Namespace) -> int:
    # Never the configured (real) database unless asked for explicitly.
    explicit = getattr(args, "db", None) or os.environ.get("PDP_DATABASE_URL")
    settings = _settings(args, explicit or demo_database_url())
    from pdp_tui.services import demo

    with _database(settings, migrate=True):
        if not demo.is_demo_ready():
            print(
                f"Preparo il database demo ({_safe_url(settings.resolved_database_url)})…",
                file=sys.stderr,
            )
            with _progress() as progress:
                demo.fill_demo(SYSTEM, demo.DEFAULT_CONTRACTS, progress=progress)
    return _run_app(settings, demo_accounts=DEMO_ACCOUNTS)


# --- subcommands --------------------------------------------------------------------


def _cmd_migrate(args: argparse.Namespace) -> int:
    from pdp_tui import db

    settings = _settings(args)
    database = db.open_database(settings.resolved_database_url)
    try:
        _, unknown = db.migration_status(database)
        applied = db.migrate(database)
    finally:
        database.close()
        if hasattr(database, "close_all"):
            database.close_all()
    print(f"Database: {_safe_url(settings.resolved_database_url)}")
    if applied:
        print(f"Migrazioni applicate: {', '.join(applied)}")
    else:
        print("Nessuna migrazione da applicare: lo schema è aggiornato.")
    if unknown:
        print(f"Attenzione: migrazioni sconosciute a questa versione: {', '.join(unknown)}")
    return EXIT_OK


def _cmd_store_add(args: argparse.Namespace) -> int:
    from pdp_tui.services import catalogue

    with _database(_settings(args)):
        store = catalogue.add_store(SYSTEM, args.code, args.name)
    print(f"Negozio {store.code} «{store.name}» creato.")
    return EXIT_OK


def _cmd_store_list(args: argparse.Namespace) -> int:
    from pdp_tui.services import catalogue

    with _database(_settings(args)):
        stores = catalogue.list_stores(SYSTEM)
    if not stores:
        print("Nessun negozio.")
    else:
        _print_table(("codice", "nome"), [(code, name) for _, code, name in stores])
    return EXIT_OK


def _cmd_user_add(args: argparse.Namespace) -> int:
    from pdp_tui.services import accounts

    with _database(_settings(args)):
        password = _read_password(args.password_stdin)
        account = accounts.create_user(
            SYSTEM,
            args.username,
            args.role,
            password=password,
            store_code=args.store,
            full_name=args.name,
            must_change_password=True,
        )
    where = f", negozio {account.store_code}" if account.store_code else ""
    print(
        f"Account {account.username} creato ({account.role.label}{where}): "
        "la password va cambiata al primo accesso."
    )
    return EXIT_OK


def _account_state(account) -> str:  # noqa: ANN001 - services.accounts.Account
    if not account.active:
        return "disattivato"
    if account.locked:
        return "bloccato"
    return "attivo"


def _cmd_user_list(args: argparse.Namespace) -> int:
    from pdp_tui.services import accounts

    with _database(_settings(args)):
        users = accounts.list_users(SYSTEM)
    if not users:
        print("Nessun account.")
        return EXIT_OK
    _print_table(
        ("utente", "ruolo", "negozio", "stato", "cambio password", "nome"),
        [
            (
                u.username,
                u.role.label,
                u.store_code or "-",
                _account_state(u),
                "richiesto" if u.must_change_password else "no",
                u.full_name or "-",
            )
            for u in users
        ],
    )
    return EXIT_OK


def _cmd_user_passwd(args: argparse.Namespace) -> int:
    from pdp_tui.services import accounts

    with _database(_settings(args)):
        password = _read_password(args.password_stdin)
        accounts.reset_password(SYSTEM, args.username, password)
    print(
        f"Password di {args.username.strip().lower()} impostata: "
        "va cambiata al primo accesso. Account sbloccato."
    )
    return EXIT_OK


def _user_action(
    args: argparse.Namespace, action: Callable[..., None], done: str, *extra: object
) -> int:
    with _database(_settings(args)):
        action(SYSTEM, args.username, *extra)
    print(f"Account {args.username.strip().lower()} {done}.")
    return EXIT_OK


def _cmd_user_disable(args: argparse.Namespace) -> int:
    from pdp_tui.services import accounts

    return _user_action(args, accounts.set_active, "disattivato", False)


def _cmd_user_enable(args: argparse.Namespace) -> int:
    from pdp_tui.services import accounts

    return _user_action(args, accounts.set_active, "riattivato", True)


def _cmd_user_unlock(args: argparse.Namespace) -> int:
    from pdp_tui.services import accounts

    return _user_action(args, accounts.unlock, "sbloccato")


def _cmd_demo(args: argparse.Namespace) -> int:
    from pdp_tui.services import demo

    settings = _settings(args)
    started = time.perf_counter()
    with _database(settings):
        with _progress() as progress:
            result = demo.fill_demo(SYSTEM, args.contracts, progress=progress)
    elapsed = time.perf_counter() - started
    print(f"Database: {_safe_url(settings.resolved_database_url)}")
    if result.stores_created:
        print(f"Negozi creati: {', '.join(result.stores_created)}")
    print("Account demo (accesso diretto, senza cambio password):")
    _print_table(
        ("utente", "password", "ruolo", "negozio", ""),
        [
            (
                a.username,
                a.password or "(cambiata: non la conosco)",
                a.role.label,
                a.store_code or "-",
                "creato ora" if a.created else "già presente",
            )
            for a in result.accounts
        ],
    )
    if result.plans_added:
        print(
            f"Piani creati: {_num(result.plans_added)} "
            f"({result.first_contract} … {result.last_contract}) in {_seconds(elapsed)}"
        )
    else:
        print("Nessun Piano creato.")
    return EXIT_OK


# --- progress -----------------------------------------------------------------------

_PHASES = {"plans": "Piani", "indexes": "Indici"}


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    """A progress callback: a rich bar on a terminal, plain lines otherwise (stderr)."""
    if not sys.stderr.isatty():

        def plain(phase: str, done: int, total: int) -> None:
            if done:
                print(f"{_PHASES.get(phase, phase)}: {_num(done)}/{_num(total)}", file=sys.stderr)

        yield plain
        return

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    tasks: dict[str, int] = {}
    with Progress(
        TextColumn("{task.description:<8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    ) as bar:

        def update(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(_PHASES.get(phase, phase), total=total)
            bar.update(tasks[phase], completed=done, total=total)

        yield update
