"""A chain's load: N tills at once, each a real pdp-tui process, through PgBouncer.

    python bench/sessions.py [--sessions 100] [--minutes 3] [--every 6] [--bare 20]
                             [--contracts 20000] [--key-pause 0.08] [--served]

What an operator would run before promising a number of tills:

- PostgreSQL (the server of ``PDP_BENCH_POSTGRES_URL``, at its own ``max_connections``) holds
  a database of its own, ``pdp_sessions_bench`` (``--contracts`` demo plans, made once), with
  ``--sessions`` staff accounts ``cassa001``… spread over the demo's stores (one argon2 hash
  with the app's parameters, the same password for all; made or reset at each run).
- A real PgBouncer (Debian's, as ``.ci/run``'s ``start_pgbouncer``: run as user postgres from
  a temporary directory) in transaction mode, with ``deploy/pgbouncer/pgbouncer.ini``'s pool
  sizes (20 server connections, 5 in reserve, 30 at most).
- ``--sessions`` app processes, each in its own 80x24 pseudo-terminal as sshd would start it,
  started one after the other (``--stagger``), each logging in with the real keys and then
  working like a till until ``--minutes`` are over: every ``--every`` seconds a plan
  registered by keys (covering, contract number, first name, surname, protection, Enter on
  the last field: Genera) and a search typed key by key in the list (F3, a surname or a
  contract-number prefix, ``--key-pause`` between keys).

It prints:

- plans registered and failed (a Genera whose code never came, a session that ended), and
  the plans found in the database afterwards with the sessions' contract numbers;
- Genera under load: from the Enter that asks for it to the activation code on screen,
  detected in the pty's output (the time includes this script reading N ptys on the same
  two cores);
- keystroke to list: from a key typed in the list's search to the status line of the new
  results ("Contratti 1–…" or "Nessun contratto trovato.") on screen;
- memory per session: PSS and RSS from /proc/PID/smaps_rollup of each app process, logged in
  and at work at the end of the run, and its peak RSS (VmHWM: the login's argon2 check
  included); against ``--bare`` bare Textual apps (bench/bare_app.py) running beside them,
  measured the same way in the same run;
- the most server connections in use: ``pg_stat_activity`` of the database sampled every
  ``--sample-ms`` (all of them PgBouncer's), with the most running a statement at once;
- the CPU the app processes used at work, per cycle (a plan and a search), and the cores
  that makes for N tills: where the time goes when the machine is the limit.

``--served``: the tills are sessions of a session server (``pdp-tui serve``, one process
that imported the app and forks a session per till), each started as pdp-tui-ssh starts it
with ``PDP_SESSIONS_SOCKET`` set: ``python -I -S deploy/ssh/pdp-tui-attach`` in the pty.
A session's memory is then the forked app's plus its attach client's, and the server's own
PSS is shared out among the sessions in the total per session.

``PDP_BENCH_DUMP=FILE`` writes the screen of a session whose step failed to FILE.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import _harness as h

BENCH_DB = "pdp_sessions_bench"
PASSWORD = "Till-bench-2026!"
CODE = re.compile(r"(?:[0-9A-Z] ){4}- (?:[0-9A-Z] ){4}- (?:[0-9A-Z] ){3}[0-9A-Z]")
LISTED = re.compile(r"Contratti \d+–|Nessun contratto trovato")
SURNAMES = ("ross", "bian", "ferr", "colo", "espo", "ricc", "mari", "greco")
FIRST = ("Mario", "Giulia", "Luca", "Anna", "Paolo", "Sara")
LAST = ("Rossi", "Bianchi", "Ferrari", "Colombo", "Esposito", "Ricci")
MIB = 1024


# --- the database and its accounts ------------------------------------------------------


def prepare_database(contracts: int, sessions: int) -> str:
    """URL of the bench database (direct), with ``sessions`` staff accounts ready."""
    from pdp_tui.services import auth

    base = h.POSTGRES_ADMIN_URL.rpartition("/")[0]
    url = h.postgres_db(contracts, url=f"{base}/{BENCH_DB}")
    if url is None:
        raise SystemExit("PostgreSQL not reachable")
    import psycopg

    password_hash = auth.hash_password(PASSWORD)
    with psycopg.connect(url, autocommit=True) as conn:
        stores = [r[0] for r in conn.execute("SELECT id FROM store WHERE active ORDER BY id")]
        for n in range(1, sessions + 1):
            conn.execute(
                'INSERT INTO "user" (username, full_name, role, store_id, password_hash,'
                " must_change_password, active, failed_logins, created_at, session_epoch)"
                " VALUES (%s, %s, 'staff', %s, %s, false, true, 0, now(), 0)"
                " ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash,"
                " must_change_password = false, active = true, failed_logins = 0,"
                " locked_until = NULL",
                (f"cassa{n:03d}", f"Cassa {n}", stores[n % len(stores)], password_hash),
            )
    return url


def count_plans(url: str, prefix: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT count(*) FROM plan WHERE contract_number LIKE %s", (prefix + "%",)
        ).fetchone()[0]


# --- PgBouncer ------------------------------------------------------------------------------


def _free_port() -> int:
    for port in range(6440, 6480):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise SystemExit("no free port for PgBouncer")


class PgBouncer:
    """Debian's pgbouncer in transaction mode, in a temporary directory, as .ci/run starts it."""

    def __init__(self) -> None:
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        self.port = _free_port()
        self.run = Path(tempfile.mkdtemp(prefix="pdp-sessions-pgbouncer."))
        (self.run / "pgbouncer.ini").write_text(
            "\n".join(
                [
                    "[databases]",
                    "* = host=127.0.0.1 port=5432",
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    f"listen_port = {self.port}",
                    "unix_socket_dir =",
                    "pool_mode = transaction",
                    # deploy/pgbouncer/pgbouncer.ini's budget
                    "default_pool_size = 20",
                    "reserve_pool_size = 5",
                    "reserve_pool_timeout = 3",
                    "max_db_connections = 30",
                    "max_client_conn = 1000",
                    "query_wait_timeout = 15",
                    "server_idle_timeout = 600",
                    "auth_type = trust",
                    f"auth_file = {self.run}/userlist.txt",
                    "auth_user = postgres",
                    "server_login_retry = 1",
                    f"logfile = {self.run}/pgbouncer.log",
                    f"pidfile = {self.run}/pgbouncer.pid",
                    "",
                ]
            )
        )
        (self.run / "userlist.txt").write_text('"postgres" ""\n')
        as_user: list[str] = []
        if os.getuid() == 0:  # PgBouncer refuses to run as root
            shutil.chown(self.run, "postgres")
            for f in self.run.iterdir():
                shutil.chown(f, "postgres")
            as_user = ["-u", "postgres"]
        subprocess.run([binary, "-d", *as_user, str(self.run / "pgbouncer.ini")], check=True)
        import psycopg

        for _ in range(40):
            try:
                with psycopg.connect(self.url("postgres"), connect_timeout=2) as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                time.sleep(0.25)
        print((self.run / "pgbouncer.log").read_text())
        raise SystemExit("PgBouncer did not start")

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def version(self) -> str:
        out = subprocess.run(["pgbouncer", "--version"], capture_output=True, text=True).stdout
        return out.splitlines()[0] if out else "?"

    def close(self) -> None:
        try:
            pid = int((self.run / "pgbouncer.pid").read_text())
            os.kill(pid, 15)
            time.sleep(0.3)
        except (OSError, ValueError):
            pass
        shutil.rmtree(self.run, ignore_errors=True)


