"""Public pages (no login): the disclosure of penalty decisions (行政执法公示)."""

from django.urls import path

from chengguan.enforcement import public_views

app_name = "publicity"
urlpatterns = [
    path("", public_views.publicity_list, name="list"),
    path("<int:pk>/", public_views.publicity_detail, name="detail"),
]
