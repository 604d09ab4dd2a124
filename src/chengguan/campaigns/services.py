"""Every write of the campaigns app: one function per use case, permission checked and audited in
its transaction. Problems found in a joint operation are filed through the cases services and penalty
cases opened through the enforcement services; this app only keeps the links, so the results are
counted from the cases themselves (`selectors.campaign_figures`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from chengguan.campaigns.errors import CampaignError, OperationError, TaskError
from chengguan.campaigns.models import (
    Campaign,
    CampaignCase,
    CampaignGoal,
    CampaignKind,
    CampaignPartner,
    CampaignPenalty,
    CampaignState,
    GoalMetric,
    Operation,
    OperationKind,
    Participant,
    ReportPhoto,
    SupportKind,
    SupportRequest,
    Task,
    TaskKind,
    TaskReport,
)
from chengguan.campaigns.permissions import (
    can_edit_campaign,
    can_lead_campaign,
    can_plan_campaign,
    can_record_operation,
    can_report_task,
)
from chengguan.campaigns.states import CAMPAIGN_MACHINE
from chengguan.core import audit, calendar, clock, deadlines, evidence
from chengguan.core.coords import to_wgs84
from chengguan.core.errors import Conflict, ValidationFailed
from chengguan.org.models import Organisation, OrgKind, PartnerType

# 行政强制法 第四十三条 does not define 夜间; the bureau follows the usual reading of 22:00 to 06:00
# (as 环境噪声污染防治法 defines night), in Beijing time.
NIGHT_STARTS, NIGHT_ENDS = dt.time(22, 0), dt.time(6, 0)
ENDED = (CampaignState.CLOSED, CampaignState.CANCELLED)
PDF_MAGIC = b"%PDF-"
MAX_PDF = 20 * 1024 * 1024


class _Errors:
    def __init__(self, code: str, message: str):
        self.code, self.message, self.fields = code, message, {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(str(message))

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(self.message, code=self.code, fields=self.fields)


def _number(value, field: str, errors: _Errors, *, positive: bool = False) -> Decimal | None:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        errors.add(field, _("请填写数字。"))
        return None
    if number < 0 or (positive and number == 0):
        errors.add(field, _("须大于零。") if positive else _("不能为负数。"))
        return None
    return number


def _refuse_ended(campaign: Campaign) -> None:
    if campaign.state in ENDED:
        raise Conflict(_("专项行动已结束或已取消，不能再修改。"), code=CampaignError.CLOSED)


# -- the bureau's list of kinds ---------------------------------------------------------------------


def campaign_kind_add(*, actor, bureau: Organisation, name: str) -> CampaignKind:
    """A kind of special action on the bureau's own list (占道经营, 渣土车 …)."""
    probe = Campaign(bureau=bureau)
    can_plan_campaign.refuse(actor, probe, action=_("维护行动类别"))
    name = (name or "").strip()
    if not name or len(name) > 40:
        message = _("请填写类别名称（不超过 40 字）。")
        raise ValidationFailed(message, code=CampaignError.INVALID, fields={"name": [message]})
    with transaction.atomic():
        kind, created = CampaignKind.objects.get_or_create(bureau=bureau, name=name)
        if created:
            audit.record(actor=actor, action="campaign.kind_add", obj=kind, after={"name": name})
    return kind


# -- the campaign -----------------------------------------------------------------------------------


