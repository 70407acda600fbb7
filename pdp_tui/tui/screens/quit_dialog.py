"""Esci: asked before Ctrl+Q throws away a half-typed plan or an open form."""

from __future__ import annotations

from rich.text import Text

from pdp_tui.tui.widgets.form_dialog import ConfirmDialog

TITLE = "Uscire dal programma?"
QUESTION = "{what}: uscendo andrà perso. Ctrl+Q di nuovo, o Invio, per uscire lo stesso."
QUIT = "Esci"


class QuitDialog(ConfirmDialog):
    def __init__(self, what: str) -> None:
        super().__init__(TITLE, Text(QUESTION.format(what=what)), QUIT)
