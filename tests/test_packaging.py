"""A non-editable install must carry the styles: Textual resolves them from the package."""

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


def test_app_loads_the_shared_base_first():
    from pdp_tui.tui.app import PdpApp

    names = [path.name for path in PdpApp.CSS_PATH]
    assert names[0] == "base.tcss"
    assert {p.name for p in (ROOT / "styles").glob("*.tcss")} == set(names)
