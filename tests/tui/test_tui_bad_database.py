"""An SQLite file the app cannot use, and a full disk, told in Italian on screen (issue 10):
never "errore imprevisto" nor "Database non raggiungibile"."""

from __future__ import annotations

import sqlite3

import peewee
from pilot_helpers import flat, login_staff, region_text, screen_text, type_text, wait_until

from pdp_tui.services import plans, search
from pdp_tui.tui.screens.login import LoginScreen


def login_message(app) -> str:
    return flat(region_text(app, app.screen.query_one("#login-message")))


async def test_unusable_sqlite_files_are_named_on_the_login_screen(tmp_path, make_app):
    (tmp_path / "testo.db").write_text("non sono un database\n")
    (tmp_path / "cartella.db").mkdir()
    cases = [
        ("testo.db", "non è un database SQLite"),
        ("cartella.db", "è una cartella, non un file"),
        ("manca.db", "non esiste"),
    ]
    for name, fragment in cases:
        app = make_app(database_url=f"sqlite:///{tmp_path}/{name}")
        async with app.run_test(size=(120, 30)) as pilot:
            await wait_until(pilot, lambda a=app: isinstance(a.screen, LoginScreen))
            await wait_until(pilot, lambda a=app, f=fragment: f in login_message(a), what=fragment)
            assert name in login_message(app)
            assert "imprevisto" not in screen_text(app)
    assert not (tmp_path / "manca.db").exists()


async def test_a_full_disk_on_genera_is_said_and_the_form_is_kept(
    sqlite_seed, make_app, monkeypatch
):
    def full(*_args, **_kwargs):
        with peewee.__exception_wrapper__:
            raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(plans, "register_plan", full)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await pilot.press("1", "enter")
        for text in ("FULL-1", "Mario", "Rossi"):
            await type_text(pilot, text)
            await pilot.press("enter")
        await pilot.press("1", "ctrl+g")
        await wait_until(pilot, lambda: "Disco del database pieno" in flat(screen_text(app)))
        assert "non raggiungibile" not in screen_text(app)
        assert app.screen.query_one("#first_name").value == "Mario"  # nothing typed is lost
    assert search.search_plans(sqlite_seed.staff_mi).rows == []
