"""Verifica codice by keys: support checks a code read out by a customer of any store."""

from __future__ import annotations

import pytest

from pdp_tui.services import codes, corrections
from pdp_tui.services.audit import Kind
from pdp_tui.tui.screens import verify_code

from .helpers import (
    audit_count,
    flat_screen,
    login_support,
    screen_name,
    shown,
    type_text,
    wait_until,
)


def spaced_lower(code: str) -> str:
    """How support types a code read over the phone: lower case, in groups of four."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4)).lower()


def one_character_changed(code: str) -> str:
    """The code with its fifth character replaced by another symbol of the alphabet."""
    replacement = next(ch for ch in codes.ALPHABET if ch != code[4])
    return code[:4] + replacement + code[5:]


@pytest.fixture
def rm_plan(sqlite_seed, register):
    """A plan of RM01: support is not tied to a store, so any store's code verifies."""
    return register(sqlite_seed.staff_rm, "RM-2026-0042", "Nicolò", "D'Amico")


async def test_support_starts_on_the_verify_screen(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_support(pilot)
        assert app.focused is app.screen.query_one("#code")
        assert verify_code.PROMPT in flat_screen(app)


async def test_valid_code_of_another_store_shows_the_plan(sqlite_seed, make_app, rm_plan):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_support(pilot)
        await type_text(pilot, spaced_lower(rm_plan.activation_code))
        await pilot.press("enter")
        await wait_until(pilot, lambda: shown(app, "#verify-result") == verify_code.VALID)
        await wait_until(pilot, lambda: "RM-2026-0042" in shown(app, "#verify-plan"))
        plan_text = shown(app, "#verify-plan")
        for expected in (
            "Numero del contratto RM-2026-0042",
            "Cliente Nicolò D'Amico",
            f"Rivestimento {rm_plan.covering.label}",
            "Tipo di protezione solo rivestimento",
            f"Codice di attivazione {codes.format_code(rm_plan.activation_code)}",
            "Stato attivo",
            "Negozio RM01 · Roma Eur",
            "Registrato da Luca Verdi",
            "Valido fino al ",
            "Registrato il ",
        ):
            assert expected in plan_text, expected
        assert audit_count(Kind.CODE_VERIFIED) == 1


async def test_mistyped_code_is_told_before_enter_without_a_lookup(sqlite_seed, make_app, rm_plan):
    wrong = one_character_changed(rm_plan.activation_code)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_support(pilot)
        lookups = audit_count(Kind.CODE_VERIFIED)
        # Eleven characters: not yet a whole code, no message.
        await type_text(pilot, spaced_lower(wrong)[:-1])
        await pilot.pause()
        assert shown(app, "#verify-result") == ""
        await type_text(pilot, spaced_lower(wrong)[-1])
        await wait_until(pilot, lambda: shown(app, "#verify-result") == codes.MISTYPED)
        assert app.screen.query_one("#verify-result").has_class("-error")
        assert shown(app, "#verify-plan") == ""
        assert audit_count(Kind.CODE_VERIFIED) == lookups  # no lookup before Enter
        # Deleting the wrong character clears the message: eleven characters again.
        await pilot.press("backspace")
        await wait_until(pilot, lambda: shown(app, "#verify-result") == "")
        assert audit_count(Kind.CODE_VERIFIED) == lookups


@pytest.mark.parametrize("how", ["mistyped", "too-short"])
async def test_enter_on_a_malformed_code_keeps_the_codes_own_message(
    sqlite_seed, make_app, rm_plan, how
):
    typed = spaced_lower(one_character_changed(rm_plan.activation_code))
    expected = codes.MISTYPED
    if how == "too-short":
        typed, expected = typed[:-1], "Il codice ha 12 caratteri (ne hai scritti 11)."
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_support(pilot)
        lookups = audit_count(Kind.CODE_VERIFIED)
        await type_text(pilot, typed)
        await pilot.press("enter")
        # The service logs the attempt, then the screen shows the outcome.
        await wait_until(
            pilot,
            lambda: (
                audit_count(Kind.CODE_VERIFIED) > lookups
                and shown(app, "#verify-result") != verify_code.SEARCHING
            ),
            what="the outcome of Enter",
        )
        assert shown(app, "#verify-result") == expected
        assert "RM-2026-0042" not in flat_screen(app)


async def test_unknown_code_is_not_found(sqlite_seed, make_app, rm_plan):
    unknown = codes.generate_code()
    assert unknown != rm_plan.activation_code
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_support(pilot)
        await type_text(pilot, codes.format_code(unknown))
        await pilot.pause()
        assert shown(app, "#verify-result") == ""  # well formed: nothing to say before Enter
        await pilot.press("enter")
        await wait_until(pilot, lambda: shown(app, "#verify-result") == verify_code.NOT_FOUND)
        assert shown(app, "#verify-plan") == ""
        assert app.focused is app.screen.query_one("#code")


async def test_voided_plans_code_says_voided(sqlite_seed, make_app, rm_plan):
    corrections.void_plan(sqlite_seed.staff_rm, rm_plan.id, reason="Vendita annullata")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_support(pilot)
        await type_text(pilot, rm_plan.activation_code.lower())
        await pilot.press("enter")
        await wait_until(pilot, lambda: shown(app, "#verify-result") == verify_code.VOIDED)
        assert app.screen.query_one("#verify-result").has_class("-error")
        await wait_until(pilot, lambda: "Stato annullato" in shown(app, "#verify-plan"))
        assert "RM-2026-0042" in shown(app, "#verify-plan")


async def test_f4_again_clears_the_code_for_the_next_call(sqlite_seed, make_app, rm_plan):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_support(pilot)
        await type_text(pilot, rm_plan.activation_code)
        await pilot.press("enter")
        await wait_until(pilot, lambda: shown(app, "#verify-result") == verify_code.VALID)
        await pilot.press("f4")
        await wait_until(pilot, lambda: app.screen.query_one("#code").value == "")
        assert screen_name(app) == "VerifyCodeScreen"
        assert "RM-2026-0042" not in flat_screen(app)


async def test_after_a_result_typing_starts_a_new_code(sqlite_seed, make_app, register):
    first = register(sqlite_seed.staff_rm, "RM-1", "Anna", "Neri")
    second = register(sqlite_seed.staff_mi, "MI-2", "Paolo", "Bruni")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_support(pilot)
        await type_text(pilot, spaced_lower(first.activation_code))
        await pilot.press("enter")
        await wait_until(pilot, lambda: "RM-1" in shown(app, "#verify-plan"))
        # The next code typed replaces the last one instead of being appended to it.
        await type_text(pilot, second.activation_code)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "MI-2" in shown(app, "#verify-plan"))
        assert shown(app, "#verify-result") == verify_code.VALID
        # Also after an unknown code.
        await type_text(pilot, one_character_changed(second.activation_code))
        await wait_until(pilot, lambda: "errato" in shown(app, "#verify-result"))
        await pilot.press("ctrl+u")
        await type_text(pilot, first.activation_code)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "RM-1" in shown(app, "#verify-plan"))


async def test_enter_on_a_result_opens_the_plan_detail(sqlite_seed, make_app, register):
    plan = register(sqlite_seed.staff_rm, "RM-1", "Anna", "Neri")
    corrections.void_plan(sqlite_seed.support, plan.id, reason="Reso del divano")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_support(pilot)
        await type_text(pilot, plan.activation_code)
        await pilot.press("enter")
        await wait_until(pilot, lambda: shown(app, "#verify-result") == verify_code.VOIDED)
        assert "Invio: dettaglio del Piano" in flat_screen(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen_name(app) == "ContractDetailScreen")
        await wait_until(pilot, lambda: app.screen.plan is not None)
        assert app.screen.plan.contract_number == "RM-1"
        await pilot.press("escape")
        await wait_until(pilot, lambda: screen_name(app) == "VerifyCodeScreen")
