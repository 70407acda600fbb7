"""Keys: the Ctrl alternatives of the F-keys, editing keys in fields, footer, palette."""

from __future__ import annotations

from pilot_helpers import (
    flat,
    input_value,
    login_staff,
    region_text,
    screen_lines,
    screen_text,
    type_text,
    wait_until,
)
from textual.command import CommandList, CommandPalette

from pdp_tui.services import search
from pdp_tui.tui.screens.contract_list import ContractListScreen
from pdp_tui.tui.screens.help import HelpScreen
from pdp_tui.tui.screens.login import LoginScreen
from pdp_tui.tui.screens.plan_entry import PlanEntryScreen
from pdp_tui.tui.widgets.code_panel import ActivationCodePanel


def footer(app) -> str:
    return screen_lines(app)[-1]


async def test_ctrl_alternatives_work_from_inside_a_text_field(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        entry = app.screen
        await pilot.press("1", "enter")
        await type_text(pilot, "PDP-5")
        assert app.focused is entry.query_one("#contract_number")

        await pilot.press("ctrl+o")  # = F1
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "Aiuto: i tasti di questa schermata" in screen_text(app)
        await pilot.press("ctrl+o")  # closes it again
        await wait_until(pilot, lambda: app.screen is entry)

        await pilot.press("ctrl+l")  # = F3
        await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen))
        await pilot.press("ctrl+n")  # = F2: back to the form, as it was left
        await wait_until(pilot, lambda: app.screen is entry)
        assert input_value(app, "#contract_number") == "PDP-5"

        entry.query_one("#contract_number").focus()
        await pilot.press("enter")
        await type_text(pilot, "Anna")
        await pilot.press("enter")
        await type_text(pilot, "Neri")
        await pilot.press("enter", "1")
        await pilot.press("shift+tab")  # back into a text field: Ctrl+G from there
        assert app.focused is entry.query_one("#last_name")
        await pilot.press("ctrl+g")  # = F5
        panel = entry.query_one("#code-panel", ActivationCodePanel)
        await wait_until(pilot, lambda: panel.plan is not None)
        # None of them typed a character into the fields.
        assert input_value(app, "#contract_number") == "PDP-5"
        assert input_value(app, "#first_name") == "Anna"
        assert input_value(app, "#last_name") == "Neri"
    assert [p.contract_number for p in search.search_plans(sqlite_seed.staff_mi).rows] == ["PDP-5"]


async def test_editing_keys_still_edit_in_fields(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await pilot.press("1", "enter")
        await type_text(pilot, "ABC")
        await pilot.press("ctrl+a")  # start of the line
        await type_text(pilot, "X")
        assert input_value(app, "#contract_number") == "XABC"
        await pilot.press("ctrl+e")  # end of the line
        await type_text(pilot, "Z")
        assert input_value(app, "#contract_number") == "XABCZ"
        await pilot.press("ctrl+a", "right", "ctrl+k")  # delete to the end
        assert input_value(app, "#contract_number") == "X"
        await type_text(pilot, "-12 34")
        await pilot.press("ctrl+w")  # delete the word before the cursor
        assert input_value(app, "#contract_number") == "X-12 "
        await pilot.press("ctrl+u")  # delete the whole line before the cursor
        assert input_value(app, "#contract_number") == ""
        assert isinstance(app.screen, PlanEntryScreen)

        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen))
        await type_text(pilot, "rossi")
        await pilot.press("ctrl+a", "ctrl+k")
        assert input_value(app, "#search") == ""
        assert isinstance(app.screen, ContractListScreen)


async def test_footer_and_help_show_the_keys(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        for key in ("F5 Genera", "F1 Aiuto", "F2 Nuovo piano", "F3 Elenco"):
            assert key in footer(app), key
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_text = flat(screen_text(app))
        for line in (
            "F5 / Ctrl+G Genera",
            "F1 / Ctrl+O Aiuto",
            "F2 / Ctrl+N Nuovo piano",
            "F3 / Ctrl+L Elenco",
            "Ctrl+Q esci dal programma",
        ):
            assert line in help_text, line
        await pilot.press("escape")
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen))
        for key in ("F1 Aiuto", "F2 Nuovo piano", "F3 Elenco"):
            assert key in footer(app), key
        await wait_until(pilot, lambda: "PgGiù Pag. succ." in footer(app))


async def test_list_footer_shows_the_paging_keys(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen))
        assert "PgGiù Pag. succ." in footer(app)
        assert "PgSu Pag. prec." in footer(app)


async def test_pagedown_from_the_rows_loads_the_next_page(sqlite_seed, make_app, register, clock):
    for i in range(1, 61):
        register(sqlite_seed.staff_mi, f"PDP-{i:04d}")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen))
        status = app.screen.query_one("#list-status")
        await wait_until(pilot, lambda: status.content.plain.startswith("Contratti 1–50"))
        await pilot.press("down", "pagedown")
        await wait_until(
            pilot, lambda: status.content.plain.startswith("Contratti 51–60"), timeout=1
        )


