from django.urls import path

from chengguan.merchants import views

app_name = "merchants"
urlpatterns = [
    path("", views.merchant_list, name="list"),
    path("export.xlsx", views.merchant_export, name="export"),
    path("new/", views.merchant_new, name="new"),
    path("<int:pk>/", views.merchant_detail, name="detail"),
    path("<int:pk>/edit/", views.merchant_edit, name="edit"),
    path("import/", views.import_page, name="import"),
    path("import/template.xlsx", views.import_template, name="import-template"),
    path("letters/", views.letters_page, name="letters"),
    path("letters/<int:pk>/sign/", views.letter_sign, name="letter-sign"),
    path("letters/<int:pk>/refuse/", views.letter_refuse, name="letter-refuse"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("coverage/grids.geojson", views.coverage_geojson, name="coverage-geojson"),
    path("case/<int:case_id>/", views.case_merchants, name="case-merchants"),
    path("case/<int:case_id>/pick/", views.case_merchant_pick, name="case-merchant-pick"),
    path("case/<int:case_id>/link/", views.case_merchant_link, name="case-merchant-link"),
    path(
        "case/<int:case_id>/unlink/<int:merchant_id>/",
        views.case_merchant_unlink,
        name="case-merchant-unlink",
    ),
    path("jobs/<int:pk>/", views.job_page, name="job"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job-progress"),
    path("jobs/<int:pk>/download/", views.job_download, name="job-download"),
]
