"""Public pages (no login): letter verification from the QR code, and merchant self-service."""

from django.urls import path

from chengguan.merchants import views

app_name = "letters-public"
urlpatterns = [
    path("verify/<str:token>/", views.letter_verify, name="verify"),
    path("self-service/", views.self_service, name="self-service"),
]
