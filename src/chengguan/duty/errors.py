"""Every error code the duty app raises, with the message it stands for."""

from __future__ import annotations

from chengguan.core.errors import ErrorCodes


class DutyError(ErrorCodes):
    FORBIDDEN = "duty.forbidden", "您没有该操作的权限。"
    OTHER_UNIT = "duty.other_unit", "该单位不在您的管辖范围内。"
    INVALID = "duty.invalid", "提交的数据有误（逐项说明）。"
    NO_PATTERN = "duty.no_pattern", "该单位还没有班次模板，无法生成值班表。"
    ROSTER_EXISTS = "duty.roster_exists", "该单位该月的值班表已经生成。"
    NOT_FOUND = "duty.not_found", "值班记录不存在或您无权查看。"
    OVERLAP = "duty.overlap", "该人员在重叠的时段已有排班。"
    NOT_STAFF_OF_BUREAU = "duty.not_staff_of_bureau", "只能安排本局的工作人员值班。"
    NOT_YOURS = "duty.not_yours", "只能为自己的排班签到、签退或申请换班。"
    TOO_EARLY = "duty.too_early", "班次开始前 30 分钟起才能签到。"
    SHIFT_OVER = "duty.shift_over", "班次已经结束。"
    ALREADY_IN = "duty.already_in", "已经签到。"
    NOT_IN = "duty.not_in", "尚未签到。"
    PENDING_CHANGE = "duty.pending_change", "该排班已有待审批的换班或请假。"
    NOT_ON_DUTY = "duty.not_on_duty", "只有签到在岗时才能开始巡查（轨迹只在值班期间记录）。"
    PATROL_ENDED = "duty.patrol_ended", "该巡查已经结束。"
    BAD_POINTS = "duty.bad_points", "轨迹点有误（逐点说明）。"
    NOT_YOUR_PATROL = "duty.not_your_patrol", "只能上传或结束自己的巡查。"
    BAD_GPX = "duty.bad_gpx", "GPX 文件无法读取或没有带时间的轨迹点。"
    STREET_EXISTS = "duty.street_exists", "本局已有同名的严管街。"
    DEVICE_TIME = "duty.device_time", "设备时间与服务器时间相差过大，请在值班页面签到或联系排班人员。"
    OUT_BEFORE_IN = "duty.out_before_in", "签退时间不能早于签到时间。"


class ChangeError(ErrorCodes):
    INVALID_TRANSITION = "roster_change.invalid_transition", "换班或请假当前状态不允许该操作。"
    MISSING_FIELDS = "roster_change.missing_fields", "请填写必填项。"
    INVALID_FIELDS = "roster_change.invalid_fields", "提交的数据有误，请检查标出的字段。"
    UNKNOWN_ACTION = "roster_change.unknown_action", "未知的操作。"
    NOT_FOUND = "roster_change.not_found", "换班或请假申请不存在。"
    FORBIDDEN = "roster_change.forbidden", "只有本单位的领导可以审批换班和请假。"
    NOT_REQUESTER = "roster_change.not_requester", "只有申请人可以撤回。"
    OTHER_BUREAU = "roster_change.other_bureau", "该申请不属于您所在单位。"


class FindingError(ErrorCodes):
    INVALID_TRANSITION = "finding.invalid_transition", "督察问题当前状态不允许该操作。"
    MISSING_FIELDS = "finding.missing_fields", "请填写必填项。"
    INVALID_FIELDS = "finding.invalid_fields", "提交的数据有误，请检查标出的字段。"
    UNKNOWN_ACTION = "finding.unknown_action", "未知的操作。"
    NOT_FOUND = "finding.not_found", "督察问题不存在或您无权查看。"
    FORBIDDEN = "finding.forbidden", "您没有执行该操作的权限。"
    OTHER_BUREAU = "finding.other_bureau", "该督察问题不属于您所在单位。"
    NOT_YOUR_UNIT = "finding.not_your_unit", "只有责任单位可以整改或申诉。"
    ALREADY_CONTESTED = "finding.already_contested", "每个督察问题只能申诉一次。"
    INVALID = "finding.invalid", "督察记录有误（逐项说明）。"


class MeetingError(ErrorCodes):
    FORBIDDEN = "meeting.forbidden", "只有局办公室和局领导可以安排会议。"
    OTHER_BUREAU = "meeting.other_bureau", "该会议不属于您所在单位。"
    INVALID = "meeting.invalid", "会议记录有误（逐项说明）。"
    HELD = "meeting.held", "会议已经召开，不能再修改议题和纪要。"
    NOT_FOUND = "meeting.not_found", "会议不存在或您无权查看。"


class ItemError(ErrorCodes):
    INVALID_TRANSITION = "action_item.invalid_transition", "督办事项当前状态不允许该操作。"
    MISSING_FIELDS = "action_item.missing_fields", "请填写必填项。"
    INVALID_FIELDS = "action_item.invalid_fields", "提交的数据有误，请检查标出的字段。"
    UNKNOWN_ACTION = "action_item.unknown_action", "未知的操作。"
    NOT_FOUND = "action_item.not_found", "督办事项不存在或您无权查看。"
    FORBIDDEN = "action_item.forbidden", "只有承办单位、承办人或会议组织者可以办理该事项。"
    OTHER_BUREAU = "action_item.other_bureau", "该督办事项不属于您所在单位。"


class NoticeError(ErrorCodes):
    FORBIDDEN = "notice.forbidden", "只有局办公室、局领导和值班长可以发布重大事项通报。"
    OTHER_BUREAU = "notice.other_bureau", "该通报不属于您所在单位。"
    INVALID = "notice.invalid", "通报内容有误（逐项说明）。"
    NOT_A_READER = "notice.not_a_reader", "您不在该通报的阅知范围内。"
    CLOSED = "notice.closed", "该通报已经办结。"


class HandoverError(ErrorCodes):
    INVALID_TRANSITION = "handover.invalid_transition", "交接班当前状态不允许该操作。"
    MISSING_FIELDS = "handover.missing_fields", "请填写必填项。"
    INVALID_FIELDS = "handover.invalid_fields", "提交的数据有误，请检查标出的字段。"
    UNKNOWN_ACTION = "handover.unknown_action", "未知的操作。"
    NOT_FOUND = "handover.not_found", "交接班记录不存在或您无权查看。"
    FORBIDDEN = "handover.forbidden", "只有下一班的值班人员可以接班。"
    OTHER_BUREAU = "handover.other_bureau", "该交接班不属于您所在单位。"
    NOT_ON_SHIFT = "handover.not_on_shift", "只有本班的值班人员或排班人员可以记录值班日志和交班。"
    NO_NEXT_SHIFT = "handover.no_next_shift", "该单位没有下一班，无法交班。"
    ALREADY = "handover.already", "本班已经交班。"
    INVALID = "handover.invalid", "值班日志有误（逐项说明）。"
