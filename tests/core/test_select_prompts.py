"""Selects never start with Django's dashes: filters offer "All", forms "Choose…" (required)
or "None" (optional); every date filter is a date picker."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from apps.core.forms import use_filter_prompts, use_prompts

APPS = (
    "leads",
    "customers",
    "opportunities",
    "activities",
    "sales",
    "performance",
    "reminders",
    "accounts",
)


def _pages_without_arguments():
    """``namespace:name`` of every page of the apps above that takes no URL argument."""
    names = []
    for resolver in get_resolver().url_patterns:
        if not isinstance(resolver, URLResolver) or resolver.namespace not in APPS:
            continue
        for pattern in resolver.url_patterns:
            if (
                isinstance(pattern, URLPattern)
                and pattern.name
                and not pattern.pattern.regex.groups
            ):
                names.append(f"{resolver.namespace}:{pattern.name}")
    return names


@pytest.mark.django_db
def test_no_filter_or_form_page_shows_dashes_in_a_select(cast, client_as):
    client = client_as(cast.hr)
    walked = []
    for name in _pages_without_arguments():
        response = client.get(reverse(name))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        if "<select" not in page:
            continue
        walked.append(name)
        assert "---------" not in page, name
    # The walk reached the lists and create forms with selects of every app.
    assert {"leads:lead-list", "activities:activity-list", "sales:order-list"} <= set(walked)
    assert len({name.split(":")[0] for name in walked}) >= 6, walked


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    [
        "leads:lead-list",
        "activities:activity-list",
        "customers:customer-list",
        "opportunities:opportunity-list",
        "sales:order-list",
        "reminders:inbox",
    ],
)
def test_every_date_filter_is_a_date_picker(cast, client_as, url_name):
    page = client_as(cast.hr).get(reverse(url_name)).content.decode()
    form = page[page.index('class="filters"') :]
    form = form[: form.index("</form>")]
    date_inputs = re.findall(r'<input[^>]*name="(?:date|due)_(?:after|before)"[^>]*>', form)
    assert date_inputs, url_name
    assert all('type="date"' in tag for tag in date_inputs), date_inputs


@pytest.mark.django_db
def test_filter_selects_start_with_all(cast, client_as):
    page = client_as(cast.hr).get(reverse("leads:lead-list")).content.decode()
    form = page[page.index('class="filters"') :]
    assert '<option value="" selected>All</option>' in form


@pytest.mark.django_db
def test_a_chosen_date_filter_shows_the_iso_date_in_the_picker(cast, client_as):
    url = reverse("leads:lead-list") + "?date_after=2026-11-01"
    page = client_as(cast.hr).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert re.search(r'<input type="date" name="date_after" value="2026-11-01"', page)


def test_required_choice_asks_to_choose_and_optional_offers_none():
    from django import forms

    class Sample(forms.Form):
        kind = forms.ChoiceField(choices=[("", "---------"), ("a", "A")])
        maybe = forms.TypedChoiceField(choices=[("", "---------"), ("a", "A")], required=False)
        user = forms.ModelChoiceField(queryset=None)

    from apps.accounts.models import User

    form = Sample()
    form.fields["user"].queryset = User.objects.none()
    with translation.override("en"):
        use_prompts(form)
        assert form.fields["kind"].choices[0] == ("", "Choose…")
        assert form.fields["maybe"].choices[0] == ("", "None")
        assert list(form.fields["user"].widget.choices)[0] == ("", "Choose…")


def test_filter_yes_no_selects_start_with_all():
    import django_filters

    class Sample(django_filters.FilterSet):
        active = django_filters.BooleanFilter(field_name="is_active")
        risky = django_filters.BooleanFilter(
            field_name="risky", widget=django_filters.widgets.BooleanWidget
        )
        when = django_filters.DateFilter(field_name="day")

    from apps.accounts.models import User

    Sample._meta.model = User
    with translation.override("en"):
        form = Sample(queryset=User.objects.none()).form
        use_filter_prompts(form)
        assert list(form.fields["active"].widget.choices)[0][1] == "All"
        assert list(form.fields["risky"].widget.choices)[0][1] == "All"
    assert form.fields["when"].widget.input_type == "date"
