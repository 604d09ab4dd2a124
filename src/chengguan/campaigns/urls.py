from django.urls import path

from chengguan.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("new/", views.campaign_new, name="new"),
    path("kinds/", views.kind_add, name="kind-add"),
    path("tasks/", views.my_tasks, name="campaign-tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/report/", views.task_report_add, name="task-report"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/act/<str:action>/", views.campaign_action, name="action"),
    path("<int:pk>/tasks/add/", views.task_new, name="task-add"),
    path("<int:pk>/operations/add/", views.operation_new, name="operation-add"),
    path("<int:pk>/attach/", views.attach_cases, name="attach"),
    path("<int:pk>/publish/", views.publish_summary, name="publish"),
    path("<int:pk>/weekly.<str:fmt>", views.weekly_report, name="weekly"),
    path("<int:pk>/daily.<str:fmt>", views.daily_report, name="daily"),
    path("<int:pk>/summary.pdf", views.summary_pdf, name="summary"),
    path("operations/<int:pk>/", views.operation_detail, name="operation"),
    path("operations/<int:pk>/problem/", views.operation_problem, name="operation-problem"),
    path("operations/<int:pk>/support/", views.operation_support, name="operation-support"),
    path("operations/<int:pk>/penalty/", views.operation_penalty, name="operation-penalty"),
]
