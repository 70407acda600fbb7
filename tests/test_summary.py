"""Riepilogo: plans per store today, this week, this month, and per day for 30 days."""

from __future__ import annotations

import datetime as dt

import pytest

from pdp_tui.models import Plan
from pdp_tui.services import catalogue, corrections, summary
from pdp_tui.services.errors import PermissionDenied

# Wednesday 18 March 2026, 10:00 in Rome (09:00 UTC): the week began on Monday 16,
# the month on Sunday 1.
NOW = dt.datetime(2026, 3, 18, 9, 0)


def at(plan_id: int, when: dt.datetime) -> None:
    Plan.update(created_at=when).where(Plan.id == plan_id).execute()


def test_today_week_month_and_the_days_by_the_users_clock(seed, register):
    placed = [
        ("MI-1", "staff_mi", dt.datetime(2026, 3, 18, 8, 0)),  # today
        ("MI-2", "staff_mi", dt.datetime(2026, 3, 17, 23, 30)),  # 18/03 00:30 in Rome: today
        ("MI-3", "staff_mi", dt.datetime(2026, 3, 15, 22, 59)),  # Sunday 23:59: last week
        ("MI-4", "staff_mi", dt.datetime(2026, 3, 15, 23, 0)),  # Monday 00:00: this week
        ("RM-1", "staff_rm", dt.datetime(2026, 3, 2, 12, 0)),  # this month
        ("RM-2", "staff_rm", dt.datetime(2026, 2, 28, 12, 0)),  # last month, within 30 days
        ("RM-3", "staff_rm", dt.datetime(2026, 2, 16, 12, 0)),  # 30 days ago: too old
    ]
    plans = {}
    for number, who, when in placed:
        plans[number] = register(getattr(seed, who), number)
        at(plans[number].id, when)
    voided = register(seed.staff_mi, "MI-9")
    at(voided.id, dt.datetime(2026, 3, 18, 7, 0))
    corrections.void_plan(seed.staff_mi, voided.id, reason="Errore di battitura")

    result = summary.summary(seed.support, now=NOW)
    assert result.today == dt.date(2026, 3, 18)
    figures = {s.code: (s.today, s.week, s.month) for s in result.stores}
    assert figures == {"MI01": (2, 3, 4), "RM01": (0, 0, 1)}
    assert result.totals == (2, 3, 5)
    assert [s.open_requests for s in result.stores] == [0, 0]

    days = dict(result.per_day)
    assert len(result.per_day) == summary.CHART_DAYS
    assert result.per_day[0][0] == dt.date(2026, 2, 17)
    assert result.per_day[-1][0] == dt.date(2026, 3, 18)
    assert days[dt.date(2026, 3, 18)] == 2
    assert days[dt.date(2026, 3, 16)] == 1
    assert days[dt.date(2026, 3, 15)] == 1
    assert days[dt.date(2026, 2, 28)] == 1
    assert sum(days.values()) == 6


def test_a_month_that_began_before_the_week_and_stores_without_plans(seed, register):
    # Monday 2 March 2026: this week is one day, the month two.
    plan = register(seed.staff_mi, "MI-1")
    at(plan.id, dt.datetime(2026, 3, 1, 10, 0))
    catalogue.add_store(seed.admin, "TO01", "Torino")
    catalogue.set_store_open(seed.admin, "RM01", False)
    result = summary.summary(seed.admin, now=dt.datetime(2026, 3, 2, 10, 0))
    figures = {s.code: (s.today, s.week, s.month, s.open) for s in result.stores}
    assert figures == {
        "MI01": (0, 0, 1, True),
        "RM01": (0, 0, 0, False),
        "TO01": (0, 0, 0, True),
    }


def test_a_month_longer_than_the_chart(seed, register):
    # 31 March: the month began 31 days ago, the chart shows 30.
    first = register(seed.staff_mi, "MI-1")
    at(first.id, dt.datetime(2026, 3, 1, 10, 0))
    result = summary.summary(seed.admin, now=dt.datetime(2026, 3, 31, 10, 0))
    assert result.stores[0].month == 1
    assert result.per_day[0][0] == dt.date(2026, 3, 2)
    assert sum(count for _, count in result.per_day) == 0


def test_only_support_and_administrators_read_the_summary(seed):
    with pytest.raises(PermissionDenied):
        summary.summary(seed.staff_mi)
    assert summary.summary(seed.admin).stores


def test_open_requests_per_store(seed, register):
    from pdp_tui.services import service_requests

    mi = register(seed.staff_mi, "MI-1")
    rm = register(seed.staff_rm, "RM-1")
    opened = [
        service_requests.open_request(seed.support, plan.id, concerns="covering", description="x")
        for plan in (mi, mi, rm)
    ]
    service_requests.change_status(seed.support, opened[0].id, "in_progress")
    service_requests.change_status(seed.support, opened[2].id, "closed", outcome="withdrawn")
    result = summary.summary(seed.support)
    assert [(s.code, s.open_requests) for s in result.stores] == [("MI01", 2), ("RM01", 0)]
