"""REST routes of the cases app (mounted under /api/v1/). Each action of the transition table gets
its own path (built from the case machine), so the OpenAPI document describes each one's body and
roles."""

from django.urls import path

from chengguan.cases import api
from chengguan.core.workflow.api import action_urls

urlpatterns = [
    path("cases/", api.CaseListCreate.as_view(), name="api-case-list"),
    path("cases/map/", api.CaseMap.as_view(), name="api-case-map"),
    path("cases/inbox/", api.CaseInbox.as_view(), name="api-case-inbox"),
    path("cases/export.csv", api.CaseExportCSV.as_view(), name="api-case-export-csv"),
    path("cases/export.xlsx", api.CaseExportXLSX.as_view(), name="api-case-export-xlsx"),
    path("cases/<int:pk>/", api.CaseDetail.as_view(), name="api-case-detail"),
    path("cases/<int:pk>/evidence/", api.CaseEvidenceUpload.as_view(), name="api-case-evidence"),
    path("cases/<int:pk>/supervise/", api.CaseSupervise.as_view(), name="api-case-supervise"),
    path("cases/<int:pk>/spam/", api.CaseSpam.as_view(), name="api-case-spam"),
    path("cases/<int:pk>/unspam/", api.CaseUnspam.as_view(), name="api-case-unspam"),
    path("cases/<int:pk>/reporter-phone/", api.CaseReporterPhone.as_view(), name="api-case-reporter-phone"),
    *action_urls(api.ACTION_VIEWS, "cases/<int:pk>/", name="api-case-{action}"),
    path("supervisions/", api.SupervisionList.as_view(), name="api-supervision-list"),
    path("supervisions/rate", api.SupervisionRate.as_view(), name="api-supervision-rate"),
    path("supervisions/<int:pk>/reply/", api.SupervisionReply.as_view(), name="api-supervision-reply"),
    path("reply-templates/", api.ReplyTemplateList.as_view(), name="api-reply-templates"),
]
