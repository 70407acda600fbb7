"""Database URLs and SQLite files, checked with the standard library only.

The CLI checks the URL before the app takes the terminal over (without importing peewee,
see cli/__init__.py on start-up speed); ``db.make_database`` checks it again before it opens
anything. Each refusal is one Italian line that names the URL part or the file to fix.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

from pdp_tui.config import os_error_text

# What an operator reads (the CLI after "pdp-tui: ", the app on the login screen).
MESSAGES = {
    "sqlite_needs_file": "indirizzo del database non valido: SQLite richiede il percorso di un "
    "file, es. sqlite:////percorso/assoluto/pdp.sqlite3 (quattro barre: percorso assoluto).",
    "unsupported": "indirizzo del database non valido ({scheme}): usa sqlite:////percorso/"
    "pdp.sqlite3 oppure postgresql://utente@host:5432/nome.",
    "bad_port": "indirizzo del database non valido: la porta {port!r} non è un numero da 1 a "
    "65535 (es. postgresql://utente@host:5432/nome).",
    "bad_host": "indirizzo del database non valido: host non leggibile (un indirizzo IPv6 va "
    "tra parentesi quadre: postgresql://utente@[::1]:5432/nome).",
    "no_database_name": "indirizzo del database non valido: manca il nome del database "
    "(postgresql://utente@host:5432/nome).",
    "missing": "il database SQLite {path} non esiste{relative}: per crearlo esegui «pdp-tui "
    "migrate --db URL», oppure correggi l'indirizzo.",
    "relative": " (percorso relativo alla cartella {cwd}: sqlite:///dati/x.db è relativo, "
    "sqlite:////dati/x.db con quattro barre è assoluto)",
    "is_directory": "il database SQLite {path} è una cartella, non un file: correggi l'indirizzo.",
    "not_sqlite": "il file {path} non è un database SQLite: correggi l'indirizzo o ripristina "
    "il file da una copia.",
    "cannot_create_folder": "impossibile creare la cartella {path} del database: {error}.",
    "cannot_read": "il database SQLite {path} non si può aprire: {error}.",
}
_SQLITE_HEADER = b"SQLite format 3\x00"
SCHEMES = ("sqlite", "postgres", "postgresql")


class DatabaseURLError(ValueError):
    """The database URL (or the file it names) cannot be used. ``str(exc)`` is one Italian
    line that says what to fix."""


def check_url(url: str) -> str:
    """The URL's scheme, once its form is usable (port, host, a file or a database name)."""
    try:
        parsed = urlparse(url)
        try:
            port = parsed.port
        except ValueError as exc:
            netloc = parsed.netloc.rsplit("@", 1)[-1]
            raise DatabaseURLError(
                MESSAGES["bad_port"].format(port=netloc.rsplit(":", 1)[-1])
            ) from exc
    except DatabaseURLError:
        raise
    except ValueError as exc:  # urllib: "Invalid IPv6 URL" and the like
        raise DatabaseURLError(MESSAGES["bad_host"]) from exc
    if parsed.scheme not in SCHEMES:
        raise DatabaseURLError(MESSAGES["unsupported"].format(scheme=parsed.scheme or url))
    if port == 0:
        raise DatabaseURLError(MESSAGES["bad_port"].format(port="0"))
    if parsed.scheme == "sqlite":
        if parsed.path[1:] in ("", ":memory:"):
            # Each worker thread would see a different, empty in-memory database.
            raise DatabaseURLError(MESSAGES["sqlite_needs_file"])
    elif not parsed.path[1:]:
        raise DatabaseURLError(MESSAGES["no_database_name"])
    return parsed.scheme


def sqlite_path(url: str, *, create: bool) -> Path:
    """The SQLite file of ``url``, checked: an existing SQLite file (or an empty one), or a
    new one where ``create`` allows it (its folder made).

    ``sqlite:///dati/x.db`` is relative to the current folder, ``sqlite:////dati/x.db``
    absolute (as in SQLAlchemy and peewee).
    """
    path = Path(urlparse(url).path[1:]).expanduser()
    if path.is_dir():
        raise DatabaseURLError(MESSAGES["is_directory"].format(path=path))
    if path.exists():
        try:
            with path.open("rb") as fh:
                header = fh.read(len(_SQLITE_HEADER))
        except OSError as exc:
            raise DatabaseURLError(
                MESSAGES["cannot_read"].format(path=path, error=os_error_text(exc))
            ) from exc
        if header and header != _SQLITE_HEADER:
            raise DatabaseURLError(MESSAGES["not_sqlite"].format(path=path))
        return path
    if not create:
        relative = "" if path.is_absolute() else MESSAGES["relative"].format(cwd=os.getcwd())
        raise DatabaseURLError(MESSAGES["missing"].format(path=path, relative=relative))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseURLError(
            MESSAGES["cannot_create_folder"].format(path=path.parent, error=os_error_text(exc))
        ) from exc
    return path


def check(url: str, *, create: bool) -> None:
    """Refuse, before the app starts, a URL or SQLite file it could not use."""
    if check_url(url) == "sqlite":
        sqlite_path(url, create=create)
