"""Fixtures for the Pilot and snapshot tests of the terminal app.

Helpers that tests call directly (typing, waiting, reading the screen) live in
``tests/pilot_helpers.py``, shared by every UI suite.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from pdp_tui import config
from pdp_tui.domain import DemoAccount
from pdp_tui.services import codes
from pdp_tui.tui.app import PdpApp

# A fixed, valid activation code (its check character computed, not copied) and a fixed
# registration time, so that snapshots and texts do not change from run to run.
FIXED_BODY = "7S13PW746JB"
FIXED_CODE = FIXED_BODY + codes.check_character(FIXED_BODY)
FIXED_NOW = dt.datetime(2026, 3, 14, 9, 26, 53)  # naive UTC, as stored: 10:26 in Rome

AppFactory = Callable[..., PdpApp]


@pytest.fixture
def make_app(sqlite_url) -> AppFactory:
    """``make_app(database_url=None, demo_accounts=(), **settings)``: a PdpApp on the test DB.

    Settings are the test's isolated ones with the database URL (the SQLite file of
    ``sqlite_seed`` unless given) and the time zone pinned to Europe/Rome.
    """

    def make(
        database_url: str | None = None,
        demo_accounts: tuple[DemoAccount, ...] = (),
        **overrides: object,
    ) -> PdpApp:
        settings = config.use(
            dataclasses.replace(
                config.current(),
                database_url=database_url or sqlite_url,
                timezone="Europe/Rome",
                **overrides,
            )
        )
        return PdpApp(settings, demo_accounts=demo_accounts)

    return make


@pytest.fixture
def fixed_code(monkeypatch) -> str:
    """Every plan registered in the test gets FIXED_CODE (so at most one per test)."""
    monkeypatch.setattr("pdp_tui.services.plans.generate_code", lambda: FIXED_CODE)
    return FIXED_CODE


@pytest.fixture
def fixed_now(monkeypatch) -> dt.datetime:
    """Plans registered in the test are stamped FIXED_NOW."""
    monkeypatch.setattr("pdp_tui.services.plans.utcnow", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture(autouse=True)
def quick_keys(monkeypatch) -> None:
    """Pilot waits for idleness after every key in 20 ms slices; 5 ms ones keep the same
    check (wall clock against CPU time) and make a typed word four times quicker. Tests
    never rely on this wait: they wait on conditions (``pilot_helpers.wait_until``)."""
    import textual._wait

    monkeypatch.setattr(textual._wait, "SLEEP_GRANULARITY", 1 / 500)
    monkeypatch.setattr(textual._wait, "SLEEP_IDLE", 1 / 500 / 20)


@pytest.fixture
def clock(monkeypatch) -> Callable[[], dt.datetime]:
    """Each plan registered in the test is stamped one minute after the previous one,
    from FIXED_NOW: the list's order is then known, and its dates do not change."""
    ticks = iter(range(1_000_000))

    def now() -> dt.datetime:
        return FIXED_NOW + dt.timedelta(minutes=next(ticks))

    monkeypatch.setattr("pdp_tui.services.plans.utcnow", now)
    return now
