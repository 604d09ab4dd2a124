"""Every error code the welfare app raises, with the message it stands for."""

from __future__ import annotations

from chengguan.core.errors import ErrorCodes


class VendorError(ErrorCodes):
    NOT_FOUND = "vendor.not_found", "摊贩不存在或您无权查看。"
    FORBIDDEN = "vendor.forbidden", "您没有执行该操作的权限。"
    OTHER_BUREAU = "vendor.other_bureau", "该摊贩不属于您所在单位。"
    INVALID = "vendor.invalid", "摊贩登记的数据有误（逐项说明）。"
    NO_CONSENT = "vendor.no_consent", "登记摊贩信息须经本人同意（《个人信息保护法》第十三条、第十四条）。"
    NO_SENSITIVE_CONSENT = (
        "vendor.no_sensitive_consent",
        "困难类别、残疾等敏感个人信息须取得本人单独同意（《个人信息保护法》第二十九条）。",
    )
    DUPLICATE_ID = "vendor.duplicate_id", "该身份证号码已在摊贩名册中。"
    OUTSIDE_DISTRICT = "vendor.outside_district", "位置不在本辖区任何单元网格内。"
    ERASED = "vendor.erased", "本人已撤回同意，其信息已删除，不能再办理。"
    CASE_NOT_LINKED = "vendor.case_not_linked", "该摊贩未关联此案件。"
    REVEAL_FORBIDDEN = "vendor.reveal_forbidden", "您没有查看完整身份证号码和电话的权限。"
    NO_REVEAL_REASON = "vendor.no_reveal_reason", "查看完整号码须写明事由（将记入审计日志）。"


class SpotError(ErrorCodes):
    NOT_FOUND = "spot.not_found", "疏导点不存在或您无权查看。"
    FORBIDDEN = "spot.forbidden", "您没有管理便民疏导点的权限。"
    INVALID = "spot.invalid", "疏导点的数据有误（逐项说明）。"
    DUPLICATE_CODE = "spot.duplicate_code", "该编号已被本局其他疏导点使用。"
    OUTSIDE_DISTRICT = "spot.outside_district", "位置不在本辖区任何单元网格内。"


class DrawError(ErrorCodes):
    INVALID_TRANSITION = "welfare_draw.invalid_transition", "摇号当前状态不允许该操作。"
    MISSING_FIELDS = "welfare_draw.missing_fields", "请填写必填项。"
    INVALID_FIELDS = "welfare_draw.invalid_fields", "提交的数据有误，请检查标出的字段。"
    UNKNOWN_ACTION = "welfare_draw.unknown_action", "未知的操作。"
    NOT_FOUND = "welfare_draw.not_found", "摇号不存在或您无权查看。"
    FORBIDDEN = "welfare_draw.forbidden", "您没有组织摊位摇号的权限。"
    INVALID = "welfare_draw.invalid", "摇号的数据有误（逐项说明）。"
    DUPLICATE_TERM = "welfare_draw.duplicate_term", "该疏导点本期已有摇号。"
    CLOSED = "welfare_draw.closed", "本期申请已截止。"
    ALREADY_APPLIED = "welfare_draw.already_applied", "每人每期只能申请一次。"
    NO_SUCH_PITCH = "welfare_draw.no_such_pitch", "该摊位号当前无人使用。"


class HelpError(ErrorCodes):
    FORBIDDEN = "welfare_help.forbidden", "您没有登记帮扶记录的权限。"
    INVALID = "welfare_help.invalid", "帮扶记录的数据有误（逐项说明）。"
