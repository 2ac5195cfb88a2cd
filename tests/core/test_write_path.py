"""The shared write path and the shared rules in apps/core: owner resolution, role predicates,
the KPI-facts hook, the related-list registry, calendar quarters, ServiceFormView and the API's
write permission."""

import datetime

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory
from rest_framework.test import APIRequestFactory

from apps.accounts.models import User
from apps.core import permissions, quarters, related
from apps.core.api.permissions import WriteRulePermission
from apps.core.kpi_facts import kpi_facts_changed
from apps.core.mixins import ServiceFormView
from apps.core.ownership import OwnerMessages, assignable_owners, resolve_owner
from apps.customers.models import Customer
from apps.scorecards.models import StaleRepPeriod
from tests.factories import CustomerFactory

MESSAGES = OwnerMessages(
    required="Choose an owner.",
    not_in_team="%(name)s is not in your teams.",
    cannot_own="%(name)s cannot own records.",
    rep_hands_over="A rep cannot hand %(name)s a record.",
)


# --- calendar quarters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (datetime.date(2026, 1, 1), (2026, 1)),
        (datetime.date(2026, 3, 31), (2026, 1)),
        (datetime.date(2026, 4, 1), (2026, 2)),
        (datetime.date(2026, 12, 31), (2026, 4)),
    ],
)
def test_quarter_of_puts_each_boundary_day_in_its_quarter(day, quarter):
    assert quarters.quarter_of(day) == quarter


def test_quarter_end_is_the_last_day_including_december():
    assert quarters.quarter_end(2026, 1) == datetime.date(2026, 3, 31)
    assert quarters.quarter_end(2026, 4) == datetime.date(2026, 12, 31)
    assert quarters.quarter_after_end(2026, 4) == datetime.date(2027, 1, 1)


def test_quarters_before_crosses_the_year_latest_first():
    assert quarters.quarters_before(datetime.date(2026, 5, 10), 3) == [
        (2026, 1),
        (2025, 4),
        (2025, 3),
    ]


# --- role predicates --------------------------------------------------------------------------


def test_only_sellers_and_admins_write_crm_data(cast):
    assert permissions.can_write_crm(cast.rep_a)
    assert permissions.can_write_crm(cast.manager_a)
    assert permissions.can_write_crm(cast.admin)
    assert not permissions.can_write_crm(cast.hr)


def test_an_inactive_seller_writes_nothing(cast):
    cast.rep_a.is_active = False
    assert not permissions.can_write_crm(cast.rep_a)


def test_a_manager_manages_only_the_members_of_their_teams(cast):
    assert permissions.manages(cast.manager_a, cast.rep_a)
    assert not permissions.manages(cast.manager_a, cast.rep_b)
    assert not permissions.manages(cast.rep_a, cast.rep_a2)


def test_owner_in_scope_follows_visible_to(cast):
    assert permissions.owner_in_scope(cast.rep_a, cast.rep_a.pk)
    assert not permissions.owner_in_scope(cast.rep_a, cast.rep_a2.pk)
    assert permissions.owner_in_scope(cast.manager_a, cast.rep_a2.pk)
    assert not permissions.owner_in_scope(cast.manager_a, cast.rep_b.pk)
    assert permissions.owner_in_scope(cast.hr, cast.rep_b.pk)


def test_require_raises_permission_denied_with_the_message():
    permissions.require(True, "never shown")
    with pytest.raises(PermissionDenied, match="not yours"):
        permissions.require(False, "not yours")


# --- owner resolution -------------------------------------------------------------------------


def test_a_manager_may_assign_their_team_and_themselves_only(cast):
    allowed = set(assignable_owners(cast.manager_a).values_list("username", flat=True))
    assert allowed == {"manager_a", "rep_a", "rep_a2"}


def test_assignable_owners_combine_with_other_querysets(cast):
    """No DISTINCT in the rule, so it can be OR-ed with another queryset (a form's choices)."""
    combined = assignable_owners(cast.manager_a) | User.objects.filter(pk=cast.rep_b.pk)
    assert combined.count() == 4


def test_a_rep_owns_what_they_create_whoever_they_name(cast):
    errors = {}
    owner = resolve_owner(actor=cast.rep_a, owner=cast.rep_b, errors=errors, messages=MESSAGES)
    assert owner == cast.rep_a
    assert errors == {}


def test_a_rep_cannot_hand_a_record_over(cast):
    errors = {}
    owner = resolve_owner(
        actor=cast.rep_a,
        owner=cast.rep_a2,
        current=cast.rep_a,
        errors=errors,
        messages=MESSAGES,
    )
    assert owner == cast.rep_a
    assert errors == {"owner": [f"A rep cannot hand {cast.rep_a2} a record."]}


def test_a_manager_naming_someone_outside_their_teams_is_refused(cast):
    errors = {}
    owner = resolve_owner(actor=cast.manager_a, owner=cast.rep_b, errors=errors, messages=MESSAGES)
    assert owner is None
    assert errors == {"owner": [f"{cast.rep_b} is not in your teams."]}


