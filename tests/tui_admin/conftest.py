"""Fixtures and helpers for the administration screens: the app on the seeded SQLite file.

The seed (tests/conftest.py) has stores MI01 and RM01 and one account per role, all with
the password ``seed.password``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from pdp_tui import config
from pdp_tui.tui.app import PdpApp


@pytest.fixture
def make_app(sqlite_seed, sqlite_url) -> Callable[[], PdpApp]:
    """A new app on the seeded database (call it after preparing the data)."""

    def make() -> PdpApp:
        return PdpApp(config.use(dataclasses.replace(config.current(), database_url=sqlite_url)))

    return make


async def settle(pilot: Pilot, rounds: int = 3) -> None:
    """Let thread workers finish and their results (which may start others) arrive, until
    the screen in front and its widgets stay the same for ``rounds`` looks in a row: on a
    loaded machine a pushed screen or a reloaded table takes a while to appear."""
    app = pilot.app
    previous, stable = None, 0
    deadline = time.monotonic() + 10
    while stable < rounds and time.monotonic() < deadline:
        await asyncio.wait_for(app.workers.wait_for_complete(), 10)
        await pilot.pause(0.02)
        screen = app.screen
        state = (id(screen), sum(1 for _ in screen.walk_children()), len(app.workers))
        stable = stable + 1 if state == previous else 0
        previous = state


async def wait_until(pilot: Pilot, predicate: Callable[[], object], what: str = "") -> None:
    deadline = time.monotonic() + 10
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await settle(pilot, rounds=1)


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*text)


async def login(pilot: Pilot, username: str, password: str) -> None:
    """Type the credentials on the login screen as a user would, and wait for the session."""
    await wait_until(pilot, lambda: pilot.app.screen.query("#username"), "the login screen")
    pilot.app.screen.query_one("#username").focus()
    await type_text(pilot, username)
    await pilot.press("enter")
    await type_text(pilot, password)
    await pilot.press("enter")
    await wait_until(pilot, lambda: pilot.app.actor is not None, "login")
    await wait_until(
        pilot, lambda: not pilot.app.screen.query("#username"), "the first screen after login"
    )
    await settle(pilot)


def table_rows(table: DataTable) -> list[list[str]]:
    """The cells of every row as plain strings."""
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def column(table: DataTable, key: str) -> list[str]:
    index = [c.key.value for c in table.ordered_columns].index(key)
    return [row[index] for row in table_rows(table)]


def shown_text(widget) -> str:
    """What a Static shows, as plain text."""
    return str(widget.render())


async def move_to_row(pilot: Pilot, table: DataTable, key: str) -> None:
    """Move the cursor to the row with ``key`` by pressing Down/Up."""
    target = table.get_row_index(key)
    table.focus()
    while table.cursor_row != target:
        await pilot.press("down" if table.cursor_row < target else "up")


def cell(table, row_key: str, column: int) -> str | None:
    """The text of a cell, or None while the table is being reloaded."""
    try:
        return str(table.get_row(row_key)[column])
    except Exception:  # noqa: BLE001 - RowDoesNotExist while the rows are replaced
        return None


async def confirm(pilot: Pilot, key: str, answer: str = "enter") -> None:
    """Press ``key``, wait for the confirmation dialog, answer it."""
    await pilot.press(key)
    await wait_until(pilot, lambda: type(pilot.app.screen).__name__ == "ConfirmDialog", "confirm")
    await pilot.press(answer)
    await wait_until(pilot, lambda: type(pilot.app.screen).__name__ != "ConfirmDialog", "closed")
