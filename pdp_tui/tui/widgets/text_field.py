"""Text input used on every form."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input

from pdp_tui.services.text import printable_only


class TextField(Input):
    """An Input whose cursor does not blink (no repaint twice a second over slow links), and
    into which neither a paste nor a key puts a control character or a terminal escape
    sequence: ``Ma\\e[31mrio\\a`` pasted reads "Mario", and nothing reaches the screen
    that the terminal would obey."""

    # Input sets its virtual size (the text's width) on every key, and Widget's virtual_size
    # asks for a layout of the whole screen when it changes: about 8 ms of CPU a key on
    # the plan form. A field's size never depends on its text (no width: auto here), and
    # its own horizontal scrolling reads the virtual size directly: a repaint is enough.
    virtual_size = Reactive(Size(0, 0), layout=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cursor_blink = False

    def replace(self, text: str, start: int, end: int) -> None:
        # Every edit goes through here: typed characters, pastes, insert_text_at_cursor.
        super().replace(printable_only(text), start, end)
