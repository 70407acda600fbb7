"""The rules do not depend on the UI: services (and the demo data built on them) import
neither Textual nor a screen."""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys

import pdp_tui.services

CORE = ["pdp_tui.config", "pdp_tui.db", "pdp_tui.db_bulk", "pdp_tui.domain", "pdp_tui.models"]
DEMO = ["pdp_tui.demo", "pdp_tui.demo.fill", "pdp_tui.demo.seeding", "pdp_tui.demo.synthetic"]


def service_modules() -> list[str]:
    return sorted(
        f"pdp_tui.services.{m.name}" for m in pkgutil.iter_modules(pdp_tui.services.__path__)
    )


def test_every_service_module_is_checked():
    names = service_modules()
    for expected in (
        "accounts",
        "audit",
        "auth",
        "catalogue",
        "codes",
        "errors",
        "gateway",
        "password_strength",
        "permissions",
        "plans",
        "search",
        "text",
        "forms",
        "printing",
        "signed_forms",
    ):
        assert f"pdp_tui.services.{expected}" in names


def test_services_do_not_import_textual():
    modules = CORE + service_modules() + DEMO
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual',) or m.startswith('pdp_tui.tui'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_pure_modules_do_not_import_the_database_driver():
    """codes, text, errors and domain are pure Python: usable before peewee is loaded."""
    modules = [
        "pdp_tui.domain",
        "pdp_tui.services.codes",
        "pdp_tui.services.text",
        "pdp_tui.services.errors",
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in ('peewee', 'psycopg', 'textual') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_password_estimator_loads_only_when_a_password_is_set():
    """zxcvbn costs about 0.25 s and 12 MB: not at start-up, at login or in the warm-up."""
    code = (
        "import sys\n"
        "import pdp_tui.tui.app, pdp_tui.tui.screens.login, pdp_tui.tui.screens.lock\n"
        "import pdp_tui.tui.screens.change_password, pdp_tui.tui.screens.admin_users\n"
        "from pdp_tui.services import accounts, auth, catalogue, plans, search\n"
        "auth.prepare()\n"
        "before = 'zxcvbn' in sys.modules\n"
        "try:\n"
        "    auth.check_password_policy('mario.rossi', 'password12')\n"
        "except Exception:\n"
        "    pass\n"
        "print(before, 'zxcvbn' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


PDF_LIBRARIES = ("fpdf", "segno", "fontTools", "PIL")


def test_starting_the_app_does_not_load_the_pdf_libraries():
    """fpdf2 (with fontTools and Pillow) and segno take about a second to import: they are
    loaded when a form is made, never when the app or a shell command starts."""
    modules = ["pdp_tui.cli", "pdp_tui.tui.app", *CORE, *service_modules()]
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & "
        f"set({PDF_LIBRARIES!r}))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_making_a_form_loads_them():
    code = (
        "import sys\n"
        "from pdp_tui.forms import render\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({PDF_LIBRARIES!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['PIL', 'fontTools', 'fpdf', 'segno']"


def test_an_app_on_sqlite_does_not_load_the_postgresql_driver_or_the_migration_runner():
    """What the app's warm-up imports on SQLite: no psycopg (peewee would import it, about
    7 MiB a process) and no playhouse.migrations (it imports every database flavour's
    extension); the migration runner comes only when there is something to migrate."""
    code = (
        "import sys, tempfile\n"
        "from pdp_tui.process_memory import import_peewee_for\n"
        "url = 'sqlite:///' + tempfile.mkdtemp() + '/x.sqlite3'\n"
        "import_peewee_for(url)\n"
        "import pdp_tui.tui.app\n"
        "from pdp_tui.services import accounts, auth, catalogue, gateway, plans, search\n"
        "from pdp_tui import db\n"
        "database = db.open_database(url)\n"
        "db.migration_status(database)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'psycopg', 'psycopg2'}),\n"
        "      sorted(m for m in sys.modules if m.startswith('playhouse')))\n"
        "db.migrate(database)\n"
        "print('playhouse.migrations' in sys.modules, db.migration_status(database)[0])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["[] []", "True []"]


def test_psycopg_stays_importable_after_an_sqlite_app_imported_peewee():
    code = (
        "from pdp_tui.process_memory import import_peewee_for\n"
        "import_peewee_for('sqlite:///x.sqlite3')\n"
        "import peewee, psycopg\n"
        "print(peewee.psycopg is None, psycopg.__name__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "psycopg"]


def test_the_app_fixes_the_malloc_threshold():
    """argon2's working memory is given back after each check (process_memory.py)."""
    import platform

    from pdp_tui import process_memory

    expected = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert process_memory.return_large_blocks() is expected


def test_the_app_sets_its_frame_rate_before_textual_reads_it():
    # TEXTUAL_FPS is read once, when Textual is imported: the command line must not import
    # it before run_app has set the app's rate.
    code = (
        "import importlib, pkgutil, sys\n"
        "import pdp_tui.cli, pdp_tui.cli.commands as commands\n"
        "for m in pkgutil.iter_modules(commands.__path__):\n"
        "    importlib.import_module(f'pdp_tui.cli.commands.{m.name}')\n"
        "import pdp_tui.cli.commands.app as app\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'textual'], 'textual imported'\n"
        "app.set_frame_rate()\n"
        "import textual.constants\n"
        "print(textual.constants.MAX_FPS)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 0, result.stderr
    from pdp_tui.cli.commands.app import FRAMES_PER_SECOND

    assert int(result.stdout.strip()) == FRAMES_PER_SECOND == 120
