"""REST routes of the cases app (mounted under /api/v1/): the case and supervision ViewSets, and one
path per action of the transition table (built from the case machine), so the OpenAPI document
describes each one's body and roles. The exports and the reply rate keep their slash-less paths."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from chengguan.cases import api
from chengguan.core.workflow.api import action_urls

router = SimpleRouter()
router.register("cases", api.CaseViewSet, basename="api-case")
router.register("supervisions", api.SupervisionViewSet, basename="api-supervision")

urlpatterns = [
    path(
        "cases/export.csv",
        api.CaseViewSet.as_view({"get": "export_csv"}, **api.EXPORT_VIEW),
        name="api-case-export-csv",
    ),
    path(
        "cases/export.xlsx",
        api.CaseViewSet.as_view({"get": "export_xlsx"}, **api.EXPORT_VIEW),
        name="api-case-export-xlsx",
    ),
    path("supervisions/rate", api.SupervisionViewSet.as_view({"get": "rate"}), name="api-supervision-rate"),
    *action_urls(api.ACTION_VIEWS, "cases/<int:pk>/", name="api-case-{action}"),
    *router.urls,
    path("reply-templates/", api.ReplyTemplateList.as_view(), name="api-reply-templates"),
]
