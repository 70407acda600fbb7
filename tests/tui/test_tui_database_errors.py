"""The database out of reach: an Italian message on screen, no traceback, nothing lost.

The PostgreSQL test cuts the database off for real (its role may no longer log in, live
connections terminated) in the middle of a registration, then lets it back; directly and
through PgBouncer.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest
from pilot_helpers import (
    flat,
    input_value,
    login,
    login_staff,
    region_text,
    screen_text,
    type_text,
    wait_until,
)

from pdp_tui.services.errors import DatabaseUnavailable
from pdp_tui.tui.screens.help import HelpScreen
from pdp_tui.tui.screens.login import LoginScreen
from pdp_tui.tui.widgets.code_panel import ActivationCodePanel

POSTGRES_ENV = "PDP_TEST_POSTGRES_URL"
UNREACHABLE = "postgresql://postgres@127.0.0.1:1/x"
UNAVAILABLE = str(DatabaseUnavailable())  # "Database non raggiungibile. Riprova tra poco."
NOT_SHOWN = ("Traceback", "Error", "psycopg", "peewee", "OperationalError", "127.0.0.1")


def no_technical_text(app) -> bool:
    text = screen_text(app)
    return not any(word in text for word in NOT_SHOWN)


async def test_unreachable_database_is_told_on_the_login_screen(make_app):
    app = make_app(database_url=UNREACHABLE)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(2):  # and again: the screen stays usable
            await login(pilot, "vendite.mi", "password-di-prova")
            message = app.screen.query_one("#login-message")
            await wait_until(pilot, lambda m=message: flat(region_text(app, m)) == UNAVAILABLE)
            assert UNAVAILABLE.startswith("Database non raggiungibile")
            assert isinstance(app.screen, LoginScreen) and app.actor is None
            assert no_technical_text(app)
            assert not app.screen.query_one("#password").disabled
            assert app.focused is app.screen.query_one("#password")
            assert input_value(app, "#password") == ""
            await pilot.press("ctrl+a", "ctrl+k")  # the username field is still editable
            await pilot.press("shift+tab", "ctrl+u")
            assert input_value(app, "#username") == ""
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
        assert app.is_running


# --- PostgreSQL, cut off for real ------------------------------------------------------


def set_connections(url: str, allowed: bool) -> None:
    """Let ``url``'s role log in, or not; refusing also ends its live connections.

    The role is the test's own (conftest), so other tests on the server go on undisturbed;
    through PgBouncer, its server connections end too.
    """
    import psycopg

    role = urlsplit(url).username
    with psycopg.connect(os.environ[POSTGRES_ENV], autocommit=True) as conn:
        conn.execute(f'ALTER ROLE "{role}" {"LOGIN" if allowed else "NOLOGIN"}')
        if not allowed:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE usename = %s AND pid <> pg_backend_pid()",
                (role,),
            )


def reachable(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=2) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError:
        return False
    return True


def stored_codes(url: str, contract_number: str) -> list[str]:
    """Straight from PostgreSQL (not through PgBouncer), in the schema of ``url``'s role."""
    import psycopg

    schema = urlsplit(url).username
    with psycopg.connect(os.environ[POSTGRES_ENV], autocommit=True) as conn:
        rows = conn.execute(
            f'SELECT activation_code FROM "{schema}".plan WHERE contract_number = %s',
            (contract_number,),
        ).fetchall()
    return [code for (code,) in rows]


@pytest.mark.postgres
@pytest.mark.pgbouncer
async def test_genera_while_postgres_is_cut_off_then_again_when_it_is_back(seed, db_url, make_app):
    app = make_app(database_url=db_url)
    panel = None
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await login_staff(pilot)
            await pilot.press("2", "enter")
            for text in ("PG-0001", "Mario", "Rossi"):
                await type_text(pilot, text)
                await pilot.press("enter")
            await pilot.press("1")

            set_connections(db_url, allowed=False)
            await pilot.press("enter")  # Genera
            message = app.screen.query_one("#form-message")
            await wait_until(
                pilot,
                lambda: message.content.plain == UNAVAILABLE,
                timeout=15,
                what="the message that the database is out of reach",
            )
            assert flat(region_text(app, message)) == UNAVAILABLE  # whole, at 80 columns
            panel = app.screen.query_one("#code-panel", ActivationCodePanel)
            assert panel.plan is None and not panel.display
            assert no_technical_text(app)
            assert input_value(app, "#contract_number") == "PG-0001"
            assert input_value(app, "#first_name") == "Mario"
            assert input_value(app, "#last_name") == "Rossi"
            assert app.screen.query_one("#covering").value is not None
            assert app.screen.query_one("#protection").value is not None
            assert not app.screen.query_one("#generate").disabled

            set_connections(db_url, allowed=True)
            assert stored_codes(db_url, "PG-0001") == []
            # Through PgBouncer "back" is when it logs in again (every server_login_retry).
            await wait_until(pilot, lambda: reachable(db_url), timeout=15, what="the way back")
            await pilot.press("f5")
            await wait_until(
                pilot,
                lambda: (
                    panel.plan is not None
                    or (message.content.plain == UNAVAILABLE and not app.workers._workers)
                ),
                timeout=15,
            )
            assert panel.plan is not None, flat(region_text(app, message))
            code = panel.plan.activation_code
            assert assert_code_shown(app, panel, code)
    finally:
        set_connections(db_url, allowed=True)
    assert stored_codes(db_url, "PG-0001") == [code]


def assert_code_shown(app, panel, code: str) -> bool:
    from pdp_tui.services.codes import format_code

    return " ".join(format_code(code)) in flat(region_text(app, panel))
