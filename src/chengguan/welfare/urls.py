from django.urls import path

from chengguan.welfare import views

app_name = "welfare"
urlpatterns = [
    path("", views.vendor_list, name="vendors"),
    path("vendors/new/", views.vendor_new, name="vendor-new"),
    path("vendors/<int:pk>/", views.vendor_detail, name="vendor"),
    path("vendors/<int:pk>/reveal/", views.vendor_reveal, name="vendor-reveal"),
    path("vendors/<int:pk>/photo/", views.vendor_photo, name="vendor-photo"),
    path("vendors/<int:pk>/hardship/", views.vendor_hardship, name="vendor-hardship"),
    path("vendors/<int:pk>/withdraw/", views.vendor_withdraw, name="vendor-withdraw"),
    path("vendors/<int:pk>/help/", views.vendor_help, name="vendor-help"),
    path("vendors/<int:pk>/apply/", views.vendor_apply, name="vendor-apply"),
    path("spots/", views.spot_list, name="spots"),
    path("spots/<int:pk>/", views.spot_detail, name="spot"),
    path("draws/<int:pk>/", views.draw_detail, name="draw"),
    path("draws/<int:pk>/act/<str:action>/", views.draw_action, name="draw-action"),
    path("case/<int:case_id>/", views.case_vendors, name="case-vendors"),
    path("case/<int:case_id>/pick/", views.case_vendor_pick, name="case-vendor-pick"),
    path("case/<int:case_id>/link/", views.case_vendor_link, name="case-vendor-link"),
    path("case/<int:case_id>/unlink/<int:vendor_id>/", views.case_vendor_unlink, name="case-vendor-unlink"),
    path("case/<int:case_id>/apply/<int:vendor_id>/", views.case_vendor_apply, name="case-vendor-apply"),
]
