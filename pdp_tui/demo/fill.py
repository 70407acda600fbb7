"""The demo fill: stores, accounts and plans by the thousand (or the million).

Plans go in through the bulk loader (``pdp_tui.db_bulk``) in one transaction; for a large
fill the plan table's indexes are rebuilt afterwards, and PostgreSQL keeps other sessions
out of the plan table until the fill ends: fill a database nobody is using.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from pdp_tui import db_bulk
from pdp_tui.db import database, is_postgres
from pdp_tui.demo.seeding import (
    DemoAccountState,
    ensure_demo_accounts,
    ensure_demo_stores,
    registrars,
)
from pdp_tui.demo.synthetic import (
    CONTRACT_PREFIX,
    COVERING_WEIGHTS,
    PLAN_COLUMNS,
    PROTECTION_WEIGHTS,
    PlanRows,
    check_copy_safe,
    with_new_codes,
)
from pdp_tui.domain import Actor, utcnow
from pdp_tui.models import Covering, Plan, Protection
from pdp_tui.services.codes import generate_codes
from pdp_tui.services.errors import ServiceError
from pdp_tui.services.permissions import Permission, require

DEFAULT_CONTRACTS = 5_000
CHUNK_SIZE = 50_000
# Below this many new plans (or fewer than the table already holds) indexes stay in place.
INDEX_REBUILD_MIN = 50_000

Progress = db_bulk.Progress  # phase ("plans" | "indexes"), done, total


@dataclass(frozen=True)
class FillResult:
    stores_created: list[str] = field(default_factory=list)
    accounts: list[DemoAccountState] = field(default_factory=list)
    plans_added: int = 0
    first_contract: str | None = None
    last_contract: str | None = None
    indexes_rebuilt: bool = False
    seconds: float = 0.0


def _next_sequence() -> int:
    """The number after the highest demo contract number already stored."""
    if is_postgres():
        sql = (
            "SELECT max(substring(contract_number from 10)::bigint) FROM plan "
            "WHERE contract_number ~ %s"
        )
        params: tuple = (rf"^{CONTRACT_PREFIX}-[0-9]{{4}}-[0-9]{{1,11}}$",)
    else:
        sql = (
            "SELECT max(CAST(substr(contract_number, 10) AS INTEGER)) FROM plan "
            "WHERE contract_number GLOB ? AND substr(contract_number, 10) NOT GLOB '*[^0-9]*'"
        )
        params = (f"{CONTRACT_PREFIX}-[0-9][0-9][0-9][0-9]-[0-9]*",)
    highest = database.execute_sql(sql, params).fetchone()[0]
    return int(highest or 0) + 1


def _redraw_repeated_codes() -> bool:
    """Give new codes to all but the first of each repeated activation code."""
    rows = database.execute_sql(
        "SELECT id FROM plan p WHERE EXISTS (SELECT 1 FROM plan q WHERE "
        "q.activation_code = p.activation_code AND q.id < p.id)"
    ).fetchall()
    if not rows:
        return False
    for (plan_id,), code in zip(rows, generate_codes(len(rows)), strict=True):
        Plan.update(activation_code=code).where(Plan.id == plan_id).execute()
    return True


def fill_plans(
    actor: Actor,
    count: int,
    *,
    progress: Progress | None = None,
    seed: int | None = None,
    chunk_size: int = CHUNK_SIZE,
    rebuild_indexes: bool | None = None,
) -> tuple[int, str | None, str | None, bool]:
    """Add ``count`` demo plans to the demo stores in one transaction.

    Returns (plans added, first contract number, last contract number, indexes rebuilt).
    """
    require(actor, Permission.ADMINISTER)
    if count <= 0:
        return 0, None, None, False
    coverings = [
        (c.id, COVERING_WEIGHTS.get(c.code, 1))
        for c in Covering.select().where(Covering.active == True)  # noqa: E712
    ]
    protections = [
        (p.id, PROTECTION_WEIGHTS.get(p.code, 1), p.validity_months)
        for p in Protection.select().where(Protection.active == True)  # noqa: E712
    ]
    if not coverings or not protections:
        raise ServiceError(
            "Catalogo vuoto: servono almeno un rivestimento e un tipo di protezione."
        )
    if rebuild_indexes is None:
        rebuild_indexes = count >= max(INDEX_REBUILD_MIN, Plan.select().count())
    text_rows = db_bulk.wants_text_rows()
    if text_rows:
        check_copy_safe()
    rows = PlanRows(
        count=count,
        first_sequence=_next_sequence(),
        registrars=registrars(),
        coverings=coverings,
        protections=protections,
        rng=random.Random(seed),
        end_day=utcnow().date(),
        as_text=text_rows,
    )
    load = db_bulk.BulkLoad(
        "plan",
        PLAN_COLUMNS,
        fix_rows=with_new_codes,
        fix_table=_redraw_repeated_codes,
        phase="plans",
        progress=progress,
    )
    try:
        rebuilt = load.run(rows.chunks(chunk_size), count, rebuild_indexes=rebuild_indexes)
    except db_bulk.StillRepeated as exc:
        raise ServiceError(f"Indice {exc.index}: valori ripetuti dopo cinque tentativi.") from exc
    return count, rows.first_number, rows.last_number, rebuilt


def fill_demo(
    actor: Actor,
    count: int = DEFAULT_CONTRACTS,
    *,
    progress: Progress | None = None,
    seed: int | None = None,
) -> FillResult:
    """Demo stores, demo accounts and ``count`` plans; safe to run again."""
    require(actor, Permission.ADMINISTER)
    started = time.perf_counter()
    stores = ensure_demo_stores(actor)
    states = ensure_demo_accounts(actor)
    added, first, last, rebuilt = fill_plans(actor, count, progress=progress, seed=seed)
    return FillResult(
        stores_created=stores,
        accounts=states,
        plans_added=added,
        first_contract=first,
        last_contract=last,
        indexes_rebuilt=rebuilt,
        seconds=time.perf_counter() - started,
    )
