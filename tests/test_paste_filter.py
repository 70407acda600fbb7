"""A paste reaches the app as one paste of plain text, whatever it holds (issue 10).

The first test is the upstream reproduction: Textual's own terminal reader turns an ESC
inside a bracketed paste into keys (Ctrl+G for a BEL: Genera). When it passes, Textual
keeps pastes whole and ``pdp_tui.tui.paste_filter`` can go.
"""

from __future__ import annotations

import pytest
from textual import events
from textual._xterm_parser import XTermParser

from pdp_tui.tui import paste_filter
from pdp_tui.tui.paste_filter import PASTE_END, PASTE_START, PasteFilter

PASTED = "Ma\x1b[31mrio\x07"


def parse(reads: list[str], parser: XTermParser | None = None) -> list[events.Event]:
    parser = parser or XTermParser()
    return [event for data in reads for event in parser.feed(data)]


def described(tokens) -> list[str]:
    return [
        f"paste:{t.text}" if isinstance(t, events.Paste) else f"key:{t.key}"
        for t in tokens
        if isinstance(t, events.Paste | events.Key)
    ]


def test_upstream_textual_turns_an_escape_inside_a_paste_into_keys(monkeypatch):
    monkeypatch.setattr(XTermParser, "feed", paste_filter.unfiltered_feed())
    tokens = described(parse([PASTE_START + PASTED + PASTE_END]))
    assert "key:ctrl+g" in tokens  # still true upstream: the filter is needed


def test_with_the_filter_a_paste_arrives_whole_and_plain():
    paste_filter.install()
    assert described(parse([PASTE_START + PASTED + PASTE_END])) == ["paste:Mario"]


@pytest.mark.parametrize("cut", range(1, len(PASTE_START + PASTED + PASTE_END)))
def test_a_paste_cut_anywhere_between_reads_is_the_same_paste(cut):
    paste_filter.install()
    whole = "x" + PASTE_START + PASTED + PASTE_END + "y"
    tokens = described(parse([whole[:cut], whole[cut:]]))
    assert tokens == ["key:x", "paste:Mario", "key:y"]


def test_links_titles_and_line_ends_in_a_paste():
    pasted = "\x1b]8;;http://x\x1b\\Luigi\x1b]8;;\x1b\\\tBianchi\r\n\x1b]0;titolo\x07"
    assert PasteFilter().feed(PASTE_START + pasted + PASTE_END) == (
        PASTE_START + "Luigi\tBianchi\r\n" + PASTE_END
    )


def test_keys_outside_a_paste_pass_untouched():
    keys = "\x1b[15~abc\x1b\x07\x1bOR"  # F5, letters, Esc, Ctrl+G, F3
    assert PasteFilter().feed(keys) == keys
