"""The contract list: newest first, a page at a time, filtered by prefix.

A query matches a contract-number prefix or a "cognome nome" prefix (case- and
accent-insensitive). Both are range conditions on normalised, indexed columns, so
%, _ and \\ are ordinary characters and a btree index serves them on both backends.
Paging is keyset on (created_at, id): the cost of a page does not grow with its depth.
"""

from __future__ import annotations

import datetime as dt

from peewee import Tuple

from pdp_tui.domain import Actor, PlanStatus, PlanSummary, ProtectionType, Role, SearchPage
from pdp_tui.models import Covering, Plan, Protection, Store
from pdp_tui.services import audit
from pdp_tui.services.errors import ValidationError
from pdp_tui.services.plans import scope
from pdp_tui.services.text import fold, has_forbidden_characters, prefix_successor

PAGE_SIZE = 50
QUERY_MAX_LENGTH = 130

Cursor = tuple[str, int]


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
        )
        .join(Covering, on=(Plan.covering == Covering.id))
        .switch(Plan)
        .join(Protection, on=(Plan.protection == Protection.id))
        .switch(Plan)
        .join(Store, on=(Plan.store == Store.id))
    )
    query = scope(query, actor)
    if store_id is not None:
        query = query.where(Plan.store == store_id)
    return query


def _page(query, cursor: Cursor | None, limit: int) -> list[tuple]:
    if cursor is not None:
        at, last_id = cursor
        query = query.where(
            Tuple(Plan.created_at, Plan.id) < Tuple(dt.datetime.fromisoformat(at), last_id)
        )
    return list(query.order_by(Plan.created_at.desc(), Plan.id.desc()).limit(limit).tuples())


def _summary(row: tuple) -> PlanSummary:
    pid, number, first, last, covering, protection, created_at, store_code, status = row
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
    )


def search_plans(
    actor: Actor,
    query: str = "",
    *,
    cursor: Cursor | None = None,
    limit: int = PAGE_SIZE,
    store_id: int | None = None,
) -> SearchPage:
    """One page of the plans the actor may see, newest first, optionally filtered."""
    if has_forbidden_characters(query or "") or len(query or "") > QUERY_MAX_LENGTH:
        raise ValidationError({"query": "Ricerca: testo non valido."})
    text = (query or "").strip()
    base = _base(actor, store_id)
    if not text:
        rows = _page(base, cursor, limit + 1)
    else:
        # Two indexed range scans, merged: cheaper than one OR the planners handle poorly.
        by_number = text.upper()
        by_name = fold(text)
        rows = _page(
            base.where(
                (Plan.contract_number >= by_number)
                & (Plan.contract_number < prefix_successor(by_number))
            ),
            cursor,
            limit + 1,
        )
        if by_name:
            seen = {r[0] for r in rows}
            rows += [
                r
                for r in _page(
                    base.where(
                        (Plan.name_key >= by_name) & (Plan.name_key < prefix_successor(by_name))
                    ),
                    cursor,
                    limit + 1,
                )
                if r[0] not in seen
            ]
            rows.sort(key=lambda r: (r[6], r[0]), reverse=True)
    # A lookup by support (a search, or one store's plans) is audited once, on its first page.
    if actor.role is not Role.STAFF and cursor is None and (text or store_id is not None):
        audit.record(
            audit.Kind.PLAN_SEARCHED,
            actor,
            target=text[:100],
            detail={"store_id": store_id} if store_id is not None else None,
        )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = (rows[-1][6].isoformat(), rows[-1][0]) if more and rows else None
    return SearchPage([_summary(r) for r in rows], next_cursor)
