"""A till's session from the session server: ``python -I -S .../attach.py [ARGS]``.

The SSH wrapper (deploy/ssh/pdp-tui-ssh) runs this file in place of ``python -I -m
pdp_tui`` when the operator gives it ``PDP_SESSIONS_SOCKET``. It is the one process per till
that sshd waits for, so it is kept as small as Python allows: no site-packages (-S), no
pdp_tui import, and the C modules ``_socket`` and ``_signal`` instead of ``socket`` and
``signal``, whose enum wrappers would cost each till another MiB (2.9 MiB private in all,
against 4.3 with those and json; bench/README "Session server").

It hands the server its terminal (descriptors 0, 1, 2, as SCM_RIGHTS), its arguments,
environment, folder and umask; then it forwards what a terminal or sshd signals to its
foreground process, which is this one (resize, hang-up, termination, and SIGUSR1, which
asks the app to log its state), and ends with the session's exit status. With no server
listening it becomes the app itself (``python -I -m pdp_tui ARGS``): a till never notices.

The request, which the server reads with ``decode_request``: ``LENGTH\\0`` then NUL-separated
fields: the magic word, folder, umask (octal), the number of arguments, the arguments, and
``NAME=VALUE`` for each variable. The session answers with lines: ``pid N`` once started,
``exit N`` when the app has ended; a connection closed without ``exit`` is a session that
died (status 1).
"""

from __future__ import annotations

import _signal
import _socket
import os
import sys

SOCKET_ENV = "PDP_SESSIONS_SOCKET"
TERMINAL_FDS = (0, 1, 2)
MAGIC = "pdp-tui-session-1"
MAX_REQUEST = 256 * 1024
FORWARDED = (
    _signal.SIGWINCH,
    _signal.SIGHUP,
    _signal.SIGTERM,
    _signal.SIGINT,
    _signal.SIGUSR1,
)
EXIT_LOST = 1  # the session ended without saying how


def encode_request(argv: list[str], env: dict[str, str], cwd: str, umask: int) -> bytes:
    fields = [MAGIC, cwd, f"{umask:o}", str(len(argv)), *argv]
    fields += [f"{name}={value}" for name, value in env.items()]
    body = b"\0".join(os.fsencode(field) for field in fields)
    return f"{len(body)}\0".encode() + body


def decode_request(body: bytes) -> tuple[list[str], dict[str, str], str, int]:
    """(argv, env, cwd, umask) from a request's body; ValueError if it is not one."""
    fields = [os.fsdecode(field) for field in body.split(b"\0")]
    if len(fields) < 4 or fields[0] != MAGIC:
        raise ValueError("not a pdp-tui session request")
    cwd, umask, count = fields[1], int(fields[2], 8), int(fields[3])
    if not 0 <= count <= len(fields) - 4:
        raise ValueError("argument count")
    argv = fields[4 : 4 + count]
    env = {}
    for assignment in fields[4 + count :]:
        name, equals, value = assignment.partition("=")
        if not name or not equals:
            raise ValueError("variable")
        env[name] = value
    return argv, env, cwd, umask


def main() -> int:
    path = os.environ.get(SOCKET_ENV, "")
    sock = _connect(path) if path else None
    if sock is None:
        run_app_here()
    umask = os.umask(0o077)
    os.umask(umask)
    env = {k: v for k, v in os.environ.items() if k != SOCKET_ENV}
    request = encode_request(sys.argv[1:], env, os.getcwd(), umask)
    fds = b"".join(fd.to_bytes(4, sys.byteorder) for fd in TERMINAL_FDS)
    try:
        sock.sendmsg([request], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, fds)])
        replies = _replies(sock)
        word, pid = next(replies, ("", 0))
    except OSError:
        word, pid = "", 0
    if word != "pid":  # the server went away before starting the session
        sock.close()
        run_app_here()
    for signum in FORWARDED:
        _signal.signal(signum, lambda signum, _frame: _forward(pid, signum))
    try:
        for word, number in replies:
            if word == "exit":
                return number
    except OSError:
        pass
    return EXIT_LOST


def _connect(path: str):
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        return None
    return sock


def _replies(sock):
    """(word, number) for each line the session sends, until it closes the connection."""
    buffer = b""
    while chunk := sock.recv(4096):
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            word, _, number = line.decode("ascii", "replace").partition(" ")
            if number.lstrip("-").isdigit():
                yield word, int(number)


def _forward(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def run_app_here() -> None:
    """Become the app: ``python [-I] -m pdp_tui ARGS`` (with site-packages)."""
    flags = ["-I"] if sys.flags.isolated else []
    os.execv(sys.executable, [sys.executable, *flags, "-m", "pdp_tui", *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
