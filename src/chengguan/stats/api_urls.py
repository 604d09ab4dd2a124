"""REST routes of the published figures (mounted under /api/v1/)."""

from django.urls import path

from chengguan.stats import api

urlpatterns = [
    path("figures/", api.FiguresView.as_view(), name="api-figures"),
    path("figures/bureaus/", api.BureauComparisonView.as_view(), name="api-figures-bureaus"),
]
