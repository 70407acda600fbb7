"""The baseline of startup.py and memory.py: a bare Textual app that draws one Input.

Its placeholder reads "Accesso", the word the benchmarks wait for on pdp-tui's login screen.
"""

from textual.app import App, ComposeResult
from textual.widgets import Input


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(placeholder="Accesso")


if __name__ == "__main__":
    BareApp().run()
