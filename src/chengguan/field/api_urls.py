"""REST routes of the field app (mounted under /api/v1/)."""

from django.urls import path

from chengguan.field import api

urlpatterns = [
    path("field/categories", api.FieldCategoryList.as_view(), name="api-field-categories"),
    path("field/reports", api.FieldReportCreate.as_view(), name="api-field-reports"),
    path("field/tasks", api.FieldTaskList.as_view(), name="api-field-tasks"),
    path(
        "field/tasks/<int:pk>/photos/<int:photo>", api.FieldTaskPhoto.as_view(), name="api-field-task-photo"
    ),
    path("field/tasks/<int:pk>/<str:action>", api.FieldTaskAction.as_view(), name="api-field-task-action"),
]
