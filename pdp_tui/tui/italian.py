"""Italian for what Textual's own widgets show: key names and their bindings' descriptions.

The footer and the help (F1) name keys as they are pressed ("c", "Esc", "Ctrl+N", "F2")
and describe the bindings of library widgets (the open list of a Select, the command
palette) in Italian. Texts the library draws itself are in ``palette.py`` (command
palette) and ``app.py`` (the Ctrl+C notice).
"""

from __future__ import annotations

from textual.binding import Binding

KEY_NAMES = {
    "escape": "Esc",
    "enter": "Invio",
    "tab": "Tab",
    "shift+tab": "Maiusc+Tab",
    "space": "Spazio",
    "pagedown": "PgGiù",
    "pageup": "PgSu",
    "home": "Inizio",
    "end": "Fine",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "delete": "Canc",
    "backspace": "Backspace",
}
# Descriptions of the bindings of Textual's widgets that can reach the footer or the help.
LIBRARY_DESCRIPTIONS = {
    "Dismiss menu": "Chiudi l'elenco",
    "Show menu": "Apri l'elenco",
    "Exit the command palette": "Chiudi i comandi",
    "Open link": "Apri il collegamento",
    "Select": "Scegli",
    "Down": "Giù",
    "Up": "Su",
}


def key_label(key: str) -> str:
    """A key as people press it: ``ctrl+n`` -> ``Ctrl+N``, ``f2`` -> ``F2``, ``c`` -> ``c``,
    ``escape`` -> ``Esc``."""
    key = key.strip()
    if key in KEY_NAMES:
        return KEY_NAMES[key]
    *modifiers, name = key.split("+")
    if modifiers:
        parts = [{"ctrl": "Ctrl", "shift": "Maiusc", "alt": "Alt"}.get(m, m) for m in modifiers]
        return "+".join([*parts, KEY_NAMES.get(name, name.upper() if len(name) == 1 else name)])
    if len(name) > 1 and name[0] == "f" and name[1:].isdigit():
        return name.upper()
    return name


def binding_keys(binding: Binding) -> list[str]:
    """The keys of a binding, each once, as pressed (``"c,C"`` is just ``c``: both cases are
    bound so that Caps Lock does not matter)."""
    labels: list[str] = []
    for key in binding.key.split(","):
        label = key_label(key)
        if label.lower() not in (known.lower() for known in labels):
            labels.append(label)
    return labels


def key_display(binding: Binding) -> str:
    """The footer's short form: the binding's own ``key_display`` or its first key."""
    return binding.key_display or binding_keys(binding)[0]


def description(binding: Binding) -> str:
    return LIBRARY_DESCRIPTIONS.get(binding.description, binding.description)
