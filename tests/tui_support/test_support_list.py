"""Elenco for support: every store's plans with a store column, and the store filter."""

from __future__ import annotations

from textual.widgets import DataTable, Select

from .helpers import login_staff, login_support, screen_name, shown, type_text, wait_until


def table_rows(app) -> list[list[str]]:
    table = app.screen.query_one("#plans", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_support_list_has_the_store_column_and_both_stores(sqlite_seed, make_app, register):
    register(sqlite_seed.staff_mi, "MI-1", "Mario", "Rossi")
    register(sqlite_seed.staff_rm, "RM-1", "Marco", "Verdi")
    register(sqlite_seed.staff_mi, "MI-2", "Anna", "Bianchi")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_support(pilot)
        await pilot.press("f3")
        await wait_until(pilot, lambda: screen_name(app) == "ContractListScreen")
        await wait_until(pilot, lambda: shown(app, "#list-status").startswith("Contratti 1–3"))
        table = shown(app, "#plans")
        assert table.startswith("Negozio Contratto Cliente")
        assert "MI01 MI-2 Bianchi Anna" in table
        assert "RM01 RM-1 Verdi Marco" in table
        assert "MI01 MI-1 Rossi Mario" in table
        assert [row[:2] for row in table_rows(app)] == [
            ["MI01", "MI-2"],
            ["RM01", "RM-1"],
            ["MI01", "MI-1"],
        ]
        assert "Tutti i negozi" in shown(app, "#store-filter")

        # Tab to the store filter, Enter opens it, Down past "Tutti i negozi" to a store.
        await pilot.press("tab")
        assert app.focused is app.screen.query_one("#store-filter")
        await open_store_filter(pilot)
        await pilot.press("down", "down", "enter")  # MI01, then RM01
        await wait_until(pilot, lambda: shown(app, "#list-status").startswith("Contratti 1–1 "))
        assert "RM01 · Roma Eur" in shown(app, "#store-filter")
        assert [row[:2] for row in table_rows(app)] == [["RM01", "RM-1"]]
        assert "MI-1" not in shown(app, "#plans") and "MI-2" not in shown(app, "#plans")

        # Back to MI01: one store's plans only, newest first.
        await open_store_filter(pilot)
        await pilot.press("up", "enter")
        await wait_until(pilot, lambda: shown(app, "#list-status").startswith("Contratti 1–2 "))
        assert [row[:2] for row in table_rows(app)] == [["MI01", "MI-2"], ["MI01", "MI-1"]]


async def open_store_filter(pilot) -> None:
    app = pilot.app
    await pilot.press("enter")
    await wait_until(pilot, lambda: app.screen.query_one("#store-filter", Select).expanded)


async def test_support_goes_back_to_every_store(sqlite_seed, make_app, register):
    register(sqlite_seed.staff_mi, "MI-1", "Mario", "Rossi")
    register(sqlite_seed.staff_rm, "RM-1", "Marco", "Verdi")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_support(pilot)
        await pilot.press("f3")
        await wait_until(pilot, lambda: shown(app, "#list-status").startswith("Contratti 1–2 "))
        await pilot.press("tab")
        await open_store_filter(pilot)
        await pilot.press("down", "enter")  # MI01
        await wait_until(pilot, lambda: shown(app, "#list-status").startswith("Contratti 1–1 "))
        await open_store_filter(pilot)
        await pilot.press("up", "enter")  # Tutti i negozi
        await wait_until(
            pilot,
            lambda: not app.is_running or shown(app, "#list-status").startswith("Contratti 1–2 "),
            what="every store's plans again",
        )
        assert app.is_running
        assert [row[:2] for row in table_rows(app)] == [["RM01", "RM-1"], ["MI01", "MI-1"]]
        assert "Tutti i negozi" in shown(app, "#store-filter")


async def test_staff_list_has_no_store_column_nor_filter(sqlite_seed, make_app, register):
    register(sqlite_seed.staff_mi, "MI-1", "Mario", "Rossi")
    register(sqlite_seed.staff_rm, "RM-1", "Marco", "Verdi")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await pilot.press("f3")
        await wait_until(pilot, lambda: shown(app, "#list-status").startswith("Contratti 1–1 "))
        assert not app.screen.query("#store-filter")
        assert shown(app, "#plans").startswith("Contratto Cliente")
        assert "RM-1" not in shown(app, "#plans")


async def test_support_finds_names_as_the_caller_spells_them(sqlite_seed, make_app, register):
    """Any store's D'Amico by "damico" or first name first; no match says how to search."""
    register(sqlite_seed.staff_mi, "MI-1", "Nicolò", "D'Amico")
    register(sqlite_seed.staff_rm, "RM-1", "Anna", "De Santis")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_support(pilot)
        await pilot.press("f3")
        await wait_until(pilot, lambda: screen_name(app) == "ContractListScreen")
        await wait_until(pilot, lambda: shown(app, "#list-status").startswith("Contratti 1–2"))
        for text, expected in (
            ("nicolo d'amico", "MI-1"),
            ("damico", "MI-1"),
            ("desantis", "RM-1"),
            ("anna de s", "RM-1"),
        ):
            await pilot.press("ctrl+u")
            await type_text(pilot, text)
            await wait_until(
                pilot,
                lambda e=expected: (
                    [row[1] for row in table_rows(app)] == [e]
                    and shown(app, "#list-status").startswith("Contratti 1–1")
                ),
                what=f"{expected} for {text!r}",
            )
        await pilot.press("ctrl+u")
        await type_text(pilot, "verdi")
        await wait_until(
            pilot,
            lambda: (
                shown(app, "#list-status")
                == "Nessun contratto trovato: cerca per numero del contratto, cognome o nome."
            ),
            what="the no-match hint",
        )
        assert table_rows(app) == []
