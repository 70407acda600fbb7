"""Bad configuration and a full disk: one Italian line naming what to fix, never a traceback.

Settings (config.load_settings), database URLs and SQLite files (db.make_database), the same
from a real ``pdp-tui`` process, and a disk that fills up (gateway.call) on both backends.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import peewee
import pytest

from pdp_tui import config, db
from pdp_tui.domain import SYSTEM
from pdp_tui.models import Plan
from pdp_tui.services import catalogue, gateway
from pdp_tui.services.errors import DatabaseUnavailable, DiskFull

# --- settings -------------------------------------------------------------------------------


def _load(tmp_path: Path, toml: bytes | None = None, **env: str) -> config.Settings:
    if toml is not None:
        (tmp_path / "config.toml").write_bytes(toml)
        env.setdefault("PDP_CONFIG", str(tmp_path / "config.toml"))
    return config.load_settings(env=env)


@pytest.mark.parametrize(
    ("toml", "env", "message"),
    [
        (b'timezone = "Europe/R\xf2me"\n', {}, "non è testo UTF-8 (byte 20)"),
        (b"lockout_minutes = \n", {}, "non è TOML valido (riga 1, colonna 19)"),
        (b"lockout_minutes = 1e12\n", {}, "impostazione lockout_minutes (file "),
        (b"lockout_minutes = 0\n", {}, "da 1 a 1440 minuti"),
        (b"idle_lock_minutes = nan\n", {}, "impostazione idle_lock_minutes (file "),
        (b"idle_lock_minutes = inf\n", {}, "valore non valido inf"),
        (b"idle_lock_minutes = -1\n", {}, "da 0 a 1440 minuti; 0 = mai"),
        (b"max_failed_logins = 0\n", {}, "impostazione max_failed_logins (file "),
        (b"max_failed_logins = 2.5\n", {}, "serve un numero intero"),
        (b"max_failed_logins = true\n", {}, "serve un numero intero"),
        (b"auto_migrate = 3\n", {}, "serve true o false"),
        (b'contract_number_pattern = "[A-"\n', {}, "espressione regolare non valida"),
        (b'timezone = "Europa/Roma"\n', {}, "fuso orario sconosciuto 'Europa/Roma'"),
        (b"colour = 1\n", {}, "impostazioni sconosciute (file "),
        (None, {"PDP_LOCKOUT_MINUTES": "1e12"}, "lockout_minutes (PDP_LOCKOUT_MINUTES)"),
        (None, {"PDP_IDLE_LOCK_MINUTES": "nan"}, "idle_lock_minutes (PDP_IDLE_LOCK_MINUTES)"),
        (None, {"PDP_MAX_FAILED_LOGINS": "0"}, "max_failed_logins (PDP_MAX_FAILED_LOGINS)"),
        (None, {"PDP_TIMEZONE": "UTC+1"}, "timezone (PDP_TIMEZONE)"),
        (None, {"PDP_CONTRACT_NUMBER_PATTERN": "(?P<"}, "(PDP_CONTRACT_NUMBER_PATTERN)"),
    ],
)
def test_settings_that_cannot_be_used_are_refused_naming_them(tmp_path, toml, env, message):
    with pytest.raises(config.ConfigError) as refused:
        _load(tmp_path, toml, **env)
    assert message in str(refused.value)
    if toml is not None:
        assert str(tmp_path / "config.toml") in str(refused.value)


def test_pdp_config_naming_a_missing_file_or_a_folder_is_refused(tmp_path):
    with pytest.raises(config.ConfigError, match="indicato da PDP_CONFIG non esiste"):
        config.load_settings(env={"PDP_CONFIG": str(tmp_path / "manca.toml")})
    with pytest.raises(config.ConfigError, match="è una cartella"):
        config.load_settings(env={"PDP_CONFIG": str(tmp_path)})
    # Without PDP_CONFIG a missing file at the default place is fine: defaults.
    assert config.load_settings(env={}) == config.Settings()


def test_good_settings_still_load(tmp_path):
    settings = _load(
        tmp_path,
        b"lockout_minutes = 30\nidle_lock_minutes = 0\nmax_failed_logins = 3.0\n"
        b'timezone = "Europe/London"\n',
        PDP_AUTO_MIGRATE="no",
    )
    assert (settings.lockout_minutes, settings.idle_lock_minutes) == (30, 0)
    assert settings.max_failed_logins == 3 and settings.auto_migrate is False
    assert str(settings.zone) == "Europe/London"


# --- database URLs and SQLite files -----------------------------------------------------------


def test_a_missing_sqlite_file_is_created_only_when_asked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(db.DatabaseURLError) as refused:
        db.make_database("sqlite:///nonexist/dir/x.db", create=False)
    message = str(refused.value)
    assert "nonexist/dir/x.db non esiste" in message and str(tmp_path) in message
    assert "sqlite:////dati/x.db con quattro barre è assoluto" in message
    assert "pdp-tui migrate" in message
    assert not (tmp_path / "nonexist").exists()
    with pytest.raises(db.DatabaseURLError, match="non esiste: per crearlo"):
        db.make_database(f"sqlite:///{tmp_path}/manca.db", create=False)
    # An existing file (even empty) opens as before; migrate and demo may create.
    (tmp_path / "vuoto.db").touch()
    assert db.make_database("sqlite:///vuoto.db", create=False)
    assert db.make_database("sqlite:///nonexist/dir/x.db", create=True)
    assert (tmp_path / "nonexist" / "dir").is_dir()


def test_unusable_sqlite_files_are_named(tmp_path):
    (tmp_path / "testo.db").write_text("non sono un database\n")
    (tmp_path / "cartella.db").mkdir()
    (tmp_path / "file").write_text("")
    cases = [
        (tmp_path / "testo.db", "non è un database SQLite"),
        (tmp_path / "cartella.db", "è una cartella, non un file"),
        (tmp_path / "file" / "sotto" / "x.db", "impossibile creare la cartella"),
    ]
    for path, message in cases:
        with pytest.raises(db.DatabaseURLError) as refused:
            db.make_database(f"sqlite:///{path}")
        assert message in str(refused.value) and str(
            path.parent if "creare" in message else path
        ) in str(refused.value)


# --- from a real process ------------------------------------------------------------------------


def _pdp(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PDP_")}
    root = str(Path(__file__).resolve().parents[1])
    base["PYTHONPATH"] = root + os.pathsep + base.get("PYTHONPATH", "")
    home = cwd / "home"
    base.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
                XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"),
                XDG_STATE_HOME=str(home / "state"))  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "pdp_tui", *args], env={**base, **env}, cwd=cwd,
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def _one_line(result: subprocess.CompletedProcess, *fragments: str) -> str:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("pdp-tui: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("command", [[], ["user", "list"]], ids=["app", "command"])
def test_bad_configuration_from_a_real_process(tmp_path, command):
    """The app (no command) and a command stop before the terminal is taken over."""
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'timezone = "Europe/R\xf2me"\n')
    cases = [
        ({"PDP_CONFIG": str(bad)}, [], ("non è testo UTF-8", str(bad))),
        ({"PDP_CONFIG": str(tmp_path / "manca.toml")}, [], ("manca.toml", "non esiste")),
        ({"PDP_CONFIG": str(tmp_path)}, [], ("è una cartella",)),
        ({"PDP_LOCKOUT_MINUTES": "1e12"}, [], ("lockout_minutes",)),
        ({}, ["--db", "postgresql://postgres@127.0.0.1:notaport/x"], ("porta 'notaport'",)),
        ({}, ["--db", "postgresql://postgres@[::1/x"], ("IPv6",)),
        ({}, ["--db", "sqlite:///nonexist/dir/x.db"], ("non esiste", "quattro barre")),
    ]
    for env, args, fragments in cases:
        _one_line(_pdp(env, *args, *command, cwd=tmp_path), *fragments)
    assert not (tmp_path / "nonexist").exists()


def test_unusable_sqlite_files_from_a_real_process(tmp_path):
    (tmp_path / "testo.db").write_text("ciao\n")
    result = _pdp({}, "--db", f"sqlite:///{tmp_path}/testo.db", "store", "list", cwd=tmp_path)
    _one_line(result, "testo.db non è un database SQLite")
    (tmp_path / "file").write_text("")
    result = _pdp({}, "--db", f"sqlite:///{tmp_path}/file/x.db", "migrate", cwd=tmp_path)
    _one_line(result, "impossibile creare la cartella", "esiste già un file con quel nome")
    # migrate creates what it is told to, relative paths included.
    ok = _pdp({}, "--db", "sqlite:///dati/pdp.db", "migrate", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "dati" / "pdp.db").is_file()
    listed = _pdp({}, "--db", "sqlite:///dati/pdp.db", "store", "list", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr


# --- a full disk --------------------------------------------------------------------------------


def _fill_until_full(count_before: int) -> Exception:
    from pdp_tui.models import Store

    for i in range(100_000):
        try:
            gateway.call(catalogue.add_store, SYSTEM, f"Z{i:05d}", "Negozio " + "x" * 50)
        except DatabaseUnavailable as exc:
            return exc
        except Exception as exc:  # noqa: BLE001 - anything else is the failure to report
            raise AssertionError(f"not translated: {exc!r}") from exc
    raise AssertionError(f"never full ({Store.select().count() - count_before} stores)")


def test_sqlite_disk_full_is_said_and_nothing_saved_is_lost(seed, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's own limit; PostgreSQL: test_postgres_disk_full_is_said")
    from pdp_tui.models import Store

    with db.session():
        plans_before = Plan.select().count()
        stores_before = Store.select().count()
        pages = db.database.execute_sql("PRAGMA page_count").fetchone()[0]
    db.release()
    # A page limit on every connection: SQLite then answers SQLITE_FULL, as on a full disk.
    db.database.obj._pragmas.append(("max_page_count", pages + 2))
    try:
        error = _fill_until_full(stores_before)
    finally:
        db.database.obj._pragmas.pop()
        db.release()
    assert isinstance(error, DiskFull)
    assert str(error).startswith("Disco del database pieno")
    assert "non raggiungibile" not in str(error)
    assert db.is_disk_full(error.__cause__)
    with db.session():
        assert Plan.select().count() == plans_before
        assert Store.select().count() > stores_before  # what was saved before stays
        assert db.database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_postgres_disk_full_is_said(seed, db_url):
    """PostgreSQL's disk_full (53100), as psycopg raises it and peewee wraps it."""
    if db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL only")
    import psycopg.errors

    def write_on_a_full_disk() -> None:
        with peewee.__exception_wrapper__:
            raise psycopg.errors.DiskFull('could not extend file "base/16384/2619"')

    with pytest.raises(DiskFull, match="Disco del database pieno") as said:
        gateway.call(write_on_a_full_disk)
    assert isinstance(said.value.__cause__, peewee.OperationalError)
    # The connection is usable again afterwards, and what was saved is there.
    assert gateway.call(catalogue.list_coverings, SYSTEM) == seed.coverings


def test_disk_full_from_the_command_line(monkeypatch, capsys):
    from pdp_tui import cli

    full = peewee.OperationalError(sqlite3.OperationalError("database or disk is full"))

    def handler(_args):
        raise full

    monkeypatch.setattr(cli, "parse", lambda argv: SimpleNamespace(handler=handler))
    assert cli.main([]) == 1
    err = capsys.readouterr().err
    assert err.startswith("pdp-tui: disco del database pieno") and "Traceback" not in err
