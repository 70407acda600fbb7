"""Driving the app by keys and reading what the screen shows (small copies of the ideas in
``tests/tui/pilot_helpers.py``, which is not an importable module from this package)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual.app import App, _character_to_key
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input

from pdp_tui.models import AuditEvent

PASSWORD = "password-di-prova"  # the seed accounts' password (tests/conftest.py)


def key_names(text: str) -> list[str]:
    """The keys a user presses to type ``text``: ``"[b] x"`` -> ``left_square_bracket, b, …``."""
    return [_character_to_key(ch) for ch in text]


async def type_text(pilot: Pilot, text: str) -> None:
    if text:
        await pilot.press(*key_names(text))


def screen_lines(app: App) -> list[str]:
    """The lines of the screen in front, as the compositor draws them."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app: App) -> str:
    return "\n".join(screen_lines(app))


def flat(text: str) -> str:
    """Every run of whitespace and box-drawing border reduced to one space."""
    borders = "║│┃╔╗╚╝═─┏┓┗┛━▊▎▏▕▔▁█▀▄"
    return " ".join("".join(" " if ch in borders else ch for ch in text).split())


def flat_screen(app: App) -> str:
    return flat(screen_text(app))


def region_text(app: App, widget: Widget) -> str:
    """The text drawn in ``widget``'s region of the screen."""
    region = widget.region
    lines = screen_lines(app)[region.y : region.y + region.height]
    return "\n".join(line[region.x : region.x + region.width].rstrip() for line in lines)


def find(app: App, selector: str) -> Widget | None:
    """The widget ``selector`` of the screen in front, or None (not there, not composed yet)."""
    matches = app.screen.query(selector)
    return matches.first() if matches else None


def shown(app: App, selector: str) -> str:
    """The flattened text drawn by the widget ``selector`` of the screen in front."""
    widget = find(app, selector)
    return flat(region_text(app, widget)) if widget is not None and widget.display else ""


def input_value(app: App, selector: str) -> str:
    return app.screen.query_one(selector, Input).value


def focused_id(app: App) -> str | None:
    """The id of the focused widget (safe while a screen is still being composed)."""
    return getattr(app.focused, "id", None)


def screen_name(app: App) -> str:
    return type(app.screen).__name__


def audit_count(kind: str) -> int:
    return AuditEvent.select().where(AuditEvent.kind == kind).count()


async def wait_until(
    pilot: Pilot, predicate: Callable[[], object], timeout: float = 5.0, what: str = ""
) -> None:
    """Poll ``predicate`` (letting workers and the message queue run) until it holds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(
                f"timed out after {timeout}s waiting for {what or predicate}\n"
                f"--- screen ({screen_name(pilot.app)}) ---\n{screen_text(pilot.app)}"
            )
        try:
            await asyncio.wait_for(pilot.app.workers.wait_for_complete(), remaining)
        except TimeoutError:
            pass
        await pilot.pause(0.01)


async def settle(pilot: Pilot) -> None:
    """Let the running workers finish and the UI process what they sent back."""
    await asyncio.wait_for(pilot.app.workers.wait_for_complete(), 5.0)
    await pilot.pause()


async def login(pilot: Pilot, username: str, password: str = PASSWORD) -> None:
    """Type the credentials on the login screen and wait for the first screen after it."""
    from pdp_tui.tui.screens.login import LoginScreen

    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen), what="login screen")
    await type_text(pilot, username)
    await pilot.press("enter")
    await type_text(pilot, password)
    await pilot.press("enter")
    await wait_until(
        pilot,
        lambda: app.actor is not None and not isinstance(app.screen, LoginScreen),
        what=f"{username} to be logged in",
    )


async def login_support(pilot: Pilot) -> None:
    await login(pilot, "assistenza")
    await wait_until(pilot, lambda: screen_name(pilot.app) == "VerifyCodeScreen")


async def login_staff(pilot: Pilot, username: str = "vendite.mi") -> None:
    """Log in as staff and wait for the plan form with its catalogue."""
    app = pilot.app
    await login(pilot, username)
    await wait_until(
        pilot,
        lambda: (
            screen_name(app) == "PlanEntryScreen"
            and getattr(find(app, "#covering"), "choices", None)
        ),
        what="the plan form with its catalogue",
    )


async def open_detail(pilot: Pilot, contract_number: str) -> None:
    """F3, type the contract number, Enter (into the results), Enter (open the detail)."""
    app = pilot.app
    await pilot.press("f3")
    await wait_until(pilot, lambda: screen_name(app) == "ContractListScreen")
    await wait_until(pilot, lambda: focused_id(app) == "search")
    await type_text(pilot, contract_number)
    await wait_until(
        pilot,
        lambda: (
            "Contratti 1–1 " in shown(app, "#list-status") + " "
            and contract_number in shown(app, "#plans")
        ),
        what=f"the list to show {contract_number} alone",
    )
    await pilot.press("enter", "enter")
    await wait_until(
        pilot,
        lambda: (
            screen_name(app) == "ContractDetailScreen"
            and app.screen.plan is not None
            and "Numero del contratto" in shown(app, "#detail-fields")
        ),
        what="the detail",
    )
