from rest_framework.routers import SimpleRouter

from chengguan.core.workflow.api import action_urls
from chengguan.welfare import api

router = SimpleRouter()
router.register("welfare/vendors", api.VendorViewSet, basename="welfare-vendor")
router.register("welfare/spots", api.SpotViewSet, basename="welfare-spot")
router.register("welfare/allocations", api.AllocationViewSet, basename="welfare-allocation")
router.register("welfare/help", api.HelpViewSet, basename="welfare-help")
urlpatterns = [
    *action_urls(api.DRAW_ACTION_VIEWS, "welfare/allocations/<int:pk>/", name="api-welfare-draw-{action}"),
    *router.urls,
]
