"""pdp-tui served over SSH, end to end, as deploy/ssh/ describes it.

A real OpenSSH server listens on 127.0.0.1 (free port, its own host key and config in a
temporary directory) with the Match block of deploy/ssh/sshd_config.pdp-tui, whose
ForceCommand runs deploy/ssh/pdp-tui-ssh and so the real ``pdp-tui`` on an SQLite database
filled here by ``pdp-tui demo``. A real ``ssh -tt`` client runs in a detached tmux pane of
80x24 (tmux is the terminal: it draws the screen we read and turns key names into bytes).

The account is the user running the tests (root in CI: PermitRootLogin prohibit-password),
authenticated by a key made for the test. openssh-server, openssh-client and tmux are
installed with apt-get when missing; the tests are skipped only if that fails.

Every test runs twice: with the app started by the wrapper ("direct"), and with the session
server ("served": ``pdp-tui serve`` running, PDP_SESSIONS_SOCKET on the ForceCommand line,
the wrapper starting deploy/ssh/pdp-tui-attach, the session forked by the server).
"""

from __future__ import annotations

import getpass
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy" / "ssh"
STAFF = ("vendite.mi", "demo-vendite-1")  # domain.DEMO_ACCOUNTS, made by `pdp-tui demo`
CODE_ON_SCREEN = re.compile(r"(?:[0-9A-Z] ){4}- (?:[0-9A-Z] ){4}- (?:[0-9A-Z] ){3}[0-9A-Z]")
SSHD = "/usr/sbin/sshd"


# --- tools ------------------------------------------------------------------------------


def _missing_tools() -> list[str]:
    wanted = {"openssh-server": SSHD, "openssh-client": "ssh", "tmux": "tmux"}
    return [
        package
        for package, tool in wanted.items()
        if not (os.access(tool, os.X_OK) if tool.startswith("/") else shutil.which(tool))
    ]


def _apt_install(packages: list[str]) -> str | None:
    """Install ``packages``; None on success, else why not."""
    if not shutil.which("apt-get"):
        return "apt-get not available"
    if os.geteuid() != 0:
        return "not root: cannot apt-get install"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = ["apt-get", "install", "-y", "--no-install-recommends", *packages]
    try:
        done = subprocess.run(install, env=env, capture_output=True, timeout=240)
        if done.returncode != 0:  # stale or missing package lists: refresh once
            subprocess.run(["apt-get", "update"], env=env, capture_output=True, timeout=240)
            done = subprocess.run(install, env=env, capture_output=True, timeout=240)
    except subprocess.TimeoutExpired:
        return "apt-get timed out"
    if done.returncode != 0:
        return done.stderr.decode(errors="replace").strip().splitlines()[-1:]
    return None


