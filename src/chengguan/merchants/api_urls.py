from django.urls import path
from rest_framework.routers import SimpleRouter

from chengguan.core.workflow.api import action_urls
from chengguan.merchants import api

router = SimpleRouter()
router.register("merchants/jobs", api.MerchantJobViewSet, basename="merchant-job")
router.register("merchants/letters", api.LetterViewSet, basename="merchant-letter")
router.register("merchants", api.MerchantViewSet, basename="merchant")
urlpatterns = [
    *action_urls(api.LETTER_ACTION_VIEWS, "merchants/letters/<int:pk>/", name="api-letter-{action}"),
    *router.urls,
    # Under /cases/ but served here: merchants sit above cases in the app layering.
    path("cases/<int:pk>/merchants/", api.CaseMerchants.as_view(), name="api-case-merchants"),
    path(
        "cases/<int:pk>/merchants/<int:merchant_id>/",
        api.CaseMerchantUnlink.as_view(),
        name="api-case-merchant-unlink",
    ),
]
