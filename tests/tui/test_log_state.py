"""`kill -USR1 PID`: a till that seems stuck writes what it is doing to its log."""

from __future__ import annotations

import logging
import os
import signal

from pilot_helpers import login_staff, wait_until


async def test_sigusr1_logs_the_screen_keys_and_busy_tasks(sqlite_seed, make_app, caplog):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        with caplog.at_level(logging.WARNING, logger="pdp_tui.tui.app"):
            os.kill(os.getpid(), signal.SIGUSR1)
            await wait_until(pilot, lambda: "state of pdp-tui" in caplog.text, "the state")
    logged = caplog.text
    assert f"state of pdp-tui {os.getpid()}: screen PlanEntryScreen" in logged
    assert "type-ahead: 0 held [], delivering=False, busy=False" in logged
    assert "repaints held 0" in logged and "screen update: dirty" in logged


async def test_keys_typed_ahead_are_counted_not_written(sqlite_seed, make_app):
    from textual import events

    app = make_app()
    async with app.run_test(size=(80, 24)):
        type_ahead = app.type_ahead
        type_ahead._held.extend(
            [events.Key("s", "s"), events.Key("enter", "\r"), events.Paste("segreto")]
        )
        try:
            assert "3 held ['·', 'enter', 'paste']" in type_ahead.describe()
            assert "segreto" not in type_ahead.describe()
        finally:
            type_ahead._held.clear()
