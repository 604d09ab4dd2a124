from django.urls import path

from chengguan.duty import views

app_name = "duty"
urlpatterns = [
    path("", views.roster_page, name="roster"),
    path("generate/", views.roster_generate, name="generate"),
    path("templates/", views.template_add, name="template-add"),
    path("assign/", views.shift_assign, name="assign"),
    path("mine/", views.my_duty, name="mine"),
    path("assignments/<int:pk>/clock/<str:direction>/", views.clock_page, name="clock"),
    path("assignments/<int:pk>/change/", views.change_request, name="change"),
    path("changes/<int:pk>/<str:action>/", views.change_action, name="change-action"),
]
urlpatterns += [
    path("findings/", views.finding_list, name="findings"),
    path("findings/new/", views.finding_new, name="finding-new"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("findings/<int:pk>/<str:action>/", views.finding_action, name="finding-action"),
]
urlpatterns += [
    path("streets/", views.street_list, name="streets"),
    path("streets/define/", views.street_define, name="street-define"),
    path("patrols/import-gpx/", views.gpx_import, name="gpx-import"),
]
