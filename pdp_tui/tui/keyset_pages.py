"""Where each page of a keyset-paged list starts, so the user can page back and forth."""

from __future__ import annotations

from typing import Generic, TypeVar

Cursor = TypeVar("Cursor")


class KeysetPages(Generic[Cursor]):
    """The cursors of the pages seen so far: page ``i`` starts at ``cursor(i)`` (None: the top).

    Keyset paging cannot jump backwards, so the cursor of every page reached is kept.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Back to the first page (a new search or filter)."""
        self._cursors: list[Cursor | None] = [None]
        self.index = 0
        self.has_next = False

    def cursor(self, index: int) -> Cursor | None:
        return self._cursors[index]

    def arrived(self, index: int, next_cursor: Cursor | None) -> None:
        """Page ``index`` is on screen; ``next_cursor`` opens the one after it, if any."""
        self.index = index
        del self._cursors[index + 1 :]
        self.has_next = next_cursor is not None
        if next_cursor is not None:
            self._cursors.append(next_cursor)

    def exists(self, index: int) -> bool:
        return 0 <= index < len(self._cursors)
