"""Elenco completo: newest first, prefix search, into the results, detail and back, paging."""

from __future__ import annotations

from pilot_helpers import (
    flat,
    input_value,
    login_staff,
    region_text,
    screen_text,
    type_text,
    wait_until,
)
from textual.widgets import DataTable

from pdp_tui.services import codes
from pdp_tui.tui.screens.contract_detail import ContractDetailScreen
from pdp_tui.tui.screens.contract_list import NOT_FOUND, ContractListScreen

DETAIL_HINT = "Invio apre il dettaglio"
MORE_HINT = "↓ per i successivi"


def table(app) -> DataTable:
    return app.screen.query_one("#plans", DataTable)


def shown_contracts(app) -> list[str]:
    plans = table(app)
    return [plans.get_row_at(i)[0].plain for i in range(plans.row_count)]


def status(app) -> str:
    return flat(region_text(app, app.screen.query_one("#list-status")))


async def open_list(pilot) -> None:
    app = pilot.app
    await login_staff(pilot)
    await pilot.press("f3")
    await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen))
    await wait_until(pilot, lambda: status(app).startswith(("Contratti", "Nessun")))
    assert app.focused is app.screen.query_one("#search")


async def search_for(pilot, text: str, expected: list[str]) -> None:
    """Clear the search field (Ctrl+U), type ``text``, wait for exactly ``expected``."""
    app = pilot.app
    await pilot.press("ctrl+u")
    await type_text(pilot, text)
    assert input_value(app, "#search") == text
    await wait_until(
        pilot,
        lambda: (
            shown_contracts(app) == expected
            and status(app) != "Ricerca in corso…"
            and (expected or status(app) == NOT_FOUND)
        ),
        what=f"{expected} for {text!r}",
    )


async def test_newest_first_own_store_only_down_into_rows(sqlite_seed, make_app, register, clock):
    registered = {
        number: register(sqlite_seed.staff_mi, number, first, last)
        for number, first, last in (
            ("PDP-1", "Anna", "Bianchi"),
            ("PDP-2", "Bruno", "Conti"),
            ("PDP-3", "Carla", "Dini"),
        )
    }
    register(sqlite_seed.staff_rm, "RM-9", "Mario", "Rossi")  # newest of all, other store
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot)
        assert shown_contracts(app) == ["PDP-3", "PDP-2", "PDP-1"]
        assert status(app) == f"Contratti 1–3 · {DETAIL_HINT}"
        text = screen_text(app)
        assert "Dini Carla" in text and "14/03/2026" in text
        assert "RM-9" not in text and "Rossi" not in text

        # Down from the search field into the rows, Down to the second, Enter: its detail.
        await pilot.press("down")
        assert app.focused is table(app) and table(app).cursor_row == 0
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractDetailScreen))
        await wait_until(pilot, lambda: "PDP-2" in screen_text(app))
        code = registered["PDP-2"].activation_code
        detail = flat(screen_text(app))
        assert f"Codice di attivazione {codes.format_code(code)}" in detail
        assert " ".join(codes.format_code(code)) in detail
        assert "Cliente Bruno Conti" in detail
        assert "Negozio MI01 · Milano Centro" in detail

        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen))
        await wait_until(pilot, lambda: status(app).startswith("Contratti"))
        assert shown_contracts(app) == ["PDP-3", "PDP-2", "PDP-1"]
        assert table(app).cursor_row == 1  # back on the row it came from


async def test_search_by_contract_prefix_and_by_surname_name(
    sqlite_seed, make_app, register, clock
):
    register(sqlite_seed.staff_mi, "PDP-100", "Mario", "Rossi")
    register(sqlite_seed.staff_mi, "PDP-101", "Marta", "Rossi")
    register(sqlite_seed.staff_mi, "PDP-200", "Nicolò", "D'Amico")
    register(sqlite_seed.staff_mi, "XY-5", "Luca", "Rossini")
    register(sqlite_seed.staff_rm, "PDP-102", "Mario", "Rossi")  # other store: never shown
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot)
        assert shown_contracts(app) == ["XY-5", "PDP-200", "PDP-101", "PDP-100"]

        await search_for(pilot, "pdp-10", ["PDP-101", "PDP-100"])
        await search_for(pilot, "rossi ma", ["PDP-101", "PDP-100"])
        await search_for(pilot, "ROSSI MARI", ["PDP-100"])
        await search_for(pilot, "rossi", ["XY-5", "PDP-101", "PDP-100"])
        await search_for(pilot, "damico", ["PDP-200"])
        await search_for(pilot, "nicolo d'amico", ["PDP-200"])  # nome cognome
        await search_for(pilot, "d amico", ["PDP-200"])
        await search_for(pilot, "verdi", [])
        assert NOT_FOUND in flat(screen_text(app))
        await search_for(pilot, "d'amico", ["PDP-200"])
        await search_for(pilot, "D’AMICO NICOLO", ["PDP-200"])  # typographic apostrophe
        await search_for(pilot, "x", ["XY-5"])
        assert "PDP-102" not in screen_text(app)


