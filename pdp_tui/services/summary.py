"""Riepilogo: plans registered today, this week and this month per store, and per day over
the last 30 days, and the service requests still open per store, for support and
administrators.

Days, weeks (from Monday) and months are the users' (the configured time zone); the plans
store UTC. One query reads the plans of the longest of those spans (at most 31 days) from
the (created_at, …) index and counts them by store and by day: each day is a range of UTC
instants between two local midnights, turned into a bucket number by a CASE over those
boundaries, so the same SQL serves SQLite and PostgreSQL and any time zone. Voided plans are
not counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import SQL, Case, fn

from pdp_tui import config
from pdp_tui.domain import Actor, PlanStatus
from pdp_tui.models import Plan, Store
from pdp_tui.services import service_requests
from pdp_tui.services.permissions import Permission, require

CHART_DAYS = 30


@dataclass(frozen=True)
class StoreFigures:
    code: str
    name: str
    open: bool
    today: int
    week: int
    month: int
    open_requests: int | None  # service requests not closed yet (aperta, in lavorazione)


@dataclass(frozen=True)
class Summary:
    counted_at: dt.datetime  # when, in the users' time zone
    today: dt.date  # the users' day the figures are counted to
    stores: list[StoreFigures]
    per_day: list[tuple[dt.date, int]]  # the last CHART_DAYS days, oldest first, every store

    @property
    def totals(self) -> tuple[int, int, int]:
        return (
            sum(s.today for s in self.stores),
            sum(s.week for s in self.stores),
            sum(s.month for s in self.stores),
        )


def summary(actor: Actor, now: dt.datetime | None = None) -> Summary:
    """The figures of every store, counted up to ``now`` (naive UTC; default: now)."""
    require(actor, Permission.READ_SUMMARY)
    settings = config.current()
    now = now or _now()
    local_now = now.replace(tzinfo=dt.UTC).astimezone(settings.zone)
    today = local_now.date()
    week_start = today - dt.timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    first = min(today - dt.timedelta(days=CHART_DAYS - 1), week_start, month_start)
    days = [first + dt.timedelta(days=i) for i in range((today - first).days + 1)]
    starts = [settings.local_midnight_utc(day) for day in days]
    end = settings.local_midnight_utc(today + dt.timedelta(days=1))

    # Bucket i: the plans of days[i]. The latest boundary first, so that each plan gets
    # the last day that started before it.
    bucket = Case(
        None,
        [(Plan.created_at >= start, index) for index, start in reversed(list(enumerate(starts)))],
        0,
    )
    rows = (
        Plan.select(Plan.store, bucket.alias("day"), fn.COUNT(SQL("*")))
        .where(
            (Plan.created_at >= starts[0])
            & (Plan.created_at < end)
            & (Plan.status != PlanStatus.VOIDED.value)
        )
        .group_by(Plan.store, SQL("2"))
        .tuples()
    )
    counts: dict[int, list[int]] = {}
    for store_id, day, count in rows:
        counts.setdefault(store_id, [0] * len(days))[day] += count

    open_requests = service_requests.open_counts_by_store()
    week_from = days.index(week_start)
    month_from = days.index(month_start)
    stores = []
    for store in Store.select().order_by(Store.code):
        per_day = counts.get(store.id, [0] * len(days))
        stores.append(
            StoreFigures(
                code=store.code,
                name=store.name,
                open=store.active,
                today=per_day[-1],
                week=sum(per_day[week_from:]),
                month=sum(per_day[month_from:]),
                open_requests=open_requests.get(store.id, 0),
            )
        )
    totals = [sum(c[i] for c in counts.values()) for i in range(len(days))]
    chart = list(zip(days, totals, strict=True))[-CHART_DAYS:]
    return Summary(counted_at=local_now, today=today, stores=stores, per_day=chart)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
