"""The adhesion form: time to make one PDF, and its size.

    python bench/form.py [--runs 40]

"render" is pdp_tui.forms.render.render on a plan's content (what a worker does after the
database lookup); "service" is services.forms.adhesion_form through gateway.call on a
small SQLite database (lookup, terms file, render, audit), as the screens and the shell
will call it. Names rotate through accented Latin, Greek and Cyrillic customers; the CJK
line adds the fallback font (Droid Sans Fallback) that such names need. "first form" is a
fresh process making its first form: the import of fpdf2/fontTools/segno included.
Target: 150 ms a form.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _harness as h

sys.path.insert(0, str(h.ROOT))

NAMES = [
    ("Nicolò", "D’Amico"),
    ("Zoë", "Ångström"),
    ("Łukasz", "Żółć"),
    ("Ελένη", "Παπαδοπούλου"),
    ("Дмитрий", "Шостакович"),
    ("Maria Grazia", "De Santis"),
]

FIRST_FORM = """
import datetime as dt, time
started = time.perf_counter()
from pdp_tui.forms import DEFAULT_TERMS_PATH, render
from pdp_tui.forms.content import AdhesionForm
render.render(AdhesionForm("MI01", "Milano Centro", "PDP-1", dt.date(2026, 1, 1),
    "Nicolò D’Amico", "Pelle", "solo rivestimento", dt.date(2031, 1, 1), "7K3M-X9QA-2B4C",
    dt.datetime(2026, 1, 1, 10, 0), DEFAULT_TERMS_PATH.read_text()))
print(time.perf_counter() - started)
"""


def content(first: str, last: str, number: int):
    from pdp_tui.forms import DEFAULT_TERMS_PATH
    from pdp_tui.forms.content import AdhesionForm

    return AdhesionForm(
        store_code="MI01",
        store_name="Milano Centro",
        contract_number=f"PDP-2026-{number:06d}",
        registered_on=dt.date(2026, 11, 29),
        customer=f"{first} {last}",
        covering="Microfibra",
        protection="rivestimento + motion",
        valid_until=dt.date(2031, 11, 29),
        activation_code="7K3M-X9QA-2B4C",
        printed_at=dt.datetime(2026, 11, 29, 10, 0),
        terms=DEFAULT_TERMS_PATH.read_text(encoding="utf-8"),
    )


def measure(make, runs: int) -> tuple[list[float], list[float], list[int]]:
    """Wall and CPU seconds, and bytes, of ``runs`` calls of ``make(i)`` (after a warm-up)."""
    make(-1)
    wall, cpu, sizes = [], [], []
    for i in range(runs):
        w, c = time.perf_counter(), time.process_time()
        pdf = make(i)
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
        sizes.append(len(pdf))
    return wall, cpu, sizes


def report(label: str, wall: list[float], cpu: list[float], sizes: list[int]) -> None:
    print(f"{label:<22} {h.fmt(wall)}")
    print(f"{'':<22} cpu median {statistics.median(cpu) * 1000:.1f} ms")
    low, high = min(sizes), max(sizes)
    print(f"{'':<22} PDF {statistics.median(sizes):,.0f} bytes (min–max {low:,}–{high:,})")


def first_form(runs: int) -> list[float]:
    env = dict(os.environ, PYTHONPATH=str(h.ROOT))
    return [
        float(
            subprocess.run(
                [sys.executable, "-c", FIRST_FORM],
                capture_output=True,
                text=True,
                check=True,
                env=env,
            ).stdout
        )
        for _ in range(runs)
    ]


def service_database(folder: Path) -> tuple[object, list[int]]:
    """A small migrated SQLite database with one plan per name; (staff actor, plan ids)."""
    os.environ["PDP_CONFIG"] = os.devnull  # an empty settings file: defaults
    from pdp_tui import config, db
    from pdp_tui.domain import SYSTEM, Role
    from pdp_tui.services import accounts, auth, catalogue, plans

    config.use(config.load_settings(env={}, database_url=f"sqlite:///{folder}/pdp.sqlite3"))
    db.open_database(config.current().resolved_database_url)
    db.migrate()
    catalogue.add_store(SYSTEM, "MI01", "Milano Centro")
    accounts.create_user(
        SYSTEM, "vendite", Role.STAFF, password="password-lunga-1", store_code="MI01",
        must_change_password=False,
    )  # fmt: skip
    staff = auth.authenticate("vendite", "password-lunga-1")
    covering = catalogue.list_coverings(staff)[0].id
    ids = [
        plans.register_plan(
            staff, covering_id=covering, contract_number=f"PDP-{i}", first_name=first,
            last_name=last, protection="covering_motion",
        ).id
        for i, (first, last) in enumerate(NAMES)
    ]  # fmt: skip
    return staff, ids


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    h.header("Adhesion form: time to make one PDF (target 150 ms) and its size")
    from pdp_tui.forms import render

    fonts = render.find_fonts()
    print(f"fonts: {fonts.regular}; fallback {fonts.fallback}")
    forms = [content(first, last, i) for i, (first, last) in enumerate(NAMES)]
    report(
        "render",
        *measure(lambda i: render.render(forms[i % len(forms)], fonts), args.runs),
    )
    cjk = content("小明", "王", 7)
    report("render, CJK name", *measure(lambda i: render.render(cjk, fonts), args.runs // 2))

    with tempfile.TemporaryDirectory() as folder:
        staff, ids = service_database(Path(folder))
        from pdp_tui.services import forms as form_service
        from pdp_tui.services import gateway

        def through_service(i: int) -> bytes:
            plan_id = ids[i % len(ids)]
            return gateway.call(form_service.adhesion_form, staff, plan_id=plan_id).pdf

        report("service (SQLite)", *measure(through_service, args.runs))
    print(f"{'first form (new process)':<22} {h.fmt(first_form(max(3, args.runs // 8)))}")


if __name__ == "__main__":
    main()
