"""Normalisation used for duplicate detection (company names, phones, e-mails)."""

import re
import unicodedata

_COMPANY_SUFFIXES = (
    "有限责任公司",
    "股份有限公司",
    "有限公司",
    "集团",
    "公司",
    " co., ltd.",
    " co.,ltd.",
    " co. ltd.",
    " co ltd",
    " company limited",
    " limited",
    " ltd.",
    " ltd",
    " inc.",
    " inc",
    " llc",
    " gmbh",
    " corp.",
    " corp",
    " corporation",
)


def normalise_company(name: str) -> str:
    """Case-, width- and punctuation-insensitive company key; common legal suffixes dropped."""
    text = unicodedata.normalize("NFKC", name or "").lower().strip()
    changed = True
    while changed:
        changed = False
        for suffix in _COMPANY_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)].strip(" ,.")
                changed = True
    return re.sub(r"[\W_]+", "", text)


def normalise_phone(phone: str) -> str:
    """Digits only, without a leading China country code (+86 / 0086)."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone or ""))
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 8:
            digits = digits[len(prefix) :]
            break
    return digits


def normalise_email(email: str) -> str:
    return unicodedata.normalize("NFKC", email or "").strip().lower()
