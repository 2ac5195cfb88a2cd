"""Authorization registry for this app, read by tests/core/test_authorization.py.

OUT_OF_SCOPE maps each model served by a detail route (browser or API) to a callable
``make(cast)`` that returns an instance owned by ``cast.rep_b`` (team Bravo): rep_a and
manager_a must get 404 (or 403) on it; HR and admin may read it.
"""

from apps.customers.models import Contact, Customer, HealthReport, MarketInsight, ProductFeedback
from tests.factories.customers import (
    ContactFactory,
    CustomerFactory,
    HealthReportFactory,
    MarketInsightFactory,
    ProductFeedbackFactory,
)

OUT_OF_SCOPE: dict = {
    Customer: lambda cast: CustomerFactory(owner=cast.rep_b),
    Contact: lambda cast: ContactFactory(customer=CustomerFactory(owner=cast.rep_b)),
    HealthReport: lambda cast: HealthReportFactory(customer=CustomerFactory(owner=cast.rep_b)),
    MarketInsight: lambda cast: MarketInsightFactory(author=cast.rep_b),
    ProductFeedback: lambda cast: ProductFeedbackFactory(
        customer=CustomerFactory(owner=cast.rep_b)
    ),
}

#: Routes whose view names no model itself (form views take the record id from the URL).
ROUTE_MODELS: dict = {
    "customers:customer-update": Customer,
    "customers:customer-mark-lost": Customer,
    "customers:customer-reactivate": Customer,
    "customers:contact-create": Customer,
    "customers:health-report-create": Customer,
    "customers:health-report-update": HealthReport,
    "customers:insight-detail": MarketInsight,
    "customers:insight-update": MarketInsight,
    "customers:feedback-detail": ProductFeedback,
    "customers:feedback-update": ProductFeedback,
}