async def test_enter_into_results_detail_and_back_keeps_the_search(
    sqlite_seed, make_app, register, clock
):
    plan = register(sqlite_seed.staff_mi, "PDP-200", "Nicolò", "D'Amico")
    register(sqlite_seed.staff_mi, "PDP-300", "Sara", "Bassi")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot)
        await search_for(pilot, "d'amico", ["PDP-200"])
        await pilot.press("enter")  # from the search field into the results
        assert app.focused is table(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractDetailScreen))
        await wait_until(pilot, lambda: app.screen.query_one("#detail-code").plan is not None)
        text = flat(screen_text(app))
        assert "Dettaglio contratto" in text
        assert f"Codice di attivazione {codes.format_code(plan.activation_code)}" in text
        assert " ".join(codes.format_code(plan.activation_code)) in text
        assert "Numero del contratto PDP-200" in text and "Cliente Nicolò D'Amico" in text

        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen))
        await wait_until(pilot, lambda: shown_contracts(app) == ["PDP-200"])
        assert input_value(app, "#search") == "d'amico"
        assert "d'amico" in screen_text(app)

        # Up from the first row goes back to the search field, to refine it.
        await pilot.press("up")
        assert app.focused is app.screen.query_one("#search")


async def test_paging_by_arrows_through_120_plans(sqlite_seed, make_app, register, clock):
    numbers = [f"PDP-{i:04d}" for i in range(1, 121)]
    for number in numbers:
        register(sqlite_seed.staff_mi, number)
    register(sqlite_seed.staff_rm, "RM-0001")
    newest_first = numbers[::-1]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot)
        assert shown_contracts(app) == newest_first[:50]
        assert status(app) == f"Contratti 1–50 · {MORE_HINT} · {DETAIL_HINT}"

        await pilot.press("down", "ctrl+end")  # into the rows, to the last of the page
        assert table(app).cursor_row == 49
        assert status(app).startswith("Contratti 1–50")
        await pilot.press("down")  # past the last row: the next page
        await wait_until(pilot, lambda: status(app).startswith("Contratti 51–100"))
        assert status(app) == f"Contratti 51–100 · {MORE_HINT} · {DETAIL_HINT}"
        assert shown_contracts(app) == newest_first[50:100]
        assert table(app).cursor_row == 0
        assert "PDP-0070" in screen_text(app)

        await pilot.press("ctrl+end", "down")
        await wait_until(pilot, lambda: status(app).startswith("Contratti 101–120"))
        assert status(app) == f"Contratti 101–120 · {DETAIL_HINT}"
        assert shown_contracts(app) == newest_first[100:]
        assert "RM-0001" not in shown_contracts(app)

        await pilot.press("ctrl+end", "down")  # past the very last plan: nothing more
        await wait_until(pilot, lambda: not app.workers._workers)
        assert shown_contracts(app) == newest_first[100:]
        assert table(app).cursor_row == 19

        await pilot.press("ctrl+home", "up")  # before the first row: the previous page
        await wait_until(pilot, lambda: status(app).startswith("Contratti 51–100"))
        assert shown_contracts(app) == newest_first[50:100]
        assert table(app).cursor_row == 49  # on the row just before the one we left

        await pilot.press("ctrl+home", "up")
        await wait_until(pilot, lambda: status(app).startswith("Contratti 1–50"))
        assert shown_contracts(app) == newest_first[:50]
        await pilot.press("ctrl+home", "up")
        assert app.focused is app.screen.query_one("#search")
        assert status(app).startswith("Contratti 1–50")
