"""Customer text that looks like markup is shown literally and never acts.

If a screen interpolated customer text into markup, ``[@click=app.quit]Mario`` would
draw "Mario" as a link that quits the app, ``[b]…[/b]`` would vanish into bold, and
``[/]`` would raise a markup error. Each of those would fail here.
"""

from __future__ import annotations

from pilot_helpers import (
    flat,
    login_staff,
    region_text,
    screen_lines,
    screen_text,
    type_text,
    wait_until,
)
from textual.widgets import DataTable

from pdp_tui.tui.screens.contract_detail import ContractDetailScreen
from pdp_tui.tui.screens.contract_list import ContractListScreen
from pdp_tui.tui.widgets.code_panel import ActivationCodePanel

HOSTILE = [
    # contract, first name, last name
    ("H-1", "[@click=app.quit]Mario", "Rossi"),
    ("H-2", "Luca", "[b]Rossi[/b]"),
    ("H-3", "[/]Anna", "Verdi"),
    ("H-4", "[link=http://x]y[/link]", "Neri"),
    ("H-5", "Eva", "back\\slash"),
]


def actions_in(app, widget) -> list[object]:
    """Click actions (``@click`` style meta) drawn inside ``widget``'s region."""
    region = widget.region
    found = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        if not region.y <= y < region.bottom:
            continue
        for segment in strip:
            meta = segment.style.meta if segment.style else {}
            if "@click" in meta:
                found.append(meta["@click"])
    return found


def still_running(app) -> bool:
    return app.is_running and not app._exit


async def click_on_text(pilot, widget, text: str) -> None:
    """Click on the first character of ``text`` where the screen shows it in ``widget``."""
    app = pilot.app
    region = widget.region
    for y, line in enumerate(screen_lines(app)[region.y : region.bottom], start=region.y):
        x = line.find(text, region.x)
        if x >= 0:
            await pilot.click(offset=(x, y))
            await pilot.click(offset=(x + len(text) - 1, y))
            return
    raise AssertionError(f"{text!r} not drawn in {widget}:\n{screen_text(app)}")


async def test_markup_in_names_shows_literally_in_list_and_detail(
    sqlite_seed, make_app, register, clock
):
    for number, first, last in HOSTILE:
        register(sqlite_seed.staff_mi, number, first, last)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen))
        plans = app.screen.query_one("#plans", DataTable)
        await wait_until(pilot, lambda: plans.row_count == len(HOSTILE))

        lines = {line.split()[0]: line for line in screen_lines(app) if line.startswith(" H-")}
        for row, (number, first, last) in enumerate(reversed(HOSTILE)):
            customer = f"{last} {first}"
            cell = plans.get_row_at(row)[1].plain
            # The name literally, whole or cut with "…" where the column ends.
            assert cell == customer or (cell.endswith("…") and customer.startswith(cell[:-1])), (
                cell,
                customer,
            )
            # What fits in the Cliente column is drawn character for character.
            assert cell in lines[number], (cell, lines[number])
        assert actions_in(app, plans) == []

        # Click the first row's name (the @click one, oldest, at the bottom), twice:
        # the second click opens its detail, nothing quits.
        await click_on_text(pilot, plans, "Rossi [@click")
        assert still_running(app)
        await wait_until(pilot, lambda: isinstance(app.screen, ContractDetailScreen))
        await wait_until(pilot, lambda: "H-1" in screen_text(app))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen))

        for number, first, last in HOSTILE:
            await pilot.press("f3")  # F3 again: back to the search field
            assert app.focused is app.screen.query_one("#search")
            await pilot.press("ctrl+u")
            await type_text(pilot, number)
            await wait_until(
                pilot, lambda n=number: plans.row_count == 1 and plans.get_row_at(0)[0].plain == n
            )
            await pilot.press("enter", "enter")
            await wait_until(pilot, lambda: isinstance(app.screen, ContractDetailScreen))
            panel = app.screen.query_one("#detail-code", ActivationCodePanel)
            await wait_until(pilot, lambda p=panel: p.plan is not None)
            text = flat(screen_text(app))
            assert f"Cliente {first} {last}" in text
            assert f"Contratto {number} · {last} {first}" in flat(region_text(app, panel))
            assert actions_in(app, app.screen) == []
            await click_on_text(pilot, panel, f"{last} {first}")
            assert still_running(app)
            assert isinstance(app.screen, ContractDetailScreen)
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen))
        assert still_running(app)


async def test_markup_typed_into_the_form_shows_literally_in_the_code_panel(sqlite_seed, make_app):
    first, last = "[@click=app.quit]Mario", "[b]Rossi[/b]"
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await pilot.press("1", "enter")
        await type_text(pilot, "H-9")
        await pilot.press("enter")
        await type_text(pilot, first)
        await pilot.press("enter")
        await type_text(pilot, last)
        assert app.screen.query_one("#first_name").value == first
        assert app.screen.query_one("#last_name").value == last
        await pilot.press("enter", "1", "enter")
        panel = app.screen.query_one("#code-panel", ActivationCodePanel)
        await wait_until(pilot, lambda: panel.plan is not None and panel.display)
        assert f"Contratto H-9 · {last} {first}" in flat(region_text(app, panel))
        assert actions_in(app, panel) == []
        await click_on_text(pilot, panel, f"{last} {first}")
        assert still_running(app)
        assert panel.plan is not None  # the click changed nothing
