from django.urls import path

from chengguan.stats import dashboard_views, screen_views, views

app_name = "stats"
urlpatterns = [
    path("", views.indicators_page, name="indicators"),
    path("cases/", views.counted_cases_page, name="cases"),
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path("screen/", screen_views.screen_page, name="screen"),
    path("screen/data.json", screen_views.ScreenDataView.as_view(), name="screen-data"),
    path("screen/outlines.json", screen_views.ScreenOutlinesView.as_view(), name="screen-outlines"),
]
