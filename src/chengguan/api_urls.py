"""Version 1 of the REST API: each app contributes its routes here."""

from django.urls import include, path

urlpatterns = [
    path("", include("chengguan.core.api_urls")),
    path("", include("chengguan.org.api_urls")),
    path("", include("chengguan.grids.api_urls")),
    path("", include("chengguan.taxonomy.api_urls")),
    path("", include("chengguan.merchants.api_urls")),
    path("", include("chengguan.duty.api_urls")),
    path("", include("chengguan.people.api_urls")),
    path("", include("chengguan.campaigns.api_urls")),
    path("", include("chengguan.welfare.api_urls")),
    path("", include("chengguan.outreach.api_urls")),
    path("", include("chengguan.cases.api_urls")),
    path("", include("chengguan.field.api_urls")),
    path("", include("chengguan.enforcement.api_urls")),
    path("", include("chengguan.channels.api_urls")),
    path("", include("chengguan.stats.api_urls")),
]
