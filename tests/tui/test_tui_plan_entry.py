"""Nuovo Piano: registration by keys, field errors, duplicates, double Genera, next plan."""

from __future__ import annotations

import re

import pytest
from pilot_helpers import (
    flat,
    input_value,
    key_names,
    login_staff,
    region_text,
    screen_text,
    type_text,
    wait_until,
)
from textual import events

from pdp_tui.domain import ProtectionType
from pdp_tui.services import codes, plans, search
from pdp_tui.tui.widgets.code_panel import ActivationCodePanel

CUSTOMER_FIELDS = ("contract_number", "first_name", "last_name")


def panel(app) -> ActivationCodePanel:
    return app.screen.query_one("#code-panel", ActivationCodePanel)


def panel_text(app) -> str:
    return flat(region_text(app, panel(app)))


def form_message(app) -> str:
    return flat(region_text(app, app.screen.query_one("#form-message")))


def field_error(app, field: str) -> str:
    widget = app.screen.query_one(f"#{field}-error")
    return flat(region_text(app, widget)) if widget.display else ""


def plans_with_number(actor, number: str) -> list:
    return [p for p in search.search_plans(actor, number).rows if p.contract_number == number]


async def fill_form(
    pilot, contract: str, first: str, last: str, *, covering: str = "1", protection: str = "1"
) -> None:
    """From the covering field: every field in order, stopping on the protection field."""
    await pilot.press(covering, "enter")
    await type_text(pilot, contract)
    await pilot.press("enter")
    await type_text(pilot, first)
    await pilot.press("enter")
    await type_text(pilot, last)
    await pilot.press("enter")
    await pilot.press(protection)


async def wait_for_code(pilot) -> str:
    app = pilot.app
    await wait_until(pilot, lambda: panel(app).plan is not None, what="the code panel")
    await wait_until(pilot, lambda: panel(app).display and panel_text(app))
    return panel(app).plan.activation_code


async def test_full_registration_by_keys_shows_the_stored_code(sqlite_seed, make_app):
    app = make_app()
    typed = {"contract_number": "PDP-2026-0001", "first_name": "Nicolò", "last_name": "D'Amico"}
    # Every key after login: the typed text, and the keys that move and choose.
    keys = ["1", "enter"]  # covering: Tessuto, on to the contract number
    for field in CUSTOMER_FIELDS:
        keys += key_names(typed[field]) + ["enter"]
    keys += ["2", "enter"]  # protection: rivestimento + motion; Enter on the last field = Genera
    typed_keys = sum(len(value) for value in typed.values())
    assert len(keys) - typed_keys == 7  # the number reported: 2 choices + 5 Enter

    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        assert app.focused is app.screen.query_one("#covering")
        for key in keys:
            await pilot.press(key)
        code = await wait_for_code(pilot)

        assert app.focused is panel(app)
        assert form_message(app) == "Registrato. F9: stampa il modulo · F2: nuovo Piano."
        shown = panel_text(app)
        # Grouped XXXX-XXXX-XXXX, spaced out in the panel for copying by hand.
        assert " ".join(codes.format_code(code)) in shown
        assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", codes.format_code(code))
        assert "Contratto PDP-2026-0001 · D'Amico Nicolò" in shown
        assert "Copia il codice sul cartoncino e sul modulo di adesione." in shown
        for field in ("covering", *CUSTOMER_FIELDS, "protection"):
            assert app.screen.query_one(f"#{field}").disabled  # the card is done

    [row] = plans_with_number(sqlite_seed.staff_mi, "PDP-2026-0001")
    stored = plans.get_plan(sqlite_seed.staff_mi, row.id)
    assert stored.activation_code == code
    assert codes.parse_code(" ".join(codes.format_code(code))) == code  # as copied from the panel
    assert (stored.first_name, stored.last_name) == ("Nicolò", "D'Amico")
    assert stored.covering.label == "Tessuto"
    assert stored.protection is ProtectionType.COVERING_AND_MOTION
    assert stored.store_code == "MI01"


EMPTY_FORM_ERRORS = {
    "covering": "Rivestimento: scegli uno dei rivestimenti in elenco.",
    "contract_number": "Numero del contratto: campo obbligatorio.",
    "first_name": "Nome: campo obbligatorio.",
    "last_name": "Cognome: campo obbligatorio.",
    "protection": "Tipo di protezione: scegli una delle opzioni.",
}


