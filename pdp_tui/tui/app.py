"""The App: screens by role, global keys, the database session. No queries here.

Start-up draws the login screen before anything heavy is imported: the database
(peewee, drivers) and argon2 are loaded by a worker while the user types.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
import os
import signal
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from pdp_tui.config import Settings
from pdp_tui.domain import Actor, DemoAccount, Role
from pdp_tui.tui import paste_filter
from pdp_tui.tui.messages import OpenedByKey
from pdp_tui.tui.screens.login import LoginScreen
from pdp_tui.tui.styles import stylesheet
from pdp_tui.tui.type_ahead import TypeAhead

if TYPE_CHECKING:
    from pdp_tui.services.errors import SessionEnded

LOGIN_MODE = "accesso"
QUIT_TITLE = "Vuoi uscire?"
QUIT_HINT = "Per uscire dal programma premi Ctrl+Q."
# Each mode is one main screen with its own stack (the detail opens on top of the list).
# mode -> (module, class); modules are imported on first use, after login.
SCREENS: dict[str, tuple[str, str]] = {
    "nuovo": ("pdp_tui.tui.screens.plan_entry", "PlanEntryScreen"),
    "elenco": ("pdp_tui.tui.screens.contract_list", "ContractListScreen"),
    "verifica": ("pdp_tui.tui.screens.verify_code", "VerifyCodeScreen"),
    "utenti": ("pdp_tui.tui.screens.admin_users", "UsersScreen"),
    "catalogo": ("pdp_tui.tui.screens.admin_catalogue", "CatalogueScreen"),
    "registro": ("pdp_tui.tui.screens.audit_log", "AuditLogScreen"),
    "riepilogo": ("pdp_tui.tui.screens.summary", "SummaryScreen"),
    "richieste": ("pdp_tui.tui.screens.service_requests", "RequestListScreen"),
}
# The modes each role may open; the first one is shown after login.
MODES_BY_ROLE: dict[Role, tuple[str, ...]] = {
    Role.STAFF: ("nuovo", "elenco", "richieste"),
    Role.SUPPORT: ("verifica", "elenco", "registro", "richieste", "riepilogo"),
    Role.ADMIN: ("utenti", "catalogo", "registro", "elenco", "richieste", "riepilogo"),
}
# Key (F-key, Ctrl alternative), footer label and palette help of each mode.
MODE_KEYS: dict[str, tuple[str, str, str]] = {
    "nuovo": ("f2,ctrl+n", "Nuovo piano", "Registra un nuovo Piano"),
    "elenco": ("f3,ctrl+l", "Elenco", "Elenco completo dei contratti"),
    "verifica": ("f4,ctrl+r", "Verifica", "Verifica un codice di attivazione"),
    "utenti": ("f6,ctrl+t", "Utenti", "Gestione degli account"),
    "catalogo": ("f7,ctrl+y", "Negozi", "Negozi e rivestimenti"),
    "registro": ("f8,ctrl+b", "Registro", "Registro attività"),
    "richieste": ("f10,ctrl+f", "Richieste", "Richieste di intervento"),
    # F9 is the adhesion form's print, F10 the service requests; F11 is taken by many
    # terminal emulators (full screen), F12 reaches the app in xterm, PuTTY and the console.
    "riepilogo": ("f12,ctrl+z", "Riepilogo", "Piani per negozio e per giorno"),
}


def _f_key(keys: str) -> str:
    """``"f12,ctrl+z"`` -> ``"F12"``: the F-key a mode is shown with."""
    return keys.split(",")[0].upper()


def _same_session(a: Actor, b: Actor) -> bool:
    def key(actor: Actor) -> tuple:
        return actor.id, actor.role, actor.store_id, actor.session_epoch

    return key(a) == key(b)


def _awaiting(coro) -> Iterable[str]:
    """Where a coroutine waits: its frame, then the frames of what it awaits, in turn."""
    while coro is not None:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is not None:
            yield f"{frame.f_code.co_name}:{frame.f_lineno}"
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)


def _screen_factory(mode: str):
    module_name, class_name = SCREENS[mode]

    def make() -> Screen:
        return getattr(importlib.import_module(module_name), class_name)()

    return make


class PdpApp(App[None]):
    TITLE = "Piani di Protezione"
    CSS_PATH = stylesheet("base")  # each screen adds its own file when first shown
    # The login screen is the first screen drawn: no blank default screen before it.
    MODES = {LOGIN_MODE: LoginScreen}
    DEFAULT_MODE = LOGIN_MODE
    ENABLE_COMMAND_PALETTE = True
    COMMAND_PALETTE_DISPLAY = "Ctrl+P"

    BINDINGS = [
        Binding("f1,ctrl+o", "help", "Aiuto", key_display="F1", id="aiuto"),
        *(
            Binding(keys, f"open('{mode}')", label, key_display=_f_key(keys), id=mode)
            for mode, (keys, label, _) in MODE_KEYS.items()
        ),
        # Shown in the footer of the login screen only; F1 and the palette list it everywhere.
        Binding("ctrl+q", "quit", "Esci", key_display="^Q", priority=True, show=False, id="esci"),
    ]

    def __init__(self, settings: Settings, demo_accounts: tuple[DemoAccount, ...] = ()) -> None:
        super().__init__()
        self.animation_level = "none"  # no animations: fewer bytes over slow links
        self.settings = settings
        self.demo_accounts = demo_accounts
        self.actor: Actor | None = None
        self._database_lock = threading.Lock()
        self._database_ready = False
        self._last_activity = time.monotonic()
        self.locked = False
        self.type_ahead = TypeAhead(self)
        paste_filter.install()  # a paste stays text, never keys

    # --- database -----------------------------------------------------------------

    def ensure_database(self) -> None:
        """Open and migrate the database once; called from workers, never the UI thread."""
        with self._database_lock:
            if self._database_ready:
                return
            from pdp_tui.services import gateway

            gateway.prepare(
                self.settings.resolved_database_url,
                auto_migrate=self.settings.auto_migrate,
                # A new SQLite file only at the default path, never where a mistyped URL points.
                create=not self.settings.database_url,
            )
            self._database_ready = True

    def _warm_up(self) -> None:
        # Import the heavy modules and connect while the login screen is on show.
        from pdp_tui.process_memory import import_peewee_for

        import_peewee_for(self.settings.resolved_database_url)  # on SQLite, without psycopg
        from pdp_tui.services import accounts, auth, catalogue, gateway, plans, search  # noqa: F401
        from pdp_tui.services.errors import ServiceError

        try:
            self.ensure_database()
            auth.prepare()  # the dummy hash too: a first failed login must not tell who exists
            if not gateway.call(accounts.any_account):
                self.call_from_thread(self._first_start)
        except ServiceError as exc:
            # Said at once; the login attempt tries again and says it again if need be.
            self.call_from_thread(self._database_problem, str(exc))

    def _first_start(self) -> None:
        if isinstance(self.screen, LoginScreen):
            self.screen.show_first_start()

    def _database_problem(self, message: str) -> None:
        if isinstance(self.screen, LoginScreen):
            self.screen.show_problem(message)

    # --- the terminal's size ------------------------------------------------------------

    def _screen_changed(self, _screen: Screen) -> None:
        self.type_ahead.wake()
        self.call_after_refresh(self._check_size)

    def on_resize(self) -> None:
        self.call_after_refresh(self._check_size)

    def _check_size(self) -> None:
        """Say "allarga il terminale" over the screen while the terminal is too small."""
        from pdp_tui.tui.screens.too_small import TooSmallScreen, too_small

        shown = isinstance(self.screen, TooSmallScreen)
        if too_small(*self.size) and not shown:
            self.push_screen(TooSmallScreen())
        elif shown and not too_small(*self.size):
            self.pop_screen()

    # --- session --------------------------------------------------------------------

    def on_mount(self) -> None:
        # A screen shown (or shown again) may deliver what was typed while it was coming.
        self.screen_change_signal.subscribe(self, self._screen_changed)
        # `kill -USR1 PID`: a till that seems stuck writes what it is doing to its log.
        asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, self.log_state)
        # After the first paint, so that the imports do not compete with it.
        self.call_after_refresh(
            self.run_worker, self._warm_up, thread=True, group="warm-up", exit_on_error=False
        )
        idle_seconds = self.settings.idle_lock_minutes * 60
        if idle_seconds > 0:
            self.set_interval(min(15.0, idle_seconds / 4), self._lock_if_idle)

    def logged_in(self, actor: Actor, password: str) -> None:
        """After good credentials: a forced password change first, then the session."""
        if actor.must_change_password:
            from pdp_tui.tui.screens.change_password import ChangePasswordScreen

            # Keys typed blind after the password were meant for the form, not for this.
            self.type_ahead.discard()

            def changed(new_actor: Actor | None) -> None:
                if new_actor is not None:
                    self.start_session(new_actor)

            self.push_screen(ChangePasswordScreen(actor, password, forced=True), changed)
            return
        self.start_session(actor)

    def start_session(self, actor: Actor) -> None:
        """Open the user's screens after a successful login."""
        self.end_session()
        self.actor = actor
        self._last_activity = time.monotonic()
        modes = MODES_BY_ROLE[actor.role]
        for mode in modes:
            self.add_mode(mode, _screen_factory(mode))
        self.switch_mode(modes[0])
        self.refresh_bindings()
        # What is loaded by now lives as long as the app: keep the collector off it, so
        # that its full passes do not pause Genera or the list (measured in bench/genera.py).
        self.call_after_refresh(gc.freeze)

    def end_session(self) -> None:
        """Back to the login screen; the session's screens and unsaved input are dropped."""
        if self.actor is None:
            return
        self.actor = None
        self.locked = False
        self.type_ahead.discard()  # what was typed for this session is not for the next
        if self.current_mode != LOGIN_MODE:
            self.switch_mode(LOGIN_MODE)
        for name in SCREENS:
            if name in self._modes:
                self.remove_mode(name)

    def session_ended(self, error: SessionEnded) -> None:
        """The account changed under the session (disabled, role, store, password reset):
        back to the login screen, which says why. Unsaved input is dropped."""
        if self.actor is not None and error.actor is not None and error.actor != self.actor:
            return  # a late answer to a call of an earlier session
        self.end_session()
        while len(self.screen_stack) > 1:  # e.g. the password change asked at login
            self.pop_screen()
        if isinstance(self.screen, LoginScreen):
            self.screen.show_problem(str(error))

    # --- idle lock ----------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste, events.MouseDown)):
            self._last_activity = time.monotonic()
        if (
            isinstance(event, (events.Key, events.Paste))
            and not event.is_forwarded
            and self.type_ahead.hold(event)
        ):
            return  # delivered later, in order (type_ahead)
        await super().on_event(event)

    def delay_update(self, delay: float = 0.05) -> None:
        """Repaints held for ``delay`` seconds (Textual holds them while it switches screens),
        then resumed by the event loop's own timer.

        Textual resumes them with ``set_timer``, whose one-shot timer is skipped, never
        called, when the process is kept off the CPU for longer than the delay between two
        lines of ``Timer._run`` (it then counts the tick as missed): on an overloaded host
        a till stopped repainting for the rest of its session (bench/sessions.py, 100 tills)."""
        self._begin_batch()

        def end_batch() -> None:
            self._end_batch()
            if not self._batch_count:
                self.screen.refresh()

        asyncio.get_running_loop().call_later(delay, self.call_next, end_batch)

    def log_state(self) -> None:
        """The screen, the keys typed ahead and every task's stack, to the log."""
        lines = [
            f"state of pdp-tui {os.getpid()}: screen {type(self.screen).__name__}, "
            f"focused {self.focused!r}, repaints held {self._batch_count}",
            self.type_ahead.describe(),
            "workers: "
            + ", ".join(
                f"{w.group} {w.state.name}{' cancelled' if w.is_cancelled else ''}"
                for w in self.workers
            ),
        ]
        screen = self.screen
        lines.append(
            f"screen update: dirty {len(screen._dirty_widgets)}, layout "
            f"{screen._layout_required}, repaint {screen._repaint_required}, "
            f"timer active {screen._update_timer._active.is_set()}"
        )
        describe = getattr(screen, "describe_state", None)
        if describe is not None:
            lines.append(describe())
        for task in asyncio.all_tasks():
            waits = list(_awaiting(task.get_coro()))
            if not any(w.startswith(("_get_message:", "_run_timer:")) for w in waits):
                lines.append(f"task {task.get_name()}: {' -> '.join(waits)}")  # not idle
        logging.getLogger(__name__).warning("\n".join(lines))

    def _lock_if_idle(self) -> None:
        idle = time.monotonic() - self._last_activity
        if self.actor is not None and not self.locked:
            if idle >= self.settings.idle_lock_minutes * 60:
                self.lock()

    def lock(self) -> None:
        """Hide the session behind the unlock screen; what was typed is kept."""
        from pdp_tui.tui.screens.lock import LockScreen
        from pdp_tui.tui.screens.too_small import TooSmallScreen

        if self.actor is None or self.locked or isinstance(self.screen, TooSmallScreen):
            return
        self.locked = True
        self.push_screen(LockScreen(self.actor))
        self.refresh_bindings()

    def unlock(self, actor: Actor, password: str) -> None:
        """The same user resumes where they were; another user, or the same account changed
        meanwhile (role, store, password reset), starts afresh."""
        if self.actor is not None and _same_session(actor, self.actor):
            self.locked = False
            self.pop_screen()
            self.refresh_bindings()
            return
        self.end_session()
        self.logged_in(actor, password)

    def _has_mode(self, mode: str) -> bool:
        return self.actor is not None and mode in MODES_BY_ROLE[self.actor.role]

    # --- actions ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.locked and action in ("open", "command_palette"):
            return False
        if action == "open":
            return self._has_mode(str(parameters[0]))
        return True

    async def action_open(self, mode: str) -> None:
        """The screen of ``mode``, ready for the next piece of work (see ``OpenedByKey``)."""
        if not self._has_mode(mode):
            return
        again = self.current_mode == mode
        if not again:
            await self.switch_mode(mode)
        self.screen.post_message(OpenedByKey(again=again))

    # --- quitting -------------------------------------------------------------------

    def unsaved_work(self) -> str | None:
        """What Ctrl+Q would throw away: a half-typed plan, an open form."""
        for stack in self._screen_stacks.values():
            for screen in stack:
                unsaved = getattr(screen, "unsaved_work", None)
                what = unsaved() if unsaved else None
                if what:
                    return what
        return None

    async def action_quit(self) -> None:
        from pdp_tui.tui.screens.quit_dialog import QuitDialog

        what = self.unsaved_work()
        if what is None or isinstance(self.screen, QuitDialog):
            self.exit()
            return

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        self.push_screen(QuitDialog(what), answered)

    def action_help(self) -> None:
        from pdp_tui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    # --- command palette: only this app's commands (no screenshots of customer data) ---

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from pdp_tui.tui.palette import Palette

        if not self.locked and not CommandPalette.is_open(self):
            self.push_screen(Palette())

    def action_help_quit(self) -> None:
        """Ctrl+C: Textual's notice, in Italian (Ctrl+C copies in a text field)."""
        self.notify(QUIT_HINT, title=QUIT_TITLE, markup=False)

    def get_key_display(self, binding: Binding) -> str:
        from pdp_tui.tui.italian import key_display

        return key_display(binding)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for mode, (keys, label, help_text) in MODE_KEYS.items():
            if self._has_mode(mode):
                yield SystemCommand(label, f"{help_text} ({_f_key(keys)})", self._open(mode))
        if self.actor is not None:
            yield SystemCommand(
                "Blocca sessione", "Nasconde lo schermo fino alla password", self.lock
            )
            yield SystemCommand("Cambia password", "Scegli una nuova password", self._change_pw)
        yield SystemCommand("Aiuto", "I tasti di questa schermata (F1)", self.action_help)
        yield SystemCommand("Esci", "Chiudi il programma (Ctrl+Q)", self.action_quit)

    def _change_pw(self) -> None:
        from pdp_tui.tui.screens.change_password import ChangePasswordScreen

        if self.actor is not None:
            self.push_screen(ChangePasswordScreen(self.actor, None, forced=False))

    def _open(self, mode: str):
        return lambda: self.action_open(mode)
