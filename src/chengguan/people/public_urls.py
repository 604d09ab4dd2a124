from django.urls import path

from chengguan.people import views

app_name = "people-public"
urlpatterns = [
    path("", views.public_people, name="deeds"),
    path("photos/<int:pk>/", views.public_photo, name="photo"),
]