def campaign_create(
    *,
    actor,
    bureau: Organisation,
    name: str,
    kind: CampaignKind,
    starts_on: dt.date,
    ends_on: dt.date,
    lead_unit: Organisation,
    units: Iterable[Organisation] = (),
    whole_district: bool = False,
    grids: Iterable = (),
    streets: Iterable[Organisation] = (),
    categories: Iterable = (),
    goals: Iterable[dict] = (),
    partners: Iterable[dict] = (),
    plan_document=None,
    description: str = "",
) -> Campaign:
    """专项行动: planned with its goals (numeric targets), target area (grids, streets or the whole
    district), categories, lead and participating units and partner departments (each with a contact)."""
    probe = Campaign(bureau=bureau)
    can_plan_campaign.refuse(actor, probe, action=_("制定专项行动"))
    errors = _Errors(CampaignError.INVALID, _("专项行动的数据有误（逐项说明）。"))
    name = (name or "").strip()
    if not name or len(name) > 100:
        errors.add("name", _("请填写行动名称（不超过 100 字）。"))
    if kind is None or kind.bureau_id != bureau.pk:
        errors.add("kind", _("请从本局的行动类别中选择。"))
    if starts_on is None or ends_on is None or ends_on < starts_on:
        errors.add("ends_on", _("结束日期不能早于开始日期。"))
    units, grids, streets, categories = list(units), list(grids), list(streets), list(categories)
    for unit in [lead_unit, *units]:
        if unit is None or unit.bureau_id != bureau.pk or unit.kind == OrgKind.PARTNER:
            errors.add("units", _("只能选择本局的单位。"))
            break
    if any(g.subdistrict.bureau_id != bureau.pk for g in grids):
        errors.add("grids", _("只能选择本辖区的网格。"))
    if any(s.bureau_id != bureau.pk or s.kind != OrgKind.SUBDISTRICT for s in streets):
        errors.add("streets", _("只能选择本辖区的街道。"))
    if not whole_district and not (grids or streets):
        errors.add("grids", _("请选择行动区域（网格、街道或全区）。"))
    cleaned_goals = _clean_goals(goals, errors)
    cleaned_partners = _clean_partners(partners, bureau, errors)
    document = _pdf(plan_document, "plan_document", errors) if plan_document else None
    errors.raise_if_any()
    with transaction.atomic():
        campaign = Campaign.objects.create(
            bureau=bureau,
            name=name,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            whole_district=whole_district,
            lead_unit=lead_unit,
            description=(description or "").strip(),
            created_by=actor,
            created_at=clock.now(),
        )
        campaign.units.set(units)
        campaign.grids.set(grids)
        campaign.streets.set(streets)
        campaign.categories.set(categories)
        for goal in cleaned_goals:
            goal.campaign = campaign
        CampaignGoal.objects.bulk_create(cleaned_goals)
        for partner in cleaned_partners:
            partner.campaign = campaign
        CampaignPartner.objects.bulk_create(cleaned_partners)
        if document:
            campaign.plan_document.save(f"plan-{campaign.pk}.pdf", ContentFile(document), save=False)
            campaign.save(update_fields=["plan_document"])
        audit.record(actor=actor, action="campaign.create", obj=campaign, after=_campaign_facts(campaign))
    return campaign


def _campaign_facts(c: Campaign) -> dict[str, Any]:
    return {
        "name": c.name,
        "kind": c.kind.name,
        "period": [c.starts_on, c.ends_on],
        "lead_unit": c.lead_unit_id,
        "units": sorted(c.units.values_list("pk", flat=True)),
        "whole_district": c.whole_district,
        "grids": sorted(c.grids.values_list("pk", flat=True)),
        "streets": sorted(c.streets.values_list("pk", flat=True)),
        "categories": sorted(c.categories.values_list("pk", flat=True)),
        "goals": [[g.pk, g.name, g.metric, g.target, g.unit_label] for g in c.goals.all()],
        "partners": [[p.organisation_id, p.contact_name, p.contact_phone] for p in c.partners.all()],
        "plan_document": bool(c.plan_document),
    }


def _clean_goals(goals: Iterable[dict], errors: _Errors, existing: dict | None = None) -> list[CampaignGoal]:
    """Goal rows as unsaved (or, with an `id` among `existing`, changed) CampaignGoal objects."""
    cleaned = []
    for i, goal in enumerate(goals):
        known = None
        if existing is not None and goal.get("id") not in (None, ""):
            known = existing.get(int(goal["id"])) if str(goal["id"]).isdigit() else None
            if known is None:
                errors.add(f"goals.{i}", _("该目标不属于本专项行动。"))
                continue
        if goal.get("metric") not in GoalMetric.values or not (goal.get("name") or "").strip():
            errors.add(f"goals.{i}", _("请填写目标名称和统计口径。"))
            continue
        target = _number(goal.get("target"), f"goals.{i}", errors, positive=True)
        if target is None:
            continue
        row = known or CampaignGoal()
        row.name = goal["name"].strip()[:100]
        row.metric = goal["metric"]
        row.target = target
        row.unit_label = (goal.get("unit_label") or "")[:10]
        cleaned.append(row)
    return cleaned


