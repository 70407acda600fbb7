"""Normalisation and validation of text typed by users. Pure Python.

Customer text is stored as typed (trimmed, NFC), never interpreted; what cannot be shown
safely on a terminal (control and format characters) is refused, not stripped.
"""

from __future__ import annotations

import re
import unicodedata

NAME_MAX_LENGTH = 60
CONTRACT_MAX_LENGTH = 20
REASON_MAX_LENGTH = 500

# Cc: controls (ESC, NUL, CR, LF, TAB...), Cf: format (bidi overrides, zero-width),
# Zl/Zp: line and paragraph separators, Cs: surrogates, Co: private use, Cn: unassigned.
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}
# Letters that draw nothing: Hangul fillers (U+115F, U+1160, U+3164, U+FFA0). A name made
# only of them (and spaces) would look empty on screen and on the card.
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
# Terminal escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), and the
# two-character ones (ESC and one more).
_ESCAPE_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -~]?|\x9b[0-?]*[ -/]*[@-~]?"
)
_SPACES = re.compile(r" {2,}")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


def has_forbidden_characters(text: str) -> bool:
    return any(unicodedata.category(ch) in _FORBIDDEN_CATEGORIES for ch in text)


def printable_only(text: str) -> str:
    """``text`` without terminal escape sequences and without the characters a field refuses
    (controls, format characters...): what a paste or a key may put into a field. Tabs
    become spaces."""
    text = _ESCAPE_SEQUENCES.sub("", text.replace("\t", " "))
    return "".join(ch for ch in text if unicodedata.category(ch) not in _FORBIDDEN_CATEGORIES)


def has_visible_letter(text: str) -> bool:
    return any(ch.isalpha() and ch not in _INVISIBLE_LETTERS for ch in text)


def clean_text(value: str | None, label: str, *, max_length: int, required: bool = True) -> str:
    """Trim, NFC-normalise and check a free-text field. Raises ValueError(message)."""
    text = unicodedata.normalize("NFC", value or "")
    if has_forbidden_characters(text):
        raise ValueError(f"{label}: contiene caratteri non ammessi (controllo o invisibili).")
    text = _SPACES.sub(" ", text.strip())
    if required and not text:
        raise ValueError(f"{label}: campo obbligatorio.")
    if len(text) > max_length:
        raise ValueError(f"{label}: al massimo {max_length} caratteri (ne hai {len(text)}).")
    return text


def clean_name(value: str | None, label: str) -> str:
    text = clean_text(value, label, max_length=NAME_MAX_LENGTH)
    if not has_visible_letter(text):
        raise ValueError(f"{label}: deve contenere almeno una lettera.")
    return text


def clean_contract_number(value: str | None, pattern: str) -> str:
    label = "Numero del contratto"
    raw = value or ""
    if has_forbidden_characters(raw):
        raise ValueError(f"{label}: contiene caratteri non ammessi.")
    stripped = raw.strip()
    text = stripped.upper()
    if not text:
        raise ValueError(f"{label}: campo obbligatorio.")
    if len(text) > CONTRACT_MAX_LENGTH:
        raise ValueError(f"{label}: al massimo {CONTRACT_MAX_LENGTH} caratteri.")
    # Check what was typed, not its upper case: "ı".upper() == "I", "ﬀ".upper() == "FF".
    if not stripped.isascii() or not re.fullmatch(pattern, text):
        raise ValueError(
            f"{label}: usa solo lettere senza accenti, cifre e trattini (es. PDP-2026-0001)."
        )
    return text


def fold(text: str) -> str:
    """Case- and accent-insensitive search form: 'Nicolò  D’Amico' -> 'nicolo d'amico'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def search_key(text: str) -> str:
    """The forgiving search form: folded, then only letters and digits.

    Case, accents, apostrophes, hyphens and spaces do not count, so "D'Amico", "d amico"
    and "DAMICO" are all "damico", "De Santis" and "desantis" both "desantis".
    """
    return "".join(ch for ch in fold(text) if ch.isalnum())


def name_key(last_name: str, first_name: str) -> str:
    """The indexed "cognome nome" search key: 'D'Amico', 'Nicolò' -> 'damiconicolo'."""
    return search_key(f"{last_name} {first_name}")


def first_last_key(last_name: str, first_name: str) -> str:
    """The indexed "nome cognome" search key: 'D'Amico', 'Nicolò' -> 'nicolodamico'."""
    return search_key(f"{first_name} {last_name}")


def prefix_successor(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix``.

    ``x >= prefix AND x < prefix_successor(prefix)`` is a prefix match that a plain
    btree index serves on SQLite and PostgreSQL (with a "C" collation), and in which
    %, _ and \\ are ordinary characters.
    """
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
