"""REST routes of the outside channels and the published figures (mounted under /api/v1/)."""

from django.urls import path

from chengguan.channels import api

urlpatterns = [
    path("work-orders/", api.WorkOrderListCreate.as_view(), name="api-work-orders"),
    path("figures/", api.FiguresView.as_view(), name="api-figures"),
]
