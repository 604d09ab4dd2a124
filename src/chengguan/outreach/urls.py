from django.urls import path

from chengguan.outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.activity_list, name="activities"),
    path("activities/new/", views.activity_new, name="activity-new"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/photos/", views.activity_photo, name="activity-photo"),
    path("activities/<int:pk>/hours/", views.activity_hours, name="activity-hours"),
    path(
        "activities/<int:pk>/check-in/<int:registration>/", views.activity_check_in, name="activity-check-in"
    ),
    path("activities/<int:pk>/<str:action>/", views.activity_action, name="activity-action"),
    path("photos/<int:pk>/", views.photo_file, name="photo"),
    path("photos/<int:pk>/publish/", views.photo_publish, name="photo-publish"),
    path("volunteers/", views.volunteer_list, name="volunteers"),
    path("volunteers/<int:pk>/", views.volunteer_detail, name="volunteer"),
    path("volunteers/<int:pk>/certificate/", views.volunteer_certificate, name="volunteer-certificate"),
    path("certificates/<int:pk>.pdf", views.certificate_file, name="certificate-pdf"),
    path("broadcasts/", views.broadcast_list, name="broadcasts"),
    path("broadcasts/new/", views.broadcast_new, name="broadcast-new"),
    path("broadcasts/<int:pk>/", views.broadcast_detail, name="broadcast"),
    path("broadcasts/<int:pk>/<str:action>/", views.broadcast_action, name="broadcast-action"),
    path("recordings/<int:pk>/download/", views.recording_download, name="recording-download"),
    path("media/", views.media_list, name="media"),
]
