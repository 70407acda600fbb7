"""What the support and correction tests add to the shared ``tests/pilot_helpers.py``."""

from __future__ import annotations

from pilot_helpers import (  # noqa: F401 - re-exported for this package's tests
    PASSWORD,
    flat,
    input_value,
    key_names,
    login_as,
    login_staff,
    region_text,
    screen_lines,
    screen_text,
    settle,
    type_text,
    wait_until,
)
from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget

from pdp_tui.models import AuditEvent


def flat_screen(app: App) -> str:
    return flat(screen_text(app))


def find(app: App, selector: str) -> Widget | None:
    """The widget ``selector`` of the screen in front, or None (not there, not composed yet)."""
    matches = app.screen.query(selector)
    return matches.first() if matches else None


def shown(app: App, selector: str) -> str:
    """The flattened text drawn by the widget ``selector`` of the screen in front."""
    widget = find(app, selector)
    return flat(region_text(app, widget)) if widget is not None and widget.display else ""


def focused_id(app: App) -> str | None:
    """The id of the focused widget (safe while a screen is still being composed)."""
    return getattr(app.focused, "id", None)


def screen_name(app: App) -> str:
    return type(app.screen).__name__


def audit_count(kind: str) -> int:
    return AuditEvent.select().where(AuditEvent.kind == kind).count()


async def login_support(pilot: Pilot) -> None:
    await login_as(pilot, "assistenza")
    await wait_until(pilot, lambda: screen_name(pilot.app) == "VerifyCodeScreen")


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
