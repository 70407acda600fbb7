"""Demo data: the demo stores and accounts, and plans by the thousand (or the million).

Plans are written in bulk, below the ORM: ``executemany`` on the raw sqlite3 connection,
``COPY`` on PostgreSQL, all in one transaction. For a large fill the plan table's
secondary indexes are dropped first and rebuilt from their own definitions afterwards
(a sort is much cheaper than a million random index inserts). The DDL is part of the
transaction, so a failure or an interrupt rolls the indexes back with the rows; a final
check recreates any index that is still missing. While that transaction runs, PostgreSQL
keeps other sessions out of the plan table: fill a database nobody is using.
Rows are made in a helper thread while the previous chunk is written.

Plans made here are demo data: they carry no audit events and never pass through
``plans.register_plan``, but they obey the same invariants (unique contract numbers and
activation codes, ``name_key``, ``valid_until``).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from pdp_tui.db import database, is_postgres
from pdp_tui.domain import DEMO_ACCOUNTS, DEMO_STORES, Actor, DemoAccount, Role, utcnow
from pdp_tui.models import Covering, Plan, Protection, Store, User
from pdp_tui.services import accounts, catalogue
from pdp_tui.services.auth import password_works
from pdp_tui.services.codes import generate_codes
from pdp_tui.services.errors import ServiceError
from pdp_tui.services.permissions import Permission, require
from pdp_tui.services.plans import add_months
from pdp_tui.services.text import name_key

CONTRACT_PREFIX = "PDP"
DEFAULT_CONTRACTS = 5_000
CHUNK_SIZE = 50_000
# Below this many new plans (or fewer than the table already holds) indexes stay in place.
INDEX_REBUILD_MIN = 50_000
HISTORY_DAYS = 730
# Plans are registered during opening hours: 08:00-18:00 UTC (09/10-19/20 in Italy).
OPENING_UTC = dt.timedelta(hours=8)
OPEN_SECONDS = 10 * 3600

# phase ("plans" | "indexes"), done, total
Progress = Callable[[str, int, int], None]

FIRST_NAMES = (
    "Alessandro", "Andrea", "Antonio", "Carlo", "Claudio", "Cristian", "Daniele", "Dario",
    "Davide", "Domenico", "Edoardo", "Emanuele", "Enrico", "Fabio", "Federico", "Filippo",
    "Francesco", "Gabriele", "Giacomo", "Gian Luca", "Gianni", "Giorgio", "Giovanni",
    "Giuseppe", "Leonardo", "Lorenzo", "Luca", "Luigi", "Marco", "Mario", "Massimo",
    "Matteo", "Mattia", "Michele", "Mosè", "Niccolò", "Nicola", "Nicolò", "Noè", "Paolo",
    "Pier Paolo", "Pietro", "Raffaele", "Riccardo", "Roberto", "Salvatore", "Samuele",
    "Simone", "Stefano", "Tommaso", "Valerio", "Vincenzo", "Vittorio",
    "Alessandra", "Alice", "Angela", "Anna", "Anna Maria", "Annalisa", "Barbara", "Beatrice",
    "Camilla", "Carla", "Caterina", "Chiara", "Cinzia", "Claudia", "Cristina", "Daniela",
    "Elena", "Elisa", "Emma", "Federica", "Francesca", "Gabriella", "Giada", "Ginevra",
    "Giorgia", "Giulia", "Ilaria", "Irene", "Laura", "Lucia", "Manuela", "Maria",
    "Maria Grazia", "Marta", "Martina", "Monica", "Noemi", "Paola", "Raffaella", "Rita",
    "Roberta", "Rosa", "Rossella", "Sara", "Silvia", "Simona", "Sofia", "Valentina",
    "Veronica", "Viola", "Zoe",
)  # fmt: skip

LAST_NAMES = (
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
    "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano",
    "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi",
    "Caruso", "Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile", "Martinelli",
    "Vitale", "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti",
    "Parisi", "Villa", "Conte", "Ferraro", "Ferri", "Fabbri", "Bianco", "Marini", "Grasso",
    "Valentini", "Messina", "Sala", "De Angelis", "Gatti", "Pellegrini", "Palumbo", "Sanna",
    "Farina", "Rizzi", "Monti", "Cattaneo", "Morelli", "Amato", "Silvestri", "Mazza",
    "Testa", "Grassi", "Pellegrino", "Carbone", "Giuliani", "Benedetti", "Barone", "Rossetti",
    "Caputo", "Montanari", "Guerra", "Palmieri", "Bernardi", "Martino", "Fiore",
    "De Rosa", "Ferretti", "Bellini", "Basile", "Riva", "Donati", "Piras", "Vitali",
    "Battaglia", "Sartori", "Neri", "Costantini", "Milani", "Pagano", "Ruggiero",
    "Sorrentino", "D'Amico", "Orlando", "Damico", "Negri", "D'Alessandro", "D'Agostino",
    "Dell'Acqua", "Dall'Olio", "D'Onofrio", "Lo Presti", "La Rosa", "Di Stefano",
    "Laganà", "Zappalà", "Barillà", "Pitrè", "Cantù", "Nicolò", "Lucà", "Sciascia",
    "Zanetti", "Bassi", "Fumagalli", "Brambilla", "Bergamaschi", "Pozzi", "Cavallaro",
)  # fmt: skip

# Relative frequency of the catalogue items the migration seeds (others count 1).
COVERING_WEIGHTS = {"tessuto": 40, "pelle": 25, "ecopelle": 20, "microfibra": 15}
PROTECTION_WEIGHTS = {"covering": 60, "covering_motion": 40}

_INSERT_COLUMNS = (
    "contract_number", "first_name", "last_name", "name_key", "covering_id", "protection_id",
    "activation_code", "store_id", "created_by_id", "created_at", "valid_until", "status",
)  # fmt: skip
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoAccountState:
    """A demo account after the fill; ``password`` None when it no longer works."""

    username: str
    password: str | None
    role: Role
    store_code: str | None
    created: bool


@dataclass(frozen=True)
class FillResult:
    stores_created: list[str] = field(default_factory=list)
    accounts: list[DemoAccountState] = field(default_factory=list)
    plans_added: int = 0
    first_contract: str | None = None
    last_contract: str | None = None
    indexes_rebuilt: bool = False
    seconds: float = 0.0


# --- stores and accounts ------------------------------------------------------------


def ensure_demo_stores(actor: Actor) -> list[str]:
    """Create the demo stores that do not exist yet; their codes."""
    require(actor, Permission.ADMINISTER)
    existing = {s.code for s in Store.select(Store.code)}
    created = []
    for code, name in DEMO_STORES:
        if code not in existing:
            catalogue.add_store(actor, code, name)
            created.append(code)
    return created


def _extra_staff_accounts() -> tuple[DemoAccount, ...]:
    """A staff account for each demo store that DEMO_ACCOUNTS leaves without one."""
    staffed = {a.store_code for a in DEMO_ACCOUNTS if a.role is Role.STAFF}
    extra = []
    for number, (code, _) in enumerate(DEMO_STORES, start=1):
        if code not in staffed:
            username = f"vendite.{code[:2].lower()}"
            extra.append(DemoAccount(username, f"demo-vendite-{number}", Role.STAFF, code))
    return tuple(extra)


def demo_accounts() -> tuple[DemoAccount, ...]:
    """Every account the demo fill creates: DEMO_ACCOUNTS plus staff for unstaffed stores."""
    return DEMO_ACCOUNTS + _extra_staff_accounts()


def ensure_demo_accounts(actor: Actor) -> list[DemoAccountState]:
    """Create the demo accounts that do not exist yet; ready to log in (no forced change).

    Existing accounts are left untouched; their password is reported only if it still works.
    """
    require(actor, Permission.ADMINISTER)
    states = []
    for account in demo_accounts():
        user = User.get_or_none(User.username == account.username)
        if user is None:
            accounts.create_user(
                actor,
                account.username,
                account.role,
                password=account.password,
                store_code=account.store_code,
                must_change_password=False,
            )
            states.append(
                DemoAccountState(
                    account.username, account.password, account.role, account.store_code, True
                )
            )
        else:
            works = password_works(user, account.password)
            store = Store.get_or_none(Store.id == user.store_id) if user.store_id else None
            states.append(
                DemoAccountState(
                    user.username,
                    account.password if works else None,
                    Role(user.role),
                    store.code if store else None,
                    False,
                )
            )
    return states


def is_demo_ready() -> bool:
    """The demo stores and accounts exist and plans have been filled in."""
    codes = [code for code, _ in DEMO_STORES]
    if Store.select().where(Store.code.in_(codes)).count() < len(codes):
        return False
    names = [a.username for a in DEMO_ACCOUNTS]
    if User.select().where(User.username.in_(names)).count() < len(names):
        return False
    return Plan.select().exists()


def _registrars() -> list[tuple[int, int]]:
    """(store id, staff user id) for each demo store: who registers its plans."""
    pairs = []
    for code, _ in DEMO_STORES:
        store = Store.get_or_none(Store.code == code)
        if store is None:
            continue
        wanted = [a.username for a in demo_accounts() if a.store_code == code]
        staff = (
            User.select(User.id)
            .where((User.store == store.id) & (User.role == Role.STAFF.value))
            .order_by(User.username.not_in(wanted), User.active.desc(), User.id)
            .first()
        )
        if staff is not None:
            pairs.append((store.id, staff.id))
    if not pairs:
        raise ServiceError("Nessun negozio demo con un addetto vendite: impossibile creare Piani.")
    return pairs


# --- plan rows ----------------------------------------------------------------------


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


@dataclass
class _RowFactory:
    """Makes plan rows in chronological order, ``chunk`` at a time.

    The plans are spread evenly over the opening hours of the HISTORY_DAYS days before
    ``end_day``, so contract numbers follow registration order and carry its year.
    Everything that repeats (name keys, dates, validity, times of day) is computed once.
    """

    count: int
    first_sequence: int
    registrars: list[tuple[int, int]]
    coverings: list[tuple[int, int]]  # (id, weight)
    protections: list[tuple[int, int, int]]  # (id, weight, validity months)
    rng: random.Random
    end_day: dt.date
    as_text: bool = False  # every value a str (PostgreSQL COPY)
    first_number: str | None = None
    last_number: str | None = None

    def __post_init__(self) -> None:
        # (first, last, name_key) for every pair of names: 13k name_key calls, not 1M.
        self._people = [
            (first, last, name_key(last, first)) for last in LAST_NAMES for first in FIRST_NAMES
        ]
        convert = str if self.as_text else (lambda x: x)
        self._registrars = [(convert(s), convert(u)) for s, u in self.registrars]
        # (covering id, protection id, validity months) with the product of their weights.
        self._products = [
            (convert(c), convert(p), months)
            for c, _ in self.coverings
            for p, _, months in self.protections
        ]
        self._product_weights = [
            cw * pw for _, cw in self.coverings for _, pw, _ in self.protections
        ]
        self._first_day = self.end_day - dt.timedelta(days=HISTORY_DAYS)
        self._days: dict[int, tuple[str, str, dict[int, str]]] = {}
        opening = int(OPENING_UTC.total_seconds())
        self._clock = [
            f"{(opening + s) // 3600:02d}:{(opening + s) // 60 % 60:02d}:{s % 60:02d}"
            for s in range(OPEN_SECONDS)
        ]

    def _day(self, index: int) -> tuple[str, str, dict[int, str]]:
        """(ISO date, year, {validity months: ISO valid_until}) of day ``index``."""
        info = self._days.get(index)
        if info is None:
            day = self._first_day + dt.timedelta(days=index)
            valid = {
                months: add_months(day, months).isoformat()
                for months in {m for _, _, m in self.protections}
            }
            info = self._days[index] = (day.isoformat(), str(day.year), valid)
        return info

    def chunks(self, size: int) -> Iterator[list[tuple]]:
        for start in range(0, self.count, size):
            rows = self._chunk(start, min(size, self.count - start))
            if self.first_number is None:
                self.first_number = rows[0][0]
            self.last_number = rows[-1][0]
            yield rows

    def _chunk(self, start: int, n: int) -> list[tuple]:
        rng = self.rng
        people = rng.choices(self._people, k=n)
        registrars = rng.choices(self._registrars, k=n)
        products = rng.choices(self._products, weights=self._product_weights, k=n)
        codes = _unique_codes(n)
        step = HISTORY_DAYS * OPEN_SECONDS / self.count
        clock, day_info, random_ = self._clock, self._day, rng.random
        sequence = self.first_sequence + start
        rows = []
        append = rows.append
        current_day, info = -1, ("", "", {})
        for i in range(n):
            offset = (start + i + random_()) * step
            day = int(offset // OPEN_SECONDS)
            second = offset - day * OPEN_SECONDS
            whole = int(second)
            if day != current_day:
                current_day, info = day, day_info(day)
            date, year, valid = info
            first, last, key = people[i]
            covering_id, protection_id, months = products[i]
            store_id, user_id = registrars[i]
            append(
                (f"{CONTRACT_PREFIX}-{year}-{sequence + i:06d}", first, last, key,
                 covering_id, protection_id, codes[i], store_id, user_id,
                 f"{date} {clock[whole]}.{int((second - whole) * 1e6):06d}",
                 valid[months], "active")
            )  # fmt: skip
        return rows


def _ahead(chunks: Iterator[list[tuple]]) -> Iterator[list[tuple]]:
    """The same chunks, each made in a helper thread while the previous one is written.

    Writing spends most of its time in the driver or the server, without the GIL, so
    on two cores making and writing overlap.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdp-demo-rows") as pool:
        pending = pool.submit(next, chunks, None)
        while (rows := pending.result()) is not None:
            pending = pool.submit(next, chunks, None)
            yield rows


