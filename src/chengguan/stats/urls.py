from django.urls import path

from chengguan.stats import dashboard_views, report_views, screen_views, views

app_name = "stats"
urlpatterns = [
    path("", views.indicators_page, name="indicators"),
    path("cases/", views.counted_cases_page, name="cases"),
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path("screen/", screen_views.screen_page, name="screen"),
    path("screen/data.json", screen_views.ScreenDataView.as_view(), name="screen-data"),
    path("screen/outlines.json", screen_views.ScreenOutlinesView.as_view(), name="screen-outlines"),
    # Published reports (综合评价通报) and appeals (申诉/核减): stats.report_views.
    path("reports/", report_views.report_list, name="reports"),
    path("reports/publish/", report_views.report_publish, name="report-publish"),
    path("reports/annual/<int:year>/", report_views.annual_summary, name="annual-summary"),
    path("reports/<int:pk>/", report_views.report_detail, name="report"),
    path("reports/<int:pk>/summary/", report_views.report_summary, name="report-summary"),
    path("reports/<int:pk>/cases/", report_views.report_cases, name="report-cases"),
    path("reports/<int:pk>/report.xlsx", report_views.report_xlsx, name="report-xlsx"),
    path("reports/<int:pk>/report.pdf", report_views.report_pdf, name="report-pdf"),
    path("reports/<int:pk>/cases/<int:case_id>/appeal/", report_views.appeal_new, name="appeal-new"),
    path("appeals/", report_views.appeal_list, name="appeals"),
    path("appeals/<int:pk>/", report_views.appeal_detail, name="appeal"),
    path("appeals/<int:pk>/<str:action>/", report_views.appeal_action, name="appeal-action"),
]
