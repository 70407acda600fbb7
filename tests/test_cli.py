"""The command line: admin subcommands, the demo fill, errors as one Italian line.

Most tests call ``cli.main([...])`` in-process (fast; the models then use the database the
last command opened, reconnecting on demand); a few run ``python -m pdp_tui`` as a
real subprocess to check what an operator sees: exit status, one line on stderr, no
traceback. Database tests run on an SQLite file and, when PDP_TEST_POSTGRES_URL is set,
on a fresh PostgreSQL database made for the test.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pdp_tui import cli, config, db, demo
from pdp_tui.domain import DEMO_ACCOUNTS, DEMO_STORES, SYSTEM, utcnow
from pdp_tui.services import codes, search, text
from pdp_tui.services.plans import add_months

POSTGRES_ENV = "PDP_TEST_POSTGRES_URL"
PASSWORD = "password-lunga-1"
HEAVY = ("peewee", "psycopg", "argon2", "pdp_tui.services", "pdp_tui.db", "pdp_tui.models")


# --- fixtures -----------------------------------------------------------------------


def _release_connections() -> None:
    db.release()


@pytest.fixture
def cli_env(tmp_path) -> dict[str, str]:
    """Environment for a subprocess: the developer's HOME, config and PDP_* kept out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDP_")}
    home = tmp_path / "home"
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


@pytest.fixture
def cli_db_url(db_url) -> Iterator[str]:
    """An empty database (not migrated), from conftest's ``db_url`` (SQLite and PostgreSQL);
    the connections the in-process CLI opened are given back afterwards. The SQLite file
    exists (empty): commands other than migrate and demo never make a new one."""
    if db_url.startswith("sqlite:///"):
        Path(db_url.removeprefix("sqlite:///")).touch()
    yield db_url
    _release_connections()


Run = Callable[..., tuple[int, str, str]]


