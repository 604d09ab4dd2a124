"""REST routes of the outside channels (mounted under /api/v1/)."""

from django.urls import path

from chengguan.channels import api

urlpatterns = [
    path("work-orders/", api.WorkOrderListCreate.as_view(), name="api-work-orders"),
]
