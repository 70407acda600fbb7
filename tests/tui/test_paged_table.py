"""PagedTable paints its one-line cells itself, and a page found unchanged is not repainted.

The list repaints on every key typed in its search, so PagedTable renders its cells
without Rich's generic layout (``paged_table.one_line_cell``). These tests hold that
rendering equal, segment for segment, to DataTable's own.
"""

from __future__ import annotations

import itertools

from rich.console import Console
from rich.padding import Padding
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.renderables.styled import Styled
from textual.widgets import DataTable

from pdp_tui.tui.columns import Column
from pdp_tui.tui.widgets.paged_table import PagedTable, one_line_cell

CELLS = [
    "PDP-2026-000123",
    "D'Amico Nicolò",
    "Rossi Maria",
    "漢字テスト",
    "✓",
    "—",
    "a",
    "x" * 20,
    "[bold]not markup[/]",
]


def _texts() -> list[Text]:
    texts = []
    for plain, style in itertools.product(CELLS, ["", "bold", Style(bold=True, color="red")]):
        texts.append(Text(plain, style=style))
        voided = Text(plain, style=style)
        voided.append(" ✗", style="bold")
        texts.append(voided)
        texts.append(Text(plain, style=style, no_wrap=True, end=""))
    return texts


def _datatable_way(console, cell, pre, post, width, padding):
    """How DataTable._render_cell renders a one-line cell (textual 8)."""
    options = console.options.update_dimensions(width, 1).update(no_wrap=True)
    return console.render_lines(
        Styled(Padding(cell, (0, padding)), pre_style=pre, post_style=post), options
    )


def test_one_line_cells_render_as_datatable_renders_them():
    console = Console(width=80, color_system="truecolor")
    pres = [
        Style(),
        Style(color="red", bgcolor="black") + Style.from_meta({"row": 1, "column": 2}),
        Style(bold=True, reverse=True, bgcolor="#123456") + Style.from_meta({"row": 0}),
    ]
    posts = [Style.null(), Style(bgcolor="blue")]
    compared = 0
    for cell, pre, post, width, padding in itertools.product(
        _texts(), pres, posts, range(1, 26), (0, 1, 2)
    ):
        ours = one_line_cell(console, cell, pre, post, width, padding)
        if ours is None:
            # Only what does not fit (or nothing at all) is left to DataTable.
            assert cell.cell_len > width - 2 * padding or width - 2 * padding <= 0
            continue
        assert ours == _datatable_way(console, cell, pre, post, width, padding), (cell, width)
        compared += 1
    assert compared > 3000


def test_what_it_does_not_render_is_left_to_datatable():
    console = Console(width=80)
    for cell in [
        "plain str",
        Text(""),
        Text("two\nlines"),
        Text("a\tb"),
        Text("r", justify="right"),
    ]:
        assert one_line_cell(console, cell, Style(), Style(), 20, 1) is None


class TableApp(App[None]):
    def __init__(self, rows):
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield PagedTable(
            [Column("number", "Numero", whole=True), Column("name", "Nome", grow=True)], 50
        )


def _rows(names):
    return [
        (str(i), {"number": Text(f"PDP-{i:06d}"), "name": Text(name)})
        for i, name in enumerate(names)
    ]


async def test_a_paged_table_paints_every_cell_as_datatable_would(monkeypatch):
    from pdp_tui.tui.widgets import paged_table

    painted = []

    def counted(*args):
        lines = one_line_cell(*args)
        painted.append(lines is not None)
        return lines

    monkeypatch.setattr(paged_table, "one_line_cell", counted)
    voided = Text("PDP-000009")
    voided.append(" ✗", style="bold")
    rows = _rows(["Rossi Maria", "D'Amico Nicolò", "漢字テスト", "x" * 90])
    rows.append(("9", {"number": voided, "name": Text("Bianchi")}))
    app = TableApp(rows)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(PagedTable)
        table.show_page(rows, 0, None, cursor_row=1)
        await pilot.pause()
        table.focus()
        await pilot.pause()
        base = table.rich_style
        for row, column in itertools.product(range(len(rows)), range(len(table.columns))):
            width = table.ordered_columns[column].get_render_width(table)
            for cursor, hover in itertools.product((False, True), repeat=2):
                ours = table._render_cell(row, column, base, width, cursor, hover)
                theirs = DataTable._render_cell(table, row, column, base, width, cursor, hover)
                assert ours == theirs, (row, column, cursor, hover)
    assert painted.count(True) >= len(rows) * len(table.columns) * 4  # by PagedTable itself


async def test_a_page_found_unchanged_is_not_repainted():
    rows = _rows(["Rossi Maria", "Bianchi Anna"])
    app = TableApp(rows)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(PagedTable)
        table.show_page(rows, 0, None)
        await pilot.pause()
        drawn = table._update_count
        table.show_page(_rows(["Rossi Maria", "Bianchi Anna"]), 0, None)  # a reload: same page
        await pilot.pause()
        assert table._update_count == drawn
        table.show_page(_rows(["Rossi Maria", "Bianchi Anna"]), 0, ("cursor", 2))
        assert table.pages.has_next  # what comes after it is still taken in
        assert table._update_count == drawn
        table.show_page(_rows(["Rossi Mario"]), 0, None)  # another page: drawn
        await pilot.pause()
        assert table._update_count > drawn
        assert table.get_row_at(0)[1].plain == "Rossi Mario"