async def test_a_long_form_message_is_shown_whole_at_80_columns(
    sqlite_seed, make_app, register, fixed_code
):
    # Every code drawn is the one already taken: registration gives up with a message.
    register(sqlite_seed.staff_mi, "PDP-1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await pilot.press("1", "enter")
        for text in ("PDP-2", "Anna", "Neri"):
            await type_text(pilot, text)
            await pilot.press("enter")
        await pilot.press("1", "enter")
        message = app.screen.query_one("#form-message")
        expected = "Non è stato possibile generare il codice. Riprova."
        await wait_until(pilot, lambda: message.content.plain == expected)
        assert expected in flat(screen_text(app))


async def test_command_palette_offers_no_screenshot(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Nuovo piano", "Aiuto", "Esci"} <= set(titles)
        assert any(title.startswith("Elenco") for title in titles)
        assert not [title for title in titles if "screenshot" in title.casefold()]

        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await type_text(pilot, "scre")
        await wait_until(pilot, lambda: "Nessun comando trovato" in screen_text(app))
        assert "Cerca un comando" not in screen_text(app)  # the typed text replaced it
        await pilot.press("ctrl+u")
        await type_text(pilot, "e")  # matches nearly every command
        results = app.screen.query_one(CommandList)
        await wait_until(pilot, lambda: "Esci" in region_text(app, results))
        assert "screenshot" not in region_text(app, results).casefold()
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, PlanEntryScreen))


async def test_ctrl_q_quits_at_once_when_nothing_would_be_lost(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await pilot.press("1", "enter")  # a covering alone is no plan
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: app._exit)
    assert app.return_code == 0


async def test_ctrl_q_asks_before_dropping_a_half_typed_plan(sqlite_seed, make_app):
    from pdp_tui.tui.screens.quit_dialog import QuitDialog

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await pilot.press("1", "enter")
        await type_text(pilot, "PDP")  # from a text field: Ctrl+Q is not an editing key
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, QuitDialog))
        assert "non è registrato" in flat(screen_text(app))
        await pilot.press("escape")  # no: back to the plan, as it was
        await wait_until(pilot, lambda: isinstance(app.screen, PlanEntryScreen))
        assert input_value(app, "#contract_number") == "PDP"
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, QuitDialog))
        await pilot.press("ctrl+q")  # twice: quit anyway
        await wait_until(pilot, lambda: app._exit)
    assert app.return_code == 0


def test_help_key_names():
    from textual.binding import Binding

    from pdp_tui.tui.italian import binding_keys, key_label

    assert [key_label(k) for k in ("ctrl+n", "f2", "escape", "pagedown", "c", "enter")] == [
        "Ctrl+N",
        "F2",
        "Esc",
        "PgGiù",
        "c",
        "Invio",
    ]
    # Both cases are bound (Caps Lock), the key is named once, as pressed.
    assert binding_keys(Binding("c,C", "correct", "Correggi")) == ["c"]
    assert binding_keys(Binding("f1,ctrl+o", "help", "Aiuto")) == ["F1", "Ctrl+O"]


async def test_login_footer_offers_only_what_works_before_login(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: "^Q Esci" in footer(app))
        assert "F1 Aiuto" in footer(app)
        assert "F2" not in footer(app) and "F3" not in footer(app)
        # No session yet: F2 and F3 do nothing.
        await pilot.press("f2", "f3")
        assert app.actor is None
        assert isinstance(app.screen, LoginScreen)
        assert "Accesso non riuscito" not in region_text(
            app, app.screen.query_one("#login-message")
        )


async def test_first_start_says_how_to_create_the_first_administrator(sqlite_database, make_app):
    app = make_app()  # a migrated database without accounts
    async with app.run_test(size=(80, 24)) as pilot:
        message = app.screen.query_one("#login-message")
        await wait_until(pilot, lambda: "primo amministratore" in region_text(app, message))
        assert "pdp-tui user add NOME --role admin" in flat(region_text(app, message))


async def test_no_first_start_hint_once_an_account_exists(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app._database_ready)
        await app.workers.wait_for_complete()  # the warm-up, which asks
        await pilot.pause()
        assert region_text(app, app.screen.query_one("#login-message")) == ""


def test_every_screen_key_is_unique_and_no_text_editing_key():
    """The F-keys and their Ctrl alternatives open one screen each, and none of them is a
    key a text field uses for editing (Textual's Input bindings)."""
    from textual.widgets import Input

    from pdp_tui.tui.app import PdpApp
    from pdp_tui.tui.form_printing import PRINT_FORM
    from pdp_tui.tui.screens.contract_list import ContractListScreen
    from pdp_tui.tui.screens.plan_entry import PlanEntryScreen

    def f_and_ctrl(bindings) -> list[str]:
        return [k for b in bindings for k in b.key.split(",") if k.startswith(("f", "ctrl+"))]

    # PlanEntryScreen.BINDINGS holds F9 (PRINT_FORM), as the detail's do.
    keys = f_and_ctrl([*PdpApp.BINDINGS, *PlanEntryScreen.BINDINGS])
    assert {"f9", "ctrl+s"} <= set(keys)
    assert len(keys) == len(set(keys)), sorted(keys)
    editing = {key.strip() for b in Input.BINDINGS for key in b.key.split(",")}
    editing |= {"ctrl+c", "ctrl+v", "ctrl+x"}
    assert not (set(keys) & editing), set(keys) & editing
    # The list's F5 (missing forms) takes no key of the app's nor of F9's; it shares F5 /
    # Ctrl+G with Genera, which is on another screen.
    list_keys = set(f_and_ctrl(ContractListScreen.BINDINGS))
    assert not (list_keys & set(f_and_ctrl([*PdpApp.BINDINGS, PRINT_FORM]))), list_keys
    assert not (list_keys & editing), list_keys & editing
