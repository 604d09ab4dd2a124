from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from chengguan.core.api import api_not_found

urlpatterns = [
    # The admin signs in through the site's login: its limits and the second factor apply there.
    path("admin/login/", RedirectView.as_view(pattern_name="web:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("chengguan.api_urls")),
    re_path(r"^api/v1/", api_not_found),
    path("cases/", include("chengguan.cases.urls")),
    path("enforcement/", include("chengguan.enforcement.urls")),
    path("work-orders/", include("chengguan.channels.urls")),
    path("merchants/", include("chengguan.merchants.urls")),
    path("duty/", include("chengguan.duty.urls")),
    path("people/", include("chengguan.people.urls")),
    path("campaigns/", include("chengguan.campaigns.urls")),
    path("stats/", include("chengguan.stats.urls")),
    path("outreach/", include("chengguan.outreach.urls")),
    path("field/", include("chengguan.field.urls")),
    path("news/", include("chengguan.campaigns.public_urls")),
    path("welfare/", include("chengguan.welfare.urls")),
    path("vending-draws/", include("chengguan.welfare.public_urls")),
    path("notifications/", include("chengguan.notifications.urls")),
    path("maps/", include("chengguan.grids.urls")),
    path("letters/", include("chengguan.merchants.public_urls")),
    path("publicity/", include("chengguan.enforcement.public_urls")),
    path("our-people/", include("chengguan.people.public_urls")),
    path("events/", include("chengguan.outreach.public_urls")),
    path("open311/v2/", include("chengguan.portal.open311_urls")),
    path("", include("chengguan.ops.urls")),
    path("", include("chengguan.portal.urls")),
    path("", include("chengguan.web.urls")),
]
