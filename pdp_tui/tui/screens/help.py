"""Aiuto (F1): the keys of the screen in front of the user."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

TITLE = "Aiuto: i tasti di questa schermata"
ALWAYS = [
    ("Invio", "campo successivo; sull'ultimo campo, conferma"),
    ("Tab / Maiusc+Tab", "campo successivo / precedente"),
    ("Esc", "indietro, chiude le finestre"),
    ("Ctrl+P", "elenco dei comandi"),
]
CLOSE = "Premi Esc o F1 per chiudere."


class HelpScreen(ModalScreen[None]):
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
        seen: set[str] = set()
        for binding in self._active_bindings():
            if binding.description and binding.description not in seen:
                seen.add(binding.description)
                table.add_row(Text(self._keys_of(binding)), Text(binding.description))
        for keys, description in ALWAYS:
            table.add_row(Text(keys), Text(description))
        return table

    def _active_bindings(self):
        for _, binding, enabled, _tooltip in self.behind.active_bindings.values():
            if enabled and binding.show:
                yield binding

    @staticmethod
    def _keys_of(binding: Binding) -> str:
        keys = [key.strip() for key in binding.key.split(",")]
        shown = [binding.key_display or keys[0].upper()]
        shown += ["Ctrl+" + k.removeprefix("ctrl+").upper() for k in keys[1:] if "ctrl+" in k]
        return " / ".join(shown)