# --- the server connections ---------------------------------------------------------------


class Sampler(threading.Thread):
    def __init__(self, database: str, every: float) -> None:
        super().__init__(daemon=True)
        import psycopg

        self._conn = psycopg.connect(h.POSTGRES_ADMIN_URL, autocommit=True)
        self._database = database
        self._every = every
        self.most_open = self.most_busy = 0
        self.samples = 0
        self.server_total: list[int] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(self._every):
            opened, busy, total = self._conn.execute(
                "SELECT count(*) FILTER (WHERE datname = %s),"
                " count(*) FILTER (WHERE datname = %s AND state NOT IN ('idle')),"
                " count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'",
                (self._database, self._database),
            ).fetchone()
            self.most_open = max(self.most_open, opened)
            self.most_busy = max(self.most_busy, busy)
            self.server_total.append(total)
            self.samples += 1


# --- memory ---------------------------------------------------------------------------------


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def memory_kib(pid: int) -> dict[str, int]:
    """Pss and Rss (smaps_rollup) and VmHWM (status) of a process, in KiB."""
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    found = {k: int(v) for k, v in re.findall(r"^(Pss|Rss):\s+(\d+) kB", rollup, re.M)}
    status = Path(f"/proc/{pid}/status").read_text()
    found["VmHWM"] = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
    return found


