"""A one-line choice: options numbered 1, 2, …; a digit or the arrows pick one."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


@dataclass(frozen=True)
class Choice:
    value: object
    label: str


class ChoiceField(Widget, can_focus=True):
    """Picks one of a few options by digit or arrow keys; Enter moves on (``Submitted``)."""

    BINDINGS = [
        Binding("left,up", "move(-1)", "Precedente", show=False),
        Binding("right,down", "move(1)", "Successiva", show=False),
        Binding("enter", "submit", "Avanti", show=False),
    ]

    selected: reactive[int | None] = reactive(None)

    class Submitted(Message):
        def __init__(self, field: ChoiceField) -> None:
            super().__init__()
            self.field = field

        @property
        def control(self) -> ChoiceField:
            return self.field

    def __init__(self, choices: list[Choice] | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.choices: list[Choice] = list(choices or [])

    @property
    def value(self) -> object | None:
        if self.selected is None or self.selected >= len(self.choices):
            return None
        return self.choices[self.selected].value

    def set_choices(self, choices: list[Choice], keep: object | None = None) -> None:
        self.choices = list(choices)
        values = [c.value for c in self.choices]
        self.selected = values.index(keep) if keep in values else None
        self.refresh(layout=True)

    def select_value(self, value: object) -> None:
        values = [c.value for c in self.choices]
        self.selected = values.index(value) if value in values else None

    def action_move(self, step: int) -> None:
        if not self.choices:
            return
        start = -1 if self.selected is None and step > 0 else (self.selected or 0)
        self.selected = (start + step) % len(self.choices)

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self))

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character.isdigit():
            index = int(event.character) - 1
            if 0 <= index < len(self.choices):
                self.selected = index
            event.stop()
            event.prevent_default()

    def on_click(self, event: events.Click) -> None:
        # Options are laid out left to right; find the one under the pointer.
        x = 0
        for index, width in enumerate(self._option_widths()):
            if x <= event.x < x + width:
                self.selected = index
                break
            x += width + 1

    def _option_widths(self) -> list[int]:
        return [len(f" {i} {c.label} ") for i, c in enumerate(self.choices, 1)]

    def render(self) -> Text:
        line = Text(no_wrap=False, end="")
        for index, choice in enumerate(self.choices):
            if index:
                line.append(" ")
            style = "reverse bold" if index == self.selected else ""
            line.append(f" {index + 1} ", style=style + " underline" if style else "bold")
            line.append(choice.label, style=style)
            line.append(" ", style=style)
        if not self.choices:
            line.append("(nessuna opzione disponibile)", style="italic")
        return line
