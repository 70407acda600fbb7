"""Text input used on every form."""

from __future__ import annotations

from textual.widgets import Input


class TextField(Input):
    """An Input whose cursor does not blink: no repaint twice a second over slow links."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cursor_blink = False
