"""Every error code the staff notifications and their preferences raise, with the message it stands
for."""

from __future__ import annotations

from chengguan.core.errors import ErrorCodes


class NotificationError(ErrorCodes):
    NOT_FOUND = "notification.not_found", "没有这条通知。"
    UNKNOWN_KIND = "notification.unknown_kind", "未知的通知类别。"
    SMS_NOT_URGENT = "notification.sms_not_urgent", "只有紧急类别的通知可以发短信。"
    NO_PHONE = "notification.no_phone", "请先在个人资料中登记手机号码。"
