"""The top line of every screen: the program's name and who is working, for which store."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from pdp_tui.domain import Actor, Role
from pdp_tui.tui.columns import fit

TITLE = "Piani di Protezione"


def who(actor: Actor | None) -> str:
    """``Giulia Bianchi (vendite.mi) · MI01 Milano Centro``; support and admin show their role."""
    if actor is None:
        return ""
    name = f"{actor.full_name} ({actor.username})" if actor.full_name else actor.username
    if actor.role is Role.STAFF and actor.store_code:
        return f"{name} · {actor.store_code} {actor.store_name or ''}".rstrip()
    return f"{name} · {actor.role.label}"


class AppHeader(Widget):
    DEFAULT_CSS = """
    AppHeader {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def render(self) -> Text:
        width = self.size.width
        title = Text(f" {TITLE}", style="bold")
        user = who(self.app.actor)  # type: ignore[attr-defined]
        room = width - title.cell_len - 3
        line = title.copy()
        if user and room > 0:
            shown = fit(user, room)
            line.append(" " * (width - title.cell_len - shown.cell_len - 1))
            line.append_text(shown)
        return fit(line, width) if cell_len(line.plain) > width else line
