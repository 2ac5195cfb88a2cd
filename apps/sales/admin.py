"""Admin screens of orders and collection. Money rows are read-only here (they change only
through the services, which check caps and write the audit log); only a superuser may delete
them."""

from django.contrib import admin

from apps.sales.models import (
    Delivery,
    DeliveryQuestion,
    Order,
    OrderCredit,
    Payment,
    Receivable,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderCreditInline(ReadOnlyInline):
    model = OrderCredit
    fields = ("rep", "percent")
    readonly_fields = fields


class ReceivableInline(ReadOnlyInline):
    model = Receivable
    fields = ("amount", "issued_on", "credit_term_days", "due_on")
    readonly_fields = fields
    show_change_link = True


class DeliveryInline(ReadOnlyInline):
    model = Delivery
    fields = ("description", "planned_on", "delivered_on", "status")
    readonly_fields = fields
    show_change_link = True


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ("amount", "paid_on", "reference", "recorded_by", "created_at")
    readonly_fields = fields


class MoneyAdmin(admin.ModelAdmin):
    """Read-only; deleting only for a superuser."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Order)
class OrderAdmin(MoneyAdmin):
    list_display = ("number", "customer", "owner", "amount", "signed_on", "created_at")
    list_filter = ("signed_on", "owner__team")
    search_fields = ("number", "customer__name", "owner__username")
    list_select_related = ("customer", "owner")
    date_hierarchy = "signed_on"
    inlines = [OrderCreditInline, ReceivableInline, DeliveryInline]


@admin.register(Receivable)
class ReceivableAdmin(MoneyAdmin):
    list_display = ("order", "amount", "issued_on", "due_on")
    list_filter = ("due_on",)
    search_fields = ("order__number", "order__customer__name")
    list_select_related = ("order",)
    inlines = [PaymentInline]


@admin.register(Payment)
class PaymentAdmin(MoneyAdmin):
    list_display = ("receivable", "amount", "paid_on", "reference", "recorded_by")
    list_filter = ("paid_on",)
    search_fields = ("reference", "receivable__order__number")
    list_select_related = ("receivable__order", "recorded_by")


class DeliveryQuestionInline(admin.TabularInline):
    model = DeliveryQuestion
    extra = 0
    fields = ("question", "raised_on", "answer", "closed_on")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("order", "description", "planned_on", "delivered_on", "status")
    list_filter = ("status",)
    search_fields = ("order__number", "description")
    list_select_related = ("order",)
    inlines = [DeliveryQuestionInline]
