"""Every error code the campaigns app raises, with the message it stands for."""

from __future__ import annotations

from chengguan.core.errors import ErrorCodes


class CampaignError(ErrorCodes):
    INVALID_TRANSITION = "campaign.invalid_transition", "专项行动当前状态不允许该操作。"
    MISSING_FIELDS = "campaign.missing_fields", "请填写必填项。"
    INVALID_FIELDS = "campaign.invalid_fields", "提交的数据有误，请检查标出的字段。"
    UNKNOWN_ACTION = "campaign.unknown_action", "未知的操作。"
    NOT_FOUND = "campaign.not_found", "专项行动不存在或您无权查看。"
    FORBIDDEN = "campaign.forbidden", "您没有执行该操作的权限。"
    OTHER_BUREAU = "campaign.other_bureau", "该专项行动不属于您所在单位。"
    NOT_LEAD_LEADER = "campaign.not_lead_leader", "只有牵头单位的领导可以变更专项行动的状态。"
    INVALID = "campaign.invalid", "专项行动的数据有误（逐项说明）。"
    NOT_PARTNER = "campaign.not_partner", "只能选择本局组织架构中的协作单位。"
    NOT_OUR_UNIT = "campaign.not_our_unit", "只能选择本局的单位。"
    CLOSED = "campaign.closed", "专项行动已结束或已取消，不能再修改。"
    NO_SUMMARY = "campaign.no_summary", "专项行动结束后才能发布总结。"


class TaskError(ErrorCodes):
    NOT_FOUND = "campaign_task.not_found", "任务不存在或您无权查看。"
    FORBIDDEN = "campaign_task.forbidden", "只有承办单位（或协作部门联络员）可以填报本任务的进度。"
    INVALID = "campaign_task.invalid", "任务的数据有误（逐项说明）。"
    BAD_ASSIGNEE = "campaign_task.bad_assignee", "任务只能交给参与本行动的单位或协作部门。"
    PHASE_NO_REPORT = "campaign_task.phase_no_report", "阶段不能填报进度，请在其下的任务中填报。"
    DONE = "campaign_task.done", "任务已完成，不能再填报。"
    NOT_RUNNING = "campaign_task.not_running", "专项行动进行中时才能填报进度。"


class OperationError(ErrorCodes):
    NOT_FOUND = "campaign_operation.not_found", "联合行动不存在或您无权查看。"
    FORBIDDEN = "campaign_operation.forbidden", "您没有登记联合行动的权限。"
    INVALID = "campaign_operation.invalid", "联合行动的数据有误（逐项说明）。"
    # 行政强制法 第四十三条
    NIGHT_OR_HOLIDAY = (
        "campaign_operation.night_or_holiday",
        "行政机关不得在夜间或者法定节假日实施行政强制执行，情况紧急的除外（《中华人民共和国行政强制法》第四十三条）。",
    )
    CASE_ALREADY_LINKED = "campaign_operation.case_linked", "该案件已计入本专项行动。"
    OUTSIDE = "campaign_operation.outside", "案件不在本专项行动的范围（区域、类别、时间）内。"
    NOT_PDF = "campaign_operation.not_pdf", "协助函须为 PDF 文件。"
    WRONG_PARTNER = "campaign_operation.wrong_partner", "协助请求须发给公安或法院。"
