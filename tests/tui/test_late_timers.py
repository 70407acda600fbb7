"""A till on an overloaded host kept repainting (bench/sessions.py with 100 tills found one
that stopped for good), and its list never says "Ricerca in corso…" over an answer.

Textual's ``Timer._run`` reads the clock twice before its first sleep; a process kept off
the CPU in between (or a thread holding the GIL) counts the tick as missed, and a one-shot
timer then ends without calling back. ``App.switch_mode`` holds repaints with
``delay_update``, which resumes them with such a timer: with the tick skipped, the screen
was never repainted again. These tests make the clock jump between those two reads.
"""

from __future__ import annotations

import asyncio
import itertools

import pytest
from pilot_helpers import flat, login_staff, region_text, wait_until
from textual import _time
from textual.app import App

from pdp_tui.tui.screens.contract_list import LOADING, ContractListScreen


def shown(app, selector: str) -> str:
    return flat(region_text(app, app.screen.query_one(selector)))


@pytest.fixture
def late_clock(monkeypatch):
    """``late_clock(name)``: in the timer task ``name``, Textual's clock jumps a second
    after its first reading, as if the process were kept off the CPU right then."""

    def start(name: str) -> None:
        real = _time.get_time
        readings = itertools.count()

        def get_time() -> float:
            task = asyncio.current_task()
            if task is None or task.get_name() != name:
                return real()
            return real() + min(next(readings), 1)

        monkeypatch.setattr(_time, "get_time", get_time)

    return start


async def test_textual_skips_a_one_shot_timer_started_late(late_clock):
    # The upstream behaviour the app works around: if this starts failing, Textual has
    # fixed it and PdpApp.delay_update may go.
    called = []
    app = App()
    async with app.run_test() as pilot:
        late_clock("late")
        app.set_timer(0.05, lambda: called.append(True), name="late")
        await asyncio.sleep(0.3)
        await pilot.pause()
    assert called == []


async def test_switching_screens_on_a_late_clock_repaints(sqlite_seed, make_app, late_clock):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        late_clock("delay_update")  # the timer App.switch_mode's delay_update starts
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen), "the list")
        await wait_until(pilot, lambda: app._batch_count == 0, "repaints resumed")


async def test_a_late_loading_notice_does_not_hide_the_answer(sqlite_seed, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login_staff(pilot)
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractListScreen), "the list")
        screen = app.screen
        await wait_until(pilot, lambda: shown(app, "#list-status").startswith("Nessun contratto"))
        # The notice's timer fired just before the answer came: its callback runs after it.
        screen._say_loading()
        await pilot.pause()
        assert LOADING not in shown(app, "#list-status")
        assert shown(app, "#list-status").startswith("Nessun contratto")