def _clean_partners(partners: Iterable[dict], bureau, errors: _Errors) -> list[CampaignPartner]:
    cleaned, seen = [], set()
    for i, p in enumerate(partners):
        org = p.get("organisation")
        if org is None or org.kind != OrgKind.PARTNER or org.bureau_id != bureau.pk:
            errors.add(f"partners.{i}", _("只能选择本局组织架构中的协作单位。"))
            continue
        if org.pk in seen:
            errors.add(f"partners.{i}", _("同一协作部门只能列一次。"))
            continue
        seen.add(org.pk)
        contact = (p.get("contact_name") or org.contact_person or "").strip()
        if not contact:
            errors.add(f"partners.{i}", _("请填写协作部门的联系人。"))
            continue
        cleaned.append(
            CampaignPartner(
                organisation=org,
                contact_name=contact[:50],
                contact_phone=(p.get("contact_phone") or org.contact_phone or "")[:20],
            )
        )
    return cleaned


# What `campaign_update` may change: the plan's scope, goals and partners.
EDITABLE = ("whole_district", "grids", "streets", "categories", "units", "goals", "partners")


def campaign_update(*, actor, campaign: Campaign, **changes: Any) -> Campaign:
    """Change a campaign after it was planned, while it is not closed or cancelled: its target area
    (`whole_district`, `grids`, `streets`), target `categories`, participating `units`, `goals` and
    `partners`. Only the keys given change (PATCH). `goals` is the whole list: a row with the `id` of
    one of the campaign's goals changes it, a row without adds one, a goal left out is removed (its
    tasks keep their figures and count towards no goal). `partners` is the whole list too, one row
    per partner department with its contact person. A unit or partner that still has tasks of the
    campaign cannot be removed. No change, no event."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(
            _("专项行动的数据有误（逐项说明）。"),
            code=CampaignError.INVALID,
            fields={k: [_("不能修改该项。")] for k in sorted(unknown)},
        )
    can_edit_campaign.refuse(actor, campaign, action=_("修改专项行动"))
    with transaction.atomic():
        c = (
            Campaign.objects.select_for_update(of=("self",))
            .select_related("bureau", "kind", "lead_unit")
            .get(pk=campaign.pk)
        )
        _refuse_ended(c)
        bureau = c.bureau
        errors = _Errors(CampaignError.INVALID, _("专项行动的数据有误（逐项说明）。"))
        before = _campaign_facts(c)
        assigned = set(c.tasks.filter(kind=TaskKind.TASK).values_list("assignee_id", flat=True))
        whole = bool(changes.get("whole_district", c.whole_district))
        grids = list(changes["grids"]) if "grids" in changes else list(c.grids.all())
        streets = list(changes["streets"]) if "streets" in changes else list(c.streets.all())
        if any(g.subdistrict.bureau_id != bureau.pk for g in grids):
            errors.add("grids", _("只能选择本辖区的网格。"))
        if any(s.bureau_id != bureau.pk or s.kind != OrgKind.SUBDISTRICT for s in streets):
            errors.add("streets", _("只能选择本辖区的街道。"))
        if not whole and not (grids or streets):
            errors.add("grids", _("请选择行动区域（网格、街道或全区）。"))
        if "units" in changes:
            units = list(changes["units"])
            if any(u.bureau_id != bureau.pk or u.kind == OrgKind.PARTNER for u in units):
                errors.add("units", _("只能选择本局的单位。"))
            kept = {c.lead_unit_id, *(u.pk for u in units)}
            for unit in c.units.all():
                if unit.pk not in kept and unit.pk in assigned:
                    errors.add(
                        "units",
                        _("%(unit)s 还有本行动的任务，不能移出参与单位。") % {"unit": unit.name},
                    )
        existing_goals = {g.pk: g for g in c.goals.all()}
        goals = _clean_goals(changes["goals"], errors, existing_goals) if "goals" in changes else None
        partners = _clean_partners(changes["partners"], bureau, errors) if "partners" in changes else None
        if partners is not None:
            kept = {p.organisation_id for p in partners}
            for old in c.partners.select_related("organisation"):
                if old.organisation_id not in kept and old.organisation_id in assigned:
                    errors.add(
                        "partners",
                        _("%(unit)s 还有本行动的任务，不能移出协作部门。") % {"unit": old.organisation.name},
                    )
        errors.raise_if_any()
        c.whole_district = whole
        c.save(update_fields=["whole_district"])
        if "grids" in changes:
            c.grids.set(grids)
        if "streets" in changes:
            c.streets.set(streets)
        if "categories" in changes:
            c.categories.set(list(changes["categories"]))
        if "units" in changes:
            c.units.set(units)
        if goals is not None:
            keep = [g.pk for g in goals if g.pk]
            CampaignGoal.objects.filter(campaign=c).exclude(pk__in=keep).delete()
            for g in goals:
                g.campaign = c
                g.save()
        if partners is not None:
            current = {p.organisation_id: p for p in c.partners.all()}
            c.partners.exclude(organisation_id__in=[p.organisation_id for p in partners]).delete()
            for p in partners:
                row = current.get(p.organisation_id)
                if row is None:
                    p.campaign = c
                    p.save()
                elif (row.contact_name, row.contact_phone) != (p.contact_name, p.contact_phone):
                    row.contact_name, row.contact_phone = p.contact_name, p.contact_phone
                    row.save(update_fields=["contact_name", "contact_phone"])
        after = _campaign_facts(c)
        if after != before:
            changed = {k: v for k, v in after.items() if before.get(k) != v}
            audit.record(
                actor=actor,
                action="campaign.update",
                obj=c,
                before={k: before[k] for k in changed},
                after=changed,
            )
    return c


def campaign_transition(*, actor, campaign: Campaign | int, action: str, **data) -> Campaign:
    """Start, postpone, resume, begin closing, close or cancel (the table in campaigns.states)."""
    return CAMPAIGN_MACHINE.apply(campaign, action, actor=actor, **data)


def summary_publish(*, actor, campaign: Campaign) -> Campaign:
    """The closing summary goes on the portal's news page (personal data masked there)."""
    can_lead_campaign.refuse(actor, campaign, action=_("发布总结"))
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.state != CampaignState.CLOSED or not locked.summary:
            raise Conflict(_("专项行动结束后才能发布总结。"), code=CampaignError.NO_SUMMARY)
        if locked.summary_published_at is None:
            locked.summary_published_at = clock.now()
            locked.save(update_fields=["summary_published_at"])
            audit.record(
                actor=actor,
                action="campaign.summary_publish",
                obj=locked,
                after={"summary_published_at": locked.summary_published_at},
            )
    return locked


