"""A choice among numbered options: typed digits pick one, the arrows move, Enter goes on."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

NO_OPTIONS = "(nessuna opzione disponibile)"


@dataclass(frozen=True)
class Choice:
    value: object
    label: str


def pick_by_digits(typed: str, digit: str, count: int) -> tuple[str, int | None]:
    """The digits typed so far after ``digit``, and the option (1-based) they pick.

    Digits accumulate while they form an option that exists: with 12 options "1","0"
    picks 10 and "1","2" picks 12, but "2","3" picks 3 (there is no 23). A digit that
    picks nothing on its own (0, or 7 with 6 options) changes nothing.
    """
    for candidate in (typed + digit, digit):
        number = int(candidate)
        if 1 <= number <= count and not candidate.startswith("0"):
            return candidate, number
    return typed, None


def option_text(number: int, label: str) -> str:
    return f" {number} {label} "


def lay_out(labels: list[str], width: int) -> list[list[int]]:
    """The options on each line: an option never breaks, and a line holds as many whole
    options as fit ``width`` (one space between them)."""
    lines: list[list[int]] = [[]]
    used = 0
    for index, label in enumerate(labels):
        size = cell_len(option_text(index + 1, label))
        needed = size if not lines[-1] else used + 1 + size
        if lines[-1] and needed > width:
            lines.append([index])
            used = size
        else:
            lines[-1].append(index)
            used = needed
    return lines


class ChoiceField(Widget, can_focus=True):
    """Picks one of the options by its number or the arrow keys; Enter moves on."""

    DEFAULT_CSS = """
    ChoiceField {
        height: auto;
        width: 1fr;
    }
    ChoiceField:focus {
        background: $boost;
        text-style: bold;
    }
    ChoiceField.-invalid {
        text-style: underline;
    }
    ChoiceField:disabled {
        opacity: 70%;
    }
    """

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

    class Changed(Message):
        """Another option (or none) is selected."""

        def __init__(self, field: ChoiceField) -> None:
            super().__init__()
            self.field = field

        @property
        def control(self) -> ChoiceField:
            return self.field

    def __init__(self, choices: list[Choice] | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.choices: list[Choice] = list(choices or [])
        self._digits = ""  # typed so far towards a number of two or more digits

    @property
    def value(self) -> object | None:
        if self.selected is None or self.selected >= len(self.choices):
            return None
        return self.choices[self.selected].value

    def set_choices(self, choices: list[Choice], keep: object | None = None) -> None:
        self.choices = list(choices)
        values = [c.value for c in self.choices]
        self.selected = values.index(keep) if keep in values else None
        self._digits = ""
        self.refresh(layout=True)

    def select_value(self, value: object) -> None:
        values = [c.value for c in self.choices]
        self.selected = values.index(value) if value in values else None

    def watch_selected(self) -> None:
        self.post_message(self.Changed(self))

    def action_move(self, step: int) -> None:
        self._digits = ""
        if not self.choices:
            return
        start = -1 if self.selected is None and step > 0 else (self.selected or 0)
        self.selected = (start + step) % len(self.choices)

    def action_submit(self) -> None:
        self._digits = ""
        self.post_message(self.Submitted(self))

    def on_blur(self) -> None:
        self._digits = ""

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character.isdigit():
            self._digits, number = pick_by_digits(self._digits, event.character, len(self.choices))
            if number is not None:
                self.selected = number - 1
            event.stop()
            event.prevent_default()

    # --- drawing ----------------------------------------------------------------------------

    def _lines(self, width: int) -> list[list[int]]:
        return lay_out([c.label for c in self.choices], max(width, 1))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(len(self._lines(width)), 1)

    def on_resize(self) -> None:
        self.refresh(layout=True)

    def render(self) -> Text:
        if not self.choices:
            return Text(NO_OPTIONS, style="italic", end="")
        text = Text(no_wrap=True, overflow="crop", end="")
        for line_number, line in enumerate(self._lines(self.content_size.width)):
            if line_number:
                text.append("\n")
            for position, index in enumerate(line):
                if position:
                    text.append(" ")
                chosen = index == self.selected
                style = "reverse bold" if chosen else ""
                text.append(f" {index + 1} ", style=f"{style} underline" if chosen else "bold")
                text.append(self.choices[index].label, style=style)
                text.append(" ", style=style)
        return text

    def on_click(self, event: events.Click) -> None:
        lines = self._lines(self.content_size.width)
        if not 0 <= event.y < len(lines):
            return
        x = 0
        for index in lines[event.y]:
            width = cell_len(option_text(index + 1, self.choices[index].label))
            if x <= event.x < x + width:
                self._digits = ""
                self.selected = index
                return
            x += width + 1
