"""A non-editable install must carry the styles (Textual resolves them from the package)
and the adhesion form's default terms."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_ships_every_stylesheet(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    (wheel,) = tmp_path.glob("pdp_tui-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"pdp_tui/styles/{path.name}" for path in (ROOT / "styles").glob("*.tcss")}
    assert expected and expected <= names
    assert "pdp_tui/tui/app.py" in names
    assert "pdp_tui/forms/condizioni.txt" in names  # the adhesion form's default terms


def test_every_stylesheet_belongs_to_a_screen_and_the_base_loads_first():
    import importlib
    import pkgutil

    from textual.screen import Screen

    import pdp_tui.tui.screens as screens
    from pdp_tui.tui.app import PdpApp
    from pdp_tui.tui.widgets import form_dialog

    assert [path.name for path in PdpApp.CSS_PATH] == ["base.tcss"]
    modules = [
        importlib.import_module(f"{screens.__name__}.{m.name}")
        for m in pkgutil.iter_modules(screens.__path__)
    ] + [form_dialog]
    used = {"base.tcss"} | {
        path.name
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, Screen) and vars(value).get("CSS_PATH")
        for path in value.CSS_PATH
    }
    assert {p.name for p in (ROOT / "styles").glob("*.tcss")} == used
