"""The footer of every screen: the keys, compact, so that the navigation keys fit in 80 columns."""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    def __init__(self) -> None:
        # The palette (Ctrl+P) is listed in the F1 help instead.
        super().__init__(compact=True, show_command_palette=False)
