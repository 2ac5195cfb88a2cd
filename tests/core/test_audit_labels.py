"""Audit entries read as words on pages, never as codes like ``customer.create``."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from apps.core.audit_labels import ACTION_LABELS, action_label

APPS_DIR = Path(__file__).resolve().parents[2] / "apps"
CODE = r"[a-z_]+\.[a-z_]+"


def codes_written_by_the_apps() -> set[str]:
    """Every literal action code in the apps' code (``action="lead.convert"``,
    ``action = "target.create"``) and the proposal review decisions."""
    codes = set()
    for path in APPS_DIR.glob("*/*.py"):
        text = path.read_text()
        codes |= set(re.findall(rf'\baction\s*=\s*"({CODE})"', text))
        codes |= set(re.findall(rf'audit_record\([^)]*?"({CODE})"', text, re.S))
    from apps.opportunities.services import REVIEW_DECISIONS

    codes |= {f"proposal.{decision}" for decision in REVIEW_DECISIONS}
    return codes


def test_the_scan_finds_the_codes_services_write():
    codes = codes_written_by_the_apps()
    assert {"customer.create", "weight_scheme.create", "target.update", "proposal.approve"} <= codes


def test_every_action_code_the_apps_write_has_a_label():
    missing = sorted(codes_written_by_the_apps() - set(ACTION_LABELS))
    assert missing == [], f"add these to apps/core/audit_labels.py: {missing}"


def test_labels_are_words_in_the_readers_language():
    with translation.override("en"):
        assert action_label("customer.create") == "Customer created"
    with translation.override("zh-hans"):
        assert action_label("customer.create") != "customer.create"


def test_an_unknown_code_reads_as_words_not_as_a_code():
    assert action_label("order.close_early") == "Order close early"


@pytest.mark.django_db
def test_the_customer_page_shows_the_audit_entry_in_words(cast, client_as):
    from django.urls import reverse

    from apps.customers.services import customer_create

    customer = customer_create(actor=cast.manager_a, owner=cast.rep_a, name="Acme")
    url = reverse("customers:customer-detail", args=[customer.pk])
    text = client_as(cast.manager_a).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Customer created" in text
    assert "customer.create" not in text


@pytest.mark.django_db
def test_the_system_scheme_note_and_name_read_in_the_readers_language(cast, client_as):
    from django.urls import reverse

    from apps.performance.models import WeightScheme
    from apps.performance.services import ensure_default_schemes

    with translation.override("en"):
        ensure_default_schemes()
    scheme = WeightScheme.objects.order_by("pk").first()
    url = reverse("performance:scheme-detail", args=[scheme.pk])
    client = client_as(cast.hr)
    client.cookies["django_language"] = "zh-hans"
    text = client.get(url).content.decode()
    assert "Default scheme created by the system." not in text
    with translation.override("zh-hans"):
        assert scheme.display_notes in text
        assert scheme.display_name in text
    assert "weight_scheme.create" not in text