def _unique_codes(n: int) -> list[str]:
    """``n`` activation codes, distinct among themselves (the index checks the rest)."""
    codes = generate_codes(n)
    if len(set(codes)) == n:
        return codes
    seen: set[str] = set()
    unique = []
    for code in codes:
        while code in seen:
            code = generate_codes(1)[0]
        seen.add(code)
        unique.append(code)
    return unique


# --- bulk writing -------------------------------------------------------------------


def _plan_indexes() -> list[tuple[str, str, bool]]:
    """(name, CREATE statement, unique) of the plan table's droppable secondary indexes."""
    if is_postgres():
        rows = database.execute_sql(
            "SELECT i.indexname, i.indexdef, x.indisunique FROM pg_indexes i "
            "JOIN pg_class c ON c.relname = i.indexname "
            "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = i.schemaname "
            "JOIN pg_index x ON x.indexrelid = c.oid "
            "WHERE i.tablename = 'plan' AND i.schemaname = current_schema() "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid) "
            "ORDER BY i.indexname"
        ).fetchall()
        return [(name, sql, bool(unique)) for name, sql, unique in rows]
    rows = database.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'plan' "
        "AND sql IS NOT NULL ORDER BY name"
    ).fetchall()
    return [(name, sql, sql.upper().startswith("CREATE UNIQUE")) for name, sql in rows]


