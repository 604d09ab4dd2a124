from django.urls import path, re_path

from chengguan.enforcement import evaluation_views, views

app_name = "enforcement"
urlpatterns = [
    path("", views.case_list, name="penalties"),
    path("deadlines/", views.deadlines_week, name="penalty-deadlines"),
    path("evaluation/", evaluation_views.evaluation_list, name="evaluations"),
    path("evaluation/<int:pk>/", evaluation_views.evaluation_score, name="evaluation-score"),
    path("evaluation/<int:pk>/return/", evaluation_views.evaluation_return, name="evaluation-return"),
    path("<int:pk>/evaluation/correct/", views.evaluation_correct, name="evaluation-correct"),
    path("propose/", views.propose, name="propose"),
    path("simple/", views.simple, name="simple"),
    re_path(r"^from-case/(?P<number>\d{6,20})/$", views.open_from_case, name="from-case"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.act, name="act"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence"),
    path("<int:pk>/evidence/<int:no>/", views.evidence_file, name="evidence-file"),
    path("<int:pk>/documents/", views.document_issue, name="document-issue"),
    path("<int:pk>/reviews/", views.review_record, name="review-record"),
    path("<int:pk>/reviews/<int:review_pk>/conclude/", views.review_conclude, name="review-conclude"),
    re_path(
        r"^(?P<pk>\d+)/documents/(?P<doc_pk>\d+)/(?P<variant>pdf|scan)/$",
        views.document_file,
        name="document-file",
    ),
]
