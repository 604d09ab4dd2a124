"""Translatable labels for the codes the web pages display.

The model choices carry Chinese labels only; the pages show these instead so the English UI reads
English. The msgids are the same Chinese words, so one catalog entry serves both.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ROLE_LABELS = {
    "inspector": _("监督员"),
    "operator": _("受理员"),
    "shift_leader": _("值班长"),
    "dispatcher": _("派遣员"),
    "handler": _("处置人员"),
    "squad_leader": _("中队长"),
    "legal_reviewer": _("法制员"),
    "leader": _("领导"),
    "admin": _("管理员"),
    "deputy": _("人大代表"),
    "citizen": _("市民"),
    "merchant": _("商户"),
}

ORG_KIND_LABELS = {
    "bureau": _("局"),
    "squad": _("执法中队"),
    "department": _("职能部门"),
    "subdistrict": _("街道办事处"),
    "community": _("社区"),
    "partner": _("协作单位"),
}

PARTNER_TYPE_LABELS = {
    "police": _("公安"),
    "traffic_police": _("交警"),
    "court": _("法院"),
    "market": _("市场监管"),
    "ecology": _("生态环境"),
    "planning": _("自然资源和规划"),
    "health": _("卫生健康"),
    "housing": _("住房和城乡建设"),
    "utility": _("公用事业单位"),
    "other": _("其他"),
}

CATEGORY_KIND_LABELS = {"component": _("部件"), "event": _("事件")}

TIME_UNIT_LABELS = {"working_hours": _("工作时"), "working_days": _("工作日")}


def role_label(code: str) -> str:
    return str(ROLE_LABELS.get(code, code))


def org_kind_label(kind: str) -> str:
    return str(ORG_KIND_LABELS.get(kind, kind))


def partner_type_label(code: str) -> str:
    return str(PARTNER_TYPE_LABELS.get(code, code))
