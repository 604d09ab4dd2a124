from rest_framework.routers import SimpleRouter

from chengguan.core.workflow.api import action_urls
from chengguan.people import api

router = SimpleRouter()
router.register("people/trainings", api.TrainingViewSet, basename="people-training")
router.register("people/attendances", api.AttendanceViewSet, basename="people-attendance")
router.register("people/certificates", api.CertificateViewSet, basename="people-certificate")
router.register("people/honours", api.ProgrammeViewSet, basename="people-honour")
router.register("people/nominations", api.NominationViewSet, basename="people-nomination")
router.register("people/deeds", api.DeedViewSet, basename="people-deed")
urlpatterns = [
    *action_urls(
        api.CERTIFICATE_ACTION_VIEWS, "people/certificates/<int:pk>/", name="api-people-certificate-{action}"
    ),
    *action_urls(
        api.TRAINING_ACTION_VIEWS, "people/trainings/<int:pk>/", name="api-people-training-{action}"
    ),
    *action_urls(
        api.NOMINATION_ACTION_VIEWS, "people/nominations/<int:pk>/", name="api-people-nomination-{action}"
    ),
    *action_urls(api.DEED_ACTION_VIEWS, "people/deeds/<int:pk>/", name="api-people-deed-{action}"),
    *router.urls,
]
