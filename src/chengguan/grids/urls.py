from django.urls import path

from chengguan.grids import views

app_name = "grids"

urlpatterns = [
    path("streets.geojson", views.streets, name="streets"),
]
