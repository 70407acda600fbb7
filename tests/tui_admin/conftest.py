"""Fixtures for the administration screens: the app on the seeded SQLite file.

The seed (tests/conftest.py) has stores MI01 and RM01 and one account per role, all with
the password ``seed.password``. Helpers are the shared ones (tests/pilot_helpers.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from pilot_helpers import wait_until
from textual.pilot import Pilot

from pdp_tui import config
from pdp_tui.tui.app import PdpApp


@pytest.fixture
def make_app(sqlite_seed, sqlite_url) -> Callable[[], PdpApp]:
    """A new app on the seeded database (call it after preparing the data)."""

    def make() -> PdpApp:
        return PdpApp(config.use(dataclasses.replace(config.current(), database_url=sqlite_url)))

    return make


async def confirm(pilot: Pilot, key: str, answer: str = "enter") -> None:
    """Press ``key``, wait for the confirmation dialog, answer it."""
    await pilot.press(key)
    await wait_until(pilot, lambda: type(pilot.app.screen).__name__ == "ConfirmDialog", "confirm")
    await pilot.press(answer)
    await wait_until(pilot, lambda: type(pilot.app.screen).__name__ != "ConfirmDialog", "closed")
