from django.urls import path
from rest_framework.routers import SimpleRouter

from chengguan.core.workflow.api import action_urls
from chengguan.duty import api

router = SimpleRouter()
router.register("duty/shifts", api.ShiftViewSet, basename="duty-shift")
router.register("duty/patrols", api.PatrolViewSet, basename="duty-patrol")
router.register("duty/streets", api.StreetViewSet, basename="duty-street")
router.register("duty/meetings", api.MeetingViewSet, basename="duty-meeting")
router.register("duty/notices", api.NoticeViewSet, basename="duty-notice")
router.register("duty/rosters", api.RosterViewSet, basename="duty-roster")
router.register("duty/logs", api.LogViewSet, basename="duty-log")
router.register("duty/findings", api.FindingViewSet, basename="duty-finding")
router.register("duty/assignments", api.MyAssignmentViewSet, basename="duty-assignment")
urlpatterns = [
    path("duty/patrols/import-gpx/", api.GpxImportView.as_view(), name="api-duty-gpx-import"),
    path("duty/track-points/", api.TrackUploadView.as_view(), name="api-duty-track-points"),
    path("duty/on-duty/", api.OnDutyView.as_view(), name="api-duty-on-duty"),
    *action_urls(api.CHANGE_ACTION_VIEWS, "duty/changes/<int:pk>/", name="api-duty-change-{action}"),
    *action_urls(api.ITEM_ACTION_VIEWS, "duty/action-items/<int:pk>/", name="api-duty-action-item-{action}"),
    *action_urls(api.HANDOVER_ACTION_VIEWS, "duty/handovers/<int:pk>/", name="api-duty-handover-{action}"),
    *action_urls(api.FINDING_ACTION_VIEWS, "duty/findings/<int:pk>/", name="api-duty-finding-{action}"),
    *router.urls,
]
