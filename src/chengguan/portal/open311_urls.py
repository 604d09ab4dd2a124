"""Routes of Open311 GeoReport v2, mounted at /open311/v2/."""

from django.urls import re_path

from chengguan.portal import open311

FMT = r"\.(?P<fmt>json|xml)$"
app_name = "open311"
urlpatterns = [
    re_path(r"^services" + FMT, open311.service_list, name="services"),
    re_path(r"^services/(?P<code>[\w-]+)" + FMT, open311.service_definition, name="service"),
    re_path(r"^requests" + FMT, open311.requests_collection, name="requests"),
    re_path(r"^requests/(?P<request_id>[\w-]+)" + FMT, open311.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[\w-]+)" + FMT, open311.token_detail, name="token"),
]