# -- tasks ------------------------------------------------------------------------------------------


def task_add(
    *,
    actor,
    campaign: Campaign,
    kind: str,
    title: str,
    parent: Task | None = None,
    assignee: Organisation | None = None,
    due_on: dt.date | None = None,
    working_days: int | None = None,
    goal: CampaignGoal | None = None,
    target=None,
    description: str = "",
) -> Task:
    """A phase of the campaign, or a task under a phase for one participating unit or partner
    department. Its deadline is a date rolled onto a working day, or `working_days` working days
    from today on the China calendar (core.deadlines)."""
    can_edit_campaign.refuse(actor, campaign, action=_("安排任务"))
    _refuse_ended(campaign)
    errors = _Errors(TaskError.INVALID, _("任务的数据有误（逐项说明）。"))
    title = (title or "").strip()
    if not title or len(title) > 100:
        errors.add("title", _("请填写名称（不超过 100 字）。"))
    if kind not in TaskKind.values:
        errors.add("kind", _("请选择阶段或任务。"))
    if parent is not None and (parent.campaign_id != campaign.pk or parent.kind != TaskKind.PHASE):
        errors.add("parent", _("上级须为本行动的阶段。"))
    if kind == TaskKind.TASK:
        if parent is None:
            errors.add("parent", _("任务须放在某个阶段之下。"))
        allowed = {campaign.lead_unit_id, *campaign.units.values_list("pk", flat=True)}
        allowed |= set(campaign.partners.values_list("organisation_id", flat=True))
        if assignee is None or assignee.pk not in allowed:
            errors.add("assignee", _("任务只能交给参与本行动的单位或协作部门。"))
    elif kind == TaskKind.PHASE and parent is not None:
        errors.add("parent", _("阶段直接属于专项行动。"))
    if goal is not None and goal.campaign_id != campaign.pk:
        errors.add("goal", _("请选择本行动的目标。"))
    amount = _number(target, "target", errors) if target not in (None, "") else None
    with calendar.for_bureau(campaign.bureau_id):
        if working_days is not None:
            due_on = deadlines.add_working_days(clock.today(), int(working_days))
        elif due_on is not None:
            due_on = calendar.working_day_on_or_after(due_on)
    errors.raise_if_any()
    with transaction.atomic():
        task = Task.objects.create(
            campaign=campaign,
            parent=parent,
            kind=kind,
            title=title,
            description=(description or "").strip(),
            assignee=assignee if kind == TaskKind.TASK else None,
            goal=goal,
            target=amount,
            due_on=due_on,
            sort_order=campaign.tasks.count(),
        )
        audit.record(
            actor=actor,
            action="campaign.task_add",
            obj=task,
            after={
                "campaign": campaign.pk,
                "kind": kind,
                "title": title,
                "parent": parent.pk if parent else None,
                "assignee": task.assignee_id,
                "due_on": due_on,
                "target": amount,
            },
        )
        if task.kind == TaskKind.TASK:
            transaction.on_commit(lambda: _tell_assignee(task, "campaigns.task_assigned", actor))
    return task


