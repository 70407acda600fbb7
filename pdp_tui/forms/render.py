"""Draws the adhesion form: one A4 page in Italian, with fpdf2 and a segno QR code.

Imported only when a form is made (fpdf2 and fontTools take about a second to import).
Text is set in DejaVu Sans, from Debian's fonts-dejavu-core: it covers the Latin, Greek
and Cyrillic letters of customers' names (Nicolò D’Amico, Zoë Ångström, Łukasz Żółć),
which the PDF core fonts (Latin-1 only) cannot. For scripts DejaVu lacks (Chinese,
Japanese, Korean) Droid Sans Fallback (fonts-droid-fallback) is added when a form needs
it and the font is installed. Customer and operator text is drawn literally (fpdf2's
markdown is off).

Speed (the target is 150 ms a form): fpdf2 reads a 6,000-glyph DejaVu font in about
35 ms and embeds its subset in about as much again, so the page embeds one, DejaVu Sans;
the title and the activation code, our own ASCII text, are in Helvetica Bold, one of the
PDF's standard fonts, which every reader and printer has and nothing needs to embed.
Breaking the terms into lines costs about as much as a font, and they are the same on every
form, so they are broken once per process and then drawn line by line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from pdp_tui.forms.content import AdhesionForm

# Where distributions put DejaVu Sans: Debian/Ubuntu, Fedora, Arch, Alpine/openSUSE.
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu-sans-fonts"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/share/fonts/dejavu"),
)
FONT_FILE = "DejaVuSans.ttf"
FALLBACK_FONTS = (
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf"),
)
FAMILY = "dejavu"
FALLBACK_FAMILY = "fallback"
DISPLAY_FAMILY = "helvetica"  # a standard PDF font: for our own ASCII title and the code

# Layout, in millimetres (A4 portrait).
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 15.0
WIDTH = PAGE_W - 2 * MARGIN
QR_SIZE = 32.0
QR_CLEAR = 6.0  # white around the QR code, more than its 4-module quiet zone
CODE_BOX_H = QR_SIZE + 2 * QR_CLEAR
SIGN_BOX_H = 32.0
FOOTER_Y = PAGE_H - 11.0
SIGN_TOP = FOOTER_Y - 4.0 - SIGN_BOX_H
DECLARATION_H = 9.0
TERMS_SIZES = (8.5, 8.0, 7.5, 7.0, 6.5, 6.0)  # points: the largest at which the terms fit
PT = 25.4 / 72  # one point in millimetres
GREY = 90

TITLE = "Modulo di adesione al Piano di Protezione"
DECLARATION = (
    "Con la firma il cliente dichiara di aver letto le condizioni qui sopra e di aderire al "
    "Piano di Protezione; conserva l'originale di questo modulo."
)


class FontsMissing(LookupError):
    """DejaVu Sans is not installed in any of ``FONT_DIRS``."""


class TermsTooLong(ValueError):
    """The terms do not fit on the page even at the smallest size."""


@dataclass(frozen=True)
class Fonts:
    regular: Path
    fallback: Path | None


def find_fonts() -> Fonts:
    for folder in FONT_DIRS:
        if (folder / FONT_FILE).is_file():
            fallback = next((p for p in FALLBACK_FONTS if p.is_file()), None)
            return Fonts(folder / FONT_FILE, fallback)
    raise FontsMissing(", ".join(str(d) for d in FONT_DIRS))


def render(form: AdhesionForm, fonts: Fonts | None = None) -> bytes:
    """The form as PDF bytes: one A4 page."""
    fonts = fonts or find_fonts()
    fallback = _needs_fallback(form, fonts)
    pdf = _document(form, fonts, fallback)
    pdf.add_page()
    _header(pdf, form)
    _fields(pdf, form)
    _code_box(pdf, form, pdf.get_y() + 4)
    _terms(pdf, form.terms, pdf.get_y() + 5, SIGN_TOP - DECLARATION_H - 2, fallback)
    _signature(pdf)
    _footer(pdf, form)
    assert pdf.pages_count == 1, "the adhesion form is one page"
    return bytes(pdf.output())


@cache
def _characters_of(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _needs_fallback(form: AdhesionForm, fonts: Fonts) -> bool:
    """Whether some letter of the form is missing from DejaVu Sans (and a fallback exists)."""
    if fonts.fallback is None:
        return False
    text = "".join((form.customer, form.store_name, form.covering, form.terms))
    covered = _characters_of(fonts.regular)
    return any(ord(ch) not in covered for ch in text if ch.isprintable())


def _document(form: AdhesionForm, fonts: Fonts, fallback: bool) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(False)
    pdf.set_title(f"{TITLE} - {form.contract_number}")
    pdf.set_creator("pdp-tui")
    pdf.set_lang("it-IT")
    pdf.add_font(FAMILY, "", fonts.regular)
    if fallback:
        pdf.add_font(FALLBACK_FAMILY, "", fonts.fallback)
        pdf.set_fallback_fonts([FALLBACK_FAMILY], exact_match=False)
    return pdf


def _font(pdf: FPDF, size: float, grey: bool = False, underline: bool = False) -> None:
    """DejaVu Sans: for everything typed by people (customers, stores, the terms)."""
    pdf.set_font(FAMILY, "U" if underline else "", size)
    pdf.set_text_color(GREY if grey else 0)


def _display_font(pdf: FPDF, size: float) -> None:
    """Helvetica Bold, not embedded: only for our own ASCII text (the title, the code)."""
    pdf.set_font(DISPLAY_FAMILY, "B", size)
    pdf.set_text_color(0)


def _header(pdf: FPDF, form: AdhesionForm) -> None:
    pdf.set_xy(MARGIN, MARGIN)
    _display_font(pdf, 17)
    pdf.cell(WIDTH, 8, TITLE, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _font(pdf, 10)
    pdf.multi_cell(
        WIDTH, 5, f"Negozio {form.store_code} · {form.store_name}", align="L", new_x=XPos.LMARGIN
    )
    pdf.set_draw_color(0)
    pdf.set_line_width(0.3)
    y = pdf.get_y() + 2
    pdf.line(MARGIN, y, MARGIN + WIDTH, y)
    pdf.set_y(y + 3)


def _field(pdf: FPDF, x: float, y: float, width: float, label: str, value: str) -> float:
    """A label over its value; the bottom of what was drawn."""
    pdf.set_xy(x, y)
    _font(pdf, 7.5, grey=True)
    pdf.cell(width, 3.5, label.upper())
    pdf.set_xy(x, y + 3.8)
    _font(pdf, 11)
    pdf.multi_cell(width - 2, 5, value, align="L", new_x=XPos.LEFT)
    return pdf.get_y()


def _fields(pdf: FPDF, form: AdhesionForm) -> None:
    third = WIDTH / 3
    y = pdf.get_y()
    row = [
        ("Numero del contratto", form.contract_number),
        ("Data", form.registered_on.strftime("%d/%m/%Y")),
        ("Valido fino al", form.valid_until.strftime("%d/%m/%Y")),
    ]
    bottom = max(
        _field(pdf, MARGIN + i * third, y, third, label, value)
        for i, (label, value) in enumerate(row)
    )
    bottom = _field(pdf, MARGIN, bottom + 2.5, WIDTH, "Cliente", form.customer)
    y = bottom + 2.5
    bottom = max(
        _field(pdf, MARGIN, y, WIDTH / 2, "Rivestimento", form.covering),
        _field(pdf, MARGIN + WIDTH / 2, y, WIDTH / 2, "Tipo di protezione", form.protection),
    )
    pdf.set_y(bottom)


def _code_box(pdf: FPDF, form: AdhesionForm, top: float) -> None:
    pdf.set_line_width(0.6)
    pdf.rect(MARGIN, top, WIDTH, CODE_BOX_H, round_corners=True, corner_radius=2)
    text_w = WIDTH - QR_SIZE - 3 * QR_CLEAR
    pdf.set_xy(MARGIN + QR_CLEAR, top + 6)
    _font(pdf, 9, grey=True)
    pdf.cell(text_w, 4, "CODICE DI ATTIVAZIONE")
    pdf.set_xy(MARGIN + QR_CLEAR, top + 13)
    _display_font(pdf, 32)
    pdf.cell(text_w, 14, form.activation_code)
    pdf.set_xy(MARGIN + QR_CLEAR, top + 30)
    _font(pdf, 8.5)
    pdf.multi_cell(
        text_w,
        4,
        "Il codice conferma la registrazione del Piano: comunicalo, con il numero del "
        "contratto, a ogni richiesta di intervento. Il codice QR contiene entrambi.",
        align="L",
    )
    _qr(pdf, form.qr_payload, MARGIN + WIDTH - QR_CLEAR - QR_SIZE, top + QR_CLEAR)
    pdf.set_y(top + CODE_BOX_H)


def _qr(pdf: FPDF, payload: str, x: float, y: float) -> None:
    """The QR code as filled rectangles, one per run of dark modules: vector, no image."""
    qr = segno.make(payload, error="m", boost_error=False)
    modules = qr.matrix
    size = QR_SIZE / len(modules)
    pdf.set_fill_color(0)
    for r, row in enumerate(modules):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(x + start * size, y + r * size, (c - start) * size, size, style="F")


def _terms_blocks(terms: str) -> list[tuple[str, str]]:
    """("heading" | "item" | "text" | "gap", text) for each line of the terms file."""
    blocks = []
    for line in terms.strip().splitlines():
        line = line.rstrip()
        if not line.strip():
            blocks.append(("gap", ""))
        elif line.startswith("# "):
            blocks.append(("heading", line[2:].strip()))
        elif line.startswith("- "):
            blocks.append(("item", line[2:].strip()))
        else:
            blocks.append(("text", line))
    return blocks


@dataclass(frozen=True)
class TermsLayout:
    size: float  # points
    blocks: list[tuple[str, list[str]]]  # (kind, the lines it was broken into)

    @property
    def leading(self) -> float:
        return self.size * PT * 1.25

    def height(self) -> float:
        height = 0.0
        for i, (kind, lines) in enumerate(self.blocks):
            if kind == "gap":
                height += self.leading * 0.5
            else:
                height += self.leading * (len(lines) + (0.3 if kind == "heading" and i else 0))
        return height


def _layout_terms(pdf: FPDF, blocks: list[tuple[str, str]], size: float) -> TermsLayout:
    laid = []
    for kind, text in blocks:
        if kind == "gap":
            laid.append((kind, []))
            continue
        _font(pdf, _terms_size(kind, size), underline=kind == "heading")
        lines = pdf.multi_cell(
            WIDTH - _indent(kind),
            size * PT * 1.25,
            text,
            align="L",
            dry_run=True,
            output=MethodReturnValue.LINES,
        )
        laid.append((kind, lines))
    return TermsLayout(size, laid)


def _indent(kind: str) -> float:
    return 3.5 if kind == "item" else 0.0


def _terms_size(kind: str, size: float) -> float:
    return size + 0.5 if kind == "heading" else size


# Terms laid out, by (terms, room, fallback font in use): breaking them into lines costs
# as much as drawing them, and every form has the same terms and nearly always the same room.
_layouts: dict[tuple[str, float, bool], TermsLayout] = {}


def _terms(pdf: FPDF, terms: str, top: float, bottom: float, fallback: bool) -> None:
    key = (terms, round(bottom - top, 2), fallback)
    layout = _layouts.get(key)
    if layout is None:
        blocks = _terms_blocks(terms)
        fitting = (_layout_terms(pdf, blocks, size) for size in TERMS_SIZES)
        layout = next((lay for lay in fitting if lay.height() <= key[1]), None)
        if layout is None:
            raise TermsTooLong(f"the terms need more than {key[1]:.0f} mm at {TERMS_SIZES[-1]} pt")
        if len(_layouts) > 32:
            _layouts.clear()
        _layouts[key] = layout
    y = top
    leading = layout.leading
    for i, (kind, lines) in enumerate(layout.blocks):
        if kind == "gap":
            y += leading * 0.5
            continue
        if kind == "heading" and i:
            y += leading * 0.3
        _font(pdf, _terms_size(kind, layout.size), underline=kind == "heading")
        if kind == "item":
            pdf.set_xy(MARGIN, y)
            pdf.cell(_indent(kind), leading, "–")
        for line in lines:
            pdf.set_xy(MARGIN + _indent(kind), y)
            pdf.cell(WIDTH - _indent(kind), leading, line)
            y += leading


def _signature(pdf: FPDF) -> None:
    pdf.set_xy(MARGIN, SIGN_TOP - DECLARATION_H)
    _font(pdf, 8.5)
    pdf.multi_cell(WIDTH, 4, DECLARATION, align="L")
    gap = 6.0
    box_w = (WIDTH - gap) / 2
    pdf.set_line_width(0.3)
    for i, label in enumerate(("Firma del cliente", "Timbro e firma del negozio")):
        x = MARGIN + i * (box_w + gap)
        pdf.rect(x, SIGN_TOP, box_w, SIGN_BOX_H)
        pdf.set_xy(x + 2, SIGN_TOP + 1.5)
        _font(pdf, 7.5, grey=True)
        pdf.cell(box_w - 4, 3.5, label.upper())


def _footer(pdf: FPDF, form: AdhesionForm) -> None:
    pdf.set_xy(MARGIN, FOOTER_Y)
    _font(pdf, 7, grey=True)
    printed = form.printed_at.strftime("%d/%m/%Y alle %H:%M")
    pdf.cell(
        WIDTH,
        4,
        f"Contratto {form.contract_number} · modulo stampato il {printed}",
        align="C",
    )
