"""Pasted or typed control characters and escape sequences never reach a field, and a name
made only of invisible characters is refused at its field (issue 10)."""

from __future__ import annotations

from pilot_helpers import flat, input_value, login_staff, region_text, type_text, wait_until
from textual import events

from pdp_tui.services import search
from pdp_tui.tui.widgets.text_field import TextField

PASTED = "Ma\x1b[31mrio\x07"


def field_error(app, field: str) -> str:
    widget = app.screen.query_one(f"#{field}-error")
    return flat(region_text(app, widget)) if widget.display else ""


async def test_a_pasted_escape_sequence_is_dropped_and_the_next_keys_work(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await pilot.press("1", "enter")
        await type_text(pilot, "ESC-1")
        await pilot.press("enter")
        first = app.screen.query_one("#first_name", TextField)
        assert app.focused is first
        first.post_message(events.Paste(PASTED))
        await wait_until(pilot, lambda: input_value(app, "#first_name") == "Mario")
        # The next keys reach the field as usual.
        await pilot.press("end", "backspace")
        await type_text(pilot, "o!")
        assert input_value(app, "#first_name") == "Mario!"
        # A key that carries a control character (as a terminal without bracketed paste
        # would deliver it) inserts nothing.
        first.insert_text_at_cursor("\x1b[2J\x00\x7f")
        assert input_value(app, "#first_name") == "Mario!"
        await pilot.press("ctrl+u")
        first.post_message(events.Paste("\x1b]8;;http://x\x1b\\Luigi\x1b]8;;\x1b\\\tBianchi\r\n"))
        await wait_until(pilot, lambda: input_value(app, "#first_name") == "Luigi Bianchi")
        assert all(ch.isprintable() for ch in input_value(app, "#first_name"))


async def test_a_name_of_invisible_characters_is_refused_at_its_field(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await pilot.press("1", "enter")
        await type_text(pilot, "INV-1")
        await pilot.press("enter")
        first = app.screen.query_one("#first_name", TextField)
        first.post_message(events.Paste("\u3164\u3164"))
        await wait_until(pilot, lambda: input_value(app, "#first_name") == "\u3164\u3164")
        await pilot.press("enter")
        await type_text(pilot, "Rossi")
        await pilot.press("enter", "1", "ctrl+g")
        await wait_until(pilot, lambda: field_error(app, "first_name"))
        assert field_error(app, "first_name") == "Nome: deve contenere almeno una lettera."
    assert search.search_plans(sqlite_seed.staff_mi).rows == []
