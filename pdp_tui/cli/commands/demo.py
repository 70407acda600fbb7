"""``pdp-tui demo``: demo stores, accounts (printed) and plans."""

from __future__ import annotations

import argparse
import time

from pdp_tui.cli import messages
from pdp_tui.cli.errors import EXIT_OK
from pdp_tui.cli.output import number, print_table, progress, safe_url, seconds
from pdp_tui.cli.parser import Commands
from pdp_tui.cli.session import database_session, settings_for
from pdp_tui.domain import SYSTEM

DEFAULT_CONTRACTS = 5_000  # mirrors pdp_tui.demo.DEFAULT_CONTRACTS (not imported here)
MAX_CONTRACTS = 50_000_000


def register(commands: Commands) -> None:
    demo = commands.add(
        "demo", "riempie il database con negozi, account e Piani dimostrativi", fill
    )
    demo.add_argument(
        "--contracts",
        metavar="N",
        type=contract_count,
        default=DEFAULT_CONTRACTS,
        help=f"quanti Piani creare (predefinito {number(DEFAULT_CONTRACTS)})",
    )


def contract_count(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(".", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(messages.BAD_NUMBER.format(text=text)) from None
    if not 0 <= value <= MAX_CONTRACTS:
        raise argparse.ArgumentTypeError(
            messages.NUMBER_OUT_OF_RANGE.format(maximum=number(MAX_CONTRACTS), text=text)
        )
    return value


def fill(args: argparse.Namespace) -> int:
    from pdp_tui import demo

    settings = settings_for(args)
    started = time.perf_counter()
    with database_session(settings, create=True):
        with progress() as report:
            result = demo.fill_demo(SYSTEM, args.contracts, progress=report)
    elapsed = time.perf_counter() - started
    print(messages.DATABASE.format(url=safe_url(settings.resolved_database_url)))
    if result.stores_created:
        print(messages.STORES_CREATED.format(stores=", ".join(result.stores_created)))
    print(messages.DEMO_ACCOUNTS)
    print_table(
        messages.DEMO_ACCOUNT_HEADERS,
        [
            (
                a.username,
                a.password or messages.DEMO_PASSWORD_CHANGED,
                a.role.label,
                a.store_code or messages.NONE,
                messages.DEMO_ACCOUNT_CREATED if a.created else messages.DEMO_ACCOUNT_EXISTED,
            )
            for a in result.accounts
        ],
    )
    if result.plans_added:
        print(
            messages.PLANS_CREATED.format(
                count=number(result.plans_added),
                first=result.first_contract,
                last=result.last_contract,
                elapsed=seconds(elapsed),
            )
        )
    else:
        print(messages.NO_PLANS_CREATED)
    return EXIT_OK
