import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filters import BusinessDateFilter, FilterSet
from apps.reminders.choices import ReminderStatus
from apps.reminders.models import Reminder
from apps.reminders.rules import registry


def _rule_choices():
    return [(code, rule.name) for code, rule in registry.items()]


class ReminderFilter(FilterSet):
    """The inbox filters, shared by the browser inbox and the API."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReminderStatus.choices)
    rule = django_filters.ChoiceFilter(
        label=_("Rule"), choices=_rule_choices, field_name="rule__code"
    )
    unread = django_filters.ChoiceFilter(
        label=_("Read or unread"),
        choices=(("true", _("Unread")), ("false", _("Read"))),
        empty_label=_("All"),
        method="filter_unread",
    )
    due_after = BusinessDateFilter(label=_("Due from"), field_name="due_on", lookup_expr="gte")
    due_before = BusinessDateFilter(label=_("Due to"), field_name="due_on", lookup_expr="lte")

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "true")

    class Meta:
        model = Reminder
        fields = ["status", "rule", "unread", "due_after", "due_before"]
