"""Columns laid out by the width the terminal has: what people need is whole, the rest
is abbreviated with "…" or left out.

Pure functions; ``PagedTable`` uses them on every page and resize.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text

ELLIPSIS = "…"


@dataclass(frozen=True)
class Column:
    """One column of a table.

    ``whole``: never abbreviated (a contract number, a date, a code): shown whole or, if
    ``optional``, not at all. Otherwise it may shrink down to ``minimum`` cells, its texts
    ending with "…". ``grow`` takes the room left over. Optional columns are left out,
    lowest ``priority`` first, when even shrunk they do not fit. ``short`` is the header
    used when the full one does not fit.
    """

    key: str
    header: str
    whole: bool = False
    minimum: int = 6
    maximum: int | None = None
    optional: bool = False
    priority: int = 0
    grow: bool = False
    short: str = ""

    def header_for(self, width: int) -> Text:
        if cell_len(self.header) <= width or not self.short:
            return fit(self.header, width)
        return fit(self.short, width)


def natural_width(column: Column, texts: list[str]) -> int:
    """The width that shows every text and the full header."""
    widest = max([cell_len(column.header), *(cell_len(t) for t in texts)])
    return min(widest, column.maximum) if column.maximum else widest


def least_width(column: Column, texts: list[str]) -> int:
    """The narrowest the column may be: every text whole (``whole``) or ``minimum``, and
    at least its short header."""
    header = cell_len(column.short or column.header)
    if column.whole:
        return max([header, *(cell_len(t) for t in texts)])
    return max(header, min(column.minimum, natural_width(column, texts)))


def lay_out(
    columns: list[Column],
    naturals: dict[str, int],
    width: int,
    padding: int = 2,
    floors: dict[str, int] | None = None,
) -> dict[str, int]:
    """The width of each column shown (dropped ones are absent), within ``width`` cells
    including ``padding`` per column.

    Too wide: first the growing and the optional columns give up cells, the widest first,
    down to their minimums; then the optional columns go, least important first; only then
    do the other columns that may be abbreviated shrink, again the widest first. Room left
    over goes back to the columns that were abbreviated, then to the growing one.
    """
    shown = list(columns)
    widths = {c.key: naturals[c.key] for c in shown}

    def excess() -> int:
        return sum(widths[c.key] + padding for c in shown) - width

    def floor(c: Column) -> int:
        if floors is not None:
            return min(floors[c.key], naturals[c.key])
        return naturals[c.key] if c.whole else min(c.minimum, naturals[c.key])

    def shrink(group: list[Column]) -> None:
        while excess() > 0:
            candidates = [c for c in group if c in shown and widths[c.key] > floor(c)]
            if not candidates:
                return
            widest = max(candidates, key=lambda c: (widths[c.key], -c.priority))
            widths[widest.key] -= 1

    shrink([c for c in shown if c.grow or c.optional])
    while excess() > 0 and any(c.optional for c in shown):
        dropped = min((c for c in shown if c.optional), key=lambda c: c.priority)
        shown.remove(dropped)
        del widths[dropped.key]
    shrink(list(shown))
    spare = -excess()
    while spare > 0:
        short = [c for c in shown if widths[c.key] < naturals[c.key]]
        if not short:
            break
        neediest = max(short, key=lambda c: (naturals[c.key] - widths[c.key], c.priority))
        widths[neediest.key] += 1
        spare -= 1
    grower = next((c for c in shown if c.grow), None)
    if grower is not None and spare > 0:
        widths[grower.key] += spare
    return {c.key: widths[c.key] for c in shown}


def fit(text: str | Text, width: int) -> Text:
    """``text`` in ``width`` cells: whole, or cut with "…" at the end."""
    line = text.copy() if isinstance(text, Text) else Text(text)
    line.no_wrap = True
    if line.cell_len > width:
        line.truncate(max(width - 1, 0))
        line.append(ELLIPSIS)
    return line