def _ensure_tools() -> None:
    missing = _missing_tools()
    if missing:
        failure = _apt_install(missing)
        if failure or _missing_tools():
            pytest.skip(f"cannot install {', '.join(missing)}: {failure}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pdp_tui() -> str:
    script = Path(sys.executable).with_name("pdp-tui")
    assert script.exists(), f"pdp-tui is not installed next to {sys.executable}"
    return str(script)


# --- the server -------------------------------------------------------------------------


class Server:
    """sshd with the deploy snippet, and what a test needs to reach and check it."""

    def __init__(self, base: Path, served: bool = False) -> None:
        self.base = base
        self.served = served
        self.sessions_socket = base / "sessions.sock"
        self.session_server: subprocess.Popen | None = None
        self.user = getpass.getuser()
        self.port = _free_port()
        self.database = base / "pdp.sqlite3"
        self.config = base / "pdp-config.toml"
        self.client_key = base / "client_key"
        self.log = base / "sshd.log"
        self.process: subprocess.Popen | None = None
        # The app's log and data files stay in the test's directory, not in the user's HOME.
        self.xdg = {
            var: str(base / "home" / sub)
            for var, sub in (
                ("XDG_STATE_HOME", "state"),
                ("XDG_DATA_HOME", "data"),
                ("XDG_CONFIG_HOME", "config"),
                ("XDG_CACHE_HOME", "cache"),
            )
        }

    def prepare(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PDP_")}
        env.update(self.xdg, PDP_CONFIG=str(self.config))
        url = f"sqlite:///{self.database}"
        self.config.write_text(f'database_url = "{url}"\n')  # PDP_CONFIG must name a file
        subprocess.run(
            [_pdp_tui(), "demo", "--contracts", "20", "--db", url],
            env=env, check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        host_key = self.base / "host_key"
        for key in (host_key, self.client_key):
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True
            )
        authorized = self.base / "authorized_keys"
        authorized.write_text(Path(f"{self.client_key}.pub").read_text())
        authorized.chmod(0o600)
        # The deploy snippet, for this user, this wrapper and these files.
        snippet = (DEPLOY / "sshd_config.pdp-tui").read_text()
        snippet = snippet.replace("Match User pdp", f"Match User {self.user}")
        # The app's files stay here: given by the operator on the ForceCommand line, the only
        # variables that reach the app besides the wrapper's allow-list.
        operator = dict(self.xdg)
        if self.served:
            operator["PDP_SESSIONS_SOCKET"] = str(self.sessions_socket)
        operator_env = " ".join(f"{k}={v}" for k, v in operator.items())
        snippet = re.sub(
            r"ForceCommand .*",
            f"ForceCommand {DEPLOY / 'pdp-tui-ssh'} {self.config} {_pdp_tui()} {operator_env}",
            snippet,
        )
        snippet = re.sub(r"AuthorizedKeysFile .*", f"AuthorizedKeysFile {authorized}", snippet)
        assert f"Match User {self.user}" in snippet and str(authorized) in snippet
        main = [
            f"Port {self.port}",
            "ListenAddress 127.0.0.1",
            f"HostKey {host_key}",
            f"PidFile {self.base / 'sshd.pid'}",
            "UsePAM no",
            "StrictModes no",  # the files live in a temporary directory
            "PermitRootLogin prohibit-password",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            # Whatever the client sends is accepted here: the wrapper must keep it out.
            "AcceptEnv *",
            "LogLevel VERBOSE",
        ]
        (self.base / "sshd_config").write_text("\n".join(main) + "\n\n" + snippet)

    def start(self) -> None:
        if self.served:
            python = Path(_pdp_tui()).with_name("python")
            self.session_server = subprocess.Popen(
                [str(python), "-I", "-m", "pdp_tui", "serve", "--socket", str(self.sessions_socket)],
                env={"PATH": os.environ["PATH"], "LANG": "C.UTF-8", **self.xdg},
                stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            assert "in ascolto" in self.session_server.stderr.readline()
        if os.geteuid() == 0:
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        config = self.base / "sshd_config"
        check = subprocess.run([SSHD, "-t", "-f", str(config)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("wb"),
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"sshd did not listen: {self.log.read_text()}")

    def stop(self) -> None:
        if self.session_server and self.session_server.poll() is None:
            self.session_server.terminate()
            self.session_server.wait(10)
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def ssh_command(self, term: str, extra_env: dict[str, str] | None = None) -> str:
        env = " ".join(f"{k}={v}" for k, v in {"TERM": term, **(extra_env or {})}.items())
        send_env = " ".join(f"-o SendEnv={k}" for k in extra_env or {})
        return (
            f"exec env {env} ssh -tt -F /dev/null -i {self.client_key} -p {self.port} "
            "-o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
            f"-o LogLevel=ERROR -o ServerAliveInterval=5 {send_env} {self.user}@127.0.0.1"
        )

    def app_processes(self) -> list[int]:
        """pids of the apps running for this server: the pdp-tui processes the wrapper
        started (PDP_CONFIG is ours), or the sessions the session server forked."""
        if self.served:
            pid = self.session_server.pid
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            return [int(child) for child in children if _not_zombie(int(child))]
        return self._started_by_wrapper()

    def app_given(self) -> tuple[dict[str, str], list[bytes]]:
        """The environment and command line the wrapper gave the one app running: the
        app's own, or the attach client's, which hands its environment to the session
        whole (tests/test_session_server.py checks that)."""
        pids = self._started_by_wrapper()
        assert len(pids) == 1, pids
        environ = dict(
            item.split("=", 1)
            for item in Path(f"/proc/{pids[0]}/environ").read_text().split("\0")
            if "=" in item
        )
        return environ, Path(f"/proc/{pids[0]}/cmdline").read_bytes().split(b"\0")

    def _started_by_wrapper(self) -> list[int]:
        mine = f"PDP_CONFIG={self.config}".encode()
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                environ = (entry / "environ").read_bytes().split(b"\0")
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            app = b"pdp-tui" in cmdline or b"pdp_tui" in cmdline
            if mine in environ and app and b"ssh " not in cmdline.replace(b"\0", b" "):
                pids.append(int(entry.name))
        return pids

    def query(self, sql: str, *params: object) -> list[tuple]:
        with sqlite3.connect(self.database) as conn:
            return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module", params=["direct", "served"])
def server(request, tmp_path_factory) -> Server:
    _ensure_tools()
    srv = Server(tmp_path_factory.mktemp("ssh"), served=request.param == "served")
    srv.prepare()
    srv.start()
    yield srv
    srv.stop()


# --- the terminal -------------------------------------------------------------------------


class Terminal:
    """A detached tmux pane of 80x24 running one command."""

    def __init__(self, command: str, cwd: Path) -> None:
        self.socket = f"pdp-test-{uuid.uuid4().hex[:8]}"
        self._tmux(
            "-f", "/dev/null", "new-session", "-d", "-x", "80", "-y", "24", "-s", "t",
            "-c", str(cwd), command,
        )  # fmt: skip
        self._tmux("set-option", "-t", "t", "remain-on-exit", "on")

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=10
        )
        if done.returncode != 0:
            raise RuntimeError(f"tmux {args[0]}: {done.stderr.strip()}")
        return done.stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "t")

    def wait_for(self, pattern: str | re.Pattern, timeout: float = 20.0) -> re.Match:
        regex = re.compile(re.escape(pattern)) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            match = regex.search(text)
            if match:
                return match
            if time.monotonic() > deadline:
                raise AssertionError(f"{regex.pattern!r} not on screen:\n{text}")
            time.sleep(0.1)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", "t", "-l", text)

    def press(self, *keys: str) -> None:
        for key in keys:
            self._tmux("send-keys", "-t", "t", key)
            time.sleep(0.25)  # Enter moves the focus by a message: let it land

    def field(self, text: str) -> None:
        self.type(text)
        self.press("Enter")

    def client_pid(self) -> int:
        return int(self._tmux("display-message", "-p", "-t", "t", "#{pane_pid}").strip())

    def dead(self) -> bool:
        return self._tmux("display-message", "-p", "-t", "t", "#{pane_dead}").strip() == "1"

    def close(self) -> None:
        try:
            self._tmux("kill-server")
        except RuntimeError:
            pass


@pytest.fixture
def terminal(server, tmp_path):
    opened: list[Terminal] = []

    def open_terminal(term: str = "xterm-256color", **env: str) -> Terminal:
        opened.append(Terminal(server.ssh_command(term, env), tmp_path))
        return opened[-1]

    yield open_terminal
    for t in opened:
        t.close()


def _log_in(term: Terminal, user: tuple[str, str] = STAFF) -> None:
    term.wait_for("Accesso", timeout=30)
    term.field(user[0])
    term.field(user[1])


def _wait_gone(server: Server, pids: list[int], timeout: float = 8.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if Path(f"/proc/{pid}").exists() and _not_zombie(pid)]
        if not alive:
            return []
        time.sleep(0.1)
    return alive


def _not_zombie(pid: int) -> bool:
    try:
        return " Z " not in Path(f"/proc/{pid}/stat").read_text().split(")", 1)[1][:4]
    except OSError:
        return False


# --- tests --------------------------------------------------------------------------------


def test_register_a_plan_over_ssh(server, terminal):
    term = terminal()
    _log_in(term)
    term.wait_for("Genera", timeout=30)
    term.wait_for("1 ", timeout=10)  # the catalogue's choices are on the form
    number = f"SSH-{uuid.uuid4().hex[:8].upper()}"
    term.field("1")  # rivestimento: the first one
    term.field(number)
    term.field("Mario")
    term.field("Rossi")
    term.field("1")  # solo rivestimento; Enter on the last field is Genera
    code = re.sub(r"[\s-]", "", term.wait_for(CODE_ON_SCREEN, timeout=30).group(0))

    rows = server.query(
        "SELECT p.activation_code, p.first_name, p.last_name, s.code, u.username "
        "FROM plan p JOIN store s ON s.id = p.store_id JOIN user u ON u.id = p.created_by_id "
        "WHERE p.contract_number = ?",
        number,
    )
    assert rows == [(code, "Mario", "Rossi", "MI01", STAFF[0])]

    pids = server.app_processes()
    assert len(pids) == 1
    environ, _ = server.app_given()
    assert environ.get("TEXTUAL_COLOR_SYSTEM") == "standard"  # set by the wrapper
    assert "SSH_ORIGINAL_COMMAND" not in environ
    term.press("C-q")
    assert _wait_gone(server, pids) == []


def test_commands_other_than_the_app_are_refused(server):
    """ForceCommand: a command asked for by the client never runs; without a tty, no app."""
    args = server.ssh_command("xterm").split()[3:]  # without "exec env TERM=..."
    args[args.index("-tt")] = "-T"
    done = subprocess.run(
        [*args, "echo", "not-the-app"], capture_output=True, text=True, timeout=30,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 1
    assert "not-the-app" not in done.stdout
    assert "serve un terminale interattivo" in done.stderr


@pytest.mark.parametrize(
    ("term_name", "env"),
    [("xterm", {}), ("vt100", {}), ("linux", {}), ("xterm-256color", {"NO_COLOR": "1"})],
    ids=["xterm", "vt100", "linux", "no-color"],
)
def test_thin_terminals_log_in_and_draw(server, terminal, term_name, env):
    term = terminal(term_name, **env)
    _log_in(term)
    screen = term.wait_for("Genera", timeout=30).string
    assert "Nuovo Piano" in screen
    pids = server.app_processes()
    term.press("C-q")
    assert _wait_gone(server, pids) == []
    deadline = time.monotonic() + 5
    while not term.dead() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert term.dead(), "the SSH session did not end with the app"


def test_dropped_connection_ends_the_app_without_half_written_plans(server, terminal):
    plans_before = server.query("SELECT count(*) FROM plan")[0][0]
    term = terminal()
    _log_in(term)
    term.wait_for("Genera", timeout=30)
    term.wait_for("1 ", timeout=10)
    number = f"DROP-{uuid.uuid4().hex[:8].upper()}"
    term.field("1")
    term.field(number)
    term.field("Anna")
    term.field("Verdi")
    term.type("1")
    pids = server.app_processes()
    assert len(pids) == 1
    # Genera and, at once, the link goes: the client dies without a word to the server.
    term.press("Enter")
    os.kill(term.client_pid(), signal.SIGKILL)

    assert _wait_gone(server, pids) == [], "pdp-tui outlived its SSH connection"
    saved = server.query(
        "SELECT p.activation_code, p.valid_until, "
        "(SELECT count(*) FROM audit_event a WHERE a.kind = 'plan_registered' "
        " AND a.target = p.contract_number) "
        "FROM plan p WHERE p.contract_number = ?",
        number,
    )
    # Either Genera finished before the drop (the whole plan and its audit event) or
    # nothing of it was written.
    assert saved == [] or (len(saved) == 1 and len(saved[0][0]) == 12 and saved[0][2] == 1)
    assert server.query("SELECT count(*) FROM plan")[0][0] == plans_before + len(saved)


# --- the client's environment never reaches the app ---------------------------------------

# What the wrapper lets through (deploy/ssh/pdp-tui-ssh), besides the operator's NAME=VALUE.
ALLOWED = {"TERM", "LANG", "COLORTERM", "NO_COLOR", "HOME", "USER", "LOGNAME", "PATH",
           "TEXTUAL_COLOR_SYSTEM", "PDP_CONFIG"}  # fmt: skip


def test_the_clients_python_and_textual_variables_never_reach_the_app(server, terminal, tmp_path):
    """sshd accepts every variable (AcceptEnv *); the client sends PYTHONINSPECT (a Python
    prompt after the app), PYTHONPATH (a pdp_tui of its own), PYTHONSTARTUP, TEXTUAL_* and
    PDP_*: none reaches the app, and Ctrl+Q ends the session without a prompt."""
    evil = tmp_path / "evil"
    (evil / "pdp_tui").mkdir(parents=True)
    marker = tmp_path / "evil-ran"
    payload = f"open({str(marker)!r}, 'w').write('ran')\n"
    for name in ("__init__.py", "__main__.py"):
        (evil / "pdp_tui" / name).write_text(payload)
    (evil / "startup.py").write_text(payload)
    sent = {
        "PYTHONINSPECT": "1",
        "PYTHONPATH": str(evil),
        "PYTHONSTARTUP": str(evil / "startup.py"),
        "PYTHONHOME": str(evil),
        "PYTHONWARNINGS": "error",
        "TEXTUAL_COLOR_SYSTEM": "truecolor",
        "TEXTUAL_DEBUG": "1",
        "TEXTUAL_FPS": "1",
        "PDP_DATABASE_URL": f"sqlite:///{tmp_path}/other.sqlite3",
        "LC_ALL": "it_IT.UTF-8",
    }
    term = terminal("xterm", **sent)
    _log_in(term)
    term.wait_for("Genera", timeout=30)
    pids = server.app_processes()
    assert len(pids) == 1
    environ, cmdline = server.app_given()
    if server.served:
        assert cmdline[1:3] == [b"-I", b"-S"] and cmdline[3].endswith(b"/pdp-tui-attach")
        environ.pop("PDP_SESSIONS_SOCKET")  # the operator's; not handed to the session
    else:
        assert b"-I" in cmdline and b"pdp_tui" in cmdline
    leaked = (
        set(environ)
        - ALLOWED
        - set(server.xdg)
        - {"LC_ALL"}
        - {name for name in environ if name.startswith("LC_")}
    )
    assert leaked == set(), leaked
    assert not any(name.startswith(("PYTHON", "SSH_")) for name in environ)
    assert environ["TEXTUAL_COLOR_SYSTEM"] == "standard"  # the wrapper's, not the client's
    assert environ["PDP_CONFIG"] == str(server.config)
    assert "PDP_DATABASE_URL" not in environ
    assert environ["LC_ALL"] == "it_IT.UTF-8"  # the locale is the client's to choose
    for name, value in server.xdg.items():
        assert environ[name] == value  # the operator's, from the ForceCommand line

    term.press("C-q")
    assert _wait_gone(server, pids) == []
    deadline = time.monotonic() + 8
    while not term.dead() and time.monotonic() < deadline:
        time.sleep(0.1)
    screen = term.screen()
    assert term.dead(), f"the SSH session did not end with the app:\n{screen}"
    assert ">>>" not in screen and "Traceback" not in screen
    assert not marker.exists(), "code from the client's PYTHON* variables ran"
    assert not (tmp_path / "other.sqlite3").exists()
