"""Snapshots at 80x24 of code verification and of a detail with its history.

Codes and times are fixed (conftest: ``fixed_codes``, ``fixed_now``; the change's time is
set through the model after the correction), so the pictures do not change between runs.
"""

from __future__ import annotations

import pytest

from pdp_tui.models import PlanChange
from pdp_tui.services import codes, corrections
from pdp_tui.tui.screens import verify_code

from .conftest import FIXED_CHANGE_AT, FIXED_CODES
from .helpers import (
    key_names,
    login_staff,
    login_support,
    open_detail,
    shown,
    type_text,
    wait_until,
)

SIZE = (80, 24)
UNKNOWN_BODY = "M3W8D0Q6F1R"  # well formed, never issued in these tests
UNKNOWN_CODE = UNKNOWN_BODY + codes.check_character(UNKNOWN_BODY)


@pytest.fixture
def plans(sqlite_seed, register, fixed_codes, fixed_now):
    rm = register(sqlite_seed.staff_rm, "RM-2026-0042", "Nicolò", "D'Amico", "covering_motion")
    mi = register(sqlite_seed.staff_mi, "MI-2026-0007", "Mario", "Rosi")
    assert (rm.activation_code, mi.activation_code) == FIXED_CODES[:2]
    assert UNKNOWN_CODE not in FIXED_CODES
    corrections.correct_plan(
        sqlite_seed.staff_mi, mi.id, reason="[b]Cognome[/b] dal documento", last_name="Rossi"
    )
    PlanChange.update(changed_at=FIXED_CHANGE_AT).execute()
    return rm, mi


def mistyped(code: str) -> str:
    replacement = next(ch for ch in codes.ALPHABET if ch != code[4])
    return code[:4] + replacement + code[5:]


def test_snapshot_verify_valid(snap_compare, make_app, plans):
    rm, _ = plans

    async def run_before(pilot) -> None:
        await login_support(pilot)
        await type_text(pilot, codes.format_code(rm.activation_code).lower())
        await pilot.press("enter")
        await wait_until(pilot, lambda: "RM-2026-0042" in shown(pilot.app, "#verify-plan"))
        assert shown(pilot.app, "#verify-result") == verify_code.VALID

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_verify_mistyped(snap_compare, make_app, plans):
    rm, _ = plans
    assert snap_compare(
        make_app(),
        press=key_names(codes.format_code(mistyped(rm.activation_code))),
        terminal_size=SIZE,
        run_before=login_support,
    )


def test_snapshot_verify_unknown(snap_compare, make_app, plans):
    async def run_before(pilot) -> None:
        await login_support(pilot)
        await type_text(pilot, UNKNOWN_CODE)
        await pilot.press("enter")
        await wait_until(pilot, lambda: shown(pilot.app, "#verify-result") == verify_code.NOT_FOUND)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_detail_with_history(snap_compare, make_app, plans):
    async def run_before(pilot) -> None:
        await login_staff(pilot)
        await open_detail(pilot, "MI-2026-0007")
        await wait_until(pilot, lambda: "Rossi" in shown(pilot.app, "#detail-fields"))

    assert snap_compare(make_app(), press=["end"], terminal_size=SIZE, run_before=run_before)
