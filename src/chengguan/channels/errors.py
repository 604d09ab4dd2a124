"""Every error code the work orders of the outside channels (12345, 12319, 数字城管) raise, with the
message it stands for."""

from __future__ import annotations

from chengguan.core.errors import ErrorCodes


class WorkOrderError(ErrorCodes):
    FORBIDDEN = "work_order.forbidden", "只有受理员、值班长可以登记督办件；只有工作人员可以答复。"
    OUT_OF_SCOPE = "work_order.out_of_scope", "该督办件不在您的管辖范围内。"
    BAD_CHANNEL = "work_order.bad_channel", "来源渠道无效。"
    MISSING_EXTERNAL_ID = "work_order.missing_external_id", "请填写渠道工单号。"
    BAD_EXTERNAL_ID = "work_order.bad_external_id", "渠道工单号过长。"
    NAIVE_TIME = "work_order.naive_time", "时间须带时区。"
    FUTURE_TIME = "work_order.future_time", "时间不能晚于现在。"
    BAD_TIME = "work_order.bad_time", "答复时间须带时区，不能晚于现在，也不能早于接收时间。"
    MISSING_REPLY = "work_order.missing_reply", "请填写答复内容。"
    REPLY_TOO_LONG = "work_order.reply_too_long", "答复内容过长。"
    ALREADY_REPLIED = "work_order.already_replied", "该督办件已答复。"
