"""Every error code the penalty procedure, its documents, disclosures, court records and case-file
evaluation raise, with the message it stands for."""

from __future__ import annotations

from chengguan.core.errors import ErrorCodes


class PenaltyError(ErrorCodes):
    # The kernel's codes (core.workflow) for the penalty machine.
    INVALID_TRANSITION = "penalty.invalid_transition", "案件当前状态不允许该操作。"
    MISSING_FIELDS = "penalty.missing_fields", "请填写必填项。"
    INVALID_FIELDS = "penalty.invalid_fields", "提交的数据有误，请检查标出的字段。"
    UNKNOWN_ACTION = "penalty.unknown_action", "未知的操作。"
    NOT_FOUND = "penalty.not_found", "未找到该行政处罚案件。"
    # Who may act.
    FORBIDDEN = "penalty.forbidden", "您没有权限执行此操作。"
    OTHER_BUREAU = "penalty.other_bureau", "不能办理其他单位的案件。"
    STAFF_ONLY = "penalty.staff_only", "行政处罚案件仅对执法人员开放。"
    NO_BUREAU = "penalty.no_bureau", "您不属于任何执法机关。"
    # Input.
    BAD_DATE = "penalty.bad_date", "日期格式不正确。"
    BAD_AMOUNT = "penalty.bad_amount", "金额格式不正确或为负数。"
    BAD_ID_NUMBER = "penalty.bad_id_number", "公民身份号码无效（GB 11643）。"
    BAD_CREDIT_CODE = "penalty.bad_credit_code", "统一社会信用代码无效（GB 32100）。"
    BAD_PARTY_KIND = "penalty.bad_party_kind", "当事人类型不正确。"
    UNKNOWN_OFFICER = "penalty.unknown_officer", "执法人员不存在。"
    FOREIGN_OFFICER = "penalty.foreign_officer", "执法人员须为本机关的执法人员（行政处罚法 第四十二条）。"
    UNKNOWN_ORIGIN = "penalty.unknown_origin", "原案件不存在。"
    UNKNOWN_EVENT = "penalty.unknown_event", "未知的期限起算事件。"
    # The procedure's rules (行政处罚法, 行政强制法).
    TOO_FEW_OFFICERS = "penalty.too_few_officers", "执法人员不得少于两人（行政处罚法 第四十二条）。"
    OFFICER_NOT_CERTIFIED = (
        "penalty.officer_not_certified",
        "执法人员在该日没有有效的行政执法证，不得从事执法（行政处罚法 第四十二条、第五十五条）。",
    )
    DATE_ORDER = "penalty.date_order", "日期早于前一环节的日期。"
    HEARING_NOT_APPLICABLE = "penalty.hearing_not_applicable", "本案不属于听证范围（行政处罚法 第六十三条）。"
    HEARING_REQUEST_LATE = (
        "penalty.hearing_request_late",
        "当事人应在告知后五个工作日内提出听证要求（第六十四条）。",
    )
    HEARING_NOTICE_LATE = (
        "penalty.hearing_notice_late",
        "应在举行听证的七个工作日前通知当事人（第六十四条）。",
    )
    LEGAL_REVIEW_MISSING = (
        "penalty.legal_review_missing",
        "未经法制审核不得作出处罚决定（行政处罚法 第五十八条）。",
    )
    LEGAL_REVIEW_ALREADY_PASSED = (
        "penalty.legal_review_already_passed",
        "本案已通过法制审核，不能重复审核（行政处罚法 第五十八条）。",
    )
    STATEMENT_PERIOD_OPEN = (
        "penalty.statement_period_open",
        "陈述、申辩期限届满或当事人陈述、申辩（放弃）前不得作出决定（行政处罚法 第四十四条、第四十五条）。",
    )
    STATEMENT_ALREADY_RECORDED = (
        "penalty.statement_already_recorded",
        "已登记当事人的陈述、申辩或放弃（行政处罚法 第四十五条）。",
    )
    CASE_FILE_INCOMPLETE = (
        "penalty.case_file_incomplete",
        "案卷不完整，不能结案（行政处罚法 第四十七条）。",
    )
    BAD_STATEMENT_DAYS = "penalty.bad_statement_days", "陈述、申辩期限须为 1 至 30 个工作日，并注明依据。"
    HEARING_PERIOD_OPEN = (
        "penalty.hearing_period_open",
        "听证申请期限届满前不得作出决定（第六十三条、第六十四条）。",
    )
    DECISION_OVERDUE = (
        "penalty.decision_overdue",
        "超过九十日办案期限，须记录延期理由（行政处罚法 第六十条）。",
    )
    REMINDER_TOO_EARLY = "penalty.reminder_too_early", "缴款期限届满前不得催告（行政强制法 第五十四条）。"
    COURT_TOO_EARLY = (
        "penalty.court_too_early",
        "催告书送达十日后方可申请法院强制执行（行政强制法 第五十四条）。",
    )
    COURT_BEFORE_REVIEW_END = (
        "penalty.court_before_review_end",
        "复议、诉讼期限届满后方可申请强制执行（第五十三条）。",
    )
    COURT_WINDOW_PASSED = (
        "penalty.court_window_passed",
        "申请法院强制执行的期限已届满（行政强制法 第五十三条）。",
    )
    SIMPLE_OVER_LIMIT = "penalty.simple_over_limit", "超过简易程序的罚款限额（行政处罚法 第五十一条）。"
    ON_SPOT_OVER_LIMIT = "penalty.on_spot_over_limit", "超过当场收缴的限额（行政处罚法 第六十八条）。"
    ORIGIN_NOT_ENFORCEMENT = (
        "penalty.origin_not_enforcement",
        "只有以“执法”方式结案的案件才能转立行政处罚案件。",
    )
    ORIGIN_ALREADY_OPENED = "penalty.origin_already_opened", "该案件已转立行政处罚案件，不能重复转立。"
    # Reconsideration and litigation.
    REVIEW_NOT_ALLOWED = (
        "penalty.review_not_allowed",
        "处罚决定尚未送达或案件已终止、移送，不能登记复议或诉讼。",
    )
    REVIEW_WINDOW_PASSED = (
        "penalty.review_window_passed",
        "申请行政复议或提起行政诉讼的期限已届满（行政复议法 第二十条、行政诉讼法 第四十五条、第四十六条）。",
    )
    REVIEW_NOT_FOUND = "penalty.review_not_found", "未找到该复议或诉讼记录。"
    BAD_REVIEW_KIND = "penalty.bad_review_kind", "复议/诉讼类型不正确。"
    BAD_REVIEW_OUTCOME = "penalty.bad_review_outcome", "复议/诉讼结果不正确。"
    NOT_REVOKED = "penalty.not_revoked", "处罚决定未被复议机关或法院撤销。"
    FINE_ONLY_WHEN_CHANGED = "penalty.fine_only_when_changed", "只有“变更”的结果才能登记新的罚款金额。"
    # Documents.
    BAD_DOCUMENT_TYPE = "penalty.bad_document_type", "文书类型不正确。"
    DOCUMENT_NOT_ALLOWED = "penalty.document_not_allowed", "案件当前阶段不能制作该文书。"
    DOCUMENT_EXISTS = "penalty.document_exists", "本案已制作该文书，不能重复制作。"
    BAD_SCAN_TYPE = "penalty.bad_scan_type", "扫描件须为 PDF、JPG 或 PNG 文件。"
    SCAN_TOO_LARGE = "penalty.scan_too_large", "扫描件过大。"
    SCAN_EMPTY = "penalty.scan_empty", "文件为空。"
    # Publication (第四十八条).
    DISCLOSURE_NOT_ALLOWED = "penalty.disclosure_not_allowed", "只有已送达的普通程序处罚决定才能公示。"
    DISCLOSURE_WITHDRAWN = "penalty.disclosure_withdrawn", "该公示已撤回。"
    # Court enforcement (行政强制法 第五十六条至第五十八条).
    NOT_IN_COURT = "penalty.not_in_court", "尚未申请法院强制执行。"
    BAD_PARTNER = "penalty.bad_partner", "请选择本局协作单位中的法院或公安机关。"
    BAD_RULING = "penalty.bad_ruling", "请选择裁定结果。"
    COURT_ALREADY_RECORDED = "penalty.court_already_recorded", "已登记法院受理情况。"
    COURT_NOT_ACCEPTED = "penalty.court_not_accepted", "请先登记法院受理情况。"
    COURT_ALREADY_RULED = "penalty.court_already_ruled", "已登记法院裁定。"
    # The evidence register (证据清单).
    BAD_EVIDENCE_KIND = "penalty.bad_evidence_kind", "证据种类不正确（行政处罚法 第四十六条）。"
    BAD_COLLECTION_METHOD = "penalty.bad_collection_method", "取证方式不正确。"
    EVIDENCE_OFFICER_NOT_ON_CASE = (
        "penalty.evidence_officer_not_on_case",
        "取证人员须为本案的执法人员，且不少于两人（行政处罚法 第四十二条）。",
    )
    EVIDENCE_IN_FUTURE = "penalty.evidence_in_future", "取证时间不能晚于现在。"


class EvaluationError(ErrorCodes):
    """案卷评查 (the case-file evaluation of closed cases)."""

    BAD_DEDUCTION = "evaluation.bad_deduction", "扣分须为不超过该项分值的数字。"
    UNKNOWN_ITEM = "evaluation.unknown_item", "评查项目不在评查表中。"
    CASE_NOT_CLOSED = "evaluation.case_not_closed", "只能评查已结案的案卷。"
    ALREADY_EVALUATED = "evaluation.already_evaluated", "该案卷已评查。"
    ALREADY_SELECTED = "evaluation.already_selected", "该案卷已选入评查。"
    AWAITING_CORRECTION = "evaluation.awaiting_correction", "该案卷已退回整改，整改完成后才能复评。"
    NOT_SCORED = "evaluation.not_scored", "只能退回已评分的案卷。"
    NOT_RETURNED = "evaluation.not_returned", "该案卷没有被退回整改。"
    MISSING_FIELDS = "evaluation.missing_fields", "请填写必填项。"
    NOT_FOUND = "evaluation.not_found", "该案卷尚未选入评查。"
