"""Activation codes: 11 random Crockford Base32 characters plus one check character.

The check character makes the weighted sum of all 12 symbols zero in GF(32), with
distinct non-zero weights alpha**i. Any single substituted symbol changes the sum by
alpha**i * (a - b) != 0, and swapping two different neighbours changes it by
alpha**i * (a + b) * (1 + alpha) != 0, so both are always detected.
"""

from __future__ import annotations

import base64
import secrets

from pdp_tui.services.errors import ServiceError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
RANDOM_LENGTH = 11
CODE_LENGTH = RANDOM_LENGTH + 1
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# Characters people confuse when they copy by hand.
_ALIASES = {"O": "0", "I": "1", "L": "1"}
_IGNORED = " -\t"
_FROM_RFC4648 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", ALPHABET)

# GF(32) arithmetic with the primitive polynomial x^5 + x^2 + 1.
_EXP: list[int] = []
_LOG = [0] * 32
_x = 1
for _i in range(31):
    _EXP.append(_x)
    _LOG[_x] = _i
    _x <<= 1
    if _x & 0b100000:
        _x ^= 0b100101
_EXP += _EXP  # so that _EXP[a + b] needs no modulo


def _mul(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    return _EXP[_LOG[a] + _LOG[b]]


def _weighted_sum(values: list[int]) -> int:
    total = 0
    for i, v in enumerate(values):
        total ^= _mul(_EXP[i], v)
    return total


# _TERMS[i][v] == alpha**i * v: the check character of a body is then 11 lookups.
_TERMS = [[_mul(_EXP[i], v) for v in range(32)] for i in range(CODE_LENGTH)]
_INVERSE_LAST_WEIGHT = _EXP[31 - RANDOM_LENGTH]


def check_character(body: str) -> str:
    """The check character for 11 symbols of the alphabet."""
    total = 0
    for terms, ch in zip(_TERMS, body, strict=False):  # _TERMS has a 12th row, unused here
        total ^= terms[_VALUE[ch]]
    # Solve total + alpha**11 * c == 0; in characteristic 2, minus is plus.
    return ALPHABET[_mul(total, _INVERSE_LAST_WEIGHT)]


def generate_code() -> str:
    """A new code, 12 characters without hyphens (as stored)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + check_character(body)


def generate_codes(count: int) -> list[str]:
    """``count`` new codes at once (bulk demo data): one read of the random source.

    Base32 of uniform random bytes is uniform over 32 symbols; translating RFC 4648's
    alphabet to Crockford's keeps it so, at C speed.
    """
    symbols = count * RANDOM_LENGTH
    random_bytes = secrets.token_bytes(-(-symbols // 8) * 5)  # 8 symbols per 5 bytes
    text = base64.b32encode(random_bytes).decode("ascii").translate(_FROM_RFC4648)
    return [
        body + check_character(body)
        for body in (text[i : i + RANDOM_LENGTH] for i in range(0, symbols, RANDOM_LENGTH))
    ]


def format_code(code: str) -> str:
    """``XXXXXXXXXXXX`` -> ``XXXX-XXXX-XXXX``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class CodeFormatError(ServiceError, ValueError):
    """The text is not a well-formed activation code (mistyped). Message in Italian."""


MISTYPED = "Controlla il codice: un carattere è errato o due sono invertiti."


def parse_code(text: str) -> str:
    """Normalise user input to the stored form, or raise CodeFormatError.

    Accepts any case, spaces and hyphens anywhere, O for 0 and I/L for 1.
    """
    cleaned = "".join(ch for ch in text.upper() if ch not in _IGNORED)
    cleaned = "".join(_ALIASES.get(ch, ch) for ch in cleaned)
    if not cleaned:
        raise CodeFormatError("Inserisci il codice di attivazione.")
    if len(cleaned) != CODE_LENGTH:
        raise CodeFormatError(
            f"Il codice ha {CODE_LENGTH} caratteri (ne hai scritti {len(cleaned)})."
        )
    if any(ch not in _VALUE for ch in cleaned):
        raise CodeFormatError(MISTYPED)
    if _weighted_sum([_VALUE[ch] for ch in cleaned]) != 0:
        raise CodeFormatError(MISTYPED)
    return cleaned