def _assignee_people(task: Task) -> list:
    from chengguan.campaigns.permissions import PARTNER_CONTACTS, TASK_TAKERS
    from chengguan.org import selectors as org_selectors

    if task.assignee.kind == OrgKind.PARTNER:
        return org_selectors.staff_holding(*PARTNER_CONTACTS, unit=task.assignee)
    return org_selectors.staff_holding(*TASK_TAKERS, unit=task.assignee)


def _tell_assignee(task: Task, message: str, actor) -> None:
    from django.urls import reverse

    from chengguan.notifications.services import notify

    notify(
        recipients=_assignee_people(task),
        message=message,
        key=f"campaigns:task:{task.pk}:{message}:{task.due_on}",
        params={
            "campaign": task.campaign.name,
            "unit": task.assignee.name,
            "task": task.title,
            "due": task.due_on.isoformat() if task.due_on else "—",
        },
        url=reverse("campaigns:task", args=[task.pk]),
        obj=task,
        actor=actor,
    )


def tasks_remind_overdue(*, actor, bureau: Organisation, today: dt.date | None = None) -> int:
    """Tell the assignees of the bureau's overdue open tasks, once per deadline (idempotent: the
    notification key carries the deadline). Run by the daily job as the bureau's system account."""
    from chengguan.org.permissions import same_bureau

    can_plan_campaign.refuse(actor, Campaign(bureau=bureau), action=_("催办超期任务"))
    if not same_bureau(actor, bureau.pk):
        raise Conflict(_("该专项行动不属于您所在单位。"), code=CampaignError.OTHER_BUREAU)
    today = today or clock.today()
    late = Task.objects.filter(
        campaign__bureau=bureau,
        campaign__state=CampaignState.UNDER_WAY,
        kind=TaskKind.TASK,
        completed_at__isnull=True,
        due_on__lt=today,
    ).select_related("campaign", "assignee")
    told = 0
    for task in late:
        if _tell_assignee_now(task, actor):
            told += 1
    return told


def _tell_assignee_now(task: Task, actor) -> bool:
    from django.urls import reverse

    from chengguan.notifications.services import notify

    sent = notify(
        recipients=_assignee_people(task),
        message="campaigns.task_overdue",
        key=f"campaigns:task:{task.pk}:overdue:{task.due_on}",
        params={"campaign": task.campaign.name, "task": task.title, "due": task.due_on.isoformat()},
        url=reverse("campaigns:task", args=[task.pk]),
        obj=task,
        actor=actor,
    )
    return bool(sent)


