"""How guessable a new password is (NIST SP 800-63B: refuse common and guessable ones).

zxcvbn matches a password against lists of common passwords, names and words, keyboard
patterns, repeats, sequences and dates, and estimates how many guesses it takes. It costs
about 0.25 s and 12 MB to load, so this module is imported only when a password is set,
never at start-up or login (tests/test_import_hygiene.py checks that).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from zxcvbn import zxcvbn

# zxcvbn's score 3: more than 10^8 guesses, beyond an online attack and costly offline
# against argon2id.
MIN_SCORE = 3
# zxcvbn refuses longer input; what follows the first 72 characters only adds strength.
_MAX_LENGTH = 72
# zxcvbn keeps the user's words in a module-level dictionary while it runs.
_lock = threading.Lock()

ADVICE = "Usa una frase di tre o quattro parole insolite, o lettere e cifre a caso."


PERSONAL = "contiene il nome utente o il nome della persona"


def weakness(password: str, personal: Iterable[str] = ()) -> str | None:
    """Why ``password`` is too easy to guess, in Italian; None when it is strong enough.

    ``personal`` holds the account's own words (username, name): a password made of them
    (in any order, with digits and separators: «Bianchi-Giulia1») is refused too, which
    zxcvbn alone lets through once the words are split by separators.
    """
    personal = [text for text in personal if text]
    words = sorted({w for text in personal for w in _words(text)})
    if words and _only_personal(password, words):
        return _message(PERSONAL)
    with _lock:
        result = zxcvbn(password[:_MAX_LENGTH], user_inputs=[*personal, *words])
    if result["score"] >= MIN_SCORE:
        return None
    return _message(_reason(result["sequence"]))


def _message(reason: str) -> str:
    return f"Password troppo facile da indovinare: {reason}. {ADVICE}"


def _words(text: str) -> list[str]:
    """The letters of ``text``, whole and word by word: «mario.rossi» gives «mariorossi»,
    «mario» and «rossi» (words shorter than 3 letters are left out)."""
    chunks = re.split(r"[\W_]+", text.casefold())
    parts = [letters for chunk in chunks if (letters := "".join(filter(str.isalpha, chunk)))]
    return [w for w in {"".join(parts), *parts} if len(w) >= 3]


def _only_personal(password: str, words: list[str]) -> bool:
    """Whether the password's letters are nothing but the account's words, repeated or not."""
    letters = "".join(filter(str.isalpha, password.casefold()))
    # Word break by dynamic programming: a regex alternation could backtrack for long.
    reached = [True] + [False] * len(letters)
    for start in range(len(letters)):
        if reached[start]:
            for word in words:
                if letters.startswith(word, start):
                    reached[start + len(word)] = True
    return bool(letters) and reached[-1]


def _reason(sequence: list[dict]) -> str:
    """What the longest guessable part of the password is (as zxcvbn's own feedback picks it)."""
    if not sequence:
        return "è troppo corta o prevedibile"
    match = max(sequence, key=lambda m: len(m["token"]))
    pattern = match["pattern"]
    if pattern == "dictionary":
        dictionary = match["dictionary_name"]
        if dictionary == "passwords":
            return "è tra le password più usate o ci somiglia"
        if dictionary == "user_inputs":
            return PERSONAL
        if dictionary in ("surnames", "male_names", "female_names"):
            return "è fatta di nomi o cognomi comuni"
        return "è fatta di parole comuni"
    if pattern == "repeat":
        return "ripete gli stessi caratteri (come «aaa» o «abcabc»)"
    if pattern == "sequence":
        return "è una sequenza (come «abcd» o «6543»)"
    if pattern == "spatial":
        return "segue i tasti vicini sulla tastiera (come «qwerty»)"
    if pattern in ("date", "regex"):
        return "contiene una data o un anno"
    return "è troppo corta o prevedibile"
