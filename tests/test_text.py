"""Normalisation and validation of typed text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pdp_tui.config import Settings
from pdp_tui.services.text import (
    NAME_MAX_LENGTH,
    clean_contract_number,
    clean_name,
    clean_text,
    first_last_key,
    fold,
    has_forbidden_characters,
    name_key,
    prefix_successor,
    search_key,
)

PATTERN = Settings().contract_number_pattern

FORBIDDEN = {
    "ESC": "\x1b",
    "NUL": "\x00",
    "CR": "\r",
    "LF": "\n",
    "TAB": "\t",
    "DEL": "\x7f",
    "C1 CSI": "\x9b",
    "RLO bidi override": "\u202e",
    "LRI bidi isolate": "\u2066",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "BOM": "\ufeff",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    "private use": "\ue000",
}


def test_clean_text_trims_and_composes():
    decomposed = "Nicolo\u0300"  # o + combining grave accent
    assert clean_text(f"  {decomposed}  ", "Nome", max_length=60) == "Nicolò"
    assert unicodedata.is_normalized("NFC", clean_text(decomposed, "Nome", max_length=60))
    assert clean_text("De   Rossi", "Cognome", max_length=60) == "De Rossi"


@pytest.mark.parametrize("char", FORBIDDEN.values(), ids=FORBIDDEN.keys())
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_control_and_format_characters_are_refused(char, where):
    value = {"start": char + "Rossi", "middle": "Ro" + char + "ssi", "end": "Rossi" + char}[where]
    assert has_forbidden_characters(value)
    with pytest.raises(ValueError, match="caratteri non ammessi"):
        clean_text(value, "Cognome", max_length=60)
    with pytest.raises(ValueError, match="Cognome"):
        clean_name(value, "Cognome")
    with pytest.raises(ValueError, match="non ammessi"):
        clean_contract_number("PDP" + char + "1", PATTERN)


def test_ordinary_text_has_no_forbidden_characters():
    for text in ("Nicolò D'Amico", "Müller-Lüdenscheidt", "Ðorđe", "O’Neill", "Zoë", "İlkay"):
        assert not has_forbidden_characters(text)
        assert clean_name(text, "Nome") == text


def test_required_and_lengths():
    with pytest.raises(ValueError, match="obbligatorio"):
        clean_text("   ", "Nome", max_length=60)
    assert clean_text("", "Note", max_length=10, required=False) == ""
    assert clean_name("a" * NAME_MAX_LENGTH, "Nome") == "a" * NAME_MAX_LENGTH
    with pytest.raises(ValueError, match="al massimo 60"):
        clean_name("a" * (NAME_MAX_LENGTH + 1), "Nome")
    # the limit is counted after NFC composition and trimming
    assert clean_name(" " + "e\u0301" * NAME_MAX_LENGTH + " ", "Nome") == "é" * NAME_MAX_LENGTH


def test_name_needs_a_letter():
    with pytest.raises(ValueError, match="almeno una lettera"):
        clean_name("12345", "Nome")
    with pytest.raises(ValueError, match="almeno una lettera"):
        clean_name("-- .", "Nome")


def test_markup_looking_text_is_kept_literally():
    for text in ("[b]x[/b]", "[@click=app.quit]", "<script>", "%s {0} $(rm)"):
        assert clean_text(text, "Nome", max_length=60) == text


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("pdp-2026-01 ", "PDP-2026-01"),
        ("  abc123  ", "ABC123"),
        ("A", "A"),
        ("12345678901234567890", "12345678901234567890"),
    ],
)
def test_contract_number_is_normalised(raw, expected):
    assert clean_contract_number(raw, PATTERN) == expected


@pytest.mark.parametrize(
    "raw, message",
    [
        ("", "obbligatorio"),
        ("   ", "obbligatorio"),
        ("àbc", "senza accenti"),
        ("PDP 2026", "senza accenti"),
        ("PDP/2026", "senza accenti"),
        ("PDP_2026", "senza accenti"),
        ("-PDP", "senza accenti"),
        ("PDP-", "senza accenti"),
        ("1" * 21, "al massimo 20"),
        ("ＰＤＰ１", "senza accenti"),  # full-width letters and digits
        # Non-ASCII letters whose upper case is ASCII must not slip through.
        ("\u0131d-1", "senza accenti"),  # dotless i -> I
        ("\u017f1", "senza accenti"),  # long s -> S
        ("\ufb001", "senza accenti"),  # ff ligature -> FF
    ],
)
def test_contract_number_is_refused(raw, message):
    with pytest.raises(ValueError, match=message):
        clean_contract_number(raw, PATTERN)


@given(st.text(max_size=25))
def test_an_accepted_contract_number_is_plain_ascii_of_what_was_typed(raw):
    try:
        number = clean_contract_number(raw, PATTERN)
    except ValueError:
        return
    assert number == raw.strip().upper()
    assert raw.strip().isascii()
    assert len(number) <= 20


def test_fold_ignores_case_accents_apostrophes_and_spacing():
    assert fold("Nicolò  D’Amico") == "nicolo d'amico"
    assert fold("NICOLÒ D'AMICO") == fold("nicolo d‘amico") == "nicolo d'amico"
    assert fold("Straße") == "strasse"
    assert fold("Ærø") == fold("ærø")
    assert fold("  ") == ""


def test_name_key_is_surname_then_name():
    assert name_key("D’Amico", "Nicolò") == "damiconicolo"
    assert name_key("  Rossi ", " Mario") == "rossimario"
    assert first_last_key("D’Amico", "Nicolò") == "nicolodamico"
    assert first_last_key("De Santis", "Anna-Maria") == "annamariadesantis"
    assert name_key("rossi", "mario") == name_key("ROSSÌ", "MÀRIO")


# Text a user can type: prefix_successor is only called after forbidden characters are refused.
typed = st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))


@given(st.text(typed, min_size=1, max_size=10), st.text(typed, max_size=10))
def test_prefix_successor_bounds_exactly_the_strings_with_that_prefix(prefix, rest):
    upper = prefix_successor(prefix)
    assert prefix <= prefix + rest < upper


@given(st.text(typed, min_size=1, max_size=6), st.text(typed, min_size=1, max_size=6))
def test_prefix_successor_excludes_strings_without_the_prefix(prefix, other):
    if other.startswith(prefix):
        return
    assert not (prefix <= other < prefix_successor(prefix))


def test_prefix_successor_examples():
    assert prefix_successor("abc") == "abd"
    assert prefix_successor("a%") == "a&"
    assert prefix_successor("a_") == "a`"
    assert prefix_successor("z") == "{"


def test_printable_only_drops_escape_sequences_and_controls():
    from pdp_tui.services.text import printable_only

    assert printable_only("Ma\x1b[31mrio\x07") == "Mario"
    assert printable_only("\x1b]0;titolo\x07Anna\x1b]8;;http://x\x1b\\") == "Anna"
    assert printable_only("a\tb\u200bc\u202ed\x9b31me") == "a bcde"
    assert printable_only("Nicolò D'Amico") == "Nicolò D'Amico"


def test_a_name_of_invisible_letters_has_no_letter():
    for invisible in ("\u3164", "\u3164 \u3164", "\u115f\u1160", "\uffa0"):
        with pytest.raises(ValueError, match="Nome: deve contenere almeno una lettera"):
            clean_name(invisible, "Nome")
    assert clean_name("Ji\u3164Ho", "Nome") == "Ji\u3164Ho"


@pytest.mark.parametrize(
    "typed", ["damico", "d amico", "D'Amico", "D’AMICO", "d-amico", "DÀMICO", " d  amico "]
)
def test_search_key_forgives_case_accents_apostrophes_hyphens_spaces(typed):
    assert search_key(typed) == "damico"
    assert name_key("D'Amico", "Nicolò").startswith(search_key(typed))


def test_search_key_joins_words():
    assert search_key("de santis") == search_key("DeSantis") == "desantis"
    assert search_key("nicolo d'amico") == first_last_key("D'Amico", "Nicolò")
    assert search_key("' - ") == ""
