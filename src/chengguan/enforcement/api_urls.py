"""REST routes of penalty cases (mounted under /api/v1/): the ViewSet, and one path per action of
`states.PENALTY_MACHINE`, so the OpenAPI document describes each one's body and permission."""

from rest_framework.routers import SimpleRouter

from chengguan.core.workflow.api import action_urls
from chengguan.enforcement import api

router = SimpleRouter()
router.register("penalty-cases", api.PenaltyCaseViewSet, basename="api-penalty")
urlpatterns = [
    *action_urls(api.ACTION_VIEWS, "penalty-cases/<int:pk>/", name="api-penalty-{action}"),
    *router.urls,
]
