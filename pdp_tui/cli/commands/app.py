"""``pdp-tui`` and ``pdp-tui --demo``: the Textual app."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pdp_tui import config
from pdp_tui.cli import messages
from pdp_tui.cli.errors import EXIT_OK
from pdp_tui.cli.output import progress, safe_url
from pdp_tui.cli.parser import Commands
from pdp_tui.cli.session import database_session, settings_for
from pdp_tui.domain import DEMO_ACCOUNTS, SYSTEM

if TYPE_CHECKING:
    from pdp_tui.config import Settings

# Textual paints a change at its next frame: at its default 60 frames a second a key waits
# up to 17 ms for each of its frames (the key echoed, then the list). At 120 the list follows
# a key typed in its search in 22 ms instead of 37 (median, bench/sessions.py), for the same
# CPU: frames are only made when something changed. Read by Textual when it is imported.
FRAMES_PER_SECOND = 120


def register(commands: Commands) -> None:
    commands.parser.set_defaults(handler=run)
    commands.parser.add_argument(
        "--demo",
        action="store_true",
        help="apre l'applicazione su un database demo pronto all'uso (lo crea se manca)",
    )


def run(args: argparse.Namespace) -> int:
    if args.demo:
        return run_demo(args)
    return run_app(settings_for(args))


def run_demo(args: argparse.Namespace) -> int:
    # Never the configured (real) database unless asked for explicitly.
    explicit = getattr(args, "db", None) or os.environ.get("PDP_DATABASE_URL")
    settings = settings_for(args, explicit or demo_database_url())
    from pdp_tui import demo

    with database_session(settings, migrate=True, create=True):
        if not demo.is_demo_ready():
            url = safe_url(settings.resolved_database_url)
            print(messages.PREPARING_DEMO.format(url=url), file=sys.stderr)
            with progress() as report:
                demo.fill_demo(SYSTEM, demo.DEFAULT_CONTRACTS, progress=report)
    return run_app(settings, demo_accounts=DEMO_ACCOUNTS)


def run_app(settings: Settings, demo_accounts: tuple = ()) -> int:
    from pdp_tui import database_url
    from pdp_tui.cli.session import may_create

    # A URL or an SQLite file the app could not use: one line now, before the app takes the
    # terminal over (the app says it again on its login screen if it goes wrong later).
    database_url.check(settings.resolved_database_url, create=may_create(settings))
    from pdp_tui.process_memory import return_large_blocks

    set_frame_rate()
    from pdp_tui.tui.app import PdpApp

    return_large_blocks()  # argon2's working memory is given back after each check
    _log_to_file()
    app = PdpApp(settings, demo_accounts=demo_accounts)
    app.run()
    return getattr(app, "return_code", None) or EXIT_OK


def set_frame_rate() -> None:
    """Before Textual is imported (``pdp_tui.cli`` does not import it)."""
    os.environ.setdefault("TEXTUAL_FPS", str(FRAMES_PER_SECOND))


def demo_database_url() -> str:
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir(config.APP_NAME)) / 'demo.sqlite3'}"


def _log_to_file() -> None:
    """Warnings and unexpected errors go to a file: the terminal belongs to the app."""
    import logging

    from platformdirs import user_log_dir

    path = Path(user_log_dir(config.APP_NAME)) / "pdp-tui.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)
