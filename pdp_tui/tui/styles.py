"""Where the stylesheets are: ``styles/`` in a checkout, ``pdp_tui/styles`` in a wheel.

The app loads only the shared base at start; each screen names its own file, which Textual
reads the first time the screen is shown. Start-up parses one small file, not all of them.
"""

from __future__ import annotations

from pathlib import Path


def _styles_dir() -> Path:
    package = Path(__file__).resolve().parent.parent
    packaged = package / "styles"  # inside an installed wheel
    return packaged if packaged.is_dir() else package.parent / "styles"


STYLES = _styles_dir()


def stylesheet(name: str) -> list[Path]:
    """The CSS_PATH of a screen whose rules are in ``styles/<name>.tcss``."""
    return [STYLES / f"{name}.tcss"]