# --- one till ---------------------------------------------------------------------------------


class Till(threading.Thread):
    def __init__(self, index: int, url: str, args, prefix: str, go: threading.Event) -> None:
        super().__init__(daemon=True)
        self.index = index
        self.username = f"cassa{index:03d}"
        self.url = url
        self.args = args
        self.prefix = prefix
        self.go = go  # set when every till has logged in: then the work starts
        self.deadline = 0.0
        self.ready = threading.Event()  # logged in, or failed to
        self.rng = random.Random(index)
        self.proc: h.PtyProcess | None = None
        self.app_pid = 0  # the app: the process itself, or the session the server forked
        self.logged_in = False
        self.registered = 0
        self.failures: list[str] = []
        self.genera: list[float] = []
        self.keys: list[float] = []
        self.login_time = 0.0
        self.memory_after_login: dict[str, int] = {}
        self.login_peak_pss = 0
        self.cpu_at_login = 0.0  # CPU seconds the process had used when logged in
        self.cpu_at_end = 0.0

    def start_process(self, server: h.SessionServer | None) -> None:
        env = h.child_env(PDP_DATABASE_URL=self.url, PDP_CONFIG=os.devnull)
        if server is None:
            self.proc = h.PtyProcess(h.pdp_tui_argv(), env=env)
            self.app_pid = self.proc.pid
        else:
            env["PDP_SESSIONS_SOCKET"] = str(server.socket)
            self.proc = h.PtyProcess(h.attach_argv(), env=env)
            self.app_pid = server.session_pid(self.proc.tty_name)

    def memory(self) -> dict[str, int]:
        """The app's memory, with its attach client's when it is a served session."""
        found = memory_kib(self.app_pid)
        if self.app_pid != self.proc.pid:
            client = memory_kib(self.proc.pid)
            found = {k: found[k] + client[k] for k in found}
        return found

    def _wait_sampling_pss(self, pattern: str, timeout: float) -> None:
        """wait_for, reading the session's PSS every 20 ms or so: its peak during the log-in
        (argon2's working memory), comparable with or without the session server, where
        VmHWM, an RSS, counts the pages shared with the server too."""
        deadline = time.perf_counter() + timeout
        while True:
            self.login_peak_pss = max(self.login_peak_pss, self.memory()["Pss"])
            try:
                self.proc.wait_for(pattern, timeout=0.02)
                return
            except TimeoutError:
                if time.perf_counter() > deadline:
                    raise

    def _idle(self, seconds: float) -> None:
        """Wait, reading what the app writes (a pty that nobody reads would block it)."""
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            self.proc._pump(min(left, 0.5))

    def _type(self, text: str) -> None:
        for ch in text:
            self.proc.send(ch)
            self._idle(self.args.key_pause)

    def _trim(self) -> None:
        """Forget old output: a session's bytes would otherwise pile up in this process."""
        del self.proc.output[:]
        self.proc._searched = 0

    def run(self) -> None:
        proc = self.proc
        try:
            proc.wait_for("Accesso", timeout=120)
            self._idle(1.0)
            started = time.perf_counter()
            h.login_keys(proc, (self.username, PASSWORD))
            self._wait_sampling_pss("Genera", timeout=120)
            self.login_time = time.perf_counter() - started
            self.logged_in = True
            proc.drain(0.3, limit=3)
            self.memory_after_login = self.memory()
            self.cpu_at_login = cpu_seconds(self.app_pid)
        except (TimeoutError, EOFError) as exc:
            self.failures.append(f"log-in: {str(exc)[-300:]}")
            return
        finally:
            self.ready.set()
        while not self.go.is_set():
            self._idle(0.5)
        self._idle(self.rng.uniform(0, self.args.every))  # not all at the same moment
        round_ = 0
        while time.perf_counter() < self.deadline:
            began = time.perf_counter()
            try:
                self._register(round_)
                self._search()
            except (TimeoutError, EOFError) as exc:
                self.failures.append(f"round {round_ + 1}: {str(exc)[:80]}")
                if os.environ.get("PDP_BENCH_DUMP"):
                    Path(os.environ["PDP_BENCH_DUMP"]).write_text(proc.text()[-4000:])
                os.kill(self.app_pid, signal.SIGUSR1)  # the app logs its state (PdpApp.log_state)
                if os.environ.get("PDP_BENCH_SPY"):  # the stuck app's threads, by py-spy
                    spy = Path(os.environ["PDP_BENCH_SPY"]) / f"{self.username}-{round_ + 1}.txt"
                    with spy.open("w") as out:
                        subprocess.run(
                            ["py-spy", "dump", "--locals", "--pid", str(self.app_pid)],
                            stdout=out,
                            stderr=subprocess.STDOUT,
                            timeout=60,
                            check=False,
                        )
                        out.write("\n--- screen ---\n" + proc.text()[-3000:])
                if isinstance(exc, EOFError) or proc.proc.poll() is not None:
                    return
                proc.press("f2")
                self._idle(2.0)
            round_ += 1
            self._trim()
            if time.perf_counter() >= self.deadline:
                break
            self._idle(max(0.5, self.args.every - (time.perf_counter() - began)))
        if proc.proc.poll() is None:
            self.cpu_at_end = cpu_seconds(self.app_pid)

    def _register(self, round_: int) -> None:
        proc = self.proc
        if round_:
            mark = len(proc.output)
            proc.press("f2")  # back to the form, which still shows the last code
            proc.wait_for("Genera", timeout=30, start=mark)
            self._idle(0.3)
            proc.press("f2")  # F2 again: a new plan
            self._idle(0.3)
        else:  # the covering, first choice (kept for the next plans: focus on the number)
            self._type("1")
            proc.press("enter")
            self._idle(0.15)
        number = f"{self.prefix}{self.index:03d}{round_:03d}"
        for text in (number, self.rng.choice(FIRST), self.rng.choice(LAST)):
            self._type(text)
            proc.press("enter")
            self._idle(0.15)
        self._type(self.rng.choice("12"))  # the protection
        self._idle(0.2)
        mark = len(proc.output)
        asked = time.perf_counter()
        proc.press("enter")  # Enter on the last field: Genera
        proc.wait_for(CODE, timeout=60, start=mark)
        self.genera.append(time.perf_counter() - asked)
        self.registered += 1
        self._idle(0.5)

    def _search(self) -> None:
        proc = self.proc
        mark = len(proc.output)
        proc.press("f3")
        proc.wait_for(LISTED, timeout=30, start=mark)
        self._idle(0.3)
        mark = len(proc.output)
        proc.send("\x15")  # Ctrl+U: the search kept from the round before goes
        try:  # (nothing changes, and nothing is drawn, when the field was empty)
            proc.wait_for(LISTED, timeout=3, start=mark)
        except TimeoutError:
            pass
        self._idle(0.3)
        text = (
            self.rng.choice(SURNAMES)
            if self.rng.random() < 0.7
            else f"{self.prefix}{self.rng.randrange(1, self.args.sessions + 1):03d}"
        )
        for ch in text:
            mark = len(proc.output)
            sent = time.perf_counter()
            proc.send(ch)
            proc.wait_for(LISTED, timeout=30, start=mark)
            self.keys.append(time.perf_counter() - sent)
            self._idle(self.args.key_pause + 0.1)


