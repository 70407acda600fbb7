"""A table that shows one page of a keyset-paged list, laid out by the width it has.

The contract list and the audit log show a page at a time: moving past the last row
(Down, PgGiù) asks for the next page, past the first row (Up, PgSu) for the previous one.
The table does not load anything: it posts ``PageWanted`` to its screen, which calls its
service and hands the rows back with ``show_page``. Up on the first row of the first page
posts ``LeftAtTop`` (the screen moves to its filters). Columns are laid out by
``columns.lay_out`` on every page and resize: a contract number or a date is whole, a
name ends with "…" rather than being cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.widgets import DataTable

from pdp_tui.tui.columns import Column, fit, lay_out, least_width, natural_width
from pdp_tui.tui.keyset_pages import KeysetPages

Cursor = TypeVar("Cursor")
Cells = dict[str, "str | Text"]
SCROLLBAR = 2


def _plain(cell: str | Text) -> str:
    return cell.plain if isinstance(cell, Text) else cell


_NEW_LINE = Text("\n")


def one_line_cell(
    console: Console, cell: object, pre_style: Style, post_style: Style, width: int, padding: int
) -> list[list[Segment]] | None:
    """The segments DataTable renders for a one-line ``Text`` that fits its column, made
    without Rich's generic layout (Padding, wrapping, measuring): a sixth of the time.

    None for anything else (DataTable's own rendering then): more than one line, empty,
    not ``Text``, too wide, justified. tests/tui/test_paged_table.py holds the two equal.
    """
    inner = width - 2 * padding
    if inner <= 0 or not isinstance(cell, Text) or not cell.plain:
        return None
    if cell.cell_len > inner or cell.justify not in (None, "default", "left"):
        return None
    if "\n" in cell.plain or "\t" in cell.plain:
        return None
    pad = console.get_style("none")
    # As Text renders itself: its style joined into its spans, the line padded to the width.
    rendered = _NEW_LINE.join([cell]).render(console)
    lines = Segment.split_and_crop_lines(
        rendered, inner, pad=True, style=pad, include_new_lines=False
    )
    line = next(lines)
    segments = (
        [Segment(" " * padding, pad), *line, Segment(" " * padding, pad)] if padding else line
    )
    return [list(Segment.apply_style(segments, style=pre_style, post_style=post_style))]


class PagedTable(DataTable, Generic[Cursor]):
    DEFAULT_CSS = """
    PagedTable {
        height: 1fr;
    }
    PagedTable > .datatable--cursor {
        text-style: bold reverse;
    }
    """
    BINDINGS = [
        Binding("pagedown", "page_down", "Pag. succ.", key_display="PgGiù", show=False),
        Binding("pageup", "page_up", "Pag. prec.", key_display="PgSu", show=False),
    ]

    class PageWanted(Message):
        """Load page ``index`` and show it with the cursor on ``cursor_row``."""

        def __init__(self, table: PagedTable, index: int, cursor_row: int) -> None:
            super().__init__()
            self.table = table
            self.index = index
            self.cursor_row = cursor_row

        @property
        def control(self) -> PagedTable:
            return self.table

    class LeftAtTop(Message):
        """Up on the first row of the first page."""

        def __init__(self, table: PagedTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> PagedTable:
            return self.table

    def __init__(self, columns: Sequence[Column], page_size: int, *, id: str | None = None):
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.layout_columns = list(columns)
        self.page_size = page_size
        self.pages: KeysetPages[Cursor] = KeysetPages()
        self._rows: list[tuple[str, Cells]] = []
        self._widths: dict[str, int] = {}

    # --- showing a page --------------------------------------------------------------------

    def show_page(
        self,
        rows: list[tuple[str, Cells]],
        index: int,
        next_cursor: Cursor | None,
        cursor_row: int = 0,
    ) -> None:
        """Page ``index``: ``rows`` as (row key, cells by column key)."""
        # A reload that finds the page as it was (back from the detail, a key that does not
        # change what matches) repaints nothing.
        unchanged = (
            bool(self.columns)
            and index == self.pages.index
            and cursor_row == self.cursor_row
            and rows == self._rows
        )
        self.pages.arrived(index, next_cursor)
        self._rows = rows
        if not unchanged:
            self._draw(cursor_row)

    def replace_rows(self, rows: list[tuple[str, Cells]]) -> None:
        """The same page drawn with other cells (e.g. longer labels for a wider screen)."""
        self._rows = rows
        self._draw(self.cursor_row)

    def _draw(self, cursor_row: int) -> None:
        texts = {
            column.key: [_plain(cells.get(column.key, "")) for _, cells in self._rows]
            for column in self.layout_columns
        }
        naturals = {c.key: natural_width(c, texts[c.key]) for c in self.layout_columns}
        floors = {c.key: least_width(c, texts[c.key]) for c in self.layout_columns}
        room = max(self.size.width or self.app.size.width, 20) - SCROLLBAR
        widths = lay_out(
            self.layout_columns, naturals, room, padding=2 * self.cell_padding, floors=floors
        )
        if widths != self._widths or not self.columns:
            self.clear(columns=True)
            for column in self.layout_columns:
                if column.key in widths:
                    width = widths[column.key]
                    self.add_column(column.header_for(width), key=column.key, width=width)
            self._widths = widths
        else:
            self.clear()
        for key, cells in self._rows:
            self.add_row(
                *(fit(cells.get(column, ""), width) for column, width in widths.items()),
                key=key,
            )
        if self._rows:
            self.move_cursor(row=min(max(cursor_row, 0), len(self._rows) - 1))

    def on_resize(self) -> None:
        if self._rows or self.columns:
            self._draw(self.cursor_row)

    # --- rendering: the list repaints on every key typed in its search ------------------
    # Both override DataTable's private methods (textual 8, pinned <9 in pyproject);
    # tests/tui/test_paged_table.py compares the result with DataTable's own, cell by cell.

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ):
        if row_index >= 0 and column_index >= 0 and not (self.fixed_rows or self.fixed_columns):
            row_key = self._row_locations.get_key(row_index)
            if row_key is not None and self.rows[row_key].height == 1:
                component_style, post_style = self._get_styles_to_render_cell(
                    False,
                    False,
                    False,
                    hover,
                    cursor,
                    self.show_cursor,
                    self._show_hover_cursor,
                    self.cursor_foreground_priority == "css",
                    self.cursor_background_priority == "css",
                )
                pre_style = (
                    base_style
                    + Style.from_meta({"row": row_index, "column": column_index})
                    + component_style
                )
                cells = self._get_row_renderables(row_index).cells
                lines = one_line_cell(
                    self.app.console,
                    cells[column_index],
                    pre_style,
                    post_style,
                    width,
                    self.cell_padding,
                )
                if lines is not None:
                    return lines
        return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)

    def _update_dimensions(self, new_rows) -> None:
        # Every column has the width columns.lay_out gave it: DataTable's measuring of each
        # new cell (to size auto-width columns) would be wasted on every page.
        if any(column.auto_width for column in self.columns.values()):
            super()._update_dimensions(new_rows)
            return
        header_height = self.header_height if self.show_header else 0
        self.virtual_size = Size(
            sum(column.get_render_width(self) for column in self.columns.values())
            + self._row_label_column_width,
            self._total_row_height + header_height,
        )

    # --- what the page shows -------------------------------------------------------------

    @property
    def page_rows(self) -> list[tuple[str, Cells]]:
        return self._rows

    def describe(self, noun: str, more: str) -> str:
        """``"Contratti 1–50 · ↓ per i successivi"``, or "" for an empty page."""
        if not self._rows:
            return ""
        first = self.pages.index * self.page_size + 1
        last = first + len(self._rows) - 1
        return f"{noun} {first}–{last}" + (f" · {more}" if self.pages.has_next else "")

    def reset(self) -> None:
        """A new search or filter: back to the first page."""
        self.pages.reset()

    # --- paging by keys ----------------------------------------------------------------------

    def _want(self, index: int, cursor_row: int) -> None:
        self.post_message(self.PageWanted(self, index, cursor_row))

    def page(self, step: int) -> None:
        """The next (1) or previous (-1) page, if there is one."""
        target = self.pages.index + step
        if step > 0 and not self.pages.has_next:
            return
        if self.pages.exists(target):
            self._want(target, 0)

    def _at_edge(self, step: int) -> bool:
        if self.row_count == 0:
            return True
        return self.cursor_row >= self.row_count - 1 if step > 0 else self.cursor_row <= 0

    def action_cursor_down(self) -> None:
        if self._at_edge(1):
            if self.pages.has_next:
                self._want(self.pages.index + 1, 0)
        else:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if not self._at_edge(-1):
            super().action_cursor_up()
        elif self.pages.index > 0:
            self._want(self.pages.index - 1, self.page_size - 1)
        else:
            self.post_message(self.LeftAtTop(self))

    def action_page_down(self) -> None:
        if self._at_edge(1):
            self.page(1)
        else:
            super().action_page_down()

    def action_page_up(self) -> None:
        if self._at_edge(-1):
            if self.pages.index > 0:
                self._want(self.pages.index - 1, self.page_size - 1)
        else:
            super().action_page_up()
