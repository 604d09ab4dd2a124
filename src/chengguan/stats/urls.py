from django.urls import path

from chengguan.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.indicators_page, name="indicators"),
    path("cases/", views.counted_cases_page, name="cases"),
]
