"""Every sentence an operator or a user reads is Italian: an AST scan of pdp_tui/.

What counts as user-visible: the strings passed to ``notify``, to the errors that reach a
screen or the shell (``ValidationError``, ``ServiceError`` and its kinds, ``CliError``,
``ConfigError``, ``DatabaseURLError``, argparse's ``ArgumentTypeError``, ``ValueError`` in
services/ whose message a field shows), to widgets' text (``Label``, ``Static``, ``Button``,
a ``Binding``'s description, ``help=`` of an argument), to ``print_error``; the values of the
``MESSAGES`` dicts; and the module-level text constants of cli/messages.py and of the screens.
Each is checked for common English words ("error", "invalid", "not found", "must",
"cannot", "failed"...). f-strings are checked on their literal parts.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "pdp_tui"

ENGLISH = re.compile(
    r"\b(?:error|errors|invalid|not found|must|cannot|can't|could not|unable|failed|failure|"
    r"please|unsupported|unknown|missing|required|warning|denied|should|the|you|your|"
    r"try again|not allowed|forbidden|already exists|does not exist|is not|are not)\b",
    re.IGNORECASE,
)

# {error}, %(prog)s: filled in at run time (driver details stay as the driver wrote them).
PLACEHOLDERS = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sdr]")

# Calls whose positional string arguments are shown as they are.
TEXT_CALLS = {
    "notify",
    "ValidationError",
    "ServiceError",
    "PermissionDenied",
    "NotFound",
    "DatabaseUnavailable",
    "SessionEnded",
    "CodeFormatError",
    "FormUnavailable",
    "PrintRefused",
    "CliError",
    "ConfigError",
    "DatabaseURLError",
    "ArgumentTypeError",
    "print_error",
    "Label",
    "Static",
    "Button",
    "show_problem",
}
# Keyword arguments shown to people, whatever the call.
TEXT_KEYWORDS = {"help", "description", "title", "placeholder", "tooltip", "message"}
# Modules whose module-level UPPER_CASE string constants are all text for people.
TEXT_MODULES = ("cli/messages.py", "tui/screens/", "tui/widgets/", "tui/messages.py")
# Module-level constants there that are not text (key names, CSS, identifiers).
NOT_TEXT = re.compile(r"CSS|_ID$|_IDS$|KEYS?$|BINDINGS|PATTERN|_RE$|FORMAT|ARGPARSE$")


def _strings(node: ast.AST) -> list[str]:
    """The literal text in an expression: constants, f-string parts, both sides of %, +,
    conditional expressions, dict values and tuple items."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value for v in node.values if isinstance(v, ast.Constant))]
    if isinstance(node, ast.BinOp):
        return _strings(node.left) + _strings(node.right)
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    if isinstance(node, (ast.Tuple, ast.List)):
        return [s for item in node.elts for s in _strings(item)]
    if isinstance(node, ast.Dict):
        return [s for value in node.values for s in _strings(value)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "format":  # "…{x}…".format(x=…)
            return _strings(node.func.value)
    return []


def _name(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def user_visible_strings() -> list[tuple[str, int, str]]:
    found: list[tuple[str, int, str]] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        in_services = relative.startswith("services/")
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = _name(node.func)
                if name in TEXT_CALLS or (in_services and name == "ValueError"):
                    for arg in node.args:
                        found += [(relative, node.lineno, s) for s in _strings(arg)]
                if name == "Binding" and len(node.args) >= 3:
                    found += [(relative, node.lineno, s) for s in _strings(node.args[2])]
                for keyword in node.keywords:
                    if keyword.arg in TEXT_KEYWORDS:
                        found += [(relative, node.lineno, s) for s in _strings(keyword.value)]
        for node in tree.body:
            if not isinstance(node, (ast.Assign, ast.AnnAssign)):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if not names or node.value is None:
                continue
            if "MESSAGES" in names or (
                relative.startswith(TEXT_MODULES)
                and all(n.isupper() and not NOT_TEXT.search(n) for n in names)
            ):
                found += [(relative, node.lineno, s) for s in _strings(node.value)]
    return found


def test_the_scan_finds_the_texts_it_is_meant_to():
    texts = {text for _, _, text in user_visible_strings()}
    assert len(texts) > 200
    assert "interrotto." in texts  # cli/messages.py
    assert any("fuori dall'intervallo ammesso" in t for t in texts)  # config.MESSAGES
    assert any("non è un database SQLite" in t for t in texts)  # database_url.MESSAGES
    assert any("deve contenere almeno una lettera" in t for t in texts)  # services/text.py
    assert ENGLISH.search("Invalid value") and ENGLISH.search("user not found")
    assert not ENGLISH.search("Errore del database: il file non è valido")


def test_no_english_in_user_visible_strings():
    english = [
        f"{path}:{line}: {text!r}"
        for path, line, text in user_visible_strings()
        if ENGLISH.search(PLACEHOLDERS.sub(" ", text))
    ]
    assert english == [], "\n".join(english)
