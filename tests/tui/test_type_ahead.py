"""No key is ever lost: bursts of keys typed ahead land in order, in the right fields.

Keys are sent all at once (``burst``), as a terminal delivers them when a clerk types
from the card faster than the app answers, or when SSH coalesces them.
"""

from __future__ import annotations

from pilot_helpers import (
    PASSWORD,
    burst,
    flat,
    input_value,
    login_staff,
    screen_text,
    type_text,
    typed,
    wait_until,
)

from pdp_tui.models import Plan
from pdp_tui.tui.screens.contract_detail import ContractDetailScreen
from pdp_tui.tui.screens.contract_list import ContractListScreen
from pdp_tui.tui.screens.login import LoginScreen
from pdp_tui.tui.screens.plan_entry import PlanEntryScreen
from pdp_tui.tui.widgets.code_panel import ActivationCodePanel
from pdp_tui.tui.widgets.form_dialog import ConfirmDialog


def card(contract: str, first: str, last: str, protection: str, *, covering: str = "") -> list[str]:
    """The keys of one card after F2 (or after login, with the covering first)."""
    keys = [covering, "enter"] if covering else []
    for text in (contract, first, last):
        keys += [*typed(text), "enter"]
    return [*keys, protection, "enter"]


def registered() -> dict[str, tuple[str, str, str, str]]:
    return {
        p.contract_number: (p.first_name, p.last_name, p.protection.code, p.covering.code)
        for p in Plan.select()
    }


def panel(app) -> ActivationCodePanel:
    return app.screen.query_one("#code-panel", ActivationCodePanel)


async def test_login_and_two_plans_in_one_burst(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
        keys = [*typed("vendite.mi"), "enter", *typed(PASSWORD), "enter"]
        keys += card("MI900005", "Nicolò", "D'Amico", "2", covering="2")
        keys += ["f2", *card("MI900008", "Anna", "De Santis", "1")]
        await burst(pilot, keys)
        await wait_until(
            pilot,
            lambda: "MI900008" in registered(),
            timeout=15,
            what="the second plan registered",
        )
        await wait_until(pilot, lambda: panel(app).plan is not None)
        assert panel(app).plan.contract_number == "MI900008"
    assert registered() == {
        "MI900005": ("Nicolò", "D'Amico", "covering_motion", "pelle"),
        "MI900008": ("Anna", "De Santis", "covering", "pelle"),
    }


async def test_f2_and_the_next_card_sent_while_genera_runs(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        first = card("MI900005", "Maria", "Rossi", "1", covering="1")
        # Genera's Enter, F2 and the next card in one go: F2 arrives while Genera runs.
        await burst(pilot, [*first, "f2", *card("MI900008", "Luca", "Bianchi", "2")])
        await wait_until(pilot, lambda: "MI900008" in registered(), timeout=15)
    assert registered() == {
        "MI900005": ("Maria", "Rossi", "covering", "tessuto"),
        "MI900008": ("Luca", "Bianchi", "covering_motion", "tessuto"),
    }


async def test_keys_after_a_refused_genera_are_discarded(sqlite_seed, make_app, register):
    register(sqlite_seed.staff_rm, "MI900005")  # another store's contract: refused
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await burst(
            pilot,
            [*card("MI900005", "Maria", "Rossi", "1", covering="1"), *typed("garbage")],
        )
        error = app.screen.query_one("#contract_number-error")
        await wait_until(pilot, lambda: error.display, what="the duplicate's error")
        # As on a 5250: the keys typed blind after the error are not typed into the field.
        assert input_value(app, "#contract_number") == "MI900005"
        assert app.type_ahead.waiting == 0


async def test_f2_from_the_list_and_the_detail_gives_the_next_card(sqlite_seed, make_app, register):
    register(sqlite_seed.staff_mi, "OLD-1", "Carla", "Neri")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await burst(pilot, card("MI900005", "Maria", "Rossi", "1", covering="1"))
        await wait_until(pilot, lambda: panel(app).plan is not None)
        form = app.screen

        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen))
        await burst(pilot, ["f2", *typed("MI900006")])
        await wait_until(pilot, lambda: app.screen is form and panel(app).plan is None)
        await wait_until(pilot, lambda: input_value(app, "#contract_number") == "MI900006")
        assert input_value(app, "#first_name") == ""
        assert app.screen.query_one("#covering").value is not None  # the covering is kept
        await burst(pilot, ["enter", *typed("Anna"), "enter", *typed("Verdi"), "enter", "1"])
        await burst(pilot, ["enter"])
        await wait_until(pilot, lambda: "MI900006" in registered())

        # From a contract's detail too.
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen))
        await type_text(pilot, "OLD-1")
        status = app.screen.query_one("#list-status")
        await wait_until(pilot, lambda: status.content.plain.startswith("Contratti 1–1 "))
        await pilot.press("enter", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractDetailScreen))
        await burst(pilot, ["f2", *typed("MI900007")])
        await wait_until(pilot, lambda: input_value(app, "#contract_number") == "MI900007")
        assert app.screen is form and panel(app).plan is None


async def test_f2_returns_to_a_half_typed_plan_unchanged(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await pilot.press("1", "enter")
        await type_text(pilot, "MI900005")
        await pilot.press("enter")
        await type_text(pilot, "Mar")
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen))
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, PlanEntryScreen))
        assert input_value(app, "#contract_number") == "MI900005"
        assert input_value(app, "#first_name") == "Mar"
        assert app.focused is app.screen.query_one("#first_name")
        await type_text(pilot, "ia")
        assert input_value(app, "#first_name") == "Maria"


async def test_esc_abandons_a_half_typed_plan_after_asking(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        footer = lambda: screen_text(app).splitlines()[-1]  # noqa: E731
        assert "Abbandona" not in footer()
        await pilot.press("2", "enter")
        await type_text(pilot, "MI900005")
        await wait_until(pilot, lambda: "Esc Abbandona" in footer())

        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("escape")  # no: the plan stays
        await wait_until(pilot, lambda: isinstance(app.screen, PlanEntryScreen))
        assert input_value(app, "#contract_number") == "MI900005"

        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "andrà perso" in flat(screen_text(app))
        await pilot.press("enter")  # yes
        await wait_until(pilot, lambda: isinstance(app.screen, PlanEntryScreen))
        await wait_until(pilot, lambda: input_value(app, "#contract_number") == "")
        assert app.focused is app.screen.query_one("#contract_number")
        assert app.screen.query_one("#covering").value is not None
        await wait_until(pilot, lambda: "Abbandona" not in footer())


async def test_typing_in_the_results_searches_again(sqlite_seed, make_app, register):
    register(sqlite_seed.staff_mi, "MI-0001", "Carla", "Neri")
    register(sqlite_seed.staff_mi, "MI-0002", "Paolo", "Bruni")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen))
        status = app.screen.query_one("#list-status")
        await type_text(pilot, "MI-0001")
        await wait_until(pilot, lambda: status.content.plain.startswith("Contratti 1–1 "))
        await pilot.press("enter", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractDetailScreen))
        # Back from the detail the cursor is on the results; the next search is typed
        # straight away, in one go with the Esc.
        await burst(pilot, ["escape", *typed("bruni")])
        await wait_until(pilot, lambda: input_value(app, "#search") == "bruni")
        await wait_until(pilot, lambda: "Bruni" in flat(screen_text(app)))
