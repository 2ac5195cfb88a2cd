from django.urls import path

from apps.sales import views

app_name = "sales"

urlpatterns = [
    path("orders/", views.OrderListView.as_view(), name="order-list"),
    path("orders/new/", views.OrderCreateView.as_view(), name="order-create"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<int:pk>/edit/", views.OrderUpdateView.as_view(), name="order-update"),
    path("orders/<int:pk>/credits/", views.OrderCreditsView.as_view(), name="order-credits"),
    path("deliveries/new/", views.DeliveryCreateView.as_view(), name="delivery-create"),
    path("deliveries/<int:pk>/edit/", views.DeliveryUpdateView.as_view(), name="delivery-update"),
    path(
        "deliveries/<int:pk>/questions/new/",
        views.DeliveryQuestionCreateView.as_view(),
        name="delivery-question-create",
    ),
    path(
        "delivery-questions/<int:pk>/close/",
        views.DeliveryQuestionCloseView.as_view(),
        name="delivery-question-close",
    ),
    path("receivables/", views.ReceivableListView.as_view(), name="receivable-list"),
    path("receivables/new/", views.ReceivableCreateView.as_view(), name="receivable-create"),
    path("receivables/<int:pk>/", views.ReceivableDetailView.as_view(), name="receivable-detail"),
    path("payments/", views.PaymentListView.as_view(), name="payment-list"),
    path("payments/new/", views.PaymentCreateView.as_view(), name="payment-create"),
    path("payments/<int:pk>/reverse/", views.PaymentReverseView.as_view(), name="payment-reverse"),
    path("aging/", views.AgingView.as_view(), name="aging"),
    path("aging/export.csv", views.AgingExportView.as_view(), name="aging-export"),
    path(
        "aging/export.xlsx",
        views.AgingExportView.as_view(file_format="xlsx"),
        name="aging-export-xlsx",
    ),
]
