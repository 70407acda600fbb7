"""The contract list: store scoping, prefix search, paging."""

from __future__ import annotations

import datetime as dt

import pytest

from pdp_tui.models import AuditEvent
from pdp_tui.services import plans, search
from pdp_tui.services.audit import Kind
from pdp_tui.services.errors import ValidationError

# The app's own queries: also run through PgBouncer (transaction pooling).
pytestmark = pytest.mark.pgbouncer


def numbers(page) -> list[str]:
    return [row.contract_number for row in page.rows]


def found(actor, query: str = "", **kwargs) -> set[str]:
    """Every contract number a search finds, through all pages."""
    result: list[str] = []
    cursor = None
    while True:
        page = search.search_plans(actor, query, cursor=cursor, **kwargs)
        result += numbers(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(result) == len(set(result)), "a plan appeared twice"
    return set(result)


@pytest.fixture
def two_stores(seed, register):
    register(seed.staff_mi, "MI-1", "Mario", "Rossi")
    register(seed.staff_mi, "MI-2", "Anna", "Rossetti")
    register(seed.staff_mi, "CM-1", "Carla", "Bianchi")
    register(seed.staff_rm, "RM-1", "Marco", "Rossi")
    register(seed.staff_rm, "RM-2", "Paolo", "Verdi")
    register(seed.staff_rm, "CM-2", "Bruno", "Rossini")
    return seed


def test_staff_see_only_their_store(two_stores):
    seed = two_stores
    assert found(seed.staff_mi) == {"MI-1", "MI-2", "CM-1"}
    assert found(seed.staff_rm) == {"RM-1", "RM-2", "CM-2"}
    assert found(seed.staff_mi, "rossi") == {"MI-1"}
    assert found(seed.staff_mi, "ross") == {"MI-1", "MI-2"}
    assert found(seed.staff_mi, "cm") == {"CM-1"}
    assert found(seed.staff_mi, "RM") == set()
    assert found(seed.staff_mi, "verdi") == set()
    # Asking for another store's plans changes nothing.
    assert found(seed.staff_mi, store_id=seed.rm[0]) == set()
    assert found(seed.staff_mi, "rm", store_id=seed.rm[0]) == set()
    for row in search.search_plans(seed.staff_rm).rows:
        assert row.store_code == "RM01"


def test_support_sees_every_store(two_stores):
    seed = two_stores
    everything = {"MI-1", "MI-2", "CM-1", "RM-1", "RM-2", "CM-2"}
    assert found(seed.support) == everything
    assert found(seed.admin) == everything
    assert found(seed.support, "cm") == {"CM-1", "CM-2"}
    assert found(seed.support, "rossi") == {"MI-1", "RM-1", "CM-2"}
    assert found(seed.support, "rossi m") == {"MI-1", "RM-1"}
    assert found(seed.support, store_id=seed.rm[0]) == {"RM-1", "RM-2", "CM-2"}
    assert found(seed.support, "ross", store_id=seed.mi[0]) == {"MI-1", "MI-2"}


def test_summary_rows(two_stores):
    seed = two_stores
    row = search.search_plans(seed.support, "rm-2").rows[0]
    detail = plans.get_plan(seed.support, row.id)
    assert (row.contract_number, row.first_name, row.last_name) == ("RM-2", "Paolo", "Verdi")
    assert row.customer == "Verdi Paolo"
    assert row.covering == detail.covering.label
    assert row.protection is detail.protection
    assert row.store_code == "RM01"
    assert row.created_at == detail.created_at
    assert row.status is detail.status


def test_contract_number_prefix(seed, register):
    for number in ("PDP-2026-01", "PDP-2026-02", "PDP-2027-01", "XPDP-2026", "PDP2026"):
        register(seed.staff_mi, number)
    assert found(seed.staff_mi, "pdp-2026") == {"PDP-2026-01", "PDP-2026-02"}
    assert found(seed.staff_mi, "  PDP-2026-0 ") == {"PDP-2026-01", "PDP-2026-02"}
    assert found(seed.staff_mi, "pdp-2026-01") == {"PDP-2026-01"}
    assert found(seed.staff_mi, "pdp") == {"PDP-2026-01", "PDP-2026-02", "PDP-2027-01", "PDP2026"}
    assert found(seed.staff_mi, "2026") == set()


def test_name_prefix_is_case_and_accent_insensitive(seed, register):
    register(seed.staff_mi, "N-1", "Nicolò", "D'Amico")
    register(seed.staff_mi, "N-2", "Nicola", "Damiani")
    for query in ("d'amico nic", "D'AMICO NICOLO", "d’amico", "d‘amico", "D'Amico  Nicolò"):
        assert found(seed.staff_mi, query) == {"N-1"}, query
    # Apostrophes and spaces do not count: "d'a" and "dami" are "da" and "dami".
    assert found(seed.staff_mi, "d'a") == {"N-1", "N-2"}
    assert found(seed.staff_mi, "damia") == {"N-2"}
    assert found(seed.staff_mi, "d") == {"N-1", "N-2"}
    assert found(seed.staff_mi, "d'amico nicola") == set()


@pytest.mark.parametrize(
    "query",
    [
        "damico", "d amico", "D'Amico", "DAMICO", "d-amico", "dàmico",  # cognome
        "damico nicolo", "d'amico nic", "DAMICONICOLO",  # cognome nome
        "nicolo d'amico", "Nicolò D'Amico", "nicolo damico", "nicolò d amico",  # nome cognome
        "nicolo d",
    ],
)  # fmt: skip
def test_name_search_forgives(seed, register, query):
    register(seed.staff_mi, "N-1", "Nicolò", "D'Amico")
    register(seed.staff_mi, "N-2", "Nicola", "Rossi")
    register(seed.staff_rm, "N-3", "Nicolò", "D'Amico")  # another store
    assert found(seed.staff_mi, query) == {"N-1"}, query
    assert found(seed.support, query) == {"N-1", "N-3"}, query


def test_surnames_in_two_words_and_first_names(seed, register):
    register(seed.staff_mi, "S-1", "Anna Maria", "De Santis")
    register(seed.staff_mi, "S-2", "Paolo", "Desantis")
    register(seed.staff_mi, "S-3", "Maria", "Dell'Acqua")
    for query in ("desantis", "de santis", "De-Santis", "DE SANTIS"):
        assert found(seed.staff_mi, query) == {"S-1", "S-2"}, query
    assert found(seed.staff_mi, "anna maria de") == {"S-1"}
    assert found(seed.staff_mi, "annamaria") == {"S-1"}
    assert found(seed.staff_mi, "paolo desantis") == {"S-2"}
    assert found(seed.staff_mi, "maria") == {"S-3"}  # a first name alone
    assert found(seed.staff_mi, "dellacqua maria") == {"S-3"}
    assert found(seed.support, "maria dell'acqua") == {"S-3"}
    assert found(seed.staff_mi, "santis") == set()  # a prefix, not any part


def test_accented_and_typographic_names_stored_either_way(seed, register):
    register(seed.staff_mi, "N-1", "Nicolo\u0300", "D’Amico")  # decomposed, curly apostrophe
    assert found(seed.staff_mi, "d'amico nicolò") == {"N-1"}
    assert found(seed.staff_mi, "D’AMICO NICOLO") == {"N-1"}


def test_wildcard_characters_match_only_themselves(seed, register):
    """%, _ and \\ are never SQL wildcards; in names they count as little as an apostrophe."""
    names = {
        "W-1": "Perc%ento",
        "W-2": "Perc_ento",
        "W-4": "Percxento",
        "W-5": "Perc",
        "W-6": "%Rossi",
        "W-9": "Rossi",
    }
    for number, last_name in names.items():
        register(seed.staff_mi, number, "Anna", last_name)
    assert found(seed.staff_mi, "perc%") == {"W-1", "W-2", "W-4", "W-5"}
    assert found(seed.staff_mi, "perc%ento") == {"W-1", "W-2"}
    assert found(seed.staff_mi, "percx") == {"W-4"}
    assert found(seed.staff_mi, "perc_x") == {"W-4"}
    assert found(seed.staff_mi, "%r") == {"W-6", "W-9"}
    for query in ("%", "_", "\\", "%%", "'"):
        assert found(seed.staff_mi, query) == set(), query
    assert found(seed.staff_mi, "_ossi") == set()
    assert found(seed.staff_mi, "w-") == set(names)


def test_queries_that_cannot_be_searched(seed):
    for query in ("ros\x1bsi", "a\x00", "\u202erossi", "x" * (search.QUERY_MAX_LENGTH + 1)):
        with pytest.raises(ValidationError) as info:
            search.search_plans(seed.staff_mi, query)
        assert set(info.value.errors) == {"query"}
    assert search.search_plans(seed.staff_mi, "   ").rows == []
    assert search.search_plans(seed.staff_mi, "\u0301").rows == []  # folds to nothing


def _register_many(seed, register, monkeypatch, count: int):
    """``count`` plans in two stores; several share one created_at, as on a busy day."""
    base = dt.datetime(2026, 3, 14, 10, 0, 0)
    clock = iter(
        base + dt.timedelta(seconds=i // 7, microseconds=(i // 3 % 2) * 500_000)
        for i in range(count)
    )
    real_utcnow = plans.utcnow
    monkeypatch.setattr(plans, "utcnow", lambda: next(clock))
    registered = []
    for i in range(count):
        actor = seed.staff_mi if i % 4 else seed.staff_rm
        if i % 2:
            plan = register(actor, f"R-{i:03d}", "Anna", "Bianchi")
        else:
            plan = register(actor, f"X-{i:03d}", "Mario", f"Rossi{i}")
        registered.append(plan)
    monkeypatch.setattr(plans, "utcnow", real_utcnow)
    return registered


def _walk(actor, query: str, limit: int) -> list:
    rows, cursor, pages = [], None, 0
    while True:
        page = search.search_plans(actor, query, cursor=cursor, limit=limit)
        pages += 1
        assert page.rows or pages == 1
        assert len(page.rows) <= limit
        if page.next_cursor is not None:
            assert len(page.rows) == limit
        rows += page.rows
        cursor = page.next_cursor
        if cursor is None:
            return rows


def _newest_first(plans_list):
    return [p.id for p in sorted(plans_list, key=lambda p: (p.created_at, p.id), reverse=True)]


@pytest.fixture(
    params=[
        pytest.param((2000, 20000), id="few-matches"),
        pytest.param((2, 10_000), id="many-recent"),
        pytest.param((2, 30), id="many-in-a-window"),
        pytest.param((2, 3), id="many-old"),
    ]
)
def strategy(request, monkeypatch):
    """Each way search_plans can serve a prefix, forced by lowering its thresholds."""
    narrow, window = request.param
    monkeypatch.setattr(search, "NARROW_MATCHES", narrow)
    monkeypatch.setattr(search, "RECENT_WINDOW", window)
    return request.param


@pytest.mark.parametrize("query", ["", "r"])
def test_paging_newest_first_without_gaps_or_duplicates(
    seed, register, monkeypatch, query, strategy
):
    registered = _register_many(seed, register, monkeypatch, 120)
    assert len({p.created_at for p in registered}) < 60  # ties exist

    rows = _walk(seed.support, query, 50)
    assert [r.id for r in rows] == _newest_first(registered)

    for limit in (7, 50, 120, 200):
        assert [r.id for r in _walk(seed.support, query, limit)] == _newest_first(registered)

    mine = [p for p in registered if p.store_code == "MI01"]
    assert [r.id for r in _walk(seed.staff_mi, query, 25)] == _newest_first(mine)

    first = search.search_plans(seed.support, query)
    assert len(first.rows) == search.PAGE_SIZE == 50
    assert first.next_cursor is not None


def test_paging_a_prefix_that_matches_numbers_and_names(seed, register, monkeypatch, strategy):
    registered = _register_many(seed, register, monkeypatch, 60)
    # "r" matches R-… by number and Rossi… by name; "x-" only by number; "bianchi" only by name.
    for query, keep in (
        ("r", lambda p: True),
        ("x-", lambda p: p.contract_number.startswith("X-")),
        ("bianchi", lambda p: p.last_name == "Bianchi"),
        ("rossi1", lambda p: p.last_name.startswith("Rossi1")),
    ):
        expected = _newest_first([p for p in registered if keep(p)])
        if query == "x-" and strategy[0] < 30:  # many share it, no name starts with it
            by_number = sorted((p for p in registered if keep(p)), key=lambda p: p.contract_number)
            expected = [p.id for p in reversed(by_number)]
        for limit in (1, 4, 50):
            assert [r.id for r in _walk(seed.support, query, limit)] == expected, (query, limit)


def test_support_searches_are_audited_staff_not_required(seed, register):
    register(seed.staff_mi, "MI-1")

    def searched() -> list[AuditEvent]:
        return list(
            AuditEvent.select().where(AuditEvent.kind == Kind.PLAN_SEARCHED).order_by(AuditEvent.id)
        )

    search.search_plans(seed.support, "  Rossi ")
    search.search_plans(seed.admin, "mi", store_id=seed.mi[0])
    events = searched()
    assert [(e.username, e.target) for e in events] == [("assistenza", "Rossi"), ("admin", "mi")]
    search.search_plans(seed.staff_mi, "rossi")
    search.search_plans(seed.staff_mi)
    assert len(searched()) == 2


def test_support_browsing_one_store_is_audited_the_plain_list_is_not(seed, register):
    register(seed.staff_rm, "RM-1")
    search.search_plans(seed.support)
    assert not AuditEvent.select().where(AuditEvent.kind == Kind.PLAN_SEARCHED).exists()
    page = search.search_plans(seed.support, store_id=seed.rm[0])
    assert numbers(page) == ["RM-1"]
    [event] = AuditEvent.select().where(AuditEvent.kind == Kind.PLAN_SEARCHED)
    assert (event.username, event.target) == ("assistenza", "")
    assert str(seed.rm[0]) in event.detail


@pytest.mark.parametrize("who", ["support", "staff_mi"])
def test_a_contract_prefix_that_many_share_is_listed_by_number(seed, register, monkeypatch, who):
    """A year prefix ("PDP-2025") that many plans share, all older than the newest, comes
    from the contract-number index in order: highest number first, paged on the number."""
    clock = iter(dt.datetime(2026, 3, 14, 10, 0, 0) + dt.timedelta(seconds=i) for i in range(100))
    monkeypatch.setattr(plans, "utcnow", lambda: next(clock))
    registered = []
    for i in range(30):
        registered.append(register(seed.staff_mi if i % 3 else seed.staff_rm, f"PDP-2025-{i:04d}"))
    for i in range(6):
        registered.append(register(seed.staff_mi, f"PDP-2026-{i:04d}"))
    monkeypatch.setattr(search, "NARROW_MATCHES", 5)
    actor = getattr(seed, who)
    mine = [p for p in registered if who == "support" or p.store_code == "MI01"]
    for query in ("PDP-2025", "pdp-2025-", "PDP-2025-00"):
        expected = sorted(
            (p.contract_number for p in mine if p.contract_number.startswith("PDP-2025")),
            reverse=True,
        )
        for limit in (1, 7, 50):
            rows = _walk(actor, query, limit)
            assert [r.contract_number for r in rows] == expected, (query, limit)
        page = search.search_plans(actor, query, limit=7)
        assert page.next_cursor is not None and page.next_cursor[0].startswith("#")
    # A prefix few plans share stays newest first, as does one a name also starts with.
    assert numbers(search.search_plans(actor, "PDP-2026")) == [
        f"PDP-2026-{i:04d}" for i in reversed(range(6))
    ]
