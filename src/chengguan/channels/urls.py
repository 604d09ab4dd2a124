from django.urls import path

from chengguan.channels import views

app_name = "channels"
urlpatterns = [
    path("", views.order_list, name="work-orders"),
    path("<int:pk>/reply/", views.order_reply, name="reply"),
    path("import/", views.import_page, name="import"),
    path("import/template.xlsx", views.template, name="template"),
    path("jobs/<int:pk>/", views.job_page, name="job"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job-progress"),
    path("jobs/<int:pk>/report.csv", views.job_report, name="job-report"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export-xlsx"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export-csv"),
]
