"""The store filter of the lists that see every store (support, administrator)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Select

from pdp_tui.services import catalogue

ALL_STORES = "Tutti i negozi"


class StoreFilter(Select[int]):
    """Every store (blank) or one; the stores are loaded when it is mounted, through its
    screen (a ``ServiceCalls``: keys typed meanwhile wait). Its ``Select.Changed`` is the
    screen's cue to reload; ``store_id`` is the choice."""

    def __init__(self, *, id: str) -> None:
        super().__init__([], prompt=ALL_STORES, id=id, compact=True)

    def on_mount(self) -> None:
        self.screen.call_service(
            catalogue.list_stores, self.app.actor, on_success=self._show_stores, group="stores"
        )

    def _show_stores(self, stores: list[tuple[int, str, str]]) -> None:
        self.set_options((Text(f"{code} · {name}"), store_id) for store_id, code, name in stores)

    @property
    def store_id(self) -> int | None:
        return None if self.is_blank() else int(self.value)
