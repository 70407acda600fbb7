"""What an adhesion form shows, as plain data, and what its QR code encodes. Pure Python."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# The QR code holds "PDP:<contract number>:<activation code in groups>", e.g.
# "PDP:PDP-2026-0001:7K3M-X9QA-2B4C": only characters of the QR alphanumeric mode
# (upper case, digits, '-', ':'), so the symbol stays small and reads well from a photo.
QR_PREFIX = "PDP"
_PAYLOAD = re.compile(rf"{QR_PREFIX}:([A-Z0-9][A-Z0-9./-]*):([0-9A-Z]{{4}}(?:-[0-9A-Z]{{4}}){{2}})")


@dataclass(frozen=True)
class AdhesionForm:
    store_code: str
    store_name: str
    contract_number: str
    registered_on: dt.date  # in the users' time zone
    customer: str  # "Nome Cognome", as typed
    covering: str
    protection: str
    valid_until: dt.date
    activation_code: str  # as printed: XXXX-XXXX-XXXX
    printed_at: dt.datetime  # in the users' time zone
    terms: str  # the operator's text, drawn as it is

    @property
    def qr_payload(self) -> str:
        return qr_payload(self.contract_number, self.activation_code)


def qr_payload(contract_number: str, grouped_code: str) -> str:
    return f"{QR_PREFIX}:{contract_number}:{grouped_code}"


def parse_qr_payload(text: str) -> tuple[str, str] | None:
    """(contract number, grouped activation code) from a decoded QR code, or None."""
    match = _PAYLOAD.fullmatch(text.strip())
    return (match.group(1), match.group(2)) if match else None
