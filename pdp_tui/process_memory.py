"""What one app process costs in memory: a server runs one per SSH session.

Two things, both measured with bench/sessions.py (PSS and RSS from /proc/PID/smaps_rollup):

- ``return_large_blocks()``: glibc's malloc serves blocks above its mmap threshold with
  their own mapping, given back to the system when freed, but it raises that threshold to
  the size of each such block freed (up to 32 MiB). After the warm-up's dummy argon2 hash
  the threshold stood above argon2's working memory, so the login's check took it from the
  heap, and the heap kept it: 19 MiB resident for the rest of the session, a third of it.
  A fixed threshold (glibc's default, 128 KiB) keeps every such block a mapping of its own.
- ``import_peewee_for(url)``: peewee imports psycopg (with asyncio's, email's and the
  driver's modules: about 7 MiB and 0.1 s) whenever it is installed; a process on SQLite
  never needs it.
"""

from __future__ import annotations

import sys

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
MMAP_THRESHOLD = 128 * 1024  # glibc's default, kept fixed
DRIVERS = ("psycopg", "psycopg2", "psycopg2cffi", "pymysql", "MySQLdb")


def return_large_blocks() -> bool:
    """Fix glibc's mmap threshold (Linux with glibc only); whether it was set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    except (OSError, AttributeError):  # musl, or no libc.so.6
        return False


def import_peewee_for(url: str) -> None:
    """Import peewee now, without the drivers of other databases when ``url`` is SQLite.

    The drivers stay importable afterwards (only peewee's own references are left unset),
    so a process that later opens PostgreSQL still finds psycopg... except through peewee,
    which is why this is for a process bound to one database: the app.
    """
    if "peewee" in sys.modules or not url.startswith("sqlite"):
        return
    blocked = [name for name in DRIVERS if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import peewee  # noqa: F401
    finally:
        for name in blocked:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]
