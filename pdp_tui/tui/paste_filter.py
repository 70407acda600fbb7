"""A paste is text: escape sequences and control characters inside it never become keys.

Textual 8.2's terminal reader parses an ESC inside a bracketed paste as the start of a key
sequence: ``Ma\\e[31mrio\\a`` pasted from a coloured terminal arrived as the keys
``^[31mrio`` and Ctrl+G (Genera, typed blind in the middle of a name) followed by a paste
of "Ma" that the refused registration then discarded. Here the bytes between the paste's
start and end markers lose their escape sequences and control characters (tabs and line
ends kept, as fields turn them into spaces) before the reader sees them, so the paste
arrives whole, as one paste. Keys typed outside a paste pass through untouched.

``tests/test_paste_filter.py`` holds the upstream reproduction: once Textual keeps a paste
whole, ``install`` can go.
"""

from __future__ import annotations

import re

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
# CSI (colours, cursor moves), OSC (titles, links; ended by BEL or ST), other two-byte ESCs.
_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# An unfinished sequence at the end of a read: kept until the next read completes it.
_UNFINISHED = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*\x1b?)?$")


def _clean(text: str) -> str:
    return _CONTROL.sub("", _SEQUENCE.sub("", text))


class PasteFilter:
    """Feed it what the terminal sends, read by read; it returns what the reader may see."""

    def __init__(self) -> None:
        self.in_paste = False
        self._carry = ""  # inside a paste: an unfinished sequence from the last read
        self._tail = ""  # outside: the last bytes passed, for a start marker cut in two

    def feed(self, data: str) -> str:
        out: list[str] = []
        text = self._carry + data
        self._carry = ""
        while text:
            if not self.in_paste:
                seen = self._tail + text
                start = seen.find(PASTE_START)
                if start < 0:
                    out.append(text)
                    self._tail = seen[-(len(PASTE_START) - 1) :]
                    break
                body = start + len(PASTE_START) - len(self._tail)
                out.append(text[:body])
                text, self._tail, self.in_paste = text[body:], "", True
                continue
            end = text.find(PASTE_END)
            if end >= 0:
                out.append(_clean(text[:end]) + PASTE_END)
                text, self.in_paste = text[end + len(PASTE_END) :], False
                continue
            unfinished = _UNFINISHED.search(text)
            if unfinished:
                self._carry = text[unfinished.start() :]
                text = text[: unfinished.start()]
            out.append(_clean(text))
            break
        return "".join(out)


def unfiltered_feed():
    """Textual's own ``XTermParser.feed`` (for the upstream reproduction test)."""
    from textual import _xterm_parser

    parser_class = _xterm_parser.XTermParser
    return getattr(parser_class, "_pdp_original_feed", parser_class.feed)


def install() -> None:
    """Put a PasteFilter in front of every terminal reader Textual makes (once)."""
    from textual import _xterm_parser

    parser_class = _xterm_parser.XTermParser
    if getattr(parser_class, "_pdp_paste_filter", False):
        return
    original_feed = parser_class.feed

    def feed(self, data: str):
        if not data:  # the end of input
            return original_feed(self, data)
        paste_filter = self.__dict__.setdefault("_pdp_filter", PasteFilter())
        filtered = paste_filter.feed(data)
        return original_feed(self, filtered) if filtered else ()

    parser_class._pdp_original_feed = original_feed
    parser_class.feed = feed
    parser_class._pdp_paste_filter = True
