"""REST routes of the published figures (mounted under /api/v1/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from chengguan.core.workflow.api import action_urls
from chengguan.stats import api, campaign_api, evaluation_api, report_api, welfare_figures

# The published reports and the appeals against them (stats.report_api).
router = SimpleRouter()
router.register("stats/reports", report_api.ReportViewSet, basename="stats-report")
router.register("stats/appeals", report_api.AppealViewSet, basename="stats-appeal")

urlpatterns = [
    path("figures/", api.FiguresView.as_view(), name="api-figures"),
    path("figures/bureaus/", api.BureauComparisonView.as_view(), name="api-figures-bureaus"),
    path("stats/indicators/", evaluation_api.IndicatorsView.as_view(), name="api-stats-indicators"),
    path("stats/scores/", evaluation_api.ScoresView.as_view(), name="api-stats-scores"),
    path("stats/campaigns/", campaign_api.CampaignFiguresView.as_view(), name="api-stats-campaigns"),
    path("stats/welfare/", welfare_figures.WelfareFiguresView.as_view(), name="api-stats-welfare"),
    *router.urls,
    *action_urls(report_api.APPEAL_ACTION_VIEWS, "stats/appeals/<int:pk>/", name="api-stats-appeal-{action}"),
]