def _has_unique_index() -> bool:
    return any(unique for _, _, unique in _plan_indexes())


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _insert_chunk_sqlite(rows: list[tuple]) -> None:
    columns = ", ".join(_INSERT_COLUMNS)
    marks = ", ".join("?" * len(_INSERT_COLUMNS))
    database.connection().executemany(f"INSERT INTO plan ({columns}) VALUES ({marks})", rows)


def _copy_sql() -> str:
    return f"COPY plan ({', '.join(_INSERT_COLUMNS)}) FROM STDIN"


def _copy_text(rows: list[tuple]) -> str:
    # Text COPY: our values hold no tab, newline or backslash (_check_copy_safe).
    return "".join("\t".join(row) + "\n" for row in rows)


def _insert_chunk_postgres(rows: list[tuple]) -> None:
    with database.connection().cursor() as cursor:
        with cursor.copy(_copy_sql()) as copy:
            copy.write(_copy_text(rows))


@contextmanager
def _writer(postgres: bool, free: bool) -> Iterator[Callable[[list[tuple]], None]]:
    """A function that writes one chunk of rows.

    ``free``: no unique index is in place, so no row can be refused; on PostgreSQL one
    COPY then spans every chunk and the server stores a chunk while we make the next.
    """
    if postgres and free:
        with database.connection().cursor() as cursor:
            with cursor.copy(_copy_sql()) as copy:
                yield lambda rows: copy.write(_copy_text(rows))
        return
    insert = _insert_chunk_postgres if postgres else _insert_chunk_sqlite
    yield lambda rows: _insert_with_retry(insert, rows, free)