def task_report(
    *, actor, task: Task, text: str, figure=0, photos: Iterable = (), completes: bool = False
) -> TaskReport:
    """进度报告: the figure achieved since the last report against the task's target, what was done,
    photos (core evidence storage); `completes` marks the task done."""
    can_report_task.refuse(actor, task, action=_("填报进度"))
    if task.kind != TaskKind.TASK:
        raise Conflict(_("阶段不能填报进度，请在其下的任务中填报。"), code=TaskError.PHASE_NO_REPORT)
    errors = _Errors(TaskError.INVALID, _("任务的数据有误（逐项说明）。"))
    text = (text or "").strip()
    if not text:
        errors.add("text", _("请填写进展情况。"))
    elif len(text) > 2000:
        errors.add("text", _("不能超过 2000 字。"))
    amount = _number(figure if figure not in (None, "") else 0, "figure", errors)
    checked = []
    for upload in photos:
        try:
            checked.append(evidence.inspect_upload(upload, allowed_kinds=("photo",)))
        except ValidationFailed as exc:
            errors.add("photos", exc.message)
    errors.raise_if_any()
    with transaction.atomic():
        locked = (
            Task.objects.select_for_update(of=("self",))
            .select_related("campaign", "assignee")
            .get(pk=task.pk)
        )
        if locked.campaign.state != CampaignState.UNDER_WAY:
            raise Conflict(_("专项行动进行中时才能填报进度。"), code=TaskError.NOT_RUNNING)
        if locked.completed_at is not None:
            raise Conflict(_("任务已完成，不能再填报。"), code=TaskError.DONE)
        now = clock.now()
        report = TaskReport.objects.create(
            task=locked, figure=amount, text=text, completes=completes, reported_by=actor, reported_at=now
        )
        stored = []
        for info in checked:
            photo = ReportPhoto(
                report=report,
                content_type=info.content_type,
                sha256=info.sha256,
                original_name=info.original_name,
            )
            evidence.save_to(photo, info)
            photo.save()
            stored.append(info.sha256)
        if completes:
            locked.completed_at = now
            locked.save(update_fields=["completed_at"])
        audit.record(
            actor=actor,
            action="campaign.task_report",
            obj=locked,
            after={"report": report.pk, "figure": amount, "completes": completes, "photos": stored},
        )
    return report


# -- joint operations -------------------------------------------------------------------------------


def _night(moment: dt.datetime) -> bool:
    local = moment.astimezone(clock.SHANGHAI).time()
    return local >= NIGHT_STARTS or local < NIGHT_ENDS


