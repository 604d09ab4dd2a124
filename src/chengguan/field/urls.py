"""Pages of the field app (mounted under /field/)."""

from django.urls import path

from chengguan.field import views

app_name = "field"

urlpatterns = [
    path("", views.shell, name="shell"),
    path("sw.js", views.service_worker, name="sw"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
