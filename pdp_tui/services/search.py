"""The contract list: newest first, a page at a time, filtered by prefix.

A query matches a contract-number prefix or the start of a name, "cognome nome" or
"nome cognome", forgiving case, accents, apostrophes, hyphens and spaces ("damico",
"d amico" and "nicolo d'amico" all find D'Amico Nicolò; services.text.search_key). All
are range conditions on normalised, indexed columns, so %, _ and \\ are ordinary
characters and a btree index serves them on both backends. Paging is keyset on
(created_at, id): the cost of a page does not grow with its depth.

A prefix that few plans match is answered from its own index and sorted here; a prefix
that many match, by walking the newest-first index, where matches come quickly. A first
look at the prefix index, capped, tells the two apart, so neither case scans a store.
A contract-number prefix that many plans share and no name starts with ("PDP-2025", a
year whose plans are all older than the newest) is listed in contract-number order,
highest first, straight from the contract-number index; its pages are keyset on the
number.
"""

from __future__ import annotations

import datetime as dt
import operator
from functools import reduce

from peewee import SQL, Field, NodeList, Tuple, fn

from pdp_tui.db import is_postgres
from pdp_tui.domain import Actor, PlanStatus, PlanSummary, ProtectionType, SearchPage, utcnow
from pdp_tui.models import FORM_MISSING, Covering, Plan, Protection, Store
from pdp_tui.services import audit
from pdp_tui.services.errors import ValidationError
from pdp_tui.services.permissions import Permission, lookups_are_audited, require
from pdp_tui.services.plans import scope
from pdp_tui.services.text import has_forbidden_characters, prefix_successor, search_key

PAGE_SIZE = 50
QUERY_MAX_LENGTH = 130
# A prefix with at most this many matches is served from its index and sorted here.
NARROW_MATCHES = 2000
# Otherwise the newest plans are searched first, this many of them.
RECENT_WINDOW = 20000

# (created_at in ISO format, id) in newest-first order; (NUMBER_CURSOR + contract number,
# id) in contract-number order.
Cursor = tuple[str, int]
NUMBER_CURSOR = "#"
# The search keys of a name, "cognome nome" and "nome cognome" (services.text).
NAME_KEYS = (Plan.name_key, Plan.first_last_key)


def _scoped(query, actor: Actor, store_id: int | None):
    query = scope(query, actor)
    if store_id is not None:
        query = query.where(Plan.store == store_id)
    return query


def _base(actor: Actor, store_id: int | None):
    query = (
        Plan.select(
            Plan.id,
            Plan.contract_number,
            Plan.first_name,
            Plan.last_name,
            Covering.label,
            Protection.code,
            Plan.created_at,
            Store.code,
            Plan.status,
            Plan.form_signed_at,
        )
        .join(Covering, on=(Plan.covering == Covering.id))
        .switch(Plan)
        .join(Protection, on=(Plan.protection == Protection.id))
        .switch(Plan)
        .join(Store, on=(Plan.store == Store.id))
    )
    return _scoped(query, actor, store_id)


def _after(query, cursor: Cursor | None):
    """Only the rows after ``cursor`` in newest-first order (keyset paging)."""
    if cursor is None:
        return query
    at, last_id = cursor
    return query.where(
        Tuple(Plan.created_at, Plan.id) < Tuple(dt.datetime.fromisoformat(at), last_id)
    )


def _page(query, cursor: Cursor | None, limit: int) -> list[tuple]:
    query = _after(query, cursor)
    return list(query.order_by(Plan.created_at.desc(), Plan.id.desc()).limit(limit).tuples())


def _prefix_page(
    actor: Actor, store_id: int | None, field: Field, prefix: str, cursor: Cursor | None, limit: int
) -> list[tuple]:
    """A page of the plans whose ``field`` starts with ``prefix``, newest first.

    Few matches (counted on the prefix index, up to a cap) are all read from that index
    and the newest kept. Many matches are first looked for among the newest plans, where
    they show up soon; only when too few are there (many matches, all old) are they all
    read from the prefix index. Each step reads a bounded number of index entries.
    """
    matching = _scoped(
        Plan.select(Plan.id, Plan.created_at).where(
            (field >= prefix) & (field < prefix_successor(prefix))
        ),
        actor,
        store_id,
    )
    capped = matching.select(Plan.id).limit(NARROW_MATCHES + 1)
    if Plan.select(fn.COUNT(SQL("*"))).from_(capped.alias("capped")).scalar() > NARROW_MATCHES:
        ids = _newest_in_recent(actor, store_id, field, prefix, cursor, limit)
        if len(ids) == limit:
            return _rows_by_id(ids, actor, store_id, limit)
    # Materialised, so that no planner walks the newest-first index instead.
    every = _after(matching, cursor).cte("every_match", materialized=True)
    ids = [
        pid
        for (pid,) in Plan.select(every.c.id)
        .from_(every)
        .order_by(every.c.created_at.desc(), every.c.id.desc())
        .limit(limit)
        .with_cte(every)
        .tuples()
    ]
    return _rows_by_id(ids, actor, store_id, limit)


