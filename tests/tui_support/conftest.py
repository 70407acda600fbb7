"""Fixtures for the support/corrections/lock Pilot tests and snapshots (SQLite only).

The plan-entry tests' fixtures in ``tests/tui/conftest.py`` are not visible from here, so
the few this package needs are defined again, on the same lines.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from pdp_tui import config
from pdp_tui.services import codes
from pdp_tui.tui.app import PdpApp

# Registration time of every plan in a test that asks for ``fixed_now``: naive UTC, as
# stored (10:26 in Rome), and the time of the corrections made afterwards.
FIXED_NOW = dt.datetime(2026, 3, 14, 9, 26, 53)
FIXED_CHANGE_AT = dt.datetime(2026, 3, 20, 15, 5, 0)
# Valid activation codes: fixed bodies, check characters computed, not copied.
FIXED_BODIES = ("7S13PW746JB", "K2M9QX4TR8D", "H5N0VB3WE6Z", "C8F1JY7KP2S", "T4G6MR9XA0N")
FIXED_CODES = tuple(body + codes.check_character(body) for body in FIXED_BODIES)

AppFactory = Callable[..., PdpApp]


@pytest.fixture
def make_app(sqlite_url) -> AppFactory:
    """``make_app(**settings)``: a PdpApp on the test's SQLite file, dates shown in Rome.

    The idle lock is off unless a test sets ``idle_lock_minutes``.
    """

    def make(**overrides: object) -> PdpApp:
        values: dict[str, object] = {"idle_lock_minutes": 0.0} | overrides
        settings = config.use(
            dataclasses.replace(
                config.current(),
                database_url=sqlite_url,
                timezone="Europe/Rome",
                **values,
            )
        )
        return PdpApp(settings)

    return make


@pytest.fixture
def fixed_codes(monkeypatch) -> tuple[str, ...]:
    """Plans registered in the test get FIXED_CODES in order."""
    issued = iter(FIXED_CODES)
    monkeypatch.setattr("pdp_tui.services.plans.generate_code", lambda: next(issued))
    return FIXED_CODES


@pytest.fixture
def fixed_now(monkeypatch) -> dt.datetime:
    """Plans registered, corrected or voided in the test are stamped FIXED_NOW."""
    monkeypatch.setattr("pdp_tui.services.plans.utcnow", lambda: FIXED_NOW)
    monkeypatch.setattr("pdp_tui.services.corrections.utcnow", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture(autouse=True)
def quick_keys(monkeypatch) -> None:
    """Pilot's idle wait after each key in 5 ms slices instead of 20 ms (same check, quicker
    typing). Tests never rely on that wait: they wait on conditions (``helpers.wait_until``)."""
    import textual._wait

    monkeypatch.setattr(textual._wait, "SLEEP_GRANULARITY", 1 / 200)
    monkeypatch.setattr(textual._wait, "SLEEP_IDLE", 1 / 200 / 20)
