"""REST routes of the taxonomy app (mounted under /api/v1/)."""

from django.urls import path

from chengguan.taxonomy import api

urlpatterns = [
    path("categories/", api.CategoryList.as_view(), name="api-category-list"),
    path("categories/<str:code>/", api.CategoryDetail.as_view(), name="api-category-detail"),
]
