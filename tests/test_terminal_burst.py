"""The real app in a real terminal (tmux, 80x24): a whole shift's keys sent in one burst.

``tmux send-keys`` with every key in one call delivers them as a terminal does when a
clerk types from the card faster than the app answers, or when SSH coalesces them: the
login, the first card, F2 and the second card. Both plans must be registered, with the
right values in the right fields.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which("tmux"), reason="tmux is not installed"),
]

STAFF = ("vendite.mi", "demo-vendite-1")  # domain.DEMO_ACCOUNTS, made by `pdp-tui demo`


class Terminal:
    """The app running in a detached 80x24 tmux session."""

    def __init__(self, base: Path) -> None:
        self.name = f"pdp-burst-{uuid.uuid4().hex[:8]}"
        self.database = base / "pdp.sqlite3"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PDP_")}
        for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_STATE_HOME", "state")):
            self.env[var] = str(base / sub)
        self.env.update(XDG_CONFIG_HOME=str(base / "config"), TERM="xterm-256color")
        self.url = f"sqlite:///{self.database}"

    def start(self) -> None:
        subprocess.run(
            [sys.executable, "-m", "pdp_tui", "demo", "--contracts", "0", "--db", self.url],
            env=self.env, check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        command = f"{sys.executable} -m pdp_tui --db {self.url}"
        subprocess.run(
            ["tmux", "new-session", "-d", "-x", "80", "-y", "24", "-s", self.name, command],
            env=self.env, check=True, timeout=30,
        )  # fmt: skip

    def screen(self) -> str:
        done = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name],
            capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
        return done.stdout

    def send(self, *keys: str) -> None:
        """One ``send-keys`` call: tmux writes all the keys to the terminal at once."""
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True, timeout=10)

    def wait_for(self, predicate, what: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}\n{self.screen()}")
            time.sleep(0.1)

    def stop(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True, check=False)

    def plans(self) -> dict[str, tuple]:
        with sqlite3.connect(self.database) as conn:
            rows = conn.execute(
                "SELECT p.contract_number, p.first_name, p.last_name, pr.code, c.code "
                "FROM plan p JOIN protection pr ON pr.id = p.protection_id "
                "JOIN covering c ON c.id = p.covering_id "
                "WHERE p.contract_number LIKE 'MI9%'"
            ).fetchall()
        return {row[0]: row[1:] for row in rows}


@pytest.fixture
def terminal(tmp_path):
    term = Terminal(tmp_path)
    term.start()
    yield term
    term.stop()


def test_login_and_two_plans_typed_ahead_in_one_burst(terminal):
    terminal.wait_for(lambda: "Nome utente" in terminal.screen(), "the login screen")
    username, password = STAFF
    terminal.send(
        username, "Enter", password, "Enter",
        "2", "Enter", "MI900005", "Enter", "Nicolò", "Enter", "D'Amico", "Enter", "2", "Enter",
        "F2", "MI900008", "Enter", "Anna", "Enter", "De Santis", "Enter", "1", "Enter",
    )  # fmt: skip
    terminal.wait_for(lambda: len(terminal.plans()) == 2, "both plans registered")
    assert terminal.plans() == {
        "MI900005": ("Nicolò", "D'Amico", "covering_motion", "pelle"),
        "MI900008": ("Anna", "De Santis", "covering", "pelle"),
    }
    terminal.wait_for(
        lambda: "MI900008" in terminal.screen() and "Codice di attivazione" in terminal.screen(),
        "the second plan's code on screen",
    )


def test_a_paste_with_colours_and_a_bell_is_a_name_and_the_next_keys_work(terminal):
    """A name pasted from a coloured terminal (bracketed paste): it lands as plain text,
    its BEL is not Ctrl+G (Genera), and the keys sent right after it are not lost."""
    terminal.wait_for(lambda: "Nome utente" in terminal.screen(), "the login screen")
    username, password = STAFF
    terminal.send(username, "Enter", password, "Enter", "1", "Enter", "MI900011", "Enter")
    terminal.wait_for(lambda: "MI900011" in terminal.screen(), "the contract number")
    subprocess.run(
        ["tmux", "set-buffer", "-b", terminal.name, "Ma\x1b[31mrio\x07"], check=True, timeout=10
    )
    subprocess.run(
        ["tmux", "paste-buffer", "-p", "-d", "-b", terminal.name, "-t", terminal.name],
        check=True, timeout=10,
    )  # fmt: skip
    terminal.send("Enter", "Rossi", "Enter", "1", "Enter")
    terminal.wait_for(lambda: "MI900011" in terminal.plans(), "the plan registered")
    assert terminal.plans()["MI900011"] == ("Mario", "Rossi", "covering", "tessuto")
