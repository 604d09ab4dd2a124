"""REST routes of the published figures (mounted under /api/v1/)."""

from django.urls import path

from chengguan.stats import api, campaign_api, evaluation_api, welfare_figures

urlpatterns = [
    path("figures/", api.FiguresView.as_view(), name="api-figures"),
    path("figures/bureaus/", api.BureauComparisonView.as_view(), name="api-figures-bureaus"),
    path("stats/indicators/", evaluation_api.IndicatorsView.as_view(), name="api-stats-indicators"),
    path("stats/scores/", evaluation_api.ScoresView.as_view(), name="api-stats-scores"),
    path("stats/campaigns/", campaign_api.CampaignFiguresView.as_view(), name="api-stats-campaigns"),
    path("stats/welfare/", welfare_figures.WelfareFiguresView.as_view(), name="api-stats-welfare"),
]
