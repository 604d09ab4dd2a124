"""Public pages (no login): the bureau's activities and registration, the live schedule, and the
check of a volunteer's certificate."""

from django.urls import path

from chengguan.outreach import views

app_name = "outreach-public"
urlpatterns = [
    path("", views.public_activities, name="activities"),
    path("<int:pk>/", views.public_activity, name="activity"),
    path("photos/<int:pk>/", views.public_photo, name="photo"),
    path("live/", views.public_live, name="live"),
    path("volunteers/verify/<str:token>/", views.certificate_verify, name="verify"),
]
