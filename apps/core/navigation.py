"""The navigation bar: each entry names the roles that may use it. Apps add their entries here."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from apps.core.choices import Role

EVERYONE = frozenset(Role)
MANAGERS_AND_UP = frozenset({Role.MANAGER, Role.HR, Role.ADMIN})
ORGANISATION_WIDE = frozenset({Role.HR, Role.ADMIN})
ADMIN_ONLY = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset

    @property
    def url(self) -> str:
        return reverse(self.url_name)


NAV_ITEMS: list[NavItem] = [
    NavItem(_("Home"), "core:home", EVERYONE),
    NavItem(_("Leads"), "leads:lead-list", EVERYONE),
    NavItem(_("Customers"), "customers:customer-list", EVERYONE),
    NavItem(_("Opportunities"), "opportunities:opportunity-list", EVERYONE),
    NavItem(_("Activities"), "activities:activity-list", EVERYONE),
    NavItem(_("Orders"), "sales:order-list", EVERYONE),
    NavItem(_("Receivables"), "sales:receivable-list", EVERYONE),
    NavItem(_("Scorecards"), "scorecards:scorecard-list", EVERYONE),
    NavItem(_("Targets"), "performance:target-list", EVERYONE),
    NavItem(_("Weight schemes"), "performance:scheme-list", MANAGERS_AND_UP),
    NavItem(_("Inbox"), "reminders:inbox", EVERYONE),
    NavItem(_("People"), "accounts:user-list", MANAGERS_AND_UP),
    NavItem(_("Teams"), "accounts:team-list", EVERYONE),
]


def _resolvable(item: NavItem) -> bool:
    try:
        reverse(item.url_name)
    except NoReverseMatch:
        return False
    return True


def items_for(user) -> list[NavItem]:
    """The entries ``user`` may use (an entry whose page does not exist yet is left out;
    tests/core/test_navigation.py checks that every entry resolves)."""
    if not user.is_authenticated:
        return []
    role = Role.ADMIN if user.is_superuser else user.role
    return [item for item in NAV_ITEMS if role in item.roles and _resolvable(item)]