# --- the bare app beside them --------------------------------------------------------------


def start_bare(count: int) -> list[h.PtyProcess]:
    procs = [h.PtyProcess(h.bare_app_argv(), env=h.child_env()) for _ in range(count)]
    for proc in procs:
        proc.wait_for(h.BARE_MARKER, timeout=120)
        proc.send("mario.rossi")
    return procs


def keep_reading(procs: list[h.PtyProcess], stop: threading.Event) -> None:
    while not stop.wait(0.5):
        for proc in procs:
            proc.drain(0.0, limit=0.05)
            del proc.output[:]
            proc._searched = 0


def mib(kib: float) -> str:
    return f"{kib / MIB:5.1f} MiB"


def mem_line(label: str, rows: list[dict[str, int]]) -> tuple[float, float, float]:
    pss = statistics.median(r["Pss"] for r in rows)
    rss = statistics.median(r["Rss"] for r in rows)
    hwm = statistics.median(r["VmHWM"] for r in rows)
    print(
        f"  {label:<28} PSS {mib(pss)}  RSS {mib(rss)}  peak RSS (VmHWM) {mib(hwm)}"
        f"   (median of {len(rows)}; PSS min–max {mib(min(r['Pss'] for r in rows))}–"
        f"{mib(max(r['Pss'] for r in rows))})"
    )
    return pss, rss, hwm


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--every", type=float, default=6.0, help="seconds between plans")
    parser.add_argument("--key-pause", type=float, default=0.08)
    parser.add_argument("--stagger", type=float, default=0.25, help="seconds between starts")
    parser.add_argument("--bare", type=int, default=20, help="bare Textual apps beside them")
    parser.add_argument("--contracts", type=int, default=20_000)
    parser.add_argument("--sample-ms", type=float, default=20)
    parser.add_argument("--served", action="store_true", help="sessions of pdp-tui serve")
    args = parser.parse_args()
    how = "sessions of one pdp-tui serve" if args.served else "real processes"
    h.header(f"{args.sessions} tills at once through PgBouncer ({how} in ptys)")
    direct = prepare_database(args.contracts, args.sessions)
    bouncer = PgBouncer()
    import psycopg

    with psycopg.connect(h.POSTGRES_ADMIN_URL) as conn:
        max_conn = conn.execute("SHOW max_connections").fetchone()[0]
        pg_version = conn.execute("SHOW server_version").fetchone()[0]
    print(
        f"PostgreSQL {pg_version}, max_connections = {max_conn}; {bouncer.version()}, "
        f"transaction mode, port {bouncer.port}, pool 20 (+5 reserve, at most 30)"
    )
    print(
        f"database {BENCH_DB}: {args.contracts:,} demo plans; load before: {os.getloadavg()[0]:.1f}"
    )
    url = bouncer.url(BENCH_DB)
    prefix = f"S{int(time.time()) % 10**6:06d}"  # a new one each run: numbers are unique
    sampler = Sampler(BENCH_DB, args.sample_ms / 1000)
    sampler.start()
    bare: list[h.PtyProcess] = []
    tills: list[Till] = []
    stop_bare = threading.Event()
    server = h.SessionServer(h.child_env(PDP_CONFIG=os.devnull)) if args.served else None
    if server is not None:
        print(f"session server: {server.started_line}")
    try:
        bare = start_bare(args.bare)
        threading.Thread(target=keep_reading, args=(bare, stop_bare), daemon=True).start()
        go = threading.Event()
        for i in range(1, args.sessions + 1):
            till = Till(i, url, args, prefix, go)
            till.start_process(server)
            till.start()
            tills.append(till)
            time.sleep(args.stagger)
        for till in tills:
            till.ready.wait()
        deadline = time.perf_counter() + args.minutes * 60
        for till in tills:
            till.deadline = deadline
        go.set()
        loads = []
        while any(t.is_alive() for t in tills):
            loads.append(os.getloadavg()[0])
            time.sleep(5)
        end_memory = [t.memory() for t in tills if t.proc.proc.poll() is None]
        clients = [memory_kib(t.proc.pid) for t in tills if server and t.proc.proc.poll() is None]
        server_memory = memory_kib(server.pid) if server else None
        bare_memory = [memory_kib(p.pid) for p in bare]
    finally:
        sampler.stop.set()
        stop_bare.set()
        for till in tills:
            if till.proc:
                till.proc.close()
        for proc in bare:
            proc.close()
        if server is not None:
            server.close()
        bouncer.close()
    in_db = count_plans(direct, prefix)
    registered = sum(t.registered for t in tills)
    failures = [f"{t.username} {f}" for t in tills for f in t.failures]
    print()
    print(
        f"sessions: {args.sessions} started, {sum(t.logged_in for t in tills)} logged in; "
        f"{args.minutes:g} min of work each; a plan every {args.every:g} s per till"
    )
    print(
        f"load average during the run: median {statistics.median(loads):.1f}, "
        f"max {max(loads):.1f} (2 cores)"
    )
    print(
        f"plans registered (code on screen): {registered}; failed: {len(failures)}; "
        f"in the database afterwards: {in_db}"
    )
    for failure in failures[:10]:
        print(f"  {failure[:300]!r}")
    genera = [g for t in tills for g in t.genera]
    keys = [k for t in tills for k in t.keys]
    logins = [t.login_time for t in tills if t.logged_in]
    if genera:
        print(f"Genera -> code on screen:   {h.fmt(genera)}")
    if keys:
        print(f"keystroke -> list on screen: {h.fmt(keys)}")
    if logins:
        print(f"log-in (Enter -> form):      {h.fmt(logins)}")
    starting = [t.cpu_at_login for t in tills if t.logged_in]
    working = [t.cpu_at_end - t.cpu_at_login for t in tills if t.cpu_at_end]
    keys_sent = sum(len(t.keys) for t in tills)
    if starting and working and registered:
        print(
            f"CPU of the app processes: start-up + log-in {statistics.median(starting):.2f} s "
            f"each (median); at work {sum(working):.1f} s in all = "
            f"{sum(working) / registered * 1000:.0f} ms per cycle (one plan by keys and "
            f"one search of {keys_sent / registered:.1f} keys); "
            f"{len(starting)} tills need {sum(working) / (args.minutes * 60):.2f} cores"
        )
    print("memory (smaps_rollup; peak = VmHWM):")
    bare_pss, bare_rss, bare_hwm = mem_line(f"bare Textual app x{len(bare_memory)}", bare_memory)
    after_login = [t.memory_after_login for t in tills if t.memory_after_login]
    if after_login:
        mem_line("pdp-tui just logged in", after_login)
    if end_memory and server_memory:
        mem_line("  of which the attach client", clients)
        print(
            f"  session server (1 process)   PSS {mib(server_memory['Pss'])}  RSS "
            f"{mib(server_memory['Rss'])}: {mib(server_memory['Pss'] / len(end_memory))} "
            "more per session, counted below"
        )
        end_memory = [
            dict(r, Pss=r["Pss"] + server_memory["Pss"] / len(end_memory)) for r in end_memory
        ]
    peaks = [t.login_peak_pss for t in tills if t.login_peak_pss]
    if end_memory:
        pss, rss, hwm = mem_line("pdp-tui at the end (working)", end_memory)
        peak = statistics.median(peaks)
        print(
            f"  peak PSS during the log-in (sampled): median {mib(peak)}, max {mib(max(peaks))}"
        )
        print(
            f"  ratio to the bare app: PSS {pss / bare_pss:.2f}x (target <= 1.5x), "
            f"RSS {rss / bare_rss:.2f}x, peak PSS {peak / bare_pss:.2f}x (target <= 2x)"
            + (f", peak RSS {hwm / bare_hwm:.2f}x" if server is None else "")
        )
    total = statistics.median(sampler.server_total) if sampler.server_total else 0
    print(
        f"server connections to {BENCH_DB}: most open {sampler.most_open}, most busy at once "
        f"{sampler.most_busy} ({sampler.samples} samples every {args.sample_ms:g} ms; all "
        f"client backends on the server, median {total:g})",
        flush=True,
    )


if __name__ == "__main__":
    main()
