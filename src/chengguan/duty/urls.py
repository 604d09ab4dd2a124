from django.urls import path

from chengguan.duty import views

app_name = "duty"
urlpatterns = [
    path("", views.roster_page, name="roster"),
    path("generate/", views.roster_generate, name="generate"),
    path("templates/", views.template_add, name="template-add"),
    path("assign/", views.shift_assign, name="assign"),
    path("mine/", views.my_duty, name="mine"),
    path("assignments/<int:pk>/clock/<str:direction>/", views.clock_page, name="clock"),
    path("assignments/<int:pk>/change/", views.change_request, name="change"),
    path("changes/<int:pk>/<str:action>/", views.change_action, name="change-action"),
]
urlpatterns += [
    path("findings/", views.finding_list, name="findings"),
    path("findings/new/", views.finding_new, name="finding-new"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("findings/<int:pk>/<str:action>/", views.finding_action, name="finding-action"),
]
urlpatterns += [
    path("streets/", views.street_list, name="streets"),
    path("streets/define/", views.street_define, name="street-define"),
    path("patrols/", views.patrol_list, name="patrols"),
    path("patrols/<int:pk>/", views.patrol_detail, name="patrol"),
    path("patrols/import-gpx/", views.gpx_import, name="gpx-import"),
]
urlpatterns += [
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/plan/", views.meeting_plan, name="meeting-plan"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/agenda/", views.meeting_agenda, name="meeting-agenda"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting-attendance"),
    path("meetings/<int:pk>/hold/", views.meeting_hold, name="meeting-hold"),
    path("meetings/<int:pk>/items/", views.meeting_item_add, name="meeting-item-add"),
    path("action-items/<int:pk>/<str:action>/", views.action_item_action, name="action-item-action"),
]
urlpatterns += [
    path("notices/", views.notice_list, name="notices"),
    path("notices/issue/", views.notice_issue, name="notice-issue"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/read/", views.notice_read, name="notice-read"),
    path("notices/<int:pk>/respond/", views.notice_respond, name="notice-respond"),
    path("notices/<int:pk>/close/", views.notice_close, name="notice-close"),
]
urlpatterns += [
    path("shifts/<int:pk>/log/", views.shift_log, name="log"),
    path("shifts/<int:pk>/log/add/", views.log_add, name="log-add"),
    path("shifts/<int:pk>/handover/", views.handover_give, name="handover"),
    path("handovers/<int:pk>/<str:action>/", views.handover_action, name="handover-action"),
]
