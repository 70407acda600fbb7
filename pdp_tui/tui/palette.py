"""The command palette (Ctrl+P) in Italian.

Textual's ``CommandPalette`` writes "Search for commands…" and "No matches found" itself;
this subclass says them in Italian. The "no matches" line is added by a private method
of the library, mirrored here: tests/tui/test_italian.py checks what a user sees.
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

PLACEHOLDER = "Cerca un comando…"
NO_MATCHES = "Nessun comando trovato"


class Palette(CommandPalette):
    def __init__(self) -> None:
        super().__init__(placeholder=PLACEHOLDER, id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(NO_MATCHES, style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
