"""The commands, one module per job. Each has ``register(commands)``, which adds its
commands to the parser (see parser.Commands), and the handlers they run.

Handlers import peewee, the services and the app inside their body: at module level only
the standard library, config, domain and pdp_tui.cli, so that the plain app starts fast.
"""

from __future__ import annotations

from pdp_tui.cli.commands import (
    app,
    audit,
    covering,
    db,
    demo,
    export,
    form,
    migrate,
    protection,
    serve,
    store,
    user,
)

# In the order of `pdp-tui --help`.
MODULES = (
    app,
    migrate,
    store,
    covering,
    protection,
    user,
    export,
    form,
    audit,
    db,
    serve,
    demo,
)
