"""Messages the app sends to its screens."""

from __future__ import annotations

from textual.message import Message


class OpenedAgain(Message):
    """The user asked for the screen already in front (e.g. F2 on Nuovo Piano)."""
