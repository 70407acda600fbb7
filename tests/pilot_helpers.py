"""Helpers for driving the app by keys and reading what the screen shows (every UI suite)."""

from __future__ import annotations

import asyncio
import time
import unicodedata
from collections.abc import Callable

from textual import events
from textual.app import App, _character_to_key, _get_unicode_name_from_key
from textual.keys import REPLACED_KEYS
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input
from textual.worker import WorkerCancelled

from pdp_tui.services.errors import AuthenticationFailed

PASSWORD = "password-di-prova"  # the seed accounts' password (tests/conftest.py)
LOGIN_FAILED = str(AuthenticationFailed())


def key_names(text: str) -> list[str]:
    """The keys a user presses to type ``text``: ``"[b] x"`` -> ``left_square_bracket, b, …``."""
    return [_character_to_key(ch) for ch in text]


def _pilot_types(ch: str) -> bool:
    """Whether ``pilot.press`` turns the key name of ``ch`` back into ``ch``."""
    key = _character_to_key(ch)
    try:
        return unicodedata.lookup(_get_unicode_name_from_key(key)) == ch
    except KeyError:
        return key == ch


async def type_text(pilot: Pilot, text: str) -> None:
    """Type ``text`` one key at a time into whatever has the focus.

    Characters the Pilot cannot name (e.g. the typographic apostrophe) are sent as the
    key event a terminal sends for them: the key name with the character.
    """
    for ch in text:
        if _pilot_types(ch):
            await pilot.press(_character_to_key(ch))
        else:
            event = events.Key(_character_to_key(ch), ch)
            event.set_sender(pilot.app)
            pilot.app._driver.send_message(event)
            await pilot.pause()


def typed(text: str) -> list[str]:
    """The key names of ``text`` (for ``burst``): ``typed("PDP-1")`` -> ``P, D, P, minus, 1``."""
    return key_names(text)


async def burst(pilot: Pilot, keys: list[str]) -> None:
    """Send ``keys`` all at once, as a terminal delivers a paste or keys coalesced by a slow
    SSH link: nothing waits between them (unlike ``pilot.press``)."""
    app = pilot.app
    for key in keys:
        # As Pilot names characters (App._press_keys).
        name = _get_unicode_name_from_key(REPLACED_KEYS.get(key, key))
        try:
            character = unicodedata.lookup(name)
        except KeyError:
            character = key if len(key) == 1 else None
        event = events.Key(key, character)
        event.set_sender(app)
        app._driver.send_message(event)
    await pilot.pause()


async def workers_done(app: App) -> None:
    """Until no worker runs. A worker cancelled meanwhile (a search superseded by the next
    key) is done too: Textual's ``wait_for_complete`` raises ``WorkerCancelled`` for it."""
    while True:
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            await asyncio.sleep(0)


async def settle(pilot: Pilot, timeout: float = 5.0) -> None:
    """Wait until no worker runs (DB work is in thread workers) and the UI is idle."""
    await asyncio.wait_for(workers_done(pilot.app), timeout)
    await pilot.pause()


async def wait_until(
    pilot: Pilot, predicate: Callable[[], object], what: str = "", timeout: float = 10.0
) -> None:
    """Poll ``predicate`` (after the workers and the message queue settle) until it holds."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            await pilot.pause()  # let what changed with it be laid out and drawn
            return
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(
                f"timed out after {timeout}s waiting for {what or predicate}\n"
                f"--- screen ({type(pilot.app.screen).__name__}) ---\n{screen_text(pilot.app)}"
            )
        try:
            await asyncio.wait_for(workers_done(pilot.app), remaining)
        except TimeoutError:
            pass
        await pilot.pause(0.01)


def screen_lines(app: App) -> list[str]:
    """The text of the screen in front, one string per terminal line, as drawn."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app: App) -> str:
    return "\n".join(screen_lines(app))


def region_text(app: App, widget: Widget) -> str:
    """The text drawn in ``widget``'s region of the screen (its lines, right-trimmed)."""
    region = widget.region
    lines = screen_lines(app)[region.y : region.y + region.height]
    return "\n".join(line[region.x : region.x + region.width].rstrip() for line in lines)


def flat(text: str) -> str:
    """Text with every run of whitespace (and box-drawing borders) reduced to one space."""
    borders = "║│┃╔╗╚╝═─┏┓┗┛━▊▎▏▕▔▁█▀▄"
    return " ".join("".join(" " if ch in borders else ch for ch in text).split())


def input_value(app: App, selector: str) -> str:
    return app.screen.query_one(selector, Input).value


async def login(pilot: Pilot, username: str, password: str = PASSWORD) -> None:
    """Type the credentials on the login screen, press Enter twice, wait for the outcome."""
    from pdp_tui.tui.screens.login import LoginScreen

    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen), what="login screen")
    await type_text(pilot, username)
    await pilot.press("enter")
    await type_text(pilot, password)
    await pilot.press("enter")
    await wait_until(
        pilot,
        lambda: (
            not isinstance(app.screen, LoginScreen)
            or not app.screen.query_one("#password", Input).disabled
        ),
        what="the login attempt to end",
    )


async def login_staff(pilot: Pilot, username: str = "vendite.mi") -> None:
    """Log in as a staff account and wait for the form with its catalogue."""
    from pdp_tui.tui.screens.plan_entry import PlanEntryScreen

    await login(pilot, username)
    app = pilot.app
    await wait_until(
        pilot,
        lambda: (
            isinstance(app.screen, PlanEntryScreen) and app.screen.query_one("#covering").choices
        ),
        what="the plan form with its catalogue",
    )


async def login_as(pilot: Pilot, username: str, password: str = PASSWORD) -> None:
    """Log in and wait for the user's first screen (the attempt must succeed)."""
    from pdp_tui.tui.screens.login import LoginScreen

    app = pilot.app
    await login(pilot, username, password)
    await wait_until(
        pilot,
        lambda: app.actor is not None and not isinstance(app.screen, LoginScreen),
        what=f"{username} to be logged in",
    )


async def steady(pilot: Pilot, rounds: int = 3) -> None:
    """Wait until the screen in front and its widgets stay the same for ``rounds`` looks in
    a row, with no worker running: on a loaded machine a pushed screen or a reloaded
    table takes a while to appear."""
    app = pilot.app
    previous, stable = None, 0
    deadline = time.monotonic() + 10
    while stable < rounds and time.monotonic() < deadline:
        await asyncio.wait_for(workers_done(app), 10)
        await pilot.pause(0.02)
        screen = app.screen
        state = (id(screen), sum(1 for _ in screen.walk_children()), len(app.workers))
        stable = stable + 1 if state == previous else 0
        previous = state


def table_rows(table) -> list[list[str]]:
    """The cells of every row of a DataTable as plain strings."""
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def column(table, key: str) -> list[str]:
    index = [c.key.value for c in table.ordered_columns].index(key)
    return [row[index] for row in table_rows(table)]


def cell(table, row_key: str, column_index: int) -> str | None:
    """The text of a cell, or None while the table is being reloaded."""
    try:
        return str(table.get_row(row_key)[column_index])
    except Exception:  # noqa: BLE001 - RowDoesNotExist while the rows are replaced
        return None


async def move_to_row(pilot: Pilot, table, key: str) -> None:
    """Move the cursor to the row with ``key`` by pressing Down/Up."""
    target = table.get_row_index(key)
    table.focus()
    while table.cursor_row != target:
        await pilot.press("down" if table.cursor_row < target else "up")


def shown_text(widget) -> str:
    """What a Static shows, as plain text."""
    return str(widget.render())
