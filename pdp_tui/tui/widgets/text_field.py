"""Text input used on every form."""

from __future__ import annotations

from textual.widgets import Input

from pdp_tui.services.text import printable_only


class TextField(Input):
    """An Input whose cursor does not blink (no repaint twice a second over slow links), and
    into which neither a paste nor a key puts a control character or a terminal escape
    sequence: ``Ma\\e[31mrio\\a`` pasted reads "Mario", and nothing reaches the screen
    that the terminal would obey."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cursor_blink = False

    def replace(self, text: str, start: int, end: int) -> None:
        # Every edit goes through here: typed characters, pastes, insert_text_at_cursor.
        super().replace(printable_only(text), start, end)
