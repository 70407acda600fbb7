"""Messages the app sends to its screens."""

from __future__ import annotations

from textual.message import Message


class OpenedByKey(Message):
    """The user asked for this screen by its key (F2, F3, …), from it or from another one.

    Each screen makes itself ready for the next piece of work: F2 gives the form for the
    next card, F3 the list's search field, F4 an empty code field.
    """

    def __init__(self, *, again: bool) -> None:
        super().__init__()
        self.again = again  # the screen was already in front
