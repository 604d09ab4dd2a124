"""The texts of the field app's 值班 tab (my shift, clock in and out, the patrol track), through Django
i18n like the rest of the app's catalog (`strings.catalog`)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def duty_catalog() -> dict[str, str]:
    return {
        "tabDuty": _("值班"),
        "dutyMyShift": _("我的班次"),
        "dutyNoShift": _("近期没有您的排班。"),
        "dutyNow": _("当前班次"),
        "dutyNext": _("下一班"),
        "dutyNotIn": _("尚未签到"),
        # The roster's posts (the API names them in Chinese; the page, in its own language).
        "post_leader": _("带班领导"),
        "post_chief": _("值班长"),
        "post_officer": _("值班员"),
        "dutyIn": _("%(time)s 已签到"),
        "dutyInQueued": _("%(time)s 已签到（待同步）"),
        "dutyOut": _("%(time)s 已签退"),
        "dutyOutQueued": _("%(time)s 已签退（待同步）"),
        "dutyReceived": _("服务器 %(time)s 收到"),
        "dutyClockIn": _("签到"),
        "dutyClockOut": _("签退"),
        "dutyOpensAt": _("%(time)s 起可签到（班次开始前 30 分钟）"),
        "dutyClockedIn": _("已签到"),
        "dutyClockedOut": _("已签退"),
        "dutySavedOffline": _("已按本机时间记录，联网后自动同步。"),
        "dutyInRefused": _("%(time)s 的签到未被接受"),
        "dutyOutRefused": _("%(time)s 的签退未被接受"),
        "dutyDismiss": _("知道了"),
        "dutySync": _("同步"),
        "trackTitle": _("巡查轨迹"),
        "trackPurpose": _(
            "签到在岗期间，本应用记录您的位置轨迹（时间、位置和精度），仅用于值班巡查和在岗率统计；"
            "不在岗时不记录，签退即停止。您可以随时撤回同意。"
        ),
        "trackAgree": _("同意记录轨迹"),
        "trackDecline": _("暂不同意"),
        "trackDeclined": _("您未同意记录轨迹，签到后也不会记录。"),
        "trackRecording": _("正在记录轨迹（在岗中）"),
        "trackIdle": _("已同意；签到在岗后开始记录。"),
        "trackCounts": _("待上传 %(waiting)s 个点 · 已上传 %(sent)s 个点"),
        "trackRevoke": _("撤回同意并停止记录"),
        "trackRevokeConfirm": _("撤回同意？尚未上传的轨迹点将从本机删除。"),
    }
