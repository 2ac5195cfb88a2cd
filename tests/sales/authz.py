"""Authorization registry for this app, read by tests/core/test_authorization.py.

OUT_OF_SCOPE maps each model served by a detail route (browser or API) to a callable
``make(cast)`` that returns an instance owned by ``cast.rep_b`` (team Bravo): rep_a and
manager_a must get 404 (or 403) on it; HR and admin may read it.
"""

from decimal import Decimal

from apps.sales.models import Delivery, DeliveryQuestion, Order, Payment, Receivable
from tests.factories.sales import (
    DeliveryFactory,
    DeliveryQuestionFactory,
    OrderFactory,
    PaymentFactory,
    ReceivableFactory,
)


def _order(cast):
    return OrderFactory(owner=cast.rep_b)


def _receivable(cast):
    return ReceivableFactory(order=_order(cast), amount=Decimal("4000.00"))


OUT_OF_SCOPE: dict = {
    Order: _order,
    Receivable: _receivable,
    Payment: lambda cast: PaymentFactory(receivable=_receivable(cast), amount=Decimal("1000.00")),
    Delivery: lambda cast: DeliveryFactory(order=_order(cast)),
    DeliveryQuestion: lambda cast: DeliveryQuestionFactory(
        delivery=DeliveryFactory(order=_order(cast))
    ),
}
