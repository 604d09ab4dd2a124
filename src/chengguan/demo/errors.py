"""Every error code the demo generator raises, with the message it stands for."""

from __future__ import annotations

from chengguan.core.errors import ErrorCodes


class DemoError(ErrorCodes):
    NOT_EMPTY = "demo.not_empty", "数据库中已有组织机构，演示数据只能装入空数据库。"
    WEAK_PASSWORD = "demo.weak_password", "演示账号的密码强度不够。"
    NO_UNIT = "demo.no_unit", "演示数据：找不到可派遣的处置单位。"
    NO_STAFF = "demo.no_staff", "演示数据缺少执法中队人员、法制员或领导，无法生成行政处罚案件。"
    CASES_EXIST = "demo.cases_exist", "演示案件已生成，不能重复生成。"
