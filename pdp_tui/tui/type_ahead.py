"""No key is ever lost: keys typed ahead wait and are delivered in order (the 5250 rule).

A clerk types from the card without looking at the screen, and over SSH keys arrive in
bursts. Textual hands each key to whatever has focus the moment it arrives, so keys sent
while a login is checked, Genera runs or a screen loads landed in the wrong place or
nowhere. Here every key (and paste) from the terminal goes through one queue:

- a key is delivered only once the previous one has settled: its handlers have run, and
  so have the messages they sent (a search started, the focus moved);
- while the screen in front is busy (``holds_keys()``: a service call it waits for, or it
  is not mounted yet) keys wait, and are delivered when it is ready, to whatever has
  focus then, exactly as if typed then;
- an error reported to the user (a refused login, a refused registration) discards what
  was typed ahead, as a 5250 terminal inhibits input on error: keys typed blind must not
  land in the field the error put the cursor on.

Ctrl+Q is never held: quitting must work whatever the app is doing.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import TYPE_CHECKING

from textual import events
from textual.css.query import NoMatches

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

log = logging.getLogger(__name__)

NEVER_HELD = frozenset({"ctrl+q"})
# How often a wait for a node's queue checks that the node is still there, and how long it
# waits at most: far beyond a key's handling on a machine 100 tills overload (p95 3 s).
_GONE_CHECK = 0.1
SETTLE_LIMIT = 30.0
# Messages handled may send more; a key's effects settle within a few rounds.
_MAX_ROUNDS = 20


def _pending(node: MessagePump) -> bool:
    return not node._message_queue.empty()  # noqa: SLF001 - no public queue size


def _resolve(future: asyncio.Future) -> None:
    """Mark ``future`` done. A Python function, not ``future.set_result``: Textual counts a
    callback's parameters with ``inspect.signature``, which for a builtin method parses its
    text signature (tokenize and compile, about 1 ms) on every call, as each future's
    bound method is new; a function's count is cheap. It was a third of the CPU the app
    spent per keystroke (bench/sessions.py)."""
    if not future.done():
        future.set_result(None)


def _gone(node: MessagePump) -> bool:
    """A node that will not handle what waits in its queue: closed, closing, detached."""
    return node._closing or node._closed or not node.is_attached  # noqa: SLF001


async def _handled_so_far(nodes: list[MessagePump]) -> None:
    """Return once each node has handled the messages sent to it so far, or has gone (a
    widget removed meanwhile drops its queue: waiting for it would hold every key after
    it, for the rest of the session). After ``SETTLE_LIMIT`` seconds the wait ends anyway,
    logged: a key delivered early is better than an app that seems frozen."""
    loop = asyncio.get_running_loop()
    waiting: dict[asyncio.Future[None], MessagePump] = {}
    for node in nodes:
        future = loop.create_future()
        if node.call_later(_resolve, future):
            waiting[future] = node
    deadline = loop.time() + SETTLE_LIMIT
    while waiting:
        done, _ = await asyncio.wait(waiting, timeout=_GONE_CHECK)
        for future in done:
            del waiting[future]
        for future in [f for f, node in waiting.items() if _gone(node)]:
            del waiting[future]
        if waiting and loop.time() > deadline:
            log.warning("keys typed ahead: gave up waiting for %s", list(waiting.values()))
            return


async def settled(app: App) -> None:
    """Return once the app, the screen in front and the focused widget have handled every
    message sent to them so far, and every message those sent in turn."""
    for _ in range(_MAX_ROUNDS):
        try:
            screen = app.screen
        except Exception:  # noqa: BLE001 - no screen yet (starting) or any more (exiting)
            return
        nodes: list[MessagePump] = [app, screen]
        focused = app.focused
        while focused is not None and focused is not screen:
            nodes.append(focused)
            focused = focused.parent  # type: ignore[assignment]
        nodes += [node for node in screen.walk_children() if _pending(node)]
        await _handled_so_far(nodes)
        try:
            if not any(_pending(node) for node in (app, *app.screen.walk_children(with_self=True))):
                return
        except Exception:  # noqa: BLE001 - the screen went away meanwhile
            return


def _unwritten(event: events.Event) -> str:
    if not isinstance(event, events.Key):
        return "paste"
    return "·" if event.is_printable else event.key


class TypeAhead:
    """The app's one queue of keys typed ahead. ``PdpApp.on_event`` hands it every key
    and paste from the terminal; screens tell it when they are busy (``holds_keys``)."""

    def __init__(self, app: App) -> None:
        self._app = app
        self._held: deque[events.Event] = deque()
        self._releasing: events.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()

    # --- what the app calls -----------------------------------------------------------

    def hold(self, event: events.Event) -> bool:
        """Called for each key or paste from the terminal: True if it waits its turn."""
        if event is self._releasing:
            self._releasing = None
            return False
        if isinstance(event, events.Key) and event.key in NEVER_HELD:
            return False
        self._held.append(event)
        self.wake()
        return True

    def wake(self) -> None:
        """Deliver what waits, if the screen in front is ready (called when it may be)."""
        if self._task is None and self._held:
            self._idle.clear()
            self._task = asyncio.get_running_loop().create_task(self._deliver())

    def discard(self) -> None:
        """Forget the keys typed ahead (after an error shown to the user)."""
        self._held.clear()
        self._set_idle_if_done()

    def retype(self, event: events.Key) -> None:
        """Deliver ``event`` again, before any key typed after it, to whatever has focus
        once the current key has settled (a screen that moved the focus for it)."""
        event.stop()
        event.prevent_default()
        self._held.appendleft(events.Key(event.key, event.character))
        self.wake()

    @property
    def waiting(self) -> int:
        return len(self._held)

    def describe(self) -> str:
        """One line for the log: what waits and why (``PdpApp.log_state``). What was typed
        is not written (a password typed ahead): a character is "·", a paste "paste"."""
        keys = [_unwritten(event) for event in self._held]
        return (
            f"type-ahead: {len(keys)} held {keys[:20]}, delivering={self._task is not None}, "
            f"busy={self.busy()}, idle={self._idle.is_set()}"
        )

    async def delivered(self) -> None:
        """Return once nothing waits (or what waits is held by a busy screen) and the last
        key delivered has settled. Tests wait on this after pressing keys."""
        while True:
            await self._idle.wait()
            await settled(self._app)
            if self._idle.is_set():
                return

    # --- delivery -----------------------------------------------------------------------

    def busy(self) -> bool:
        try:
            screen = self._app.screen
        except Exception:  # noqa: BLE001 - between screens
            return True
        holds_keys = getattr(screen, "holds_keys", None)
        return bool(holds_keys and holds_keys())

    async def _deliver(self) -> None:
        try:
            while True:
                await settled(self._app)  # the previous key's effects first
                if not self._held or self.busy():
                    return  # a busy screen wakes us when it is ready
                event = self._held.popleft()
                self._releasing = event
                self._app.post_message(event)
        except NoMatches:  # a screen torn down mid-delivery: nothing to deliver to
            self._held.clear()
        finally:
            self._task = None
            if self._held and not self.busy():
                self.wake()  # typed (or retyped) during the last wait
            else:
                self._set_idle_if_done()

    def _set_idle_if_done(self) -> None:
        if self._task is None and (not self._held or self.busy()):
            self._idle.set()