def _newest_in_recent(
    actor: Actor, store_id: int | None, field: Field, prefix: str, cursor: Cursor | None, limit: int
) -> list[int]:
    """Up to ``limit`` matching ids among the ``RECENT_WINDOW`` newest plans, newest first."""
    newest = _after(_scoped(Plan.select(Plan.created_at), actor, store_id), cursor)
    floor = (
        newest.order_by(Plan.created_at.desc(), Plan.id.desc())
        .offset(RECENT_WINDOW)
        .limit(1)
        .scalar()
    )
    # SQLite would otherwise pick the prefix index and sort every match; "+column" keeps
    # it on the newest-first index. PostgreSQL's statistics choose well by themselves.
    key = field if is_postgres() else NodeList((SQL("+"), field), glue="")
    query = _after(
        _scoped(
            Plan.select(Plan.id).where((key >= prefix) & (key < prefix_successor(prefix))),
            actor,
            store_id,
        ),
        cursor,
    )
    if floor is not None:
        query = query.where(Plan.created_at >= floor)
    query = query.order_by(Plan.created_at.desc(), Plan.id.desc()).limit(limit)
    return [pid for (pid,) in query.tuples()]


def _rows_by_id(ids: list[int], actor: Actor, store_id: int | None, limit: int) -> list[tuple]:
    """The rows of ``ids``, newest first. Sorted here: an ORDER BY would tempt SQLite to
    walk a store's newest-first index instead of fetching ``ids`` directly."""
    if not ids:
        return []
    rows = list(_base(actor, store_id).where(Plan.id.in_(ids)).tuples())
    return sorted(rows, key=lambda r: (r[6], r[0]), reverse=True)[:limit]


def _is_number_cursor(cursor: Cursor | None) -> bool:
    return cursor is not None and cursor[0].startswith(NUMBER_CURSOR)


def _by_number(actor: Actor, store_id: int | None, text: str) -> bool:
    """Whether ``text`` is a contract-number prefix that many plans share (a year, a
    store's series) and no name starts with: such a list is ordered by contract number."""
    number = text.upper()
    capped = _scoped(
        Plan.select(Plan.id).where(
            (Plan.contract_number >= number) & (Plan.contract_number < prefix_successor(number))
        ),
        actor,
        store_id,
    ).limit(NARROW_MATCHES + 1)
    if Plan.select(fn.COUNT(SQL("*"))).from_(capped.alias("capped")).scalar() <= NARROW_MATCHES:
        return False
    key = search_key(text)
    return not key or not any(
        _scoped(
            Plan.select(Plan.id).where((field >= key) & (field < prefix_successor(key))),
            actor,
            store_id,
        ).exists()
        for field in NAME_KEYS
    )


def _number_page(
    actor: Actor, store_id: int | None, number: str, cursor: Cursor | None, limit: int
) -> list[tuple]:
    """A page of the plans whose contract number starts with ``number``, highest number
    first: a walk down the contract-number index (per store for staff), however many match.
    Numbers are issued in time order, so this is close to newest first."""
    query = _base(actor, store_id).where(
        (Plan.contract_number >= number) & (Plan.contract_number < prefix_successor(number))
    )
    if _is_number_cursor(cursor):
        query = query.where(Plan.contract_number < cursor[0].removeprefix(NUMBER_CURSOR))
    return list(query.order_by(Plan.contract_number.desc()).limit(limit).tuples())


def _summary(row: tuple) -> PlanSummary:
    pid, number, first, last, covering, protection, created_at, store_code, status, signed = row
    return PlanSummary(
        id=pid,
        contract_number=number,
        first_name=first,
        last_name=last,
        covering=covering,
        protection=ProtectionType(protection),
        created_at=created_at,
        store_code=store_code,
        status=PlanStatus(status),
        form_signed_at=signed,
    )


