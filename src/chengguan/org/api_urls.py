"""REST routes of the org app (mounted under /api/v1/)."""

from django.urls import path

from chengguan.org import api

urlpatterns = [
    path("auth/token", api.AuthTokenView.as_view(), name="api-auth-token"),
    path("auth/devices", api.DeviceSignInView.as_view(), name="api-auth-devices"),
    path("auth/devices/current", api.DeviceSignOutView.as_view(), name="api-auth-device-current"),
    path("me", api.MeView.as_view(), name="api-me"),
    path("organisations/", api.OrganisationList.as_view(), name="api-organisation-list"),
    path("organisations/<int:pk>/", api.OrganisationDetail.as_view(), name="api-organisation-detail"),
    path("staff/", api.StaffList.as_view(), name="api-staff-list"),
    path("staff/<int:pk>/", api.StaffDetail.as_view(), name="api-staff-detail"),
]
