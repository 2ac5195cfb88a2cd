"""The navigation bar: each entry names the roles that may use it. Apps add their entries here.

Entries are grouped into a few menus (Sales, Money, Performance, People) so that the bar fits
one line; an entry without a menu (Home, Inbox, Admin) stands on the bar itself. A menu with no
entry the user may use is left out.
"""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.choices import Role

EVERYONE = frozenset(Role)
MANAGERS_AND_UP = frozenset({Role.MANAGER, Role.HR, Role.ADMIN})
ORGANISATION_WIDE = frozenset({Role.HR, Role.ADMIN})
ADMIN_ONLY = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str


SALES = NavGroup("sales", pgettext_lazy("navigation menu", "Sales"))
MONEY = NavGroup("money", pgettext_lazy("navigation menu", "Money"))
PERFORMANCE = NavGroup("performance", pgettext_lazy("navigation menu", "Performance"))
GROWTH = NavGroup("growth", pgettext_lazy("navigation menu", "Growth"))
PEOPLE = NavGroup("people", pgettext_lazy("navigation menu", "People"))


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset
    group: NavGroup | None = None
    #: Only for staff accounts (Django's admin site lets no one else in).
    staff_only: bool = False

    @property
    def url(self) -> str:
        return reverse(self.url_name)


NAV_ITEMS: list[NavItem] = [
    NavItem(_("Home"), "core:home", EVERYONE),
    NavItem(_("Leads"), "leads:lead-list", EVERYONE, SALES),
    NavItem(_("Customers"), "customers:customer-list", EVERYONE, SALES),
    NavItem(_("Opportunities"), "opportunities:opportunity-list", EVERYONE, SALES),
    NavItem(_("Activities"), "activities:activity-list", EVERYONE, SALES),
    NavItem(_("Orders"), "sales:order-list", EVERYONE, MONEY),
    NavItem(_("Receivables"), "sales:receivable-list", EVERYONE, MONEY),
    NavItem(_("My dashboard"), "dashboards:my", EVERYONE, PERFORMANCE),
    NavItem(_("Team dashboard"), "dashboards:team", MANAGERS_AND_UP, PERFORMANCE),
    NavItem(
        _("Quarterly review meeting"), "dashboards:review-meeting", MANAGERS_AND_UP, PERFORMANCE
    ),
    NavItem(_("Company dashboard"), "dashboards:company", ORGANISATION_WIDE, PERFORMANCE),
    NavItem(_("Scorecards"), "scorecards:scorecard-list", EVERYONE, PERFORMANCE),
    NavItem(_("Targets"), "performance:target-list", EVERYONE, PERFORMANCE),
    NavItem(_("Weight schemes"), "performance:scheme-list", MANAGERS_AND_UP, PERFORMANCE),
    NavItem(_("Weights what-if"), "dashboards:weights-whatif", ORGANISATION_WIDE, PERFORMANCE),
    NavItem(_("Reviews"), "reviews:review-list", EVERYONE, PERFORMANCE),
    NavItem(_("Review cycles"), "reviews:cycle-list", ORGANISATION_WIDE, PERFORMANCE),
    NavItem(_("Satisfaction surveys"), "surveys:survey-list", MANAGERS_AND_UP, PERFORMANCE),
    NavItem(_("Annual grades"), "grades:grade-list", EVERYONE, PERFORMANCE),
    NavItem(_("Grade calibration"), "grades:calibration", ORGANISATION_WIDE, PERFORMANCE),
    NavItem(_("My pay"), "pay:my-pay", EVERYONE, PERFORMANCE),
    NavItem(_("Collaboration ratings"), "development:rating-list", EVERYONE, GROWTH),
    NavItem(_("Learning log"), "development:learning-list", EVERYONE, GROWTH),
    NavItem(_("Case library"), "development:case-list", EVERYONE, GROWTH),
    NavItem(_("Improvement plans"), "pips:pip-list", EVERYONE, GROWTH),
    NavItem(_("Training"), "training:proposal-list", EVERYONE, GROWTH),
    NavItem(_("Promotion candidates"), "promotions:candidate-list", EVERYONE, GROWTH),
    NavItem(_("Training material"), "promotions:material", EVERYONE, GROWTH),
    NavItem(_("People"), "accounts:user-list", MANAGERS_AND_UP, PEOPLE),
    NavItem(_("Teams"), "accounts:team-list", EVERYONE, PEOPLE),
    NavItem(_("HR exports"), "exports:export-list", ORGANISATION_WIDE, PEOPLE),
    NavItem(_("Pay runs"), "pay:run-list", ORGANISATION_WIDE, PEOPLE),
    NavItem(_("Pay policies"), "pay:policy-list", ORGANISATION_WIDE, PEOPLE),
    NavItem(_("Inbox"), "reminders:inbox", EVERYONE),
    NavItem(pgettext_lazy("navigation", "Admin"), "admin:index", ADMIN_ONLY, staff_only=True),
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
    return [
        item
        for item in NAV_ITEMS
        if role in item.roles and (user.is_staff or not item.staff_only) and _resolvable(item)
    ]


@dataclass
class NavEntry:
    """One thing on the bar: a link (``item``) or a menu (``group`` with its ``items``)."""

    item: NavItem | None = None
    group: NavGroup | None = None
    items: list[NavItem] = field(default_factory=list)
    current_url: str = ""

    @property
    def is_menu(self) -> bool:
        return self.group is not None

    @property
    def is_current(self) -> bool:
        if self.item is not None:
            return self.item.url == self.current_url
        return any(item.url == self.current_url for item in self.items)


def current_url(items: list[NavItem], path: str) -> str:
    """The URL of the entry ``path`` belongs to: the longest entry URL that ``path`` starts
    with (``/leads/12/`` belongs to Leads); Home only for the home page itself."""
    best = ""
    for item in items:
        url = item.url
        matches = path == url or (url != "/" and path.startswith(url))
        if matches and len(url) > len(best):
            best = url
    return best


def menus(items: list[NavItem], path: str = "") -> list[NavEntry]:
    """``items`` (already filtered by :func:`items_for`) as the bar shows them: stand-alone
    links and menus in the order of :data:`NAV_ITEMS`; a menu appears once, where its first
    entry is, and only if it has an entry (a menu of one entry shows as that entry)."""
    current = current_url(items, path)
    entries: list[NavEntry] = []
    by_group: dict[str, NavEntry] = {}
    for item in items:
        if item.group is None:
            entries.append(NavEntry(item=item, current_url=current))
            continue
        entry = by_group.get(item.group.key)
        if entry is None:
            entry = by_group[item.group.key] = NavEntry(group=item.group, current_url=current)
            entries.append(entry)
        entry.items.append(item)
    # A menu of one entry is just that entry.
    return [
        NavEntry(item=entry.items[0], current_url=current)
        if entry.is_menu and len(entry.items) == 1
        else entry
        for entry in entries
    ]
