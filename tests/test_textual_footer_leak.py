"""Textual's Footer leaks a FooterKey per key on every binding refresh (Textual 8.2.8).

``Footer.compose`` creates each ``FooterKey`` with ``data_bind(compact=Footer.compact)``;
``DOMNode._initialize_data_bind`` registers a ``(FooterKey, setter)`` watcher on the footer,
which is never removed when ``recompose`` drops the key. Every ``refresh_bindings`` (every
focus change) therefore leaves the old keys alive. ``KeyFooter`` works around it by drawing
the line itself.

The first test shows the library's behaviour: when it fails, Textual has fixed the leak and
``KeyFooter`` may go back to being a plain ``Footer(compact=True)``.
"""

from __future__ import annotations

import gc

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from pdp_tui.tui.widgets.key_footer import KeyFooter

REFRESHES = 60


class ToggleApp(App[None]):
    """A footer with one key whose availability flips at each refresh."""

    BINDINGS = [Binding("f5", "go", "Go"), Binding("f1", "help", "Help")]

    def __init__(self, footer_class: type) -> None:
        super().__init__()
        self.footer_class = footer_class
        self.enabled = False

    def compose(self) -> ComposeResult:
        yield self.footer_class()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.enabled if action == "go" else True


def live(cls: type) -> int:
    gc.collect()
    return sum(1 for obj in gc.get_objects() if isinstance(obj, cls))


async def flip_bindings(app: ToggleApp, pilot) -> None:
    for _ in range(REFRESHES):
        app.enabled = not app.enabled
        app.refresh_bindings()
        await pilot.pause()


async def test_textual_footer_keeps_every_key_it_removes():
    app = ToggleApp(Footer)
    async with app.run_test() as pilot:
        await pilot.pause()
        before = live(FooterKey)
        await flip_bindings(app, pilot)
        mounted = len(app.query(FooterKey))
        leaked = live(FooterKey) - mounted
    assert before <= 2
    assert leaked >= REFRESHES // 2, (
        f"Textual's Footer no longer leaks ({leaked} stray keys): KeyFooter's workaround "
        "can go (see pdp_tui/tui/widgets/key_footer.py)"
    )


async def test_key_footer_creates_no_widget_per_refresh():
    app = ToggleApp(KeyFooter)
    async with app.run_test() as pilot:
        await pilot.pause()
        widgets_before = len(list(app.screen.walk_children()))
        footers_before = live(KeyFooter)
        await flip_bindings(app, pilot)
        assert len(list(app.screen.walk_children())) == widgets_before
        assert live(KeyFooter) == footers_before
        assert live(FooterKey) == 0