def _rebuild_indexes(indexes: list[tuple[str, str, bool]], progress: Progress) -> None:
    total = len(indexes)
    # Unique indexes first: if a random code happened to repeat, fix it before the rest.
    for done, (name, sql, unique) in enumerate(sorted(indexes, key=lambda x: not x[2])):
        progress("indexes", done, total)
        if not unique:
            database.execute_sql(sql)
            continue
        for _ in range(5):
            try:
                with database.savepoint():
                    database.execute_sql(sql)
                break
            except Exception as exc:  # IntegrityError from either driver
                if not _is_unique_violation(exc) or not _redraw_duplicate_codes():
                    raise
        else:
            raise ServiceError(f"Indice {name}: valori ripetuti dopo cinque tentativi.")
    progress("indexes", total, total)


def _is_unique_violation(exc: Exception) -> bool:
    text = str(exc).lower()
    return "unique" in text or "duplicate" in text


def _redraw_duplicate_codes() -> bool:
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


def _restore_missing(indexes: list[tuple[str, str, bool]]) -> None:
    """After a failure: recreate any index the rollback did not bring back."""
    present = {name for name, _, _ in _plan_indexes()}
    for name, sql, _ in indexes:
        if name not in present:
            database.execute_sql(sql)


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
    progress = progress or (lambda phase, done, total: None)
    if count <= 0:
        return 0, None, None, False
    postgres = is_postgres()
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
    registrars = _registrars()
    existing = Plan.select().count()
    if rebuild_indexes is None:
        rebuild_indexes = count >= max(INDEX_REBUILD_MIN, existing)
    first_sequence = _next_sequence()
    factory = _RowFactory(
        count=count,
        first_sequence=first_sequence,
        registrars=registrars,
        coverings=coverings,
        protections=protections,
        rng=random.Random(seed),
        end_day=utcnow().date(),
        as_text=postgres,
    )
    if postgres:
        _check_copy_safe()
    indexes = _plan_indexes() if rebuild_indexes else []

    restore_pragmas = _speed_up_sqlite() if not postgres else lambda: None
    try:
        with database.atomic():
            if postgres:
                database.execute_sql("SET LOCAL maintenance_work_mem = '256MB'")
                database.execute_sql("SET LOCAL synchronous_commit = off")
            for name, _, _ in indexes:
                database.execute_sql(f"DROP INDEX {_quote(name)}")
            done = 0
            progress("plans", 0, count)
            with _writer(postgres, free=bool(indexes) or not _has_unique_index()) as write:
                for rows in _ahead(factory.chunks(chunk_size)):
                    write(rows)
                    done += len(rows)
                    progress("plans", done, count)
            if indexes:
                _rebuild_indexes(indexes, progress)
    except BaseException:
        if indexes:
            try:
                _restore_missing(indexes)
            except Exception:  # noqa: BLE001 - the original error is the one to report
                log.warning("could not check the plan indexes after a failed fill", exc_info=True)
        raise
    finally:
        restore_pragmas()
    if postgres:
        database.execute_sql("ANALYZE plan")
    else:
        database.execute_sql("PRAGMA optimize")
    return count, factory.first_number, factory.last_number, bool(indexes)


