from django.urls import path

from chengguan.welfare import views

app_name = "welfare-public"
urlpatterns = [
    path("", views.public_draws, name="draws"),
    path("<int:pk>/", views.public_draw, name="draw"),
]
