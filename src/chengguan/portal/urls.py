from django.urls import path, re_path

from chengguan.portal import views

app_name = "portal"
NUMBER = r"(?P<number>\d{6,20})"
urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/done/", views.report_done, name="report-done"),
    path("track/", views.track, name="track"),
    re_path(rf"^track/{NUMBER}/$", views.track_detail, name="track-detail"),
    re_path(rf"^track/{NUMBER}/rate/$", views.rate, name="rate"),
    path("review/", views.review_list, name="review"),
    path("review/<int:pk>/", views.review_decide, name="review-decide"),
    re_path(r"^portal/photo/(?P<token>[\w:-]+)/(?P<variant>thumb|file)/$", views.photo, name="photo"),
]
