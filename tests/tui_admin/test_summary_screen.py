"""Riepilogo (F12, Ctrl+Z): support and administrators see the plans per store and per day."""

from __future__ import annotations

import datetime as dt

import pytest
from pilot_helpers import login_as, region_text, shown_text, steady, table_rows, wait_until
from textual.widgets import DataTable

from pdp_tui.models import Plan
from pdp_tui.services import summary
from pdp_tui.tui.screens.summary import SummaryScreen
from pdp_tui.tui.widgets.day_bars import DayBars

# Wednesday 18 March 2026, 10:15 in Rome.
NOW = dt.datetime(2026, 3, 18, 9, 15)


def place_plans(seed, register) -> None:
    """Plans on fixed days: a few each day of the last weeks, more on some."""
    number = 0
    for days_ago in range(0, 34):
        for store, actor in (("MI", seed.staff_mi), ("RM", seed.staff_rm)):
            count = (days_ago * 7 + (3 if store == "MI" else 1)) % 9
            for _ in range(count):
                number += 1
                plan = register(actor, f"{store}-{number}")
                at = NOW - dt.timedelta(days=days_ago, minutes=number % 50)
                Plan.update(created_at=at).where(Plan.id == plan.id).execute()


@pytest.fixture
def fixed_clock(monkeypatch):
    monkeypatch.setattr(summary, "_now", lambda: NOW)


async def open_summary(pilot, username: str, seed, key: str = "f12") -> SummaryScreen:
    await login_as(pilot, username, seed.password)
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, SummaryScreen), what=key)
    screen = pilot.app.screen
    await wait_until(
        pilot, lambda: screen.query_one(DayBars).days, what="the figures and the chart"
    )
    return screen


async def test_support_sees_each_store_and_the_days(make_app, sqlite_seed, register, fixed_clock):
    place_plans(sqlite_seed, register)
    from pdp_tui.models import Plan
    from pdp_tui.services import service_requests

    mi_plan = Plan.select().where(Plan.store == sqlite_seed.mi[0]).first()
    service_requests.open_request(
        sqlite_seed.support, mi_plan.id, concerns="covering", description="Macchia"
    )
    expected = summary.summary(sqlite_seed.admin, now=NOW)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_summary(pilot, "assistenza", sqlite_seed)
        rows = table_rows(screen.query_one("#summary-stores", DataTable))
        assert [row[0] for row in rows] == ["MI01 Milano Centro", "RM01 Roma Eur", "Totale"]
        mi = next(s for s in expected.stores if s.code == "MI01")
        assert rows[0][1:4] == [str(mi.today), str(mi.week), str(mi.month)]
        assert rows[2][1:4] == [str(n) for n in expected.totals]
        assert (rows[0][4], rows[1][4], rows[2][4]) == ("1", "0", "1")  # open requests
        assert shown_text(screen.query_one("#summary-title")) == "Riepilogo del 18/03/2026"
        assert screen.query_one(DayBars).days == tuple(expected.per_day)
        assert "Aggiornato alle 10:15" in shown_text(screen.query_one("#summary-status"))


async def test_ctrl_f_for_admin_and_no_summary_for_staff(make_app, sqlite_seed, fixed_clock):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_summary(pilot, "admin", sqlite_seed, key="ctrl+z")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_as(pilot, "vendite.mi", sqlite_seed.password)
        await pilot.press("f12", "ctrl+z")
        await steady(pilot)
        assert not isinstance(app.screen, SummaryScreen)
        assert "riepilogo" not in app._modes


def chart_lines(app) -> list[str]:
    return region_text(app, app.screen.query_one(DayBars)).splitlines()


async def test_the_chart_reads_at_a_glance(make_app, sqlite_seed, register, fixed_clock):
    place_plans(sqlite_seed, register)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_summary(pilot, "admin", sqlite_seed)
        await steady(pilot)
        lines = chart_lines(app)
        top = max(count for _, count in screen.query_one(DayBars).days)
        assert lines[0].lstrip().startswith(f"{top}┤")
        assert "0┤" in lines[-2]
        assert "18/03" in lines[-1] and "11/03" in lines[-1]  # today, a week before
