"""Synthetic plan rows: Italian names, the catalogue's mix, two years of opening hours.

Plans made here are demo data: they carry no audit events and never pass through
``plans.register_plan``, but they obey the same invariants (unique contract numbers and
activation codes, the name keys, ``valid_until``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from pdp_tui.services.codes import generate_codes
from pdp_tui.services.plans import add_months
from pdp_tui.services.text import first_last_key, name_key

CONTRACT_PREFIX = "PDP"
HISTORY_DAYS = 730
# Plans are registered during opening hours: 08:00-18:00 UTC (09/10-19/20 in Italy).
OPENING_UTC = dt.timedelta(hours=8)
OPEN_SECONDS = 10 * 3600

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

# The columns a customer's names decide, made once per pair of names (13k, not 1M times).
PERSON_COLUMNS = ("first_name", "last_name", "name_key", "first_last_key")


def person_values(first: str, last: str) -> tuple[str, ...]:
    """The values of PERSON_COLUMNS for one customer."""
    return first, last, name_key(last, first), first_last_key(last, first)


# Every column the fill writes, in row order. A new column of ``plan`` goes here and into
# the row made in ``PlanRows._chunk``; one that the names decide, into PERSON_COLUMNS and
# ``person_values`` only.
PLAN_COLUMNS = (
    "contract_number", *PERSON_COLUMNS, "covering_id", "protection_id", "activation_code",
    "store_id", "created_by_id", "created_at", "valid_until", "status",
)  # fmt: skip
_CODE = PLAN_COLUMNS.index("activation_code")


@dataclass
class PlanRows:
    """Makes plan rows (PLAN_COLUMNS) in chronological order, ``chunk`` at a time.

    The plans are spread evenly over the opening hours of the HISTORY_DAYS days before
    ``end_day``, so contract numbers follow registration order and carry its year.
    Everything that repeats (name keys, dates, validity, times of day) is computed once.
    """

    count: int
    first_sequence: int
    registrars: list[tuple[int, int]]  # (store id, staff user id)
    coverings: list[tuple[int, int]]  # (id, weight)
    protections: list[tuple[int, int, int]]  # (id, weight, validity months)
    rng: random.Random
    end_day: dt.date
    as_text: bool = False  # every value a str (PostgreSQL COPY)
    first_number: str | None = None
    last_number: str | None = None

    def __post_init__(self) -> None:
        self._people = [person_values(first, last) for last in LAST_NAMES for first in FIRST_NAMES]
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
        codes = unique_codes(n)
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
            covering_id, protection_id, months = products[i]
            store_id, user_id = registrars[i]
            append(
                (f"{CONTRACT_PREFIX}-{year}-{sequence + i:06d}", *people[i],
                 covering_id, protection_id, codes[i], store_id, user_id,
                 f"{date} {clock[whole]}.{int((second - whole) * 1e6):06d}",
                 valid[months], "active")
            )  # fmt: skip
        return rows


def unique_codes(n: int) -> list[str]:
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


def with_new_codes(rows: list[tuple]) -> list[tuple]:
    """The same rows with freshly drawn activation codes."""
    codes = unique_codes(len(rows))
    return [row[:_CODE] + (code,) + row[_CODE + 1 :] for row, code in zip(rows, codes, strict=True)]


def check_copy_safe() -> None:
    """The names can go into a text COPY as they are (no tab, newline or backslash)."""
    for name in FIRST_NAMES + LAST_NAMES:
        if any(ch in name for ch in "\t\n\r\\"):
            raise AssertionError(f"demo name unsafe for COPY: {name!r}")
