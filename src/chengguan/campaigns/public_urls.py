"""Public pages (no login): the portal's news of special actions, with their closing summaries."""

from django.urls import path

from chengguan.campaigns import public_views

app_name = "news"
urlpatterns = [
    path("", public_views.news_list, name="list"),
    path("<int:pk>/", public_views.news_detail, name="detail"),
]
