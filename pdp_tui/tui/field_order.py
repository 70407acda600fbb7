"""Enter moves to the next field at once, in the same key dispatch.

Moving focus from an ``Input.Submitted`` handler happens a moment later, after the keys
already queued: a paste, or a burst of keys that a slow SSH link delivers together, would
land in the field just left. A priority binding on the screen moves focus synchronously.
Each field still handles the keys sent to it in its own queue, so the last Enter waits
for every field to have handled its keys before it reads them.
"""

from __future__ import annotations

import asyncio

from textual.actions import SkipAction
from textual.binding import Binding
from textual.widget import Widget

ENTER_MOVES_ON = Binding("enter", "enter_field", "Avanti", show=False, priority=True)


class EnterMovesOn:
    """Mixin for a Screen listing its fields in ``field_order()``; add ``ENTER_MOVES_ON``
    to its BINDINGS. Enter on the last enabled field calls ``enter_on_last()``."""

    def field_order(self) -> list[Widget]:
        raise NotImplementedError

    def enter_on_last(self) -> None:
        raise NotImplementedError

    async def action_enter_field(self) -> None:
        fields = [field for field in self.field_order() if not field.disabled]
        focused = self.focused  # type: ignore[attr-defined]
        if focused not in fields:
            raise SkipAction()  # Enter keeps its usual meaning elsewhere (buttons, tables)
        index = fields.index(focused)
        if index + 1 < len(fields):
            self.set_focus(fields[index + 1])  # type: ignore[attr-defined]
        else:
            await _handled_so_far(fields)
            self.enter_on_last()


def _resolve(future: asyncio.Future) -> None:
    """Mark ``future`` done. A Python function, not ``future.set_result``: Textual counts a
    callback's parameters with ``inspect.signature``, which for a builtin method parses its
    text signature (tokenize and compile, about 1 ms) on every call, as each future's
    bound method is new; a function's count is cheap. It was a third of the CPU the app
    spent per keystroke (bench/sessions.py)."""
    if not future.done():
        future.set_result(None)


async def _handled_so_far(widgets: list[Widget]) -> None:
    """Return once each widget has handled the events already sent to it."""
    loop = asyncio.get_running_loop()
    pending = []
    for widget in widgets:
        done = loop.create_future()
        if widget.call_later(_resolve, done):
            pending.append(done)
    await asyncio.gather(*pending)
