"""Activation codes: alphabet, check character, parsing of hand-copied input."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pdp_tui.services import codes
from pdp_tui.services.codes import (
    ALPHABET,
    CODE_LENGTH,
    CodeFormatError,
    check_character,
    format_code,
    generate_code,
    generate_codes,
    parse_code,
)

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
bodies = st.text(alphabet=CROCKFORD, min_size=codes.RANDOM_LENGTH, max_size=codes.RANDOM_LENGTH)
valid_codes = bodies.map(lambda body: body + check_character(body))


def test_alphabet_is_crockford_without_look_alikes():
    assert ALPHABET == CROCKFORD
    assert len(set(ALPHABET)) == 32
    assert not set("ILOU") & set(ALPHABET)


def test_generated_code_shape():
    for _ in range(200):
        code = generate_code()
        assert len(code) == CODE_LENGTH == 12
        assert set(code) <= set(CROCKFORD)
        assert parse_code(code) == code


def test_format_code_groups_of_four():
    code = generate_code()
    formatted = format_code(code)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", formatted)
    assert formatted.replace("-", "") == code
    assert parse_code(formatted) == code


@settings(max_examples=150, deadline=None)
@given(valid_codes)
def test_every_single_substitution_is_caught(code):
    assert parse_code(code) == code
    for position in range(CODE_LENGTH):
        for replacement in CROCKFORD:
            if replacement == code[position]:
                continue
            mistyped = code[:position] + replacement + code[position + 1 :]
            with pytest.raises(CodeFormatError):
                parse_code(mistyped)


@settings(max_examples=300, deadline=None)
@given(valid_codes)
def test_every_adjacent_swap_is_caught(code):
    for i in range(CODE_LENGTH - 1):
        if code[i] == code[i + 1]:
            continue
        swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
        with pytest.raises(CodeFormatError):
            parse_code(swapped)


@settings(max_examples=100, deadline=None)
@given(bodies)
def test_swap_at_every_position_including_the_check_character(body):
    # Random codes sometimes have equal neighbours; here every position gets a real swap.
    for i in range(CODE_LENGTH - 1):
        chars = list(body)
        if i + 1 < codes.RANDOM_LENGTH and chars[i] == chars[i + 1]:
            chars[i + 1] = CROCKFORD[(CROCKFORD.index(chars[i]) + 7) % 32]
        if i + 1 == codes.RANDOM_LENGTH:
            while chars[i] == check_character("".join(chars)):
                chars[i] = CROCKFORD[(CROCKFORD.index(chars[i]) + 1) % 32]
        valid = "".join(chars) + check_character("".join(chars))
        assert valid[i] != valid[i + 1]
        swapped = valid[:i] + valid[i + 1] + valid[i] + valid[i + 2 :]
        with pytest.raises(CodeFormatError):
            parse_code(swapped)


@given(valid_codes, st.data())
def test_parse_accepts_what_people_write(code, data):
    messy = data.draw(
        st.lists(st.sampled_from(["", " ", "-", "  ", " - "]), min_size=13, max_size=13)
    )
    text = messy[0] + "".join(ch + sep for ch, sep in zip(code, messy[1:], strict=True))
    lowered = "".join(ch.lower() if data.draw(st.booleans()) else ch for ch in text)
    assert parse_code(lowered) == code


def test_parse_reads_look_alikes():
    body = "0011" + "ABCDEFG"
    code = body + check_character(body)
    assert parse_code("OO" + "il" + code[4:]) == code
    assert parse_code("oOIL" + code[4:].lower()) == code
    assert parse_code(f"  {format_code(code).lower()}  ") == code
    assert parse_code(format_code(code).replace("-", " ")) == code


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Inserisci il codice"),
        ("   -  ", "Inserisci il codice"),
        ("ABCD-EFGH", "12 caratteri"),
        ("ABCD-EFGH-JKMNP", "12 caratteri"),
        ("ABCD-EFGH-JKU0", "Controlla il codice"),  # U is not in the alphabet
        ("ABCD-EFGH-JK*0", "Controlla il codice"),
    ],
)
def test_parse_rejects_malformed_input(text, message):
    with pytest.raises(CodeFormatError, match=message):
        parse_code(text)


def test_generate_codes_bulk_valid_and_unique():
    batch = generate_codes(5000)
    assert len(batch) == 5000
    assert len(set(batch)) == 5000
    for code in batch:
        assert len(code) == CODE_LENGTH
        assert parse_code(code) == code


def test_generate_codes_uses_every_symbol_in_every_random_position():
    batch = generate_codes(3000)
    for position in range(codes.RANDOM_LENGTH):
        assert {code[position] for code in batch} == set(CROCKFORD), position


def test_generate_code_uses_the_cryptographic_source(monkeypatch):
    calls = []
    real_choice = codes.secrets.choice

    def spy(seq):
        calls.append(seq)
        return real_choice(seq)

    monkeypatch.setattr(codes.secrets, "choice", spy)
    generate_code()
    assert len(calls) == codes.RANDOM_LENGTH
