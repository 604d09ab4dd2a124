"""Every error code the figures (统计) raise, with the message it stands for."""

from __future__ import annotations

from chengguan.core.errors import ErrorCodes


class FiguresError(ErrorCodes):
    BAD_DATE = "figures.bad_date", "日期格式应为 YYYY-MM-DD。"
    BAD_PERIOD = "figures.bad_period", "截止日不能早于起始日。"
    BAD_BUREAU = "figures.bad_bureau", "没有这个局，或您无权查看它的指标。"


class ReportError(ErrorCodes):
    BAD_PERIOD = "report.bad_period", "期间格式应为 YYYY-MM（月报）、YYYY-Qn（季报）或 YYYY（年报）。"
    NOT_STARTED = "report.not_started", "该期间尚未开始，不能发布。"
    FORBIDDEN = "report.forbidden", "您没有发布综合评价通报的权限。"
    READ_FORBIDDEN = "report.read_forbidden", "您无权查看该局的综合评价通报。"
    NOT_FOUND = "report.not_found", "没有这份综合评价通报。"


class AppealError(ErrorCodes):
    FORBIDDEN = "appeal.forbidden", "只有案件所计的处置单位可以申诉。"
    DECIDE_FORBIDDEN = "appeal.decide_forbidden", "只有本局的考评人员可以审核申诉。"
    NOT_FILER = "appeal.not_filer", "只有申诉单位可以撤回申诉。"
    OTHER_BUREAU = "appeal.other_bureau", "该申诉不属于您所在的局。"
    NOT_COUNTED = "appeal.not_counted", "该案件未计入这一版本的通报，或已核减。"
    DUPLICATE = "appeal.duplicate", "该案件已有待审核的申诉。"
    SUPERSEDED = "appeal.superseded", "只能对本期最新版本的通报申诉。"
    INVALID = "appeal.invalid", "请填写申诉理由。"
    INVALID_TRANSITION = "appeal.invalid_transition", "申诉当前状态不允许该操作。"
    NOT_FOUND = "appeal.not_found", "申诉不存在。"
    MISSING_FIELDS = "appeal.missing_fields", "请填写必填项。"
    INVALID_FIELDS = "appeal.invalid_fields", "提交的数据有误，请检查标出的字段。"
    UNKNOWN_ACTION = "appeal.unknown_action", "未知的操作。"