def search_plans(
    actor: Actor,
    query: str = "",
    *,
    cursor: Cursor | None = None,
    limit: int = PAGE_SIZE,
    store_id: int | None = None,
    form_missing_days: int | None = None,
) -> SearchPage:
    """One page of the plans the actor may see, newest first, optionally filtered.

    ``form_missing_days``: only active plans registered at least that many days ago whose
    signed form has not been marked as received.
    """
    require(actor, Permission.READ_PLANS)
    if has_forbidden_characters(query or "") or len(query or "") > QUERY_MAX_LENGTH:
        raise ValidationError({"query": "Ricerca: testo non valido."})
    text = (query or "").strip()
    by_number = False
    if form_missing_days is not None:
        rows = _form_missing_page(actor, store_id, text, form_missing_days, cursor, limit + 1)
    elif not text:
        rows = _page(_base(actor, store_id), cursor, limit + 1)
    elif by_number := _is_number_cursor(cursor) or _by_number(actor, store_id, text):
        rows = _number_page(actor, store_id, text.upper(), cursor, limit + 1)
    else:
        # Indexed range scans, merged: cheaper than one OR the planners handle poorly.
        rows = _prefix_page(actor, store_id, Plan.contract_number, text.upper(), cursor, limit + 1)
        key = search_key(text)
        if key:
            seen = {r[0] for r in rows}
            for field in NAME_KEYS:
                more_rows = _prefix_page(actor, store_id, field, key, cursor, limit + 1)
                rows += [r for r in more_rows if r[0] not in seen]
                seen.update(r[0] for r in more_rows)
            rows.sort(key=lambda r: (r[6], r[0]), reverse=True)
    # A lookup by support (a search, or one store's plans) is audited once, on its first page.
    if lookups_are_audited(actor) and cursor is None and (text or store_id is not None):
        audit.record(
            audit.Kind.PLAN_SEARCHED,
            actor,
            target=text[:100],
            detail={"store_id": store_id} if store_id is not None else None,
        )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        next_cursor = (
            (NUMBER_CURSOR + rows[-1][1], rows[-1][0])
            if by_number
            else (rows[-1][6].isoformat(), rows[-1][0])
        )
    return SearchPage([_summary(r) for r in rows], next_cursor)


FORM_MISSING_DAYS_MAX = 3650


def _form_missing_page(
    actor: Actor, store_id: int | None, text: str, days: int, cursor: Cursor | None, limit: int
) -> list[tuple]:
    """Active plans registered ``days`` or more days ago whose signed form is missing.

    Without a text: a walk down a partial index that holds only the plans whose form is
    missing (migration 0005), newest first from the cutoff, reading one page of entries
    however many plans there are. With a text that few plans match (as in the search), those
    are read by the text's own index and kept if their form is missing; with a text that
    many match, the walk checks the text on the plans it passes, which are few while forms
    come back.
    """
    if (
        isinstance(days, bool)
        or not isinstance(days, int)
        or not 0 <= days <= FORM_MISSING_DAYS_MAX
    ):
        raise ValidationError(
            {"form_missing_days": f"Giorni: un numero intero da 0 a {FORM_MISSING_DAYS_MAX}."}
        )
    cutoff = utcnow() - dt.timedelta(days=days)
    query = _base(actor, store_id).where(
        FORM_MISSING & (Plan.status == PlanStatus.ACTIVE.value) & (Plan.created_at <= cutoff)
    )
    if not text:
        return _page(query, cursor, limit)
    number, key = text.upper(), search_key(text)
    prefixes = [(Plan.contract_number, number)] + ([(f, key) for f in NAME_KEYS] if key else [])
    matches = [(field >= p) & (field < prefix_successor(p)) for field, p in prefixes]
    ids = _few_with_form_missing(actor, store_id, matches, cutoff, cursor, limit)
    if ids is not None:
        return _rows_by_id(ids, actor, store_id, limit)
    return _page(query.where(reduce(operator.or_, matches)), cursor, limit)


def _few_with_form_missing(
    actor: Actor,
    store_id: int | None,
    matches: list,
    cutoff: dt.datetime,
    cursor: Cursor | None,
    limit: int,
) -> list[int] | None:
    """The newest ids among the plans matching ``matches`` whose form is missing, read by
    the matches' prefix indexes; None if too many plans match for that."""
    found: dict[int, dt.datetime] = {}
    for match in matches:
        query = _scoped(
            Plan.select(Plan.id, Plan.created_at, Plan.form_signed_at, Plan.status).where(match),
            actor,
            store_id,
        ).limit(NARROW_MATCHES + 1)
        rows = list(query.tuples())
        if len(rows) > NARROW_MATCHES:
            return None
        for pid, at, signed, status in rows:
            if signed is None and status == PlanStatus.ACTIVE.value and at <= cutoff:
                found[pid] = at
    keys = sorted(((at, pid) for pid, at in found.items()), reverse=True)
    if cursor is not None:
        after = (dt.datetime.fromisoformat(cursor[0]), cursor[1])
        keys = [key for key in keys if key < after]
    return [pid for _, pid in keys[:limit]]