async def test_empty_form_shows_a_message_at_each_field_and_saves_nothing(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await pilot.press("f5")
        await wait_until(pilot, lambda: form_message(app) == "Correggi i campi segnalati.")
        await wait_until(pilot, lambda: all(map(lambda f: field_error(app, f), EMPTY_FORM_ERRORS)))
        for field, message in EMPTY_FORM_ERRORS.items():
            assert app.screen.query_one(f"#{field}-error").display, field
            assert field_error(app, field) == message
            assert app.screen.query_one(f"#{field}").has_class("-invalid")
        assert app.focused is app.screen.query_one("#covering")
        assert panel(app).plan is None and not panel(app).display
    assert search.search_plans(sqlite_seed.staff_mi).rows == []


async def test_one_bad_field_gets_the_focus_and_the_fix_clears_the_message(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await fill_form(pilot, "PDP 7", "Anna", "Verdi")  # a space: not a contract number
        await pilot.press("enter")
        await wait_until(pilot, lambda: form_message(app) == "Correggi i campi segnalati.")
        assert field_error(app, "contract_number") == (
            "Numero del contratto: usa solo lettere senza accenti, cifre e trattini "
            "(es. PDP-2026-0001)."
        )
        for field in ("covering", "first_name", "last_name", "protection"):
            assert not app.screen.query_one(f"#{field}-error").display
        assert app.focused is app.screen.query_one("#contract_number")
        assert search.search_plans(sqlite_seed.staff_mi).rows == []

        # Fix it in place (Input editing keys), Genera again.
        await pilot.press("end", "backspace", "backspace")
        await type_text(pilot, "-7")
        await pilot.press("ctrl+g")
        await wait_for_code(pilot)
        assert not app.screen.query_one("#contract_number-error").display
        assert not app.screen.query_one("#contract_number").has_class("-invalid")
    assert [p.contract_number for p in search.search_plans(sqlite_seed.staff_mi).rows] == ["PDP-7"]


async def test_contract_of_another_store_is_refused_at_the_contract_field(
    sqlite_seed, make_app, register
):
    register(sqlite_seed.staff_rm, "RM-0001", "Carla", "Romani")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await fill_form(pilot, "rm-0001", "Mario", "Rossi")
        await pilot.press("enter")
        await wait_until(pilot, lambda: field_error(app, "contract_number"))
        assert field_error(app, "contract_number") == (
            "Il contratto RM-0001 è già registrato in un altro negozio: contatta l'assistenza."
        )
        assert "Romani" not in screen_text(app) and "Carla" not in screen_text(app)
        assert form_message(app) == "Correggi i campi segnalati."
        assert app.focused is app.screen.query_one("#contract_number")
        assert panel(app).plan is None and not panel(app).display
        # What was typed is still there, to correct.
        assert input_value(app, "#first_name") == "Mario"
    [only] = plans_with_number(sqlite_seed.support, "RM-0001")
    assert only.store_code == "RM01" and only.last_name == "Romani"
    assert search.search_plans(sqlite_seed.staff_mi).rows == []


async def test_one_round_reports_the_taken_contract_with_the_other_fields(
    sqlite_seed, make_app, register
):
    register(sqlite_seed.staff_rm, "RM-0001", "Carla", "Romani")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await fill_form(pilot, "rm-0001", "", "Rossi")
        await pilot.press("enter")
        await wait_until(pilot, lambda: field_error(app, "contract_number"))
        assert "altro negozio" in field_error(app, "contract_number")
        assert field_error(app, "first_name") == "Nome: campo obbligatorio."
        assert form_message(app) == "Correggi i campi segnalati."
        assert app.focused is app.screen.query_one("#contract_number")


async def test_the_same_card_again_shows_its_code_already_registered(
    sqlite_seed, make_app, register
):
    """The reply to Genera was lost: the same card typed again (names typed another way)
    shows the plan's code with the time it was registered, not an error."""
    from pdp_tui.tui import format

    plan = register(sqlite_seed.staff_mi, "PDP-9", "Nicolò", "D'Amico")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await fill_form(pilot, "pdp-9", "nicolo", "d amico")
        await pilot.press("enter")
        code = await wait_for_code(pilot)
        assert code == plan.activation_code
        shown = panel_text(app)
        at = format.local_time(plan.created_at).strftime("%H:%M")
        assert f"Già registrato alle {at}" in shown
        assert " ".join(codes.format_code(code)) in shown
        assert "Contratto PDP-9 · D'Amico Nicolò" in shown
        assert form_message(app) == "Era già registrato. F9: stampa il modulo · F2: nuovo Piano."
    assert len(plans_with_number(sqlite_seed.staff_mi, "PDP-9")) == 1


def burst(app, *keys: str) -> None:
    """Deliver key presses back to back, as a quick double press does: no wait between."""
    for key in keys:
        event = events.Key(key, None)
        event.set_sender(app)
        app._driver.send_message(event)


@pytest.mark.parametrize(
    ("keys", "at_once"),
    [
        pytest.param(("f5", "f5"), True, id="f5-f5-at-once"),
        pytest.param(("enter", "enter"), True, id="enter-enter-at-once"),
        pytest.param(("ctrl+g", "f5"), True, id="ctrl+g-f5-at-once"),
        pytest.param(("f5", "f5"), False, id="f5-f5"),
    ],
)
async def test_double_genera_registers_one_plan(sqlite_seed, make_app, keys, at_once):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await fill_form(pilot, "PDP-2", "Mario", "Rossi")
        if at_once:
            burst(app, *keys)
        else:
            await pilot.press(*keys)
        code = await wait_for_code(pilot)
        registered = "Registrato. F9: stampa il modulo · F2: nuovo Piano."
        await wait_until(pilot, lambda: form_message(app) == registered)
        assert " ".join(codes.format_code(code)) in panel_text(app)
        assert not any(
            app.screen.query_one(f"#{field}-error").display for field in EMPTY_FORM_ERRORS
        )
    [plan] = plans_with_number(sqlite_seed.staff_mi, "PDP-2")
    assert plans.get_plan(sqlite_seed.staff_mi, plan.id).activation_code == code
    assert len(search.search_plans(sqlite_seed.support).rows) == 1


@pytest.mark.parametrize(("key", "then_register"), [("f2", True), ("ctrl+n", False)])
async def test_next_plan_clears_the_customer_keeps_the_covering(
    sqlite_seed, make_app, key, then_register
):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await fill_form(pilot, "PDP-10", "Mario", "Rossi", covering="3")
        await pilot.press("enter")
        first_code = await wait_for_code(pilot)
        covering = app.screen.query_one("#covering").value

        await pilot.press(key)
        await wait_until(pilot, lambda: panel(app).plan is None)
        for field in CUSTOMER_FIELDS:
            assert input_value(app, f"#{field}") == ""
        for field in ("covering", *CUSTOMER_FIELDS, "protection"):
            assert not app.screen.query_one(f"#{field}").disabled
        assert app.screen.query_one("#covering").value == covering
        assert app.screen.query_one("#protection").value is None
        assert app.focused is app.screen.query_one("#contract_number")
        assert not panel(app).display
        assert form_message(app) == ""
        assert " ".join(codes.format_code(first_code)) not in flat(region_text(app, app.screen))
        if not then_register:
            return

        # The next card: only the customer and the protection to type.
        await type_text(pilot, "PDP-11")
        await pilot.press("enter")
        await type_text(pilot, "Lia")
        await pilot.press("enter")
        await type_text(pilot, "Bassi")
        await pilot.press("enter", "2", "enter")
        second_code = await wait_for_code(pilot)
        assert second_code != first_code
    [second] = plans_with_number(sqlite_seed.staff_mi, "PDP-11")
    detail = plans.get_plan(sqlite_seed.staff_mi, second.id)
    assert detail.covering.label == "Ecopelle"
    assert detail.activation_code == second_code
    assert len(search.search_plans(sqlite_seed.staff_mi).rows) == 2


async def test_a_second_enter_after_genera_keeps_the_code_on_screen(sqlite_seed, make_app):
    """A double press on the last field must not hide the code before it is copied."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await fill_form(pilot, "PDP-11", "Mario", "Rossi")
        await pilot.press("enter")
        code = await wait_for_code(pilot)
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert panel(app).plan is not None
        assert " ".join(codes.format_code(code)) in panel_text(app)
    assert len(plans_with_number(sqlite_seed.staff_mi, "PDP-11")) == 1


async def test_a_burst_of_keys_lands_in_the_right_fields(sqlite_seed, make_app):
    """A paste, or keys a slow SSH link delivers together: Enter moves on at once."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        burst(app, "2", "enter", *"PDP-77", "enter", *"Anna", "enter", *"Verdi", "enter", "1")
        burst(app, "enter")
        await wait_for_code(pilot)
    [plan] = plans_with_number(sqlite_seed.staff_mi, "PDP-77")
    detail = plans.get_plan(sqlite_seed.staff_mi, plan.id)
    assert (detail.first_name, detail.last_name, detail.covering.label) == (
        "Anna",
        "Verdi",
        "Pelle",
    )
    assert detail.protection is ProtectionType.COVERING


async def test_a_burst_on_the_login_screen(sqlite_seed, make_app):
    from pilot_helpers import PASSWORD

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(app, *"vendite.mi", "enter", *PASSWORD, "enter")
        await wait_until(pilot, lambda: app.actor is not None)
        assert app.actor.username == "vendite.mi"


def test_already_registered_says_the_day_when_it_was_not_today():
    """Local time (Europe/Rome by default): 09:42 UTC on 28/11 is 10:42 there."""
    import datetime as dt
    from types import SimpleNamespace

    from pdp_tui.tui.widgets.code_panel import already_registered

    plan = SimpleNamespace(created_at=dt.datetime(2026, 11, 28, 9, 42))
    assert already_registered(plan, dt.date(2026, 11, 28)) == "Già registrato alle 10:42"
    assert (
        already_registered(plan, dt.date(2026, 11, 30)) == "Già registrato il 28/11/2026 alle 10:42"
    )
