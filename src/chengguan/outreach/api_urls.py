from rest_framework.routers import SimpleRouter

from chengguan.core.workflow.api import action_urls
from chengguan.outreach import api

router = SimpleRouter()
router.register("outreach/activities", api.ActivityViewSet, basename="outreach-activity")
router.register("outreach/volunteers", api.VolunteerViewSet, basename="outreach-volunteer")
router.register("outreach/broadcasts", api.BroadcastViewSet, basename="outreach-broadcast")
router.register("outreach/recordings", api.RecordingViewSet, basename="outreach-recording")
router.register("outreach/media", api.MediaViewSet, basename="outreach-media")
urlpatterns = [
    *action_urls(
        api.ACTIVITY_ACTION_VIEWS, "outreach/activities/<int:pk>/", name="api-outreach-activity-{action}"
    ),
    *action_urls(
        api.BROADCAST_ACTION_VIEWS, "outreach/broadcasts/<int:pk>/", name="api-outreach-broadcast-{action}"
    ),
    *router.urls,
]
