"""Reading PDFs as a person would, and the real CUPS queue of .ci/cups-setup (every suite).

Text comes from poppler's ``pdftotext``; QR codes from ``zbarimg`` on a page rendered by
``pdftoppm`` (Debian's ImageMagick policy refuses PDF input). The printing tests use the
cups-pdf queue PDP-PDF that .ci/cups-setup makes (and that the ``cups`` fixture starts if
it is installed but down). Without the tools the tests skip, with the reason; under CI
(``CI`` set), where .ci/run installs everything, they fail instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CUPS_SETUP = ROOT / ".ci" / "cups-setup"
CUPS_QUEUE = "PDP-PDF"
CUPS_PDF_CONF = Path("/etc/cups/cups-pdf.conf")
PDF_TOOLS = ("pdftotext", "pdftoppm", "pdfinfo", "zbarimg")
CUPS_TOOLS = ("lp", "lpstat", "lpadmin", "cupsd")
C_LOCALE = {"LC_ALL": "C", "LANG": "C"}


def unavailable(reason: str) -> None:
    """Skip, or fail under CI, where .ci/cups-setup has installed everything."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI runs .ci/cups-setup: this must not happen there)")
    pytest.skip(reason)


def _which(tool: str) -> str | None:
    return shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/usr/bin:/sbin:/bin")


def require_pdf_tools() -> None:
    missing = [tool for tool in PDF_TOOLS if _which(tool) is None]
    if missing:
        unavailable(f"{', '.join(missing)} not installed (poppler-utils, zbar-tools)")


def _run(argv: list[str], data: bytes | None = None, timeout: float = 60) -> str:
    done = subprocess.run(
        argv,
        input=data,
        capture_output=True,
        timeout=timeout,
        check=True,
        env=dict(os.environ, **C_LOCALE),
    )
    return done.stdout.decode("utf-8", "replace")


def _as_file(pdf: bytes | Path, folder: Path) -> Path:
    if isinstance(pdf, Path):
        return pdf
    path = folder / "form.pdf"
    path.write_bytes(pdf)
    return path


def pdf_text(pdf: bytes | Path) -> str:
    """The text of every page, in reading order, as pdftotext finds it."""
    require_pdf_tools()
    with tempfile.TemporaryDirectory() as folder:
        return _run(["pdftotext", "-enc", "UTF-8", str(_as_file(pdf, Path(folder))), "-"])


def pdf_info(pdf: bytes | Path) -> dict[str, str]:
    """pdfinfo's fields: Pages, Page size, Title, ..."""
    require_pdf_tools()
    with tempfile.TemporaryDirectory() as folder:
        out = _run(["pdfinfo", "-enc", "UTF-8", str(_as_file(pdf, Path(folder)))])
    pairs = (line.split(":", 1) for line in out.splitlines() if ":" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def qr_codes(pdf: bytes | Path, dpi: int = 150) -> list[str]:
    """What the QR codes on the first page say: rendered to PNG, then read by zbarimg."""
    require_pdf_tools()
    with tempfile.TemporaryDirectory() as folder:
        source = _as_file(pdf, Path(folder))
        prefix = Path(folder) / "page"
        _run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", str(source), str(prefix)])
        (png,) = Path(folder).glob("page*.png")
        done = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
            capture_output=True,
            timeout=60,
            check=False,
            env=dict(os.environ, **C_LOCALE),
        )
    return done.stdout.decode("utf-8", "replace").splitlines()


# --- the real CUPS ------------------------------------------------------------------------


@dataclass(frozen=True)
class CupsPdfQueue:
    """The cups-pdf queue: where its PDFs land, and how to find one job's file."""

    name: str
    out_dir: Path

    def job_file(self, job_id: str, since: float, timeout: float = 60.0) -> Path:
        """The PDF cups-pdf wrote for ``job_id`` ("PDP-PDF-12"), once the job is done.

        Files are named "<title>-job_<N>.pdf" (cups-setup's Label 2); ``since`` (a
        time.time()) skips a file of the same number left by an earlier CUPS.
        """
        number = job_id.rpartition("-")[2]
        name = re.compile(rf".*-job_{re.escape(number)}\.pdf")
        deadline = time.monotonic() + timeout
        while True:
            if self._completed(job_id):
                found = [
                    p
                    for p in self.out_dir.glob("*.pdf")
                    if name.fullmatch(p.name) and p.stat().st_mtime >= since - 1
                ]
                if found:
                    return max(found, key=lambda p: p.stat().st_mtime)
            if time.monotonic() > deadline:
                state = _run(["lpstat", "-W", "all", "-o", self.name], timeout=10)
                raise AssertionError(f"no PDF for {job_id} in {self.out_dir}; jobs: {state}")
            time.sleep(0.2)

    def _completed(self, job_id: str) -> bool:
        out = _run(["lpstat", "-W", "completed", "-o", self.name], timeout=10)
        return any(line.split()[:1] == [job_id] for line in out.splitlines())


def _scheduler_running() -> bool:
    try:
        return "scheduler is running" in _run(["lpstat", "-r"], timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False


def _queue_exists(name: str) -> bool:
    try:
        _run(["lpstat", "-p", name], timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return True


def _out_dir() -> Path | None:
    try:
        text = CUPS_PDF_CONF.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    match = re.search(r"^Out\s+(\S+)\s*$", text, re.MULTILINE)
    return Path(match.group(1)) if match and "$" not in match.group(1) else None


def cups_pdf_queue() -> CupsPdfQueue:
    """The ready queue; starts what .ci/cups-setup sets up if it is installed but down."""
    missing = [tool for tool in CUPS_TOOLS if _which(tool) is None]
    if missing:
        unavailable(f"CUPS is not installed ({', '.join(missing)}): run .ci/cups-setup as root")
    require_pdf_tools()
    if not (_scheduler_running() and _queue_exists(CUPS_QUEUE) and _out_dir()):
        if os.geteuid() != 0:
            unavailable("CUPS is down or its PDF queue is missing: run .ci/cups-setup as root")
        done = subprocess.run(
            ["bash", str(CUPS_SETUP)], capture_output=True, text=True, timeout=600, check=False
        )
        if done.returncode != 0:
            unavailable(f"CUPS cannot run here: .ci/cups-setup failed: {done.stderr.strip()}")
    out_dir = _out_dir()
    if out_dir is None:
        unavailable(f"{CUPS_PDF_CONF} has no fixed Out directory: run .ci/cups-setup")
    return CupsPdfQueue(CUPS_QUEUE, out_dir)