def test_an_admin_cannot_make_hr_an_owner(cast):
    errors = {}
    owner = resolve_owner(
        actor=cast.admin, owner=cast.hr, errors=errors, messages=MESSAGES, field="seller"
    )
    assert owner is None
    assert errors == {"seller": [f"{cast.hr} cannot own records."]}


def test_no_owner_defaults_to_a_selling_actor_or_asks(cast):
    errors = {}
    assert resolve_owner(actor=cast.manager_a, owner=None, errors=errors, messages=MESSAGES) == (
        cast.manager_a
    )
    assert resolve_owner(actor=cast.admin, owner=None, errors=errors, messages=MESSAGES) is None
    assert errors == {"owner": ["Choose an owner."]}


def test_an_update_without_an_owner_keeps_the_current_one(cast):
    errors = {}
    owner = resolve_owner(
        actor=cast.admin, owner=None, current=cast.rep_b, errors=errors, messages=MESSAGES
    )
    assert owner == cast.rep_b
    assert errors == {}


# --- the KPI-facts hook and the related-list registry ------------------------------------------


def test_kpi_facts_changed_marks_the_reps_stale_through_the_scorecards_receiver(cast):
    kpi_facts_changed(rep_ids=[cast.rep_a.pk, None], on_date=datetime.date(2026, 10, 15))
    keys = set(StaleRepPeriod.objects.filter(rep=cast.rep_a).values_list("period_key", flat=True))
    assert "2026-10" in keys
    assert not StaleRepPeriod.objects.filter(rep=cast.rep_b).exists()


def test_related_lists_are_registered_per_model_and_scoped_by_the_reader(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    related.register(
        "customers.Customer",
        "test_same_owner",
        lambda *, user, obj: Customer.objects.visible_to(user).filter(owner=obj.owner),
    )
    try:
        assert list(related.related_for(customer, user=cast.rep_a)["test_same_owner"]) == [customer]
        assert list(related.related_for(customer, user=cast.rep_b)["test_same_owner"]) == []
    finally:
        related._registry["customers.customer"].pop("test_same_owner")


# --- ServiceFormView --------------------------------------------------------------------------


class RenameForm(forms.Form):
    name = forms.CharField()


def rename_customer(*, customer, name):
    if name == "bad":
        raise ValidationError({"name": ["That name is refused."]})
    customer.name = name
    customer.save(update_fields=["name"])
    return customer


class RenameView(ServiceFormView):
    template_name = "base.html"
    form_class = RenameForm
    object_queryset = Customer.objects.all()
    object_context_name = "customer"
    write_rule = permissions.can_write_crm
    success_message = "Renamed."
    success_url = "/done/"

    def perform_service(self, form):
        return rename_customer(customer=self.object, name=form.cleaned_data["name"])


def _post(user, pk, data):
    request = RequestFactory().post("/rename/", data)
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request, RenameView.as_view()(request, pk=pk)


def test_service_form_view_calls_the_service_flashes_and_redirects(cast):
    customer = CustomerFactory(owner=cast.rep_a, name="Old")
    request, response = _post(cast.rep_a, customer.pk, {"name": "New"})
    assert response.status_code == 302
    assert response.url == "/done/"
    assert [str(m) for m in get_messages(request)] == ["Renamed."]
    customer.refresh_from_db()
    assert customer.name == "New"


def test_service_form_view_shows_service_errors_on_the_field_and_saves_nothing(cast):
    customer = CustomerFactory(owner=cast.rep_a, name="Old")
    request, response = _post(cast.rep_a, customer.pk, {"name": "bad"})
    assert response.status_code == 200
    assert response.context_data["form"].errors == {"name": ["That name is refused."]}
    assert response.context_data["customer"] == customer
    customer.refresh_from_db()
    assert customer.name == "Old"


def test_service_form_view_refuses_a_reader_without_the_write_rule(cast):
    customer = CustomerFactory(owner=cast.rep_a, name="Old")
    with pytest.raises(PermissionDenied):
        _post(cast.hr, customer.pk, {"name": "New"})
    customer.refresh_from_db()
    assert customer.name == "Old"


def test_service_form_view_hides_a_record_outside_the_scope(cast):
    customer = CustomerFactory(owner=cast.rep_b, name="Old")
    with pytest.raises(Http404):
        _post(cast.rep_a, customer.pk, {"name": "New"})
    customer.refresh_from_db()
    assert customer.name == "Old"


# --- the API's write permission ---------------------------------------------------------------


class _View:
    write_rule = permissions.can_write_crm
    write_denied_message = "HR reads only."


@pytest.mark.parametrize(("method", "allowed"), [("get", True), ("post", False), ("patch", False)])
def test_write_rule_permission_lets_hr_read_and_refuses_writes_with_the_message(
    cast, method, allowed
):
    request = getattr(APIRequestFactory(), method)("/x/")
    request.user = cast.hr
    permission = WriteRulePermission()
    assert permission.has_permission(request, _View()) is allowed
    if not allowed:
        assert permission.message == "HR reads only."


def test_write_rule_permission_lets_sellers_write(cast):
    request = APIRequestFactory().post("/x/")
    request.user = cast.rep_a
    assert WriteRulePermission().has_permission(request, _View())
