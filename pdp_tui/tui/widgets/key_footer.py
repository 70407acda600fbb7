"""The footer of every screen: the keys that work here, on one line, never cut.

Textual's own ``Footer`` recomposes one ``FooterKey`` widget per key whenever the bindings
are refreshed (every focus change, every ``refresh_bindings``), and each key it removes stays
alive through its data binding to ``Footer.compact``: a till leaked dozens of widgets per
plan (tests/test_textual_footer_leak.py reproduces it on a bare app). This footer draws the
same compact line itself, so a change of bindings is a repaint, not new widgets.

Keys that do not fit the width are left out whole, from the end; the help key (F1) always
stays, and the help screen lists every key.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widget import Widget

from pdp_tui.tui import italian

HELP_ACTION = "help"


@dataclass(frozen=True)
class FooterItem:
    key: str  # the key to simulate on a click
    display: str
    description: str
    enabled: bool
    action: str

    @property
    def width(self) -> int:
        return cell_len(self.display) + 1 + cell_len(self.description)


def footer_items(bindings: list[tuple[Binding, bool]]) -> list[FooterItem]:
    """One item per action (its first key, as pressed), in the order the bindings come."""
    items: dict[str, FooterItem] = {}
    for binding, enabled in bindings:
        if not binding.show or binding.action in items:
            continue
        items[binding.action] = FooterItem(
            key=binding.key.split(",")[0].strip(),
            display=italian.key_display(binding),
            description=italian.description(binding),
            enabled=enabled,
            action=binding.action,
        )
    return list(items.values())


def fit(items: list[FooterItem], width: int) -> list[FooterItem]:
    """The items that fit ``width`` with one space between them, dropping from the end
    but never the help key."""
    kept = list(items)

    def total() -> int:
        return sum(item.width for item in kept) + max(len(kept) - 1, 0)

    while kept and total() > width:
        droppable = [i for i, item in enumerate(kept) if item.action != HELP_ACTION]
        if not droppable:
            break
        del kept[droppable[-1]]
    return kept


class KeyFooter(Widget):
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyFooter > .key-footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyFooter > .key-footer--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyFooter > .key-footer--disabled {
        text-style: dim;
    }
    """
    COMPONENT_CLASSES = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--disabled",
    }
    ALLOW_SELECT = False

    def __init__(self) -> None:
        super().__init__()
        self._shown: list[tuple[int, int, FooterItem]] = []  # (x, end, item) for clicks

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen) -> None:
        self.refresh()

    def items(self) -> list[FooterItem]:
        """Every key the footer would show with unlimited room."""
        bindings = [
            (binding, enabled)
            for (_, binding, enabled, _tooltip) in self.screen.active_bindings.values()
        ]
        return footer_items(bindings)

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        disabled_style = self.get_component_rich_style("key-footer--disabled")
        line = Text(no_wrap=True, overflow="crop", end="")
        self._shown = []
        for item in fit(self.items(), self.size.width):
            if line:
                line.append(" ")
            start = line.cell_len
            dim = disabled_style if not item.enabled else Style()
            line.append(item.display, key_style + dim)
            line.append(" " + item.description, description_style + dim)
            self._shown.append((start, line.cell_len, item))
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, item in self._shown:
            if start <= event.x < end:
                if item.enabled:
                    self.app.simulate_key(item.key)
                else:
                    self.app.bell()
                return
