"""The command line: ``pdp-tui`` runs the app; subcommands serve administrators.

    pdp-tui [--db URL]                    the app
    pdp-tui --demo                        the app on a ready demo database
    pdp-tui migrate                       create or upgrade the schema
    pdp-tui store add CODE NAME | list | rename CODE NAME | close CODE | reopen CODE
    pdp-tui store printer CODE [QUEUE | --clear]   the store's CUPS queue (F9)
    pdp-tui form CONTRACT_NUMBER [-o FILE]          the adhesion form as a PDF
    pdp-tui covering add|list|retire ...
    pdp-tui protection list | set-validity CODE MONTHS
    pdp-tui user add|list|set|passwd|disable|enable|unlock ...
    pdp-tui export plans|requests [--from D] [--to D] [--store CODE] [-o FILE]
    pdp-tui demo [--contracts N]          fill the database with demo data

The package: ``parser`` (argparse in Italian), ``commands/`` (one module per job, each
registering its commands and holding their handlers), ``output`` (tables, figures,
progress, errors), ``messages`` (every Italian sentence), ``session`` (settings and the
database for a command), ``errors`` (exit statuses).

Start-up speed matters for the plain app: the package imports only the standard library,
config and domain at module level. Peewee, psycopg, argon2 and every module that touches
the database are imported inside the handlers, after argument parsing; the app opens and
migrates the database itself, in a worker.

Errors end as one Italian line on stderr and a non-zero exit status, never a traceback:
1 for a refused request or an unusable database, 2 for bad arguments, 130 for Ctrl+C.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from pdp_tui import config
from pdp_tui.cli import messages
from pdp_tui.cli.errors import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, CliError
from pdp_tui.cli.output import print_error, silence_stdout
from pdp_tui.cli.parser import parse


def main(argv: Sequence[str] | None = None) -> int:
    try:
        try:
            args = parse(argv)
        except SystemExit as exc:  # --help
            return exc.code if isinstance(exc.code, int) else EXIT_OK
        return args.handler(args) or EXIT_OK
    except KeyboardInterrupt:
        print_error(messages.INTERRUPTED)
        return EXIT_INTERRUPTED
    except CliError as exc:
        print_error(str(exc))
        return exc.code
    except BrokenPipeError:
        # The reader went away (pdp-tui user list | head): nothing left to say.
        silence_stdout()
        return EXIT_ERROR
    except Exception as exc:
        message = describe_error(exc)
        if message is None:
            raise  # a bug: the traceback is what a developer needs
        print_error(message)
        return EXIT_ERROR


def describe_error(exc: BaseException) -> str | None:
    """One Italian line for an error the operator can act on; None for a bug."""
    if isinstance(exc, config.ConfigError):
        return str(exc)  # one Italian line naming the file or variable and the setting
    url_module = sys.modules.get("pdp_tui.database_url")
    if url_module is not None and isinstance(exc, url_module.DatabaseURLError):
        return str(exc)  # one Italian line naming the URL or the file
    db_module = sys.modules.get("pdp_tui.db")
    if db_module is not None and db_module.is_disk_full(exc):
        return messages.DISK_FULL.format(error=_first_line(exc))
    errors = sys.modules.get("pdp_tui.services.errors")
    if errors is not None:
        if isinstance(exc, errors.ValidationError):
            return " ".join(exc.errors.values()) or str(exc)
        if isinstance(exc, errors.ServiceError):  # includes DatabaseUnavailable
            return str(exc)
    if _is_driver_error(exc, "OperationalError", "InterfaceError"):
        return messages.DATABASE_UNREACHABLE.format(error=_first_line(exc))
    if _is_driver_error(exc, "DatabaseError", "Error"):
        return messages.DATABASE_ERROR.format(error=_first_line(exc))
    if isinstance(exc, EOFError):
        return messages.STDIN_ENDED
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return messages.SYSTEM_ERROR.format(error=config.os_error_text(exc), where=where)
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
    orig = getattr(exc, "orig", None)  # peewee keeps the driver's exception here
    text = str(exc).strip() or (orig and str(orig).strip()) or type(exc).__name__
    return text.splitlines()[0]
