from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel, VersionedModel
from apps.core.scoping import ScopedQuerySet, visible_user_ids
from apps.sales.choices import DEFAULT_CREDIT_TERM_DAYS, DeliveryStatus

MONEY = {"max_digits": 14, "decimal_places": 2}
POSITIVE_MONEY = [MinValueValidator(Decimal("0.01"))]


class OrderScopedQuerySet(ScopedQuerySet):
    """Records of an order: visible to whoever may see the order's owner or holds a credit."""

    order_path = "order"

    def visible_q(self, user):
        ids = visible_user_ids(user)
        if ids is None:
            return None
        prefix = f"{self.order_path}__" if self.order_path else ""
        credited = OrderCredit.objects.filter(rep__in=ids).values("order")
        return Q(**{f"{prefix}owner__in": ids}) | Q(**{f"{prefix}pk__in": credited})


class OrderQuerySet(OrderScopedQuerySet):
    order_path = ""


class Order(VersionedModel, TimeStampedModel):
    """A signed contract. Sales are recognised on ``signed_on`` (SPEC §2.2)."""

    number = models.CharField(_("contract number"), max_length=64, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    amount = models.DecimalField(_("amount"), **MONEY, validators=POSITIVE_MONEY)
    signed_on = models.DateField(_("signed on"), db_index=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["owner", "signed_on"]),
            models.Index(fields=["customer", "signed_on"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="order_amount_positive")
        ]

    def __str__(self):
        return self.number


class OrderCredit(models.Model):
    """A rep's share of an order: amount, receivables and payments count by this percentage.

    Every order has at least one row (its owner at 100 when the order is not shared), and the
    percentages of one order total exactly 100: the KPI engine relies on both.
    """

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="credits"
    )
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rep"),
        on_delete=models.PROTECT,
        related_name="order_credits",
    )
    percent = models.DecimalField(
        _("credit %"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )

    objects = OrderScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("order credit")
        verbose_name_plural = _("order credits")
        indexes = [
            # A chunk of reps' credit lines (KPI sources) without reading the table.
            models.Index(
                fields=["rep"], include=["order", "percent"], name="sales_credit_rep_cover"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["order", "rep"], name="one_order_credit_per_rep"),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100), name="order_credit_range"
            ),
        ]

    def __str__(self):
        return f"{self.order} {self.rep} {self.percent}%"


class Delivery(VersionedModel, TimeStampedModel):
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="deliveries"
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    planned_on = models.DateField(_("planned date"))
    delivered_on = models.DateField(_("actual date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PLANNED
    )

    objects = OrderScopedQuerySet.as_manager()

    class Meta:
        ordering = ["planned_on", "pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_on__isnull=False),
                name="delivered_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status="delivered") | Q(delivered_on__isnull=True),
                name="delivery_date_only_when_delivered",
            ),
        ]

    def __str__(self):
        return f"{self.order} {self.planned_on}"


class DeliveryQuestionQuerySet(OrderScopedQuerySet):
    order_path = "delivery__order"


class DeliveryQuestion(VersionedModel, TimeStampedModel):
    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="questions"
    )
    question = models.TextField(_("question"))
    raised_on = models.DateField(_("raised on"))
    answer = models.TextField(_("answer"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = DeliveryQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["closed_on", "raised_on", "pk"]
        verbose_name = _("delivery question")
        verbose_name_plural = _("delivery questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | (~Q(answer="") & Q(closed_on__gte=F("raised_on"))),
                name="closed_question_has_answer",
            )
        ]

    def __str__(self):
        return self.question[:60]

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class Receivable(TimeStampedModel):
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="receivables"
    )
    amount = models.DecimalField(_("amount"), **MONEY, validators=POSITIVE_MONEY)
    issued_on = models.DateField(_("issued on"))
    credit_term_days = models.PositiveIntegerField(
        _("credit term (days)"), default=DEFAULT_CREDIT_TERM_DAYS
    )
    due_on = models.DateField(_("due on"), db_index=True)

    objects = OrderScopedQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("receivable")
        verbose_name_plural = _("receivables")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="receivable_amount_positive"),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("issued_on")), name="receivable_due_after_issue"
            ),
        ]

    def __str__(self):
        return f"{self.order} {self.amount} due {self.due_on}"


class PaymentQuerySet(OrderScopedQuerySet):
    order_path = "receivable__order"


class Payment(TimeStampedModel):
    receivable = models.ForeignKey(
        Receivable, verbose_name=_("receivable"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("amount"), **MONEY, validators=POSITIVE_MONEY)
    paid_on = models.DateField(_("paid on"), db_index=True)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-paid_on", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")
        ]

    def __str__(self):
        return f"{self.receivable.order} {self.amount} {self.paid_on}"
