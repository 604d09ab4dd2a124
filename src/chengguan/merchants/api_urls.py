from rest_framework.routers import SimpleRouter

from chengguan.merchants import api

router = SimpleRouter()
router.register("merchants/jobs", api.MerchantJobViewSet, basename="merchant-job")
router.register("merchants/letters", api.LetterViewSet, basename="merchant-letter")
router.register("merchants", api.MerchantViewSet, basename="merchant")
urlpatterns = router.urls
