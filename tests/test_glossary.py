"""No insurance vocabulary in anything a user reads (see GLOSSARY.md).

A Piano di Protezione is an assistance service sold for a flat fee, not insurance. This
scans every user-visible text file: the package (screens, messages, exports, CLI help),
the styles, the README and the package metadata. The tests themselves are not scanned.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pdp_tui.forms import DEFAULT_TERMS_PATH

ROOT = Path(__file__).resolve().parent.parent

AVOID = [
    # Italian
    r"\bassicura\w*",  # assicurazione, assicurativo, assicurato, assicurare
    r"\bpolizz\w*",
    r"\bsinistr\w*",
    r"\bindennizz\w*",
    r"\brisarci\w*",
    r"\brimbors\w*",
    r"\bmassimal\w*",
    r"\bfranchigi\w*",
    r"\bcontraente\b",
    r"\bbeneficiari\w*",
    r"\bkasko\b",
    r"\bperit[oi]\b",
    r"\bliquidazion\w*",
    r"\bcopertur[ae]\b",
    r"estensione\s+di\s+garanzia",
    # English
    r"\binsuran\w*",
    r"\binsured\b",
    r"\bunderwrit\w*",
    r"\bdeductibles?\b",
    r"(?<!password )\bpolic(?:y|ies)\b",  # a "password policy" is fine
]
PATTERN = re.compile("|".join(f"(?:{p})" for p in AVOID), re.IGNORECASE)
TEXT_SUFFIXES = {".py", ".tcss", ".md", ".txt", ".toml", ".json", ".csv", ".html", ".j2"}


def user_visible_files(root: Path) -> list[Path]:
    files = [root / "README.md", root / "pyproject.toml"]
    for folder in (root / "pdp_tui", root / "styles"):
        files += [
            p
            for p in folder.rglob("*")
            if p.is_file() and p.suffix in TEXT_SUFFIXES and "__pycache__" not in p.parts
        ]
    return sorted(p for p in files if p.is_file() and "tests" not in p.relative_to(root).parts)


def scan(paths: list[Path]) -> list[str]:
    """``path:line: word`` for every word to avoid."""
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            for match in PATTERN.finditer(line):
                found.append(f"{path}:{number}: {match.group(0)!r}")
    return found


def test_no_insurance_vocabulary_in_user_visible_files():
    files = user_visible_files(ROOT)
    names = {p.relative_to(ROOT).as_posix() for p in files}
    assert "README.md" in names
    assert "pdp_tui/services/plans.py" in names
    # The terms printed on every adhesion form by default (what the customer signs), and
    # the module that draws the form's own words.
    assert DEFAULT_TERMS_PATH.relative_to(ROOT).as_posix() in names
    assert "pdp_tui/forms/render.py" in names
    assert any(n.startswith("pdp_tui/") and n.endswith(".py") for n in names)
    if (ROOT / "styles").is_dir():
        assert any(n.startswith("styles/") and n.endswith(".tcss") for n in names)
    assert scan(files) == []


@pytest.mark.parametrize(
    "planted",
    [
        'TITLE = "Nuova Polizza"',
        "msg = f'Il cliente è assicurato fino al {data}'",
        "# apri un sinistro",
        "Label { content: 'Massimale'; }",
        "Il contraente firma",
        "i BENEFICIARI del piano",
        "Copertura kasko",
        "chiama il perito",
        "è un'estensione  di garanzia",
        "Extended insurance",
        "the insured sofa",
        "print('plan policy')",
        "Policies are",
        "niente franchigia",
        "indennizzo e risarcimento",
        "rimborso",
    ],
)
def test_scanner_catches_a_planted_word(tmp_path, planted):
    for name in ("README.md", "pdp_tui/tui/screens/planted.py", "styles/planted.tcss"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"riga innocua\n{planted}\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[project]\n", encoding="utf-8")
    files = user_visible_files(tmp_path)
    assert len(files) == 4
    found = scan(files)
    assert len(found) >= 3, found
    assert all(":2: " in f for f in found)


def test_scanner_leaves_ordinary_words_alone(tmp_path):
    path = tmp_path / "ok.py"
    path.write_text(
        "rivestimento, solo rivestimento, rivestimento + motion\n"
        "Premi Invio per confermare; premi F1 per l'aiuto\n"
        "check_password_policy(username, password)  # the password policy\n"
        "sicuro, sicurezza, garanzia legale di conformità, assistenza, corrispettivo\n"
        "Contratto, contrattuale, perimetro, superiore, peritoneo\n",
        encoding="utf-8",
    )
    assert scan([path]) == []


def test_tests_folder_is_not_scanned(tmp_path):
    (tmp_path / "pdp_tui" / "tests").mkdir(parents=True)
    (tmp_path / "pdp_tui" / "tests" / "x.py").write_text("polizza\n", encoding="utf-8")
    assert user_visible_files(tmp_path) == []
