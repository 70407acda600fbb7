"""How values are shown to users: dates in the configured time zone, Italian style."""

from __future__ import annotations

import datetime as dt

from rich.text import Text

from pdp_tui import config
from pdp_tui.domain import ProtectionType


def local_time(stored: dt.datetime) -> dt.datetime:
    """A stored naive-UTC timestamp in the users' time zone."""
    return stored.replace(tzinfo=dt.UTC).astimezone(config.current().zone)


def date_time(stored: dt.datetime) -> str:
    return local_time(stored).strftime("%d/%m/%Y %H:%M")


def date_only(stored: dt.datetime | dt.date) -> str:
    if isinstance(stored, dt.datetime):
        stored = local_time(stored)
    return stored.strftime("%d/%m/%Y")


def protection_short(protection: ProtectionType) -> str:
    """The protection type in a narrow table column."""
    return {
        ProtectionType.COVERING: "solo riv.",
        ProtectionType.COVERING_AND_MOTION: "+ motion",
    }[protection]


def plain(text: str) -> Text:
    """Data typed by a user, to be shown literally: never parsed as markup."""
    return Text(text, no_wrap=False, end="")
