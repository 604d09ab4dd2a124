"""Who keeps the registry of enforcement certificates and who reads the force's records (named
permissions). The 政工/人事 personnel officer (ARCHITECTURE.md, Roles) keeps certificates, training
and honours; the bureau's admin may act for them; leaders and squad leaders read."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengguan.core.permissions import Rule, permission
from chengguan.org.permissions import holds, in_bureau
from chengguan.org.roles import BUREAU_WIDE_ROLES
from chengguan.org.roles import RoleCode as R
from chengguan.people.errors import CertificateError, PeopleError

certificate_in_bureau = in_bureau(
    lambda cert: cert.bureau_id, code=CertificateError.OTHER_BUREAU, message=_("该执法证不属于您所在单位。")
)
can_manage_certificates = permission(
    "people.manage_certificates",
    holds(
        R.PERSONNEL,
        R.ADMIN,
        R.SYSTEM,
        code=CertificateError.FORBIDDEN,
        message=_("只有政工人事人员或管理员可以管理执法证。"),
    ),
)
# The force's records: the personnel office, the leaders and squad leaders (for their people), the
# inspectors and legal office (who check qualifications); a superuser looks on.
can_read_people = permission(
    "people.read",
    Rule(lambda actor, obj: getattr(actor, "is_superuser", False), name="superuser")
    | holds(
        R.PERSONNEL,
        R.ADMIN,
        R.LEADER,
        R.SQUAD_LEADER,
        R.FORCE_INSPECTOR,
        R.LEGAL_REVIEWER,
        R.SYSTEM,
        code=PeopleError.FORBIDDEN,
        message=_("您没有查看队伍信息的权限。"),
    ),
)

# Training: the personnel office plans and records sessions; every member of staff signs in.
can_manage_training = permission(
    "people.manage_training",
    holds(
        R.PERSONNEL,
        R.ADMIN,
        R.SYSTEM,
        code=PeopleError.FORBIDDEN,
        message=_("只有政工人事人员或管理员可以管理培训。"),
    ),
)
training_in_bureau = in_bureau(
    lambda session: session.bureau_id, code=PeopleError.OTHER_BUREAU, message=_("该培训不属于您所在单位。")
)

# Honours and deeds: units nominate (their leaders, the bureau office); the personnel office reviews,
# keeps programmes and deeds and publishes; the bureau's leaders approve.
_HONOUR_FORBIDDEN = {"code": PeopleError.FORBIDDEN, "message": _("您没有执行该操作的权限。")}
honour_in_bureau = in_bureau(
    lambda obj: getattr(obj, "bureau_id", None) or obj.programme.bureau_id,
    code=PeopleError.OTHER_BUREAU,
    message=_("该评选或事迹不属于您所在单位。"),
)
can_keep_honours = permission(
    "people.keep_honours", holds(R.PERSONNEL, R.ADMIN, R.SYSTEM, **_HONOUR_FORBIDDEN)
)
can_nominate = permission(
    "people.nominate", holds(R.SQUAD_LEADER, R.LEADER, R.PERSONNEL, R.ADMIN, R.SYSTEM, **_HONOUR_FORBIDDEN)
)
can_approve_honours = permission("people.approve_honours", holds(R.LEADER, R.SYSTEM, **_HONOUR_FORBIDDEN))


def _nominator(actor, nomination) -> bool:
    return nomination is not None and nomination.nominated_by_id == getattr(actor, "pk", None)


can_withdraw_nomination = permission(
    "people.withdraw_nomination",
    Rule(_nominator, code=PeopleError.FORBIDDEN, message=_("只有推荐人可以撤回。"), name="people.nominator"),
)
# Deeds are written down by squad leaders and the personnel office.
can_record_deeds = permission(
    "people.record_deeds", holds(R.SQUAD_LEADER, R.PERSONNEL, R.ADMIN, R.SYSTEM, **_HONOUR_FORBIDDEN)
)

# The personnel office (政工/人事) is told of expiring certificates; with the bureau-wide roles it
# reads and nominates across the whole bureau, everyone else within their own unit.
PERSONNEL_OFFICE = (R.PERSONNEL,)
sees_the_whole_force = permission("people.see_whole_force", holds(*BUREAU_WIDE_ROLES, R.PERSONNEL))
