"""The adhesion form: what the PDF says (read back with pdftotext), its QR code (decoded
with zbarimg), the customer's name in any script, the operator's terms, scoping, audit."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from pdf_tools import pdf_info, pdf_text, qr_codes
from test_glossary import PATTERN as INSURANCE_WORDS

from pdp_tui import config
from pdp_tui.domain import utcnow
from pdp_tui.forms import DEFAULT_TERMS_PATH, render
from pdp_tui.forms.content import parse_qr_payload, qr_payload
from pdp_tui.models import AuditEvent, Plan
from pdp_tui.services import corrections, forms
from pdp_tui.services.audit import Kind
from pdp_tui.services.codes import format_code
from pdp_tui.services.errors import NotFound

UNICODE_NAMES = [
    ("Nicolò", "D’Amico"),
    ("Zoë", "Ångström"),
    ("Łukasz", "Żółć"),
    ("Ελένη", "Παπαδοπούλου"),
    ("Дмитрий", "Шостакович"),
    ("Ngọc Ánh", "Nguyễn"),
]


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def plan(seed, register):
    return register(seed.staff_mi, "PDP-2026-0042", "Nicolò", "D’Amico", "covering_motion")


def test_the_form_shows_the_plan_and_its_code(seed, plan):
    form = forms.adhesion_form(seed.staff_mi, plan_id=plan.id)
    assert form.plan == plan
    assert form.file_name == "PDP-2026-0042.pdf"
    text = one_line(pdf_text(form.pdf))
    local = config.current().zone
    registered = plan.created_at.replace(tzinfo=dt.UTC).astimezone(local).date()
    for expected in (
        "Modulo di adesione al Piano di Protezione",
        "Negozio MI01 · Milano Centro",
        "PDP-2026-0042",
        registered.strftime("%d/%m/%Y"),
        "Nicolò D’Amico",
        plan.covering.label,
        "rivestimento + motion",
        plan.valid_until.strftime("%d/%m/%Y"),
        format_code(plan.activation_code),
        "FIRMA DEL CLIENTE",
        "TIMBRO E FIRMA DEL NEGOZIO",
        "Condizioni del Piano di Protezione",  # the default terms
        "garanzia legale di conformità",
    ):
        assert expected in text, expected
    assert qr_codes(form.pdf) == [f"PDP:PDP-2026-0042:{format_code(plan.activation_code)}"]
    info = pdf_info(form.pdf)
    assert info["Pages"] == "1"
    assert "(A4)" in info["Page size"]
    assert info["Title"] == "Modulo di adesione al Piano di Protezione - PDP-2026-0042"


def test_qr_payload_round_trip():
    payload = qr_payload("PDP-2026-0042", "7K3M-X9QA-2B4C")
    assert payload == "PDP:PDP-2026-0042:7K3M-X9QA-2B4C"
    assert parse_qr_payload(payload) == ("PDP-2026-0042", "7K3M-X9QA-2B4C")
    assert parse_qr_payload(f"  {payload}\n") == ("PDP-2026-0042", "7K3M-X9QA-2B4C")
    for wrong in ("", "PDP:X", "XYZ:PDP-1:7K3M-X9QA-2B4C", "PDP:PDP-1:7K3M-X9QA", "PDP:a:b"):
        assert parse_qr_payload(wrong) is None


@pytest.mark.parametrize("first, last", UNICODE_NAMES, ids=[n[1] for n in UNICODE_NAMES])
def test_names_in_any_latin_greek_or_cyrillic_letters(seed, register, first, last):
    plan = register(seed.staff_mi, "PDP-U1", first, last)
    pdf = forms.adhesion_form(seed.staff_mi, plan_id=plan.id).pdf
    assert f"{first} {last}" in one_line(pdf_text(pdf))


def test_names_beyond_dejavu_use_the_fallback_font(seed, register):
    fonts = render.find_fonts()
    if fonts.fallback is None:
        pytest.skip("no fallback font for CJK (fonts-droid-fallback)")
    plan = register(seed.staff_mi, "PDP-U2", "小明", "王")
    pdf = forms.adhesion_form(seed.staff_mi, plan_id=plan.id).pdf
    assert "小明 王" in one_line(pdf_text(pdf))


def test_customer_text_is_drawn_literally(seed, register):
    plan = register(seed.staff_mi, "PDP-U3", "**Anna** <b>", "__Rossi__ {code} ~~x~~ \\n")
    text = one_line(pdf_text(forms.adhesion_form(seed.staff_mi, plan_id=plan.id).pdf))
    assert "**Anna** <b> __Rossi__ {code} ~~x~~ \\n" in text


def test_the_longest_names_still_fit_one_page(seed, register):
    first, last = "Maria " + "Anna" * 13 + "aa", "De " + "Santis" * 9 + "sss"
    assert len(first) == len(last) == 60
    plan = register(seed.staff_mi, "PDP-U4", first, last)
    pdf = forms.adhesion_form(seed.staff_mi, plan_id=plan.id).pdf
    assert pdf_info(pdf)["Pages"] == "1"
    text = "".join(pdf_text(pdf).split())
    assert (first + last).replace(" ", "") in text
    assert "FIRMADELCLIENTE" in text


def test_no_insurance_vocabulary_on_paper(seed, plan):
    text = pdf_text(forms.adhesion_form(seed.staff_mi, plan_id=plan.id).pdf)
    assert INSURANCE_WORDS.findall(text) == []


# --- the terms ----------------------------------------------------------------------------


def test_the_operator_terms_file_is_printed(seed, plan, tmp_path, monkeypatch):
    terms = tmp_path / "condizioni.txt"
    terms.write_text(
        "\ufeff# Condizioni del negozio\nIl Piano comprende la pulizia annuale.\n"
        "- Ritiro a domicilio incluso\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PDP_FORM_TERMS", str(terms))
    config.use(config.load_settings())
    assert forms.terms_path() == terms
    text = one_line(pdf_text(forms.adhesion_form(seed.staff_mi, plan_id=plan.id).pdf))
    assert "Condizioni del negozio Il Piano comprende la pulizia annuale." in text
    assert "– Ritiro a domicilio incluso" in text
    assert "Cosa comprende il Piano" not in text  # the default terms are not printed


def test_unreadable_terms_are_an_italian_message(seed, plan, tmp_path):
    config.use(config.load_settings(env={}, form_terms_path=str(tmp_path / "manca.txt")))
    with pytest.raises(forms.FormUnavailable, match="Condizioni del modulo non leggibili"):
        forms.adhesion_form(seed.staff_mi, plan_id=plan.id)
    assert not AuditEvent.select().where(AuditEvent.kind == Kind.FORM_MADE).exists()


def test_terms_too_long_for_the_page_are_refused(seed, plan, tmp_path):
    terms = tmp_path / "lunghe.txt"
    terms.write_text("Il Piano comprende molte cose. " * 800, encoding="utf-8")
    config.use(config.load_settings(env={}, form_terms_path=str(terms)))
    with pytest.raises(forms.FormUnavailable, match="non stanno in una pagina"):
        forms.adhesion_form(seed.staff_mi, plan_id=plan.id)


def test_longer_terms_are_set_smaller_to_fit(seed, plan, tmp_path):
    default = DEFAULT_TERMS_PATH.read_text(encoding="utf-8")
    terms = tmp_path / "lunghe.txt"
    extra = "\n# Note del negozio\n" + "Testo aggiuntivo delle condizioni. " * 25 + "Fine."
    terms.write_text(default + extra, encoding="utf-8")
    config.use(config.load_settings(env={}, form_terms_path=str(terms)))
    pdf = forms.adhesion_form(seed.staff_mi, plan_id=plan.id).pdf
    assert pdf_info(pdf)["Pages"] == "1"
    text = one_line(pdf_text(pdf))
    assert "Cosa non comprende il Piano" in text and "condizioni. Fine." in text
    assert render._layouts  # laid out once, at a size smaller than the default's
    assert min(layout.size for layout in render._layouts.values()) < render.TERMS_SIZES[0]


def test_without_dejavu_sans_the_message_names_the_package(seed, plan, tmp_path, monkeypatch):
    monkeypatch.setattr(render, "FONT_DIRS", (tmp_path,))
    with pytest.raises(forms.FormUnavailable, match="fonts-dejavu-core"):
        forms.adhesion_form(seed.staff_mi, plan_id=plan.id)


def test_render_is_plain_data_in_bytes_out():
    form = render_content()
    pdf = render.render(form)
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-32:]
    again = render.render(dataclasses.replace(form, customer="Zoë Ångström"))
    assert "Zoë Ångström" in pdf_text(again)


def render_content():
    from pdp_tui.forms.content import AdhesionForm

    return AdhesionForm(
        store_code="MI01",
        store_name="Milano Centro",
        contract_number="PDP-1",
        registered_on=dt.date(2026, 11, 29),
        customer="Mario Rossi",
        covering="Pelle",
        protection="solo rivestimento",
        valid_until=dt.date(2031, 11, 29),
        activation_code="7K3M-X9QA-2B4C",
        printed_at=dt.datetime(2026, 11, 29, 10, 0),
        terms=DEFAULT_TERMS_PATH.read_text(encoding="utf-8"),
    )


# --- who may have it ----------------------------------------------------------------------


def test_scoped_like_plans_and_audited(seed, plan):
    with pytest.raises(NotFound):
        forms.adhesion_form(seed.staff_rm, plan_id=plan.id)
    with pytest.raises(NotFound):
        forms.adhesion_form(seed.staff_rm, contract_number="PDP-2026-0042")
    started = utcnow()
    by_number = forms.adhesion_form(seed.support, contract_number=" pdp-2026-0042 ")
    assert by_number.plan.id == plan.id
    forms.adhesion_form(seed.staff_mi, plan_id=plan.id)
    events = list(
        AuditEvent.select().where(AuditEvent.kind == Kind.FORM_MADE).order_by(AuditEvent.id)
    )
    assert [(e.username, e.target) for e in events] == [
        ("assistenza", "PDP-2026-0042"),
        ("vendite.mi", "PDP-2026-0042"),
    ]
    assert all(e.at >= started for e in events)
    assert f'"plan_id": {plan.id}' in events[0].detail


def test_unknown_contract_and_voided_plan(seed, plan):
    with pytest.raises(NotFound):
        forms.adhesion_form(seed.support, contract_number="PDP-NESSUNO")
    with pytest.raises(NotFound):
        forms.adhesion_form(seed.support, contract_number="")
    corrections.void_plan(seed.staff_mi, plan.id, reason="Doppione")
    with pytest.raises(forms.FormUnavailable, match="annullato"):
        forms.adhesion_form(seed.staff_mi, plan_id=plan.id)
    assert Plan.select().count() == 1
