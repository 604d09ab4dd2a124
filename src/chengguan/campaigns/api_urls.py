from rest_framework.routers import SimpleRouter

from chengguan.campaigns import api
from chengguan.core.workflow.api import action_urls

router = SimpleRouter()
router.register("campaigns/campaigns", api.CampaignViewSet, basename="campaigns-campaign")
router.register("campaigns/tasks", api.TaskViewSet, basename="campaigns-task")
router.register("campaigns/operations", api.OperationViewSet, basename="campaigns-operation")
router.register("campaigns/reports", api.ReportViewSet, basename="campaigns-report")
urlpatterns = [
    *action_urls(api.CAMPAIGN_ACTION_VIEWS, "campaigns/campaigns/<int:pk>/", name="api-campaign-{action}"),
    *router.urls,
]
