"""Shown over any screen while the terminal is smaller than the app can lay out whole.

At 80x24 (and 80x23, a terminal multiplexer's status line taken) every screen works;
below that the layout would cut or wrap what people need, so this says what to do
instead. Keys typed meanwhile wait (type_ahead) and reach the screen behind once the
terminal is large enough.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 80, 23
MESSAGE = (
    "Il terminale è troppo piccolo ({width}×{height}).\n"
    "Allarga il terminale ad almeno {min_width}×{min_height} caratteri per continuare:\n"
    "il lavoro in corso resta com'è."
)


def too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


class TooSmallScreen(Screen[None]):
    DEFAULT_CSS = """
    TooSmallScreen {
        align: center middle;
    }
    TooSmallScreen > Static {
        width: auto;
        max-width: 100%;
        height: auto;
        padding: 0 1;
        text-align: center;
        text-style: bold;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(self._message(), id="too-small")

    def _message(self) -> Text:
        width, height = self.app.size
        return Text(
            MESSAGE.format(width=width, height=height, min_width=MIN_WIDTH, min_height=MIN_HEIGHT),
            justify="center",
        )

    def on_resize(self) -> None:
        self.query_one("#too-small", Static).update(self._message())

    def holds_keys(self) -> bool:
        return True  # for the screen behind, once the terminal is large enough
