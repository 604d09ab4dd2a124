"""REST routes of the grids app (mounted under /api/v1/)."""

from django.urls import path

from chengguan.grids import api

urlpatterns = [
    path("grids/", api.GridList.as_view(), name="api-grid-list"),
    path("grid-outlines/", api.GridOutlineList.as_view(), name="api-grid-outlines"),
    path("grids/<str:code>/", api.GridDetail.as_view(), name="api-grid-detail"),
    path("locate", api.LocateView.as_view(), name="api-locate"),
]
