"""Every error code the organisation tree, the staff register and sign-in raise, with the message
it stands for."""

from __future__ import annotations

from chengguan.core.errors import ErrorCodes


class OrgError(ErrorCodes):
    ADMIN_REQUIRED = "org.admin_required", "只有本局的管理员可以维护组织机构和人员。"
    SUPERUSER_PROTECTED = "org.superuser_protected", "只有超级管理员可以修改超级管理员账号。"
    INVALID_KIND = "org.invalid_kind", "未知的组织类型。"
    NAME_REQUIRED = "org.name_required", "请填写组织名称。"
    INVALID_PARENT = "org.invalid_parent", "上级单位的类型不允许（如社区的上级须为街道办事处）。"
    PARENT_CYCLE = "org.parent_cycle", "不能把单位移到它自己或它的下级单位之下。"
    PARENT_INACTIVE = "org.parent_inactive", "上级单位已停用。"
    CROSS_BUREAU_MOVE = "org.cross_bureau_move", "不能把单位移到另一个局。"
    INVALID_CODE = "org.invalid_code", "行政区划代码位数不对（局 6 位、街道 3 位、社区 3 位数字）。"
    CODE_TAKEN = "org.code_taken", "同一上级单位下已有该代码的单位。"
    PARTNER_TYPE_REQUIRED = "org.partner_type_required", "协作单位须选择单位类别（公安、法院等）。"
    PARTNER_TYPE_NOT_ALLOWED = "org.partner_type_not_allowed", "只有协作单位才有单位类别。"


class StaffError(ErrorCodes):
    USERNAME_REQUIRED = "staff.username_required", "请填写用户名。"
    INVALID_USERNAME = "staff.invalid_username", "用户名格式不正确。"
    USERNAME_TAKEN = "staff.username_taken", "用户名已被使用。"
    PASSWORD_REQUIRED = "staff.password_required", "请设置密码。"
    WEAK_PASSWORD = "staff.weak_password", "密码强度不够。"
    ORGANISATION_REQUIRED = "staff.organisation_required", "请选择所属单位。"
    ORGANISATION_INACTIVE = "staff.organisation_inactive", "所属单位已停用。"
    UNKNOWN_ROLE = "staff.unknown_role", "未知的角色。"
    NAME_REQUIRED = "staff.name_required", "请填写姓名。"
    SELF_LOCKOUT = "staff.self_lockout", "不能停用自己的账号或取消自己的管理员角色。"


class PhoneError(ErrorCodes):
    INVALID = "phone.invalid", "电话号码格式不正确：请填写11位手机号码或带区号的固定电话。"


class AuthError(ErrorCodes):
    INVALID_CREDENTIALS = "auth.invalid_credentials", "用户名或密码错误。"
    TOO_MANY_ATTEMPTS = "auth.too_many_attempts", "登录失败次数过多，请稍后再试。"
    ACCOUNT_LOCKED = "auth.account_locked", "账号已锁定：登录失败次数过多，请稍后再试。"
    OTP_ENROLMENT_REQUIRED = "auth.otp_enrolment_required", "该账号须先在网页登录时绑定身份验证器。"
    OTP_INVALID = "auth.otp_invalid", "身份验证码错误。"
    DEVICE_NAME_REQUIRED = "auth.device_name_required", "请填写设备名称。"
    DEVICE_NOT_YOURS = "auth.device_not_yours", "只能注销本人的设备，或由本局管理员注销。"
    SCREEN_TOKEN_INVALID = "auth.screen_token_invalid", "该大屏的令牌已注销或无效。"


class CalendarDayError(ErrorCodes):
    NOT_A_BUREAU = "calendar_day.not_a_bureau", "只能为局设置节假日调整。"
    NAME_REQUIRED = "calendar_day.name_required", "请填写节日或调休的名称。"
    SOURCE_REQUIRED = "calendar_day.source_required", "请填写依据的通知或文件。"
    NOT_FOUND = "calendar_day.not_found", "本局没有这一天的节假日调整。"