def night_or_holiday(starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    """The span touches the night (22:00–06:00) or a statutory holiday (法定节假日, not an ordinary
    weekend: 行政强制法 第四十三条 names 法定节假日)."""
    if _night(starts_at) or _night(ends_at):
        return True
    first, last = starts_at.astimezone(clock.SHANGHAI), ends_at.astimezone(clock.SHANGHAI)
    if (last - first) >= dt.timedelta(hours=16) or last.date() != first.date():
        return True  # a span over midnight, or longer than a day's daylight, has a night in it
    return calendar.is_statutory_holiday(first.date())


def operation_record(
    *,
    actor,
    campaign: Campaign,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    lon: float | None = None,
    lat: float | None = None,
    crs: str = "wgs84",
    units: Iterable[Organisation] = (),
    officers: Iterable = (),
    participants: Iterable[dict] = (),
    findings: str = "",
    urgent: bool = False,
    urgent_reason: str = "",
) -> Operation:
    """联合行动: when, where (a point on the map), the departments and officers who took part (bureau
    staff from org; partner officers as participants with name, department and certificate number)
    and what was found.

    行政强制法 第四十三条第一款: 行政机关不得在夜间或者法定节假日实施行政强制执行。但是，情况紧急的除外。
    A compulsory enforcement planned at night or on a statutory holiday is refused unless it is marked
    urgent with the reason written down."""
    can_record_operation.refuse(actor, campaign, action=_("登记联合行动"))
    _refuse_ended(campaign)
    errors = _Errors(OperationError.INVALID, _("联合行动的数据有误（逐项说明）。"))
    if kind not in OperationKind.values:
        errors.add("kind", _("请选择行动类型。"))
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        errors.add("ends_at", _("结束时间须晚于开始时间。"))
    place = (place or "").strip()
    if not place:
        errors.add("place", _("请填写地点。"))
    units, officers = list(units), list(officers)
    from chengguan.org import selectors as org_selectors

    if any(u.bureau_id != campaign.bureau_id for u in units):
        errors.add("units", _("只能选择本局的单位或协作单位。"))
    if any(org_selectors.bureau_of(o) != campaign.bureau for o in officers):
        errors.add("officers", _("执法人员须为本局的工作人员。"))
    cleaned = []
    for i, p in enumerate(participants):
        dept = p.get("department")
        name = (p.get("name") or "").strip()
        if not name or dept is None or dept.kind != OrgKind.PARTNER or dept.bureau_id != campaign.bureau_id:
            errors.add(f"participants.{i}", _("请填写协作部门人员的姓名和所在部门。"))
            continue
        cleaned.append(Participant(name=name[:50], department=dept, cert_no=(p.get("cert_no") or "")[:32]))
    urgent_reason = (urgent_reason or "").strip()
    if urgent and not urgent_reason:
        errors.add("urgent_reason", _("情况紧急须写明理由。"))
    errors.raise_if_any()
    if kind == OperationKind.ENFORCEMENT and night_or_holiday(starts_at, ends_at) and not urgent:
        message = _(
            "行政机关不得在夜间或者法定节假日实施行政强制执行，情况紧急的除外（《中华人民共和国行政强制法》第四十三条）。"
        )
        raise ValidationFailed(message, code=OperationError.NIGHT_OR_HOLIDAY, fields={"urgent": [message]})
    w_lon, w_lat = (None, None) if lon is None or lat is None else to_wgs84(float(lon), float(lat), crs)
    with transaction.atomic():
        op = Operation.objects.create(
            campaign=campaign,
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place[:200],
            lon=w_lon,
            lat=w_lat,
            urgent=urgent,
            urgent_reason=urgent_reason[:500],
            findings=(findings or "").strip(),
            created_by=actor,
            created_at=clock.now(),
        )
        op.units.set(units)
        op.officers.set(officers)
        for p in cleaned:
            p.operation = op
        Participant.objects.bulk_create(cleaned)
        audit.record(
            actor=actor,
            action="campaign.operation_record",
            obj=op,
            after={
                "campaign": campaign.pk,
                "kind": kind,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "place": op.place,
                "units": sorted(u.pk for u in units),
                "officers": sorted(o.pk for o in officers),
                "participants": [[p.name, p.department_id, p.cert_no] for p in cleaned],
                "urgent": urgent,
                "urgent_reason": op.urgent_reason,
            },
        )
    return op


def _link_case(actor, campaign: Campaign, case, operation: Operation | None, unit) -> CampaignCase:
    link = CampaignCase.objects.create(
        campaign=campaign,
        case=case,
        operation=operation,
        unit=unit,
        attached_by=actor,
        attached_at=clock.now(),
    )
    audit.record(
        actor=actor,
        action="campaign.case_link",
        obj=link,
        after={
            "campaign": campaign.pk,
            "case": case.number,
            "operation": operation.pk if operation else None,
        },
    )
    return link


def _actor_unit(actor):
    from chengguan.org import selectors as org_selectors

    profile = org_selectors.profile_of(actor)
    return profile.organisation if profile else None


def operation_file_problem(
    *,
    actor,
    operation: Operation,
    source: str,
    category,
    description: str,
    unit: Organisation | None = None,
    **report: Any,
) -> CampaignCase:
    """A problem found in the operation, filed as a closed-loop case (cases.services.case_report, with
    the reporter's own permission) and counted for the campaign through the link."""
    from chengguan.cases.services import case_report

    campaign = operation.campaign
    can_record_operation.refuse(actor, campaign, action=_("登记发现的问题"))
    _refuse_ended(campaign)
    with transaction.atomic():
        case = case_report(
            actor=actor, source=source, category=category, description=description, **report
        ).case
        return _link_case(actor, campaign, case, operation, unit or _actor_unit(actor))


def operation_open_penalty(
    *,
    actor,
    operation: Operation,
    facts: str,
    parties: list[dict],
    officers: Iterable = (),
    unit: Organisation | None = None,
) -> CampaignPenalty:
    """A penalty case opened on what the operation found (enforcement.services.penalty_case_propose)."""
    from chengguan.enforcement.services import penalty_case_propose

    campaign = operation.campaign
    can_record_operation.refuse(actor, campaign, action=_("立案处罚"))
    _refuse_ended(campaign)
    with transaction.atomic():
        penalty = penalty_case_propose(
            actor=actor, bureau=campaign.bureau, facts=facts, parties=parties, officers=officers
        )
        return _link_penalty(actor, campaign, penalty, operation, unit or _actor_unit(actor))


def _link_penalty(actor, campaign, penalty, operation, unit) -> CampaignPenalty:
    link = CampaignPenalty.objects.create(
        campaign=campaign,
        penalty=penalty,
        operation=operation,
        unit=unit,
        attached_by=actor,
        attached_at=clock.now(),
    )
    audit.record(
        actor=actor,
        action="campaign.penalty_link",
        obj=link,
        after={
            "campaign": campaign.pk,
            "penalty": penalty.pk,
            "operation": operation.pk if operation else None,
        },
    )
    return link


def campaign_attach_cases(*, actor, campaign: Campaign) -> int:
    """Attach in bulk the cases of the campaign's categories, reported in its area during its period
    and not yet counted. Returns how many were attached."""
    from chengguan.campaigns.selectors import matching_cases

    can_edit_campaign.refuse(actor, campaign, action=_("批量关联案件"))
    _refuse_ended(campaign)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        fresh = list(
            matching_cases(locked)
            .exclude(pk__in=CampaignCase.objects.filter(campaign=locked).values("case_id"))
            .order_by("pk")
        )
        now = clock.now()
        CampaignCase.objects.bulk_create(
            [
                CampaignCase(
                    campaign=locked, case=c, unit=c.handling_unit, attached_by=actor, attached_at=now
                )
                for c in fresh
            ]
        )
        if fresh:
            audit.record(
                actor=actor,
                action="campaign.cases_attach",
                obj=locked,
                after={"cases": [c.number for c in fresh]},
            )
    return len(fresh)


# -- enforcement support ----------------------------------------------------------------------------


def _pdf(upload, field: str, errors: _Errors) -> bytes | None:
    data = upload.read() if hasattr(upload, "read") else bytes(upload)
    if not data.startswith(PDF_MAGIC) or len(data) > MAX_PDF:
        errors.add(field, _("须为 PDF 文件（不超过 20 MB）。"))
        return None
    return data


def support_request_record(
    *,
    actor,
    operation: Operation,
    kind: str,
    addressed_to: Organisation,
    document,
    who_came: str = "",
    outcome: str = "",
    penalties: Iterable = (),
) -> SupportRequest:
    """执法保障: the request for the police's help (obstruction) or the court's (compulsory enforcement),
    the request letter as a PDF, who came, the outcome and the penalty cases it served."""
    campaign = operation.campaign
    can_record_operation.refuse(actor, campaign, action=_("登记执法保障"))
    errors = _Errors(OperationError.INVALID, _("联合行动的数据有误（逐项说明）。"))
    if kind not in SupportKind.values:
        errors.add("kind", _("请选择协助类型。"))
    wanted = {
        SupportKind.POLICE: (PartnerType.POLICE, PartnerType.TRAFFIC_POLICE),
        SupportKind.COURT: (PartnerType.COURT,),
    }
    if (
        addressed_to is None
        or addressed_to.kind != OrgKind.PARTNER
        or addressed_to.bureau_id != campaign.bureau_id
        or addressed_to.partner_type not in wanted.get(kind, ())
    ):
        errors.add("addressed_to", _("协助请求须发给公安或法院。"))
    data = _pdf(document, "document", errors) if document else None
    if document is None:
        errors.add("document", _("请上传协助函（PDF）。"))
    penalties = list(penalties)
    if any(p.bureau_id != campaign.bureau_id for p in penalties):
        errors.add("penalties", _("只能关联本局的行政处罚案件。"))
    errors.raise_if_any()
    with transaction.atomic():
        req = SupportRequest(
            operation=operation,
            kind=kind,
            addressed_to=addressed_to,
            requested_at=clock.now(),
            who_came=(who_came or "").strip()[:300],
            outcome=(outcome or "").strip(),
            recorded_by=actor,
        )
        req.document.save(
            f"support-{operation.pk}-{clock.now():%Y%m%d%H%M%S}.pdf", ContentFile(data), save=False
        )
        req.save()
        req.penalties.set(penalties)
        linked = set(CampaignPenalty.objects.filter(campaign=campaign).values_list("penalty_id", flat=True))
        for p in penalties:
            if p.pk not in linked:
                _link_penalty(actor, campaign, p, operation, _actor_unit(actor))
        audit.record(
            actor=actor,
            action="campaign.support_record",
            obj=req,
            after={
                "operation": operation.pk,
                "kind": kind,
                "addressed_to": addressed_to.pk,
                "who_came": req.who_came,
                "outcome": req.outcome,
                "penalties": sorted(p.pk for p in penalties),
            },
        )
    return req