class _Stdin(io.StringIO):
    def __init__(self, text: str, tty: bool):
        super().__init__(text)
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.fixture
def run(cli_db_url, capsys, monkeypatch) -> Run:
    """``run("store", "list", stdin="...")`` -> (exit status, stdout, stderr), in-process;
    ``tty=True``: stdin is a terminal (a person could be asked for a password)."""

    def call(*args: str, stdin: str = "", tty: bool = False) -> tuple[int, str, str]:
        capsys.readouterr()
        monkeypatch.setattr(sys, "stdin", _Stdin(stdin, tty))
        code = cli.main(["--db", cli_db_url, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return call


def _subprocess(
    env: dict[str, str], *args: str, stdin: str = "", detached: bool = False
) -> subprocess.CompletedProcess:
    """``detached``: in a session of its own, without a controlling terminal."""
    return subprocess.run(
        [sys.executable, "-m", "pdp_tui", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        start_new_session=detached,
    )


def _assert_one_line_error(result_code: int, err: str, fragment: str) -> None:
    assert result_code != 0
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("pdp-tui: ")
    assert fragment in lines[0]


# --- stores, users, migrate ---------------------------------------------------------


def test_migrate_reports_what_it_applied(run):
    code, out, _ = run("migrate")
    assert code == 0
    assert "Migrazioni applicate: 0001_initial" in out
    code, out, _ = run("migrate")
    assert code == 0
    assert "Nessuna migrazione da applicare" in out


def test_store_add_list_and_duplicate(run):
    assert run("store", "add", "mi01", "Milano Centro")[0] == 0
    assert run("store", "add", "RM01", "Roma Eur")[0] == 0
    code, out, _ = run("store", "list")
    assert code == 0
    assert [_cells(line) for line in out.splitlines()[1:]] == [
        ["MI01", "Milano Centro", "aperto", "—"],
        ["RM01", "Roma Eur", "aperto", "—"],
    ]
    code, _, err = run("store", "add", "MI01", "Altro")
    _assert_one_line_error(code, err, "Il negozio MI01 esiste già.")


def test_covering_add_list_retire(run):
    code, out, _ = run("covering", "add", "velluto", "Velluto")
    assert code == 0 and "Velluto" in out
    code, out, _ = run("covering", "retire", "PELLE")  # codes are read in any case
    assert code == 0 and "ritirato" in out
    code, out, _ = run("covering", "list")
    assert code == 0
    rows = [line.split() for line in out.splitlines()[1:]]
    assert ["pelle", "Pelle", "no"] in rows
    assert ["velluto", "Velluto", "sì"] in rows
    assert out.splitlines()[0].split() == ["codice", "etichetta", "in", "vendita"]

    code, _, err = run("covering", "add", "velluto", "Velluto rosso")
    _assert_one_line_error(code, err, "Il rivestimento velluto esiste già.")
    code, _, err = run("covering", "add", "Con Spazi", "X")
    _assert_one_line_error(code, err, "Codice del rivestimento")
    code, _, err = run("covering", "retire", "seta")
    _assert_one_line_error(code, err, "Rivestimento seta inesistente.")
    code, _, err = run("covering")
    assert code == 2 and "COMANDO" in err


def test_a_covering_added_from_the_shell_is_offered_for_sale(run, cli_db_url):
    from pdp_tui import db
    from pdp_tui.domain import SYSTEM
    from pdp_tui.services import catalogue

    assert run("covering", "add", "lino", "Lino")[0] == 0
    assert run("covering", "retire", "tessuto")[0] == 0
    db.open_database(cli_db_url)
    with db.session():
        offered = [c.code for c in catalogue.list_coverings(SYSTEM)]
    assert "lino" in offered and "tessuto" not in offered


def _cells(line: str) -> list[str]:
    """The cells of a printed table's line (columns are two or more spaces apart)."""
    return re.split(r"\s{2,}", line.strip())


def _user_rows(out: str) -> dict[str, list[str]]:
    header, *rows = out.splitlines()
    starts = [header.index(h) for h in ("utente", "ruolo", "negozio", "stato", "cambio")]
    table = {}
    for row in rows:
        cells = [row[a:b].strip() for a, b in zip(starts, [*starts[1:], None], strict=True)]
        table[cells[0]] = cells[1:]
    return table


def test_user_add_with_password_stdin_must_change_password(run):
    assert run("store", "add", "MI01", "Milano Centro")[0] == 0
    code, out, err = run(
        "user", "add", "Mario.Rossi", "--role", "staff", "--store", "mi01",
        "--name", "Mario Rossi", "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert code == 0, err
    assert "mario.rossi" in out
    code, out, _ = run("user", "add", "capo", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    assert code == 0

    from pdp_tui.models import User
    from pdp_tui.services import auth

    user = User.get(User.username == "mario.rossi")
    assert user.must_change_password is True
    assert auth.verify_password(auth.actor_for(user), PASSWORD)

    code, out, _ = run("user", "list")
    assert code == 0
    rows = _user_rows(out)
    assert rows["mario.rossi"][:3] == ["addetto vendite", "MI01", "attivo"]
    assert rows["mario.rossi"][3].startswith("richiesto")
    assert rows["capo"][:3] == ["amministratore", "-", "attivo"]


def test_user_add_refusals(run):
    run("migrate")
    code, _, err = run(
        "user", "add", "luigi", "--role", "staff", "--password-stdin", stdin=PASSWORD
    )
    _assert_one_line_error(code, err, "Un addetto vendite deve appartenere a un negozio.")
    code, _, err = run("user", "add", "ab", "--role", "admin", "--password-stdin", stdin="corta")
    _assert_one_line_error(code, err, "Nome utente")
    assert "almeno 10 caratteri" in err  # every field's message, on the one line
    code, _, err = run("user", "add", "luigi", "--role", "boss", "--password-stdin")
    assert code == 2
    _assert_one_line_error(code, err, "scelta non valida")
    code, _, err = run("user", "add", "luigi", "--role", "admin", "--password-stdin", stdin="")
    _assert_one_line_error(code, err, "nessuna password")


def test_user_add_prompts_twice(run, monkeypatch):
    run("migrate")
    answers = iter(["password-lunga-1", "password-lunga-2"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code, _, err = run("user", "add", "luigi", "--role", "support", tty=True)
    _assert_one_line_error(code, err, "le due password non coincidono")
    monkeypatch.setattr("getpass.getpass", lambda prompt="": PASSWORD)
    assert run("user", "add", "luigi", "--role", "support", tty=True)[0] == 0


def test_password_without_a_terminal_needs_password_stdin(run, monkeypatch):
    """Issue 9: no prompt (and no English GetPassWarning) when nobody is at a terminal."""
    run("store", "add", "MI01", "Milano Centro")
    run("user", "add", "mario", "--role", "staff", "--store", "MI01", "--password-stdin",
        stdin=PASSWORD)  # fmt: skip

    def no_prompt(prompt=""):
        raise AssertionError("getpass called without a terminal")

    monkeypatch.setattr("getpass.getpass", no_prompt)
    for command in (("user", "add", "luigi", "--role", "support"), ("user", "passwd", "mario")):
        code, out, err = run(*command, stdin=PASSWORD + "\n")
        assert code == 2
        assert out == ""
        _assert_one_line_error(code, err, "usa --password-stdin")
    assert "luigi" not in run("user", "list")[1]

    # getpass on a terminal whose echo it cannot switch off: the same refusal.
    def echoing_getpass(prompt=""):
        import getpass
        import warnings

        warnings.warn("Can not control echo on the terminal.", getpass.GetPassWarning, 2)
        return PASSWORD

    monkeypatch.setattr("getpass.getpass", echoing_getpass)
    code, _, err = run("user", "passwd", "mario", tty=True)
    assert code == 2
    _assert_one_line_error(code, err, "usa --password-stdin")


def test_user_passwd_disable_enable_unlock(run):
    run("store", "add", "MI01", "Milano Centro")
    run("user", "add", "mario", "--role", "staff", "--store", "MI01", "--password-stdin",
        stdin=PASSWORD)  # fmt: skip

    from pdp_tui.models import User
    from pdp_tui.services import auth

    User.update(locked_until=utcnow() + dt.timedelta(minutes=10), failed_logins=0).where(
        User.username == "mario"
    ).execute()
    assert _user_rows(run("user", "list")[1])["mario"][2] == "bloccato"
    assert run("user", "unlock", "mario")[0] == 0
    assert _user_rows(run("user", "list")[1])["mario"][2] == "attivo"

    assert run("user", "disable", "mario")[0] == 0
    assert _user_rows(run("user", "list")[1])["mario"][2] == "disattivato"
    assert run("user", "enable", "MARIO")[0] == 0
    assert _user_rows(run("user", "list")[1])["mario"][2] == "attivo"

    User.update(must_change_password=False).where(User.username == "mario").execute()
    code, _, err = run("user", "passwd", "mario", "--password-stdin", stdin="nuova-password-9\n")
    assert code == 0, err
    user = User.get(User.username == "mario")
    assert user.must_change_password is True
    assert auth.verify_password(auth.actor_for(user), "nuova-password-9")

    code, _, err = run("user", "passwd", "nessuno", "--password-stdin", stdin=PASSWORD)
    _assert_one_line_error(code, err, "Utente nessuno inesistente.")
    code, _, err = run("user", "disable", "nessuno")
    _assert_one_line_error(code, err, "inesistente")


def _generated(out: str, username: str) -> str:
    found = re.findall(rf"Password temporanea di {re.escape(username)}: (\S+)", out)
    assert len(found) == 1, out  # printed once
    return found[0]


def test_user_add_and_passwd_generate_a_temporary_password(run, monkeypatch):
    """Issue 10: --generate draws a strong password, prints it once, and it must be changed."""
    from pdp_tui.models import User
    from pdp_tui.services import auth

    def no_prompt(prompt=""):
        raise AssertionError("asked for a password with --generate")

    monkeypatch.setattr("getpass.getpass", no_prompt)
    run("store", "add", "MI01", "Milano Centro")
    code, out, err = run(
        "user", "add", "mario", "--role", "staff", "--store", "MI01", "--name", "Mario Rossi",
        "--generate",
    )  # fmt: skip
    assert code == 0, err
    first = _generated(out, "mario")
    assert out.count(first) == 1
    auth.check_password_policy("mario", first, full_name="Mario Rossi")
    user = User.get(User.username == "mario")
    assert user.must_change_password is True
    assert first not in user.password_hash
    assert auth.authenticate("mario", first).must_change_password

    User.update(must_change_password=False).where(User.id == user.id).execute()
    code, out, err = run("user", "passwd", "MARIO", "--generate")
    assert code == 0, err
    second = _generated(out, "mario")
    assert second != first
    assert User.get_by_id(user.id).must_change_password is True
    assert auth.authenticate("mario", second).must_change_password
    assert not auth.verify_password(auth.actor_for(User.get_by_id(user.id)), first)

    code, _, err = run("user", "passwd", "mario", "--generate", "--password-stdin")
    assert code == 2
    _assert_one_line_error(code, err, "non si usa insieme a")
    code, out, err = run("user", "passwd", "nessuno", "--generate")
    _assert_one_line_error(code, err, "Utente nessuno inesistente.")
    assert "Password temporanea" not in out


def test_user_set_role_store_and_name(run):
    run("store", "add", "MI01", "Milano Centro")
    run("store", "add", "RM01", "Roma Eur")
    run("user", "add", "mario", "--role", "staff", "--store", "MI01", "--password-stdin",
        stdin=PASSWORD)  # fmt: skip
    code, out, err = run("user", "set", "Mario", "--store", "rm01", "--name", "Mario Verdi")
    assert code == 0, err
    assert out.strip() == "Account mario: addetto vendite, negozio RM01, nome «Mario Verdi»."
    assert _user_rows(run("user", "list")[1])["mario"][:2] == ["addetto vendite", "RM01"]
    code, out, _ = run("user", "set", "mario", "--role", "support")
    assert (code, out.strip()) == (0, "Account mario: assistenza, nome «Mario Verdi».")

    code, _, err = run("user", "set", "mario")
    assert code == 2
    _assert_one_line_error(code, err, "indica almeno una modifica")
    code, _, err = run("user", "set", "mario", "--store", "MI01")
    _assert_one_line_error(code, err, "Solo gli addetti vendite appartengono a un negozio.")
    code, _, err = run("user", "set", "mario", "--role", "capo")
    assert code == 2 and "scelta non valida" in err
    code, _, err = run("user", "set", "nessuno", "--name", "X")
    _assert_one_line_error(code, err, "Utente nessuno inesistente.")

    from pdp_tui.models import AuditEvent

    kinds = [e.kind for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert kinds[-3:] == ["user_role_changed", "user_renamed", "user_role_changed"]


def test_store_rename_close_reopen(run):
    run("store", "add", "MI01", "Milano Centro")
    code, out, _ = run("store", "rename", "mi01", "Milano Duomo")
    assert (code, out.strip()) == (0, "Negozio MI01 rinominato «Milano Duomo».")
    code, out, _ = run("store", "close", "MI01")
    assert code == 0 and out.startswith("Negozio MI01 chiuso")
    listed = _cells(run("store", "list")[1].splitlines()[1])
    assert listed == ["MI01", "Milano Duomo", "chiuso", "—"]
    code, _, err = run("user", "add", "luigi", "--role", "staff", "--store", "MI01",
                       "--password-stdin", stdin=PASSWORD)  # fmt: skip
    _assert_one_line_error(code, err, "Il negozio MI01 è chiuso.")
    code, out, _ = run("store", "reopen", "MI01")
    assert code == 0 and "riaperto" in out
    assert _cells(run("store", "list")[1].splitlines()[1])[2] == "aperto"
    code, _, err = run("store", "close", "XX01")
    _assert_one_line_error(code, err, "Negozio XX01 inesistente.")
    code, _, err = run("store", "rename", "MI01", " ")
    _assert_one_line_error(code, err, "Nome del negozio: campo obbligatorio.")


def test_protection_list_and_set_validity(run):
    run("migrate")
    code, out, _ = run("protection", "list")
    assert code == 0
    assert [_cells(line)[:3] for line in out.splitlines()[1:]] == [
        ["covering", "solo rivestimento", "60"],
        ["covering_motion", "rivestimento + motion", "60"],
    ]
    code, out, err = run("protection", "set-validity", "COVERING", "36")
    assert code == 0, err
    assert out.startswith("Validità di «solo rivestimento»: 36 mesi")
    assert " 36 " in run("protection", "list")[1].splitlines()[1]
    for months in ("0", "121", "tre"):
        code, _, err = run("protection", "set-validity", "covering", months)
        _assert_one_line_error(code, err, "Validità: un numero di mesi da 1 a 120.")
    code, _, err = run("protection", "set-validity", "kasko", "12")
    _assert_one_line_error(code, err, "Tipo di protezione kasko inesistente")


def _register_plans(count: int) -> None:
    from pdp_tui.models import User
    from pdp_tui.services import auth, catalogue, plans

    staff = auth.actor_for(User.get(User.username == "mario"))
    covering = catalogue.list_coverings(staff)[0].id
    for index in range(count):
        plans.register_plan(
            staff,
            covering_id=covering,
            contract_number=f"E-{index}",
            first_name="=Mario" if index == 0 else "Anna",
            last_name="Rossi",
            protection="covering",
        )


def test_export_plans_to_stdout_and_to_a_file(run, tmp_path):
    run("store", "add", "MI01", "Milano Centro")
    run("user", "add", "mario", "--role", "staff", "--store", "MI01", "--password-stdin",
        stdin=PASSWORD)  # fmt: skip
    _register_plans(3)
    today = dt.datetime.now(config.current().zone).date()  # the users' day (Europe/Rome)

    code, out, err = run("export", "plans")
    assert code == 0, err
    assert out.startswith("\ufeffNumero contratto;Data di registrazione;Negozio;")
    lines = out.removeprefix("\ufeff").split("\r\n")
    assert lines[1].startswith("E-0;" + today.strftime("%d/%m/%Y") + ";MI01;Rossi;'=Mario;")
    assert len([line for line in lines if line]) == 4
    assert err.strip() == "Piani esportati: 3."

    target = tmp_path / "piani.csv"
    code, out, err = run("export", "plans", "-o", str(target), "--from", today.isoformat(),
                         "--to", today.strftime("%d/%m/%Y"), "--store", "mi01")  # fmt: skip
    assert (code, out) == (0, "")
    assert err.strip() == f"Piani esportati: 3 in {target}."
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfNumero contratto;")
    assert data.decode("utf-8-sig").count("\r\n") == 4
    assert not list(tmp_path.glob("*.part"))

    code, out, err = run("export", "plans", "--from", "01/01/2099")
    assert code == 0 and out.count("\r\n") == 1  # the headers only

    code, _, err = run("export", "plans", "--from", "31/02/2026")
    assert code == 2
    _assert_one_line_error(code, err, "--from: data non valida: '31/02/2026'")
    code, _, err = run("export", "plans", "--store", "XX01")
    _assert_one_line_error(code, err, "Negozio XX01 inesistente.")
    code, _, err = run("export", "plans", "-o", str(tmp_path / "manca" / "x.csv"))
    _assert_one_line_error(code, err, "errore di sistema")


def test_export_requests(run, tmp_path):
    from pdp_tui.models import User
    from pdp_tui.services import auth, service_requests

    run("store", "add", "MI01", "Milano Centro")
    run("user", "add", "mario", "--role", "staff", "--store", "MI01", "--password-stdin",
        stdin=PASSWORD)  # fmt: skip
    run("user", "add", "sara", "--role", "support", "--password-stdin", stdin=PASSWORD)
    _register_plans(2)
    support = auth.actor_for(User.get(User.username == "sara"))
    for plan in search.search_plans(support).rows:
        service_requests.open_request(support, plan.id, concerns="covering", description="Macchia")
    code, out, err = run("export", "requests", "--store", "MI01")
    assert code == 0, err
    assert out.startswith("\ufeffNumero richiesta;Data di apertura;Negozio;Numero contratto;")
    assert out.count("\r\n") == 3
    assert err.strip() == "Richieste di intervento esportate: 2."
    target = tmp_path / "richieste.csv"
    code, out, err = run("export", "requests", "-o", str(target), "--from", "01/01/2099")
    assert (code, out) == (0, "") and target.read_bytes().count(b"\r\n") == 1


def test_ctrl_c_exits_130(run, monkeypatch):
    run("migrate")

    def interrupted(prompt=""):
        raise KeyboardInterrupt

    monkeypatch.setattr("getpass.getpass", interrupted)
    code, _, err = run("user", "add", "luigi", "--role", "support", tty=True)
    assert code == 130
    assert err.strip() == "pdp-tui: interrotto."


def test_bad_setting_is_one_line(run, monkeypatch):
    monkeypatch.setenv("PDP_IDLE_LOCK_MINUTES", "presto")
    code, _, err = run("store", "list")
    _assert_one_line_error(code, err, "impostazione idle_lock_minutes (PDP_IDLE_LOCK_MINUTES)")


# --- what an operator sees: real subprocesses ---------------------------------------


def test_subprocess_errors_are_one_line_without_traceback(cli_db_url, cli_env):
    env = {**cli_env, "PDP_DATABASE_URL": cli_db_url}
    ok = _subprocess(env, "store", "add", "MI01", "Milano Centro")
    assert ok.returncode == 0, ok.stderr
    assert "MI01" in _subprocess(env, "store", "list").stdout

    duplicate = _subprocess(env, "store", "add", "MI01", "Milano Centro")
    _assert_one_line_error(duplicate.returncode, duplicate.stderr, "esiste già")

    staff = _subprocess(env, "user", "add", "luigi", "--role", "staff", "--password-stdin",
                        stdin=PASSWORD)  # fmt: skip
    _assert_one_line_error(staff.returncode, staff.stderr, "deve appartenere a un negozio")


def test_subprocess_without_a_terminal_refuses_to_prompt(cli_db_url, cli_env):
    env = {**cli_env, "PDP_DATABASE_URL": cli_db_url}
    result = _subprocess(env, "user", "add", "luigi", "--role", "admin", stdin=PASSWORD + "\n",
                         detached=True)  # fmt: skip
    assert result.returncode == 2
    _assert_one_line_error(result.returncode, result.stderr, "usa --password-stdin")
    assert "Warning" not in result.stderr and "password:" not in result.stdout.lower()


def test_subprocess_unusable_databases(cli_env):
    cases = [
        ("postgresql://postgres@127.0.0.1:1/nessuno", "database non raggiungibile"),
        ("mysql://localhost/pdp", "indirizzo del database non valido"),
        ("sqlite:///:memory:", "indirizzo del database non valido"),
    ]
    for url, fragment in cases:
        result = _subprocess(cli_env, "--db", url, "store", "list")
        assert result.returncode == 1
        _assert_one_line_error(result.returncode, result.stderr, fragment)
    usage = _subprocess(cli_env, "store")
    assert usage.returncode == 2
    _assert_one_line_error(usage.returncode, usage.stderr, "mancano argomenti obbligatori")


# --- the app entry points (the real app replaced by a recorder) ---------------------

_FAKE_APP = textwrap.dedent(
    """
    import json, sys, types
    HEAVY = {heavy!r}

    class PdpApp:
        def __init__(self, settings, demo_accounts=()):
            self.record = {{
                "url": settings.resolved_database_url,
                "demo_accounts": [a.username for a in demo_accounts],
                "heavy": sorted(
                    m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in HEAVY)
                ),
            }}

        def run(self):
            print("APP " + json.dumps(self.record))

    tui = types.ModuleType("pdp_tui.tui")
    tui.__path__ = []
    app = types.ModuleType("pdp_tui.tui.app")
    app.PdpApp = PdpApp
    sys.modules.update({{"pdp_tui.tui": tui, "pdp_tui.tui.app": app}})
    from pdp_tui import cli
    raise SystemExit(cli.main(sys.argv[1:]))
    """
).format(heavy=HEAVY)


def _fake_app(env: dict[str, str], *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", _FAKE_APP, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("APP "))
    return json.loads(line[4:])


def test_plain_app_starts_without_importing_the_database_layer(cli_env, tmp_path):
    url = f"sqlite:///{tmp_path}/app.sqlite3"
    (tmp_path / "app.sqlite3").touch()  # --db names an existing file: the app never makes one
    record = _fake_app(cli_env, "--db", url)
    assert record == {"url": url, "demo_accounts": [], "heavy": []}
    assert (tmp_path / "app.sqlite3").stat().st_size == 0  # the app opens it, in a worker


def test_demo_flag_prepares_a_separate_database_once(cli_env, tmp_path):
    record = _fake_app(cli_env, "--demo")
    path = Path(cli_env["XDG_DATA_HOME"]) / "pdp-tui" / "demo.sqlite3"
    assert record["url"] == f"sqlite:///{path}"
    assert record["demo_accounts"] == [a.username for a in DEMO_ACCOUNTS]
    db.open_database(record["url"])
    with db.session():
        from pdp_tui.models import Plan

        assert Plan.select().count() == demo.DEFAULT_CONTRACTS
        assert demo.is_demo_ready()
    _release_connections()
    _fake_app(cli_env, "--demo")  # a second start reuses it
    db.open_database(record["url"])
    with db.session():
        assert Plan.select().count() == demo.DEFAULT_CONTRACTS
    _release_connections()


# --- the demo fill ------------------------------------------------------------------


def _plans() -> list:
    from pdp_tui.models import Plan, Store, User

    return list(
        Plan.select(Plan, Store, User)
        .join(Store, on=(Plan.store == Store.id))
        .switch(Plan)
        .join(User, on=(Plan.created_by == User.id))
        .order_by(Plan.id)
    )


def test_demo_fills_realistic_searchable_plans_and_runs_twice(run):
    code, out, err = run("demo", "--contracts", "2000")
    assert code == 0, err
    for account in DEMO_ACCOUNTS:
        assert account.username in out and account.password in out
    assert "Piani creati: 2.000" in out

    from pdp_tui.models import Store, User
    from pdp_tui.services import auth

    assert {s.code for s in Store.select()} >= {code for code, _ in DEMO_STORES}
    for account in DEMO_ACCOUNTS:
        user = User.get(User.username == account.username)
        assert user.must_change_password is False
        assert auth.verify_password(auth.actor_for(user), account.password)

    plans = _plans()
    assert len(plans) == 2000
    assert len({p.activation_code for p in plans}) == 2000
    assert len({p.contract_number for p in plans}) == 2000
    now = utcnow()
    for p in plans:
        assert codes.parse_code(p.activation_code) == p.activation_code
        assert p.name_key == text.name_key(p.last_name, p.first_name)
        assert p.valid_until == add_months(p.created_at.date(), 60)
        assert now - dt.timedelta(days=740) < p.created_at < now
        assert p.contract_number == f"PDP-{p.created_at.year}-{p.contract_number[-6:]}"
        assert p.created_by.role == "staff" and p.created_by.store_id == p.store_id
    assert {p.store.code for p in plans} == {code for code, _ in DEMO_STORES}
    assert any("'" in p.last_name for p in plans)
    assert any(not p.last_name.isascii() or not p.first_name.isascii() for p in plans)

    # Searchable like any registered plan: by number, by accent- and case-free name.
    target = next(p for p in plans if "'" in p.last_name)
    page = search.search_plans(SYSTEM, text.fold(target.last_name).upper())
    # "D'Amico" also finds "Damico": the search forgives apostrophes and spaces.
    key = text.search_key(target.last_name)
    assert page.rows and all(
        text.name_key(r.last_name, r.first_name).startswith(key)
        or text.first_last_key(r.last_name, r.first_name).startswith(key)
        for r in page.rows
    )
    assert any(r.last_name == target.last_name for r in page.rows)
    page = search.search_plans(SYSTEM, target.contract_number.lower())
    assert [r.id for r in page.rows] == [target.id]

    code, out, err = run("demo", "--contracts", "300")
    assert code == 0, err
    assert "già presente" in out
    again = _plans()
    assert len(again) == 2300
    assert len({p.activation_code for p in again}) == 2300
    sequences = sorted(int(p.contract_number.rsplit("-", 1)[1]) for p in again)
    assert sequences == list(range(1, 2301))


# --- the adhesion form: the store's printer, the PDF from the shell ----------------------


def test_store_printer_set_show_clear_audited(run):
    import json as _json

    from pdp_tui.models import AuditEvent

    run("store", "add", "MI01", "Milano Centro")
    code, out, err = run("store", "printer", "mi01", "PDP-PDF")
    assert (code, err) == (0, "")
    assert out.strip() == (
        "Negozio MI01: il modulo di adesione (F9) si stampa sulla coda CUPS «PDP-PDF»."
    )
    assert run("store", "printer", "MI01")[1].strip() == "Negozio MI01: coda di stampa «PDP-PDF»."
    assert _cells(run("store", "list")[1].splitlines()[1]) == [
        "MI01", "Milano Centro", "aperto", "PDP-PDF"
    ]  # fmt: skip
    code, out, _ = run("store", "printer", "MI01", "--clear")
    assert code == 0
    assert out.strip() == (
        "Negozio MI01: nessuna stampante; F9 salva il modulo di adesione in un file."
    )
    assert run("store", "printer", "MI01")[1].strip() == (
        "Negozio MI01: nessuna stampante impostata."
    )
    events = AuditEvent.select().where(AuditEvent.kind == "store_printer_set")
    assert [_json.loads(e.detail)["after"] for e in events.order_by(AuditEvent.id)] == [
        {"queue": "PDP-PDF"},
        {"queue": None},
    ]

    code, _, err = run("store", "printer", "MI01", "X", "--clear")
    assert code == 2
    _assert_one_line_error(code, err, "indica la coda di stampa oppure --clear")
    code, _, err = run("store", "printer", "XX01", "Q")
    _assert_one_line_error(code, err, "Il negozio XX01 non esiste.")
    code, _, err = run("store", "printer", "MI01", "due parole")
    _assert_one_line_error(code, err, "Coda di stampa: fino a 127 caratteri")


def test_form_writes_the_pdf_of_a_plan(run, tmp_path, monkeypatch):
    from pdf_tools import pdf_text, qr_codes

    from pdp_tui.models import AuditEvent, Plan

    run("store", "add", "MI01", "Milano Centro")
    run("user", "add", "mario", "--role", "staff", "--store", "MI01", "--password-stdin",
        stdin=PASSWORD)  # fmt: skip
    _register_plans(1)
    row = Plan.get(Plan.contract_number == "E-0")
    code_text = codes.format_code(row.activation_code)
    monkeypatch.chdir(tmp_path)

    code, out, err = run("form", "e-0")
    assert (code, out) == (0, "")
    written = tmp_path / "E-0.pdf"
    size = f"{written.stat().st_size:,}".replace(",", ".")
    assert err.strip() == (
        f"Modulo di adesione del contratto E-0 scritto in E-0.pdf ({size} byte)."
    )
    assert code_text in pdf_text(written)
    assert qr_codes(written) == [f"PDP:E-0:{code_text}"]

    target = tmp_path / "copia.pdf"
    code, _, err = run("form", "E-0", "-o", str(target))
    assert code == 0 and target.read_bytes().startswith(b"%PDF-")
    assert str(target) in err and not list(tmp_path.glob("*.part"))
    assert AuditEvent.select().where(AuditEvent.kind == "form_made").count() == 2

    code, _, err = run("form", "E-404")
    _assert_one_line_error(code, err, "Contratto non trovato.")
