from django.urls import path
from rest_framework.routers import SimpleRouter

from chengguan.core.workflow.api import action_urls
from chengguan.duty import api

router = SimpleRouter()
router.register("duty/shifts", api.ShiftViewSet, basename="duty-shift")
router.register("duty/patrols", api.PatrolViewSet, basename="duty-patrol")
router.register("duty/streets", api.StreetViewSet, basename="duty-street")
urlpatterns = [
    path("duty/patrols/import-gpx/", api.GpxImportView.as_view(), name="api-duty-gpx-import"),
    path("duty/on-duty/", api.OnDutyView.as_view(), name="api-duty-on-duty"),
    *action_urls(api.CHANGE_ACTION_VIEWS, "duty/changes/<int:pk>/", name="api-duty-change-{action}"),
    *router.urls,
]
