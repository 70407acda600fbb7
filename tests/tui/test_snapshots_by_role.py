"""Snapshots of the screens not pictured elsewhere, for each role that reaches them.

80x24 for every screen, 120x40 for the lists, 60x20 for the "too small" message. Codes
and times are fixed (``code_sequence``, ``clock``), so the pictures do not change between
runs. Regenerate with ``pytest tests/tui/test_snapshots_by_role.py --snapshot-update`` and
look at every SVG (rsvg-convert to PNG) before committing it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from pilot_helpers import login_as, login_staff, steady, type_text, wait_until
from textual.widgets import DataTable

from pdp_tui.models import PlanChange
from pdp_tui.services import codes, corrections
from pdp_tui.tui.screens.contract_detail import ContractDetailScreen
from pdp_tui.tui.screens.contract_list import ContractListScreen

SIZE = (80, 24)
WIDE = (120, 40)
VOIDED_AT = dt.datetime(2026, 3, 14, 11, 5)  # naive UTC, as stored

CUSTOMERS = [
    ("MI01", "PDP-2026-000017", "Mario", "Rossi", "covering"),
    ("MI01", "CONTRATTO-2026-00011", "Nicolò", "D'Amico", "covering_motion"),
    ("RM01", "RM-2026-0042", "Carla", "Romani", "covering"),
    ("MI01", "PDP-2026-000018", "Maria Antonietta", "Esposito Ferraris Di Montalto", "covering"),
    ("RM01", "RM-2026-0043", "[b]Anna[/b]", "Verdi", "covering_motion"),
]


@pytest.fixture
def code_sequence(monkeypatch) -> None:
    bodies = iter(f"7S13PW746J{c}" for c in "0123456789ABCDEFGH")
    monkeypatch.setattr(
        "pdp_tui.services.plans.generate_code",
        lambda: (body := next(bodies)) + codes.check_character(body),
    )


@pytest.fixture
def listed(sqlite_seed, register, clock, code_sequence):
    """Plans of both stores; the second one voided by support, with a fixed time."""
    actors = {"MI01": sqlite_seed.staff_mi, "RM01": sqlite_seed.staff_rm}
    plans = [
        register(actors[store], number, first, last, protection)
        for store, number, first, last, protection in CUSTOMERS
    ]
    corrections.void_plan(sqlite_seed.support, plans[2].id, reason="Doppio inserimento")
    PlanChange.update(changed_at=VOIDED_AT).execute()
    return plans


async def footer_drawn(pilot) -> None:
    await steady(pilot)
    stack = pilot.app.screen_stack  # a modal screen shows the footer of the one below
    await wait_until(pilot, lambda: any(s.query("KeyFooter") for s in stack), what="footer")
    await pilot.pause(0.05)


async def open_list(pilot, rows: int) -> None:
    app = pilot.app
    await pilot.press("f3")
    await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen), what="the list")
    table = app.screen.query_one("#plans", DataTable)
    await wait_until(pilot, lambda: table.row_count == rows, what=f"{rows} rows")
    await footer_drawn(pilot)


async def open_detail(pilot, contract_number: str) -> None:
    """From the list: type the number in the search, Enter on the one row."""
    app = pilot.app
    await open_list(pilot, len(CUSTOMERS))
    search = app.screen.query_one("#search")
    search.focus()
    await type_text(pilot, contract_number)
    table = app.screen.query_one("#plans", DataTable)
    await wait_until(pilot, lambda: table.row_count == 1, what=contract_number)
    table.focus()
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, ContractDetailScreen), what="detail")
    await wait_until(pilot, lambda: app.screen.query_one("#detail-code").plan is not None)
    await footer_drawn(pilot)


async def from_the_palette(pilot, command: str) -> None:
    """Ctrl+P, the command's name, Enter: as a user reaches what has no key of its own."""
    await pilot.press("ctrl+p")
    await steady(pilot)
    await type_text(pilot, command)
    await steady(pilot)
    await pilot.press("enter")


# --- staff ----------------------------------------------------------------------------


def test_staff_help(snap_compare, sqlite_seed, make_app):
    async def run_before(pilot):
        await login_staff(pilot)
        await pilot.press("f1")
        await footer_drawn(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_staff_list_wide(snap_compare, listed, make_app):
    async def run_before(pilot):
        await login_staff(pilot)
        await open_list(pilot, 3)

    assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)


def test_staff_quit_with_a_half_typed_plan(snap_compare, sqlite_seed, make_app):
    async def run_before(pilot):
        await login_staff(pilot)
        await pilot.press("1", "enter")
        await type_text(pilot, "PDP-2026-0001")
        await pilot.press("ctrl+q")
        await footer_drawn(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_staff_lock_screen(snap_compare, sqlite_seed, make_app):
    async def run_before(pilot):
        await login_staff(pilot)
        await from_the_palette(pilot, "blocca")
        await wait_until(pilot, lambda: pilot.app.locked, what="the lock")
        await footer_drawn(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_staff_change_password(snap_compare, sqlite_seed, make_app):
    async def run_before(pilot):
        await login_staff(pilot)
        await from_the_palette(pilot, "cambia password")
        await wait_until(pilot, lambda: pilot.app.screen.query("#current-password"), what="form")
        await footer_drawn(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_too_small_at_60x20(snap_compare, sqlite_seed, make_app):
    async def run_before(pilot):
        screen = lambda: type(pilot.app.screen).__name__  # noqa: E731
        await wait_until(pilot, lambda: screen() == "TooSmallScreen", what="the message")
        await steady(pilot)

    assert snap_compare(make_app(), terminal_size=(60, 20), run_before=run_before)


def test_first_start_on_an_empty_database(snap_compare, sqlite_database, make_app):
    async def run_before(pilot):
        await wait_until(pilot, lambda: pilot.app.focused is not None, what="the login")
        await footer_drawn(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


# --- support --------------------------------------------------------------------------


@pytest.mark.parametrize("size", [SIZE, WIDE], ids=["80x24", "120x40"])
def test_support_list(snap_compare, listed, make_app, size):
    async def run_before(pilot):
        await login_as(pilot, "assistenza")
        await open_list(pilot, len(CUSTOMERS))

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


def test_support_voided_detail(snap_compare, listed, make_app):
    async def run_before(pilot):
        await login_as(pilot, "assistenza")
        await open_detail(pilot, "RM-2026-0042")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("key", ["c", "a"], ids=["correction", "void"])
def test_support_change_dialogs(snap_compare, listed, make_app, key):
    async def run_before(pilot):
        await login_as(pilot, "assistenza")
        await open_detail(pilot, "PDP-2026-000018")
        await pilot.press(key)
        await footer_drawn(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


# --- admin ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [SIZE, WIDE], ids=["80x24", "120x40"])
def test_admin_list(snap_compare, listed, make_app, size):
    async def run_before(pilot):
        await login_as(pilot, "admin")
        await open_list(pilot, len(CUSTOMERS))

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


def test_admin_help(snap_compare, sqlite_seed, make_app):
    async def run_before(pilot):
        await login_as(pilot, "admin")
        await pilot.press("f1")
        await footer_drawn(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)
