"""The session server (pdp-tui serve) and its client (attach.py), as pdp-tui-ssh uses them.

A real server process on a socket in the test's folder; each till is the attach client in a
detached 80x24 tmux pane, as sshd would start it (``python -I -S attach.py``). The app the
sessions run is the real one on an SQLite database made by ``pdp-tui demo``.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from pdp_tui.session_server import attach

ATTACH = Path(attach.__file__)
STAFF = ("vendite.mi", "demo-vendite-1")  # domain.DEMO_ACCOUNTS, made by `pdp-tui demo`
CODE_ON_SCREEN = re.compile(r"(?:[0-9A-Z] ){4}- (?:[0-9A-Z] ){4}- (?:[0-9A-Z] ){3}[0-9A-Z]")

needs_tmux = pytest.mark.skipif(not shutil.which("tmux"), reason="tmux is not installed")


# --- the request format ---------------------------------------------------------------------


def test_a_request_says_what_the_session_needs_and_nothing_is_lost():
    env = {"TERM": "vt100", "LANG": "it_IT.UTF-8", "EMPTY": "", "WITH=EQUALS": "a=b"}
    request = attach.encode_request(["--demo", ""], env, "/home/pdp è", 0o027)
    header, _, body = request.partition(b"\0")
    assert int(header) == len(body)
    env_back = {"TERM": "vt100", "LANG": "it_IT.UTF-8", "EMPTY": "", "WITH": "EQUALS=a=b"}
    assert attach.decode_request(body) == (["--demo", ""], env_back, "/home/pdp è", 0o027)


@pytest.mark.parametrize(
    "body",
    [b"", b"other\0/\0" b"22\0" b"0", b"pdp-tui-session-1\0/\0" b"22\0" b"3\0a", b"pdp-tui-session-1\0/"],
)
def test_what_is_not_a_request_is_refused(body):
    with pytest.raises(ValueError):
        attach.decode_request(body)


# --- a real server ----------------------------------------------------------------------------


class Sessions:
    """``pdp-tui serve`` on a socket in ``base``, and tills attached to it in tmux."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.socket = base / "sessions.sock"
        self.database = base / "pdp.sqlite3"
        self.url = f"sqlite:///{self.database}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("PDP_", "TMUX"))}
        for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_STATE_HOME", "state")):
            self.env[var] = str(base / sub)
        self.env.update(XDG_CONFIG_HOME=str(base / "config"), LANG="C.UTF-8")
        self.tmux = f"pdp-serve-{uuid.uuid4().hex[:8]}"
        self.server: subprocess.Popen | None = None

    def prepare(self) -> None:
        subprocess.run(
            [sys.executable, "-m", "pdp_tui", "demo", "--contracts", "0", "--db", self.url],
            env=self.env, check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    def start_server(self) -> str:
        self.server = subprocess.Popen(
            [sys.executable, "-I", "-m", "pdp_tui", "serve", "--socket", str(self.socket)],
            env=self.env, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        return self.server.stderr.readline()

    def stop_server(self) -> None:
        if self.server and self.server.poll() is None:
            self.server.terminate()
            self.server.wait(10)

    def sessions(self) -> list[int]:
        """The sessions the server forked and that are still running."""
        pid = self.server.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(c) for c in children if _alive(int(c))]

    def open(
        self, name: str, *, socket_path: Path | None = None, before: str = "", **env: str
    ) -> str:
        """A till: the attach client in a new tmux window ``name`` (after the shell commands
        ``before``); it prints its exit status."""
        socket_path = socket_path or self.socket
        variables = {
            "PDP_SESSIONS_SOCKET": str(socket_path),
            "PDP_DATABASE_URL": self.url,
            "TERM": "xterm-256color",
            **{k: self.env[k] for k in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME")},
            **env,
        }
        assignments = " ".join(f"{k}={v}" for k, v in variables.items())
        command = (
            f"{before} env -i PATH={os.environ['PATH']} {assignments} "
            f"{sys.executable} -I -S {ATTACH}; echo EXIT=$?; sleep 60"
        )
        first = subprocess.run(["tmux", "has-session", "-t", self.tmux], capture_output=True)
        verb = ["new-window", "-t", self.tmux] if first.returncode == 0 else [
            "new-session", "-d", "-x", "80", "-y", "24", "-s", self.tmux
        ]  # fmt: skip
        subprocess.run(["tmux", *verb, "-n", name, command], check=True, timeout=10)
        return f"{self.tmux}:{name}"

    def screen(self, target: str) -> str:
        done = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", target], capture_output=True, text=True
        )
        return done.stdout

    def send(self, target: str, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", target, *keys], check=True, timeout=10)

    def wait_for(self, target: str, pattern: str | re.Pattern, timeout: float = 30) -> re.Match:
        regex = re.compile(re.escape(pattern)) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        while not (match := regex.search(text := self.screen(target))):
            if time.monotonic() > deadline:
                raise AssertionError(f"{regex.pattern!r} not on screen:\n{text}")
            time.sleep(0.1)
        return match

    def plan(self, number: str) -> tuple | None:
        with sqlite3.connect(self.database) as conn:
            return conn.execute(
                "SELECT activation_code, first_name, last_name FROM plan WHERE contract_number = ?",
                (number,),
            ).fetchone()

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.tmux], capture_output=True)
        self.stop_server()


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait(condition, what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def sessions(tmp_path):
    served = Sessions(tmp_path)
    served.prepare()
    yield served
    served.close()


@pytest.mark.slow
@needs_tmux
def test_two_tills_register_plans_typed_in_one_burst_each(sessions):
    started = sessions.start_server()
    assert "in ascolto su" in started and str(sessions.socket) in started
    assert sessions.socket.stat().st_mode & 0o777 == 0o600
    tills = [sessions.open(f"till{n}") for n in (1, 2)]
    numbers = {}
    for n, till in enumerate(tills, 1):
        sessions.wait_for(till, "Nome utente")
        numbers[till] = f"MI97{n:04d}"
        sessions.send(
            till, STAFF[0], "Enter", STAFF[1], "Enter",
            "1", "Enter", numbers[till], "Enter", "Nicolò", "Enter", "D'Amico", "Enter",
            "2", "Enter",
        )  # fmt: skip
    for till in tills:
        code = re.sub(r"[\s-]", "", sessions.wait_for(till, CODE_ON_SCREEN).group(0))
        assert sessions.plan(numbers[till]) == (code, "Nicolò", "D'Amico")
    assert len(sessions.sessions()) == 2  # forked by the server, not started by the shell

    # A resize reaches the session through its client (SIGWINCH forwarded).
    subprocess.run(["tmux", "resize-window", "-t", tills[0], "-x", "100", "-y", "30"], check=True)
    sessions.wait_for(tills[0], re.compile(r"Codice di attivazione ═{70,}"))

    # Ctrl+Q ends the session; the client ends with its exit status.
    sessions.send(tills[0], "C-q")
    sessions.wait_for(tills[0], "EXIT=0")
    _wait(lambda: len(sessions.sessions()) == 1, "the first session to end")


@pytest.mark.slow
@needs_tmux
def test_a_dropped_client_ends_its_session_and_stopping_the_server_ends_none(sessions):
    sessions.start_server()
    first, second = sessions.open("first"), sessions.open("second")
    for till in (first, second):
        sessions.wait_for(till, "Nome utente")
    _wait(lambda: len(sessions.sessions()) == 2, "two sessions")
    session_of_first = sessions.sessions()

    os.kill(_client_pid(first), signal.SIGKILL)
    _wait(lambda: len(sessions.sessions()) == 1, "the dropped till's session to end")
    remaining = sessions.sessions()
    assert set(remaining) < set(session_of_first)

    sessions.stop_server()
    assert not sessions.socket.exists()
    assert _alive(remaining[0]), "stopping the server ended a running session"
    sessions.send(second, STAFF[0], "Enter", STAFF[1], "Enter")
    sessions.wait_for(second, "Genera")


def _client_pid(target: str) -> int:
    """The attach client in a pane: the shell's child."""
    shell = int(
        subprocess.run(
            ["tmux", "display-message", "-p", "-t", target, "#{pane_pid}"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    )
    children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
    return int(children[0])


@pytest.mark.slow
@needs_tmux
def test_without_a_server_the_till_gets_the_app_all_the_same(sessions):
    till = sessions.open("alone", socket_path=sessions.base / "nobody-listens.sock")
    sessions.wait_for(till, "Nome utente")
    client = _client_pid(till)
    cmdline = Path(f"/proc/{client}/cmdline").read_bytes().split(b"\0")
    assert cmdline[1:4] == [b"-I", b"-m", b"pdp_tui"]  # the client became the app
    sessions.send(till, "C-q")
    sessions.wait_for(till, "EXIT=0")


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to connect as another account")
def test_another_account_gets_no_session(sessions):
    shared = Path(tempfile.mkdtemp(prefix="pdp-serve-"))
    shared.chmod(0o755)
    sessions.socket = shared / "sessions.sock"
    sessions.start_server()
    sessions.socket.chmod(0o666)  # past the file's permissions: the server itself refuses
    nobody = pwd.getpwnam("nobody")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the other account: connects and asks as a till would
        answer = b"?"
        try:
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            with socket.socket(socket.AF_UNIX) as conn:
                conn.connect(str(sessions.socket))
                conn.sendall(attach.encode_request([], {}, "/", 0o77))
                conn.settimeout(10)
                answer = conn.recv(100) or b"closed"
        except (ConnectionResetError, BrokenPipeError):  # closed with the request unread
            answer = b"closed"
        except BaseException as exc:
            answer = repr(exc).encode()
        finally:
            os.write(write, answer)
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    assert os.read(read, 100) == b"closed"  # without a word
    os.close(read)
    assert sessions.sessions() == []
    sessions.stop_server()
    shutil.rmtree(shared, ignore_errors=True)


@pytest.mark.slow
def test_a_session_has_its_tills_environment_folder_umask_and_terminal(sessions, tmp_path):
    """The server's own code up to the app, with the app replaced by a probe that writes
    down what the session was given; the real app runs in the tests above."""
    report = tmp_path / "report.txt"
    server_code = (
        "import os, sys\n"
        "import pdp_tui.cli\n"
        "def probe(argv):\n"
        "    import textual.constants as c\n"
        f"    with open({str(report)!r}, 'w') as out:\n"
        "        out.write(repr((argv, dict(os.environ), os.getcwd(), os.umask(0),\n"
        "                        os.ttyname(0), os.getsid(0) == os.getpid(),\n"
        "                        c.COLOR_SYSTEM, c.MAX_FPS, sys.stdout.encoding)))\n"
        "    return 7\n"
        "pdp_tui.cli.main = probe\n"
        "from pdp_tui.session_server import server\n"
        f"server.serve(__import__('pathlib').Path({str(sessions.socket)!r}))\n"
    )
    env = dict(sessions.env, TEXTUAL_COLOR_SYSTEM="truecolor", SERVER_ONLY="1")
    sessions.server = subprocess.Popen(
        [sys.executable, "-c", server_code], env=env, stderr=subprocess.PIPE, text=True
    )
    sessions.server.stderr.readline()
    folder = tmp_path / "till-home"
    folder.mkdir()
    till = sessions.open(
        "probe", before=f"umask 027; cd {folder};", TEXTUAL_COLOR_SYSTEM="standard"
    )
    sessions.wait_for(till, "EXIT=7")
    argv, environ, cwd, umask, tty, leader, colors, fps, encoding = eval(report.read_text())
    assert argv == []
    assert environ["TEXTUAL_COLOR_SYSTEM"] == "standard" and colors == "standard"
    assert "SERVER_ONLY" not in environ and "PDP_SESSIONS_SOCKET" not in environ
    assert environ["PDP_DATABASE_URL"] == sessions.url
    assert fps == 120  # the app's frame rate, as pdp-tui started by sshd has it
    assert tty.startswith("/dev/pts/") and leader
    assert umask == 0o027 and cwd == str(folder)  # the till's own
    assert encoding.lower().replace("-", "") == "utf8"


def test_the_client_imports_nothing_it_does_not_need():
    """It is the one process per till that only waits: no site-packages, no pdp_tui, and
    neither socket's nor signal's Python wrappers (enum) nor json."""

    def modules(code: str) -> set[str]:
        done = subprocess.run(
            [sys.executable, "-I", "-S", "-c", f"import sys; {code}; print(list(sys.modules))"],
            capture_output=True, text=True, timeout=30, check=True,
        )  # fmt: skip
        return set(eval(done.stdout))

    run = f"exec(open({str(ATTACH)!r}).read(), {{'__name__': 'attach'}})"
    added = modules(run) - modules("import os")
    assert added <= {"_signal", "_socket", "__future__"}, added


# --- the socket -----------------------------------------------------------------------------


def test_a_socket_left_by_a_server_that_died_is_replaced(tmp_path):
    from pdp_tui.session_server import server

    path = tmp_path / "sessions.sock"
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(path))
    stale.close()  # the file stays, nobody listens
    listener = server.listen(path)
    try:
        assert path.stat().st_mode & 0o777 == 0o600
    finally:
        listener.close()


def test_a_second_server_or_a_file_in_the_way_is_one_italian_line(tmp_path):
    from pdp_tui.session_server import server

    path = tmp_path / "sessions.sock"
    listener = server.listen(path)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pdp_tui", "serve", "--socket", str(path)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 1
        assert done.stderr == f"pdp-tui: un altro server di sessioni è già in ascolto su {path}.\n"
    finally:
        listener.close()
    document = tmp_path / "notes.txt"
    document.write_text("keep me")
    with pytest.raises(server.ServerError, match="esiste e non è un socket"):
        server.listen(document)
    assert document.read_text() == "keep me"
    with pytest.raises(server.ServerError, match="socket .*: il file o la cartella non esiste"):
        server.listen(tmp_path / "missing-folder" / "sessions.sock")


def test_the_server_takes_its_settings_from_the_sessions_only():
    done = subprocess.run(
        [sys.executable, "-m", "pdp_tui", "serve", "--socket", "/tmp/x.sock", "--db", "sqlite://"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1 and "--db non vale per serve" in done.stderr
