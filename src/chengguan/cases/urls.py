from django.urls import path, re_path

from chengguan.cases import views

app_name = "cases"
NUMBER = r"(?P<number>\d{6,20})"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("report/", views.report, name="report"),
    path("all/", views.case_list, name="list"),
    path("export.csv", views.export_cases, {"fmt": "csv"}, name="export-csv"),
    path("export.xlsx", views.export_cases, {"fmt": "xlsx"}, name="export-xlsx"),
    path("dispatch/", views.dispatch_board, name="dispatch"),
    path("map/", views.case_map, name="map"),
    path("supervision/", views.supervision_list, name="supervision"),
    path("supervision/<int:pk>/reply/", views.supervision_reply, name="supervision-reply"),
    re_path(rf"^{NUMBER}/$", views.detail, name="detail"),
    re_path(rf"^{NUMBER}/act/(?P<action>[a-z_]+)/$", views.act, name="act"),
    re_path(rf"^{NUMBER}/supervise/$", views.supervise, name="supervise"),
    re_path(rf"^{NUMBER}/evidence/add/$", views.add_evidence, name="add-evidence"),
    re_path(rf"^{NUMBER}/reporter-phone/$", views.reporter_phone, name="reporter-phone"),
    re_path(rf"^{NUMBER}/spam/$", views.mark_spam, {"mark": True}, name="spam"),
    re_path(rf"^{NUMBER}/unspam/$", views.mark_spam, {"mark": False}, name="unspam"),
    re_path(
        rf"^{NUMBER}/evidence/(?P<pk>\d+)/(?P<variant>file|thumb)/$", views.evidence_file, name="evidence"
    ),
]