def _insert_with_retry(insert: Callable[[list[tuple]], None], rows: list[tuple], free: bool):
    """Insert a chunk; with the unique indexes in place, redraw codes that already exist."""
    if free:
        insert(rows)
        return
    for _ in range(4):
        try:
            with database.savepoint():
                insert(rows)
            return
        except Exception as exc:  # IntegrityError from either driver
            if not _is_unique_violation(exc):
                raise
            codes = _unique_codes(len(rows))
            rows[:] = [row[:6] + (codes[i],) + row[7:] for i, row in enumerate(rows)]
    insert(rows)


def _check_copy_safe() -> None:
    for name in FIRST_NAMES + LAST_NAMES:
        if any(ch in name for ch in "\t\n\r\\"):
            raise AssertionError(f"demo name unsafe for COPY: {name!r}")


def _speed_up_sqlite() -> Callable[[], None]:
    """Bigger cache and sorter threads for the fill; returns the undo."""
    conn = database.connection()
    before = {
        name: conn.execute(f"PRAGMA {name}").fetchone()[0]
        for name in ("cache_size", "threads", "temp_store")
    }
    conn.execute("PRAGMA cache_size = -32768")  # 32 MiB
    conn.execute("PRAGMA threads = 2")
    conn.execute("PRAGMA temp_store = MEMORY")

    def undo() -> None:
        for name, value in before.items():
            conn.execute(f"PRAGMA {name} = {int(value)}")

    return undo


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
