from django.urls import path

from chengguan.people import views

app_name = "people"
urlpatterns = [
    path("", views.certificate_list, name="certificates"),
    path("certificates/new/", views.certificate_new, name="certificate-new"),
    path("certificates/<int:pk>/", views.certificate_detail, name="certificate"),
    path("certificates/<int:pk>/<str:action>/", views.certificate_action, name="certificate-action"),
    path("trainings/", views.training_list, name="trainings"),
    path("trainings/new/", views.training_new, name="training-new"),
    path("trainings/hours/", views.training_hours_page, name="training-hours"),
    path("trainings/<int:pk>/", views.training_detail, name="training"),
    path("trainings/<int:pk>/attendance/", views.training_attendance, name="training-attendance"),
    path("trainings/<int:pk>/scores/", views.training_scores, name="training-scores"),
    path("trainings/<int:pk>/materials/", views.training_material, name="training-material"),
    path("trainings/<int:pk>/sign-in/<str:token>/", views.training_sign_in, name="training-sign-in"),
    path("trainings/<int:pk>/<str:action>/", views.training_action, name="training-action"),
    path("trainings/materials/<int:pk>/", views.material_file, name="training-material-file"),
    path("honours/", views.programme_list, name="programmes"),
    path("honours/new/", views.programme_new, name="programme-new"),
    path("honours/<int:pk>/", views.programme_detail, name="programme"),
    path("honours/<int:pk>/edit/", views.programme_edit, name="programme-edit"),
    path("honours/<int:pk>/nominate/", views.programme_nominate, name="programme-nominate"),
    path("honours/units/", views.unit_list, name="units"),
    path("honours/units/<int:pk>/", views.unit_page, name="unit"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination"),
    path("nominations/<int:pk>/<str:action>/", views.nomination_action, name="nomination-action"),
    path("deeds/", views.deed_list, name="deeds"),
    path("deeds/new/", views.deed_new, name="deed-new"),
    path("deeds/photos/<int:pk>/", views.deed_photo, name="deed-photo"),
    path("deeds/<int:pk>/", views.deed_detail, name="deed"),
    path("deeds/<int:pk>/edit/", views.deed_edit, name="deed-edit"),
    path("deeds/<int:pk>/<str:action>/", views.deed_action, name="deed-action"),
    path("register/", views.register, name="register"),
    path("staff/<int:pk>/", views.staff_page, name="staff"),
]
