"""Every error code the classification (部件/事件), its time limits and the routing rules raise, with
the message it stands for."""

from __future__ import annotations

from chengguan.core.errors import ErrorCodes


class TaxonomyError(ErrorCodes):
    PERMISSION_DENIED = "taxonomy.permission_denied", "只有管理员可以维护分类、处置时限和派遣规则。"
    UNKNOWN_CATEGORY = "taxonomy.unknown_category", "未知的部件/事件分类代码。"
    # Loading the classification.
    FILE_MISSING = "taxonomy.file_missing", "找不到分类数据文件。"
    BAD_FILE = "taxonomy.bad_file", "分类数据文件格式错误。"
    BAD_TIME_LIMIT = "taxonomy.bad_time_limit", "处置时限条目格式错误。"
    TIME_LIMIT_MISSING = "taxonomy.time_limit_missing", "小类缺少处置时限。"
    # Editing.
    INVALID_ROUTING_RULE = "taxonomy.invalid_routing_rule", "派遣规则有误（逐项说明）。"
    INVALID_FIELD = "taxonomy.invalid_field", "不能修改的字段。"
    INVALID_TIME_LIMIT = "taxonomy.invalid_time_limit", "处置时限或立案结案标准有误（逐项说明）。"
