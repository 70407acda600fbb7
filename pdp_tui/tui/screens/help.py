"""Aiuto (F1): the keys of the screen in front of the user."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from pdp_tui.tui.styles import stylesheet

TITLE = "Aiuto: i tasti di questa schermata"
ALWAYS = [
    ("Invio", "campo successivo; sull'ultimo campo, conferma"),
    ("Tab / Maiusc+Tab", "campo successivo / precedente"),
    ("Esc", "indietro, chiude le finestre"),
    ("Ctrl+P", "elenco dei comandi"),
    ("Ctrl+Q", "esci dal programma"),
]
CLOSE = "Premi Esc o F1 per chiudere."


class HelpScreen(ModalScreen[None]):
    CSS_PATH = stylesheet("help")
    BINDINGS = [Binding("escape,f1,ctrl+o", "dismiss", "Chiudi", key_display="Esc")]

    def __init__(self, behind: Screen) -> None:
        super().__init__()
        self.behind = behind

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box", classes="dialog"):
            yield Static(Text(TITLE, style="bold"), classes="dialog-title")
            yield Static(self._keys())
            yield Static(Text(CLOSE, style="italic"))

    def _keys(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        keys_by_description: dict[str, list[str]] = {}
        for key, binding in self._active_bindings():
            keys_by_description.setdefault(binding.description, []).append(
                binding.key_display if binding.key_display and "ctrl+" not in key else key_name(key)
            )
        for description, keys in keys_by_description.items():
            table.add_row(Text(" / ".join(dict.fromkeys(keys))), Text(description))
        for keys, description in ALWAYS:
            table.add_row(Text(keys), Text(description))
        return table

    def _active_bindings(self):
        for key, (_, binding, enabled, _tooltip) in self.behind.active_bindings.items():
            if enabled and binding.show and binding.description:
                yield key, binding


def key_name(key: str) -> str:
    """``ctrl+n`` -> ``Ctrl+N``, ``f2`` -> ``F2``, ``escape`` -> ``Esc``."""
    names = {"escape": "Esc", "enter": "Invio", "pagedown": "PgGiù", "pageup": "PgSu"}
    if key in names:
        return names[key]
    return "+".join(part.capitalize() if len(part) > 1 else part.upper() for part in key.split("+"))
