"""Aiuto (F1): the keys that work on the screen in front, as they are pressed, each once."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from pdp_tui.tui import italian
from pdp_tui.tui.field_order import EnterMovesOn
from pdp_tui.tui.styles import stylesheet

TITLE = "Aiuto: i tasti di questa schermata"
ENTER = ("Invio", "campo successivo; sull'ultimo campo, conferma")
TAB = ("Tab / Maiusc+Tab", "campo successivo / precedente")
PALETTE = ("Ctrl+P", "elenco dei comandi")
QUIT = ("Ctrl+Q", "esci dal programma")
CLOSE = "Premi Esc o F1 per chiudere."


def help_rows(behind: Screen, *, palette: bool) -> list[tuple[str, str]]:
    """(keys, what they do) for every key that works on ``behind``, each key once."""
    by_description: dict[str, list[str]] = {}
    for _node, binding, enabled, _tooltip in behind.active_bindings.values():
        if not (enabled and binding.show and binding.description):
            continue
        keys = by_description.setdefault(italian.description(binding), [])
        for key in italian.binding_keys(binding):
            # Letters are bound in both cases (Caps Lock): named once, as pressed.
            if key.lower() not in (known.lower() for known in keys):
                keys.append(key.lower() if len(key) == 1 else key)
    rows = [(" / ".join(keys), description) for description, keys in by_description.items()]
    listed = {key for keys, _ in rows for key in keys.split(" / ")}
    if isinstance(behind, EnterMovesOn) and "Invio" not in listed:
        rows.append(ENTER)
    if len(behind.focus_chain) > 1:
        rows.append(TAB)
    if palette:
        rows.append(PALETTE)
    rows.append(QUIT)
    return rows


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
        palette = not getattr(self.app, "locked", False)
        for keys, description in help_rows(self.behind, palette=palette):
            table.add_row(Text(keys), Text(description))
        return table
