"""Forms of the campaign pages (the rules are the services')."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chengguan.campaigns.models import GoalMetric, OperationKind, SupportKind, TaskKind
from chengguan.core.workflow.forms import MultipleFileField

_DATE = forms.DateInput(attrs={"type": "date"})
_MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"})
GOAL_ROWS = 3
PARTNER_ROWS = 3
PARTICIPANT_ROWS = 3


def _choices(rows, empty: bool = False) -> list:
    pairs = [(r.pk, str(r)) for r in rows]
    return [("", "—"), *pairs] if empty else pairs


def _add_partner_row(form: forms.Form, i: int, partners) -> None:
    """Row `i` of a plan's partner departments: the department, its contact person and phone."""
    form.fields[f"partner_{i}"] = forms.TypedChoiceField(
        label=_("协作部门"), coerce=int, required=False, empty_value=None, choices=_choices(partners, True)
    )
    form.fields[f"partner_{i}_contact"] = forms.CharField(label=_("联系人"), required=False, max_length=50)
    form.fields[f"partner_{i}_phone"] = forms.CharField(label=_("联系电话"), required=False, max_length=20)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("行动名称"), max_length=100)
    kind = forms.TypedChoiceField(label=_("行动类别"), coerce=int)
    starts_on = forms.DateField(label=_("开始日期"), widget=_DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=_DATE)
    lead_unit = forms.TypedChoiceField(label=_("牵头单位"), coerce=int)
    units = forms.TypedMultipleChoiceField(label=_("参与单位"), coerce=int, required=False)
    whole_district = forms.BooleanField(label=_("全区"), required=False)
    streets = forms.TypedMultipleChoiceField(label=_("街道"), coerce=int, required=False)
    grids = forms.CharField(label=_("网格编码"), required=False, help_text=_("多个编码用空格或逗号分隔"))
    categories = forms.TypedMultipleChoiceField(label=_("整治类别"), coerce=int, required=False)
    description = forms.CharField(
        label=_("行动方案摘要"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    plan_document = forms.FileField(label=_("行动方案（PDF）"), required=False)

    def __init__(self, *args, kinds=(), units=(), streets=(), categories=(), partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _choices(kinds)
        self.fields["lead_unit"].choices = _choices(units)
        self.fields["units"].choices = _choices(units)
        self.fields["streets"].choices = _choices(streets)
        self.fields["categories"].choices = [(c.pk, f"{c.code} {c.name_zh}") for c in categories]
        for i in range(GOAL_ROWS):
            self.fields[f"goal_{i}_name"] = forms.CharField(label=_("目标"), required=False, max_length=100)
            self.fields[f"goal_{i}_metric"] = forms.ChoiceField(
                label=_("统计口径"), choices=GoalMetric.choices, required=False
            )
            self.fields[f"goal_{i}_target"] = forms.DecimalField(
                label=_("目标值"), required=False, min_value=0
            )
        for i in range(PARTNER_ROWS):
            _add_partner_row(self, i, partners)


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=TaskKind.choices)
    title = forms.CharField(label=_("名称"), max_length=100)
    parent = forms.TypedChoiceField(label=_("所属阶段"), coerce=int, required=False, empty_value=None)
    assignee = forms.TypedChoiceField(label=_("承办单位"), coerce=int, required=False, empty_value=None)
    goal = forms.TypedChoiceField(label=_("对应目标"), coerce=int, required=False, empty_value=None)
    target = forms.DecimalField(label=_("任务指标"), required=False, min_value=0)
    due_on = forms.DateField(label=_("完成期限"), required=False, widget=_DATE)
    working_days = forms.IntegerField(
        label=_("或：期限（工作日）"),
        required=False,
        min_value=1,
        max_value=250,
        help_text=_("按国家法定节假日和调休计算"),
    )
    description = forms.CharField(label=_("要求"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, phases=(), assignees=(), goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = _choices(phases, True)
        self.fields["assignee"].choices = _choices(assignees, True)
        self.fields["goal"].choices = _choices(goals, True)


class ReportForm(forms.Form):
    figure = forms.DecimalField(label=_("完成数"), required=False, min_value=0)
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleFileField(label=_("现场照片"), required=False)
    completes = forms.BooleanField(label=_("任务完成"), required=False)


class OperationForm(forms.Form):
    kind = forms.ChoiceField(label=_("行动类型"), choices=OperationKind.choices)
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=_MOMENT)
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=_MOMENT)
    place = forms.CharField(label=_("地点"), max_length=200)
    lon = forms.FloatField(label=_("经度"), required=False)
    lat = forms.FloatField(label=_("纬度"), required=False)
    units = forms.TypedMultipleChoiceField(label=_("参与单位"), coerce=int, required=False)
    officers = forms.TypedMultipleChoiceField(label=_("执法人员"), coerce=int, required=False)
    findings = forms.CharField(label=_("发现情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    urgent = forms.BooleanField(label=_("情况紧急"), required=False)
    urgent_reason = forms.CharField(label=_("紧急理由"), required=False, max_length=500)

    def __init__(self, *args, units=(), officers=(), partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = _choices(units)
        self.fields["officers"].choices = [(p.user_id, p.full_name) for p in officers]
        for i in range(PARTICIPANT_ROWS):
            self.fields[f"participant_{i}_name"] = forms.CharField(
                label=_("协作部门人员"), required=False, max_length=50
            )
            self.fields[f"participant_{i}_department"] = forms.TypedChoiceField(
                label=_("所在部门"),
                coerce=int,
                required=False,
                empty_value=None,
                choices=_choices(partners, True),
            )
            self.fields[f"participant_{i}_cert"] = forms.CharField(
                label=_("证件号"), required=False, max_length=32
            )


class ProblemForm(forms.Form):
    source = forms.ChoiceField(label=_("案件来源"))
    category = forms.TypedChoiceField(label=_("问题类别"), coerce=int)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 2}))
    address = forms.CharField(label=_("地址"), required=False, max_length=200)
    lon = forms.FloatField(label=_("经度"), required=False)
    lat = forms.FloatField(label=_("纬度"), required=False)

    def __init__(self, *args, sources=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = sources
        self.fields["category"].choices = [(c.pk, f"{c.code} {c.name_zh}") for c in categories]


class SupportForm(forms.Form):
    kind = forms.ChoiceField(label=_("协助类型"), choices=SupportKind.choices)
    addressed_to = forms.TypedChoiceField(label=_("协助单位"), coerce=int)
    document = forms.FileField(label=_("协助函（PDF）"))
    who_came = forms.CharField(label=_("到场人员"), required=False, max_length=300)
    outcome = forms.CharField(label=_("处理结果"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    penalties = forms.TypedMultipleChoiceField(label=_("关联处罚案件"), coerce=int, required=False)

    def __init__(self, *args, partners=(), penalties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressed_to"].choices = _choices(partners)
        self.fields["penalties"].choices = [(p.pk, p.number or p.reference) for p in penalties]


class PenaltyForm(forms.Form):
    facts = forms.CharField(label=_("违法事实"), widget=forms.Textarea(attrs={"rows": 2}))
    party_name = forms.CharField(label=_("当事人姓名"), max_length=100)
    party_id_number = forms.CharField(label=_("身份证号"), max_length=18)
    officers = forms.TypedMultipleChoiceField(label=_("执法人员"), coerce=int, help_text=_("不少于两人"))

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].choices = [(p.user_id, p.full_name) for p in officers]


class CampaignEditForm(forms.Form):
    """The plan's scope, goals and partners after creation: the campaign's rows prefilled, each with
    a box to remove it, and empty rows to add (the service takes the whole list)."""

    units = forms.TypedMultipleChoiceField(label=_("参与单位"), coerce=int, required=False)
    whole_district = forms.BooleanField(label=_("全区"), required=False)
    streets = forms.TypedMultipleChoiceField(label=_("街道"), coerce=int, required=False)
    grids = forms.CharField(label=_("网格编码"), required=False, help_text=_("多个编码用空格或逗号分隔"))
    categories = forms.TypedMultipleChoiceField(label=_("整治类别"), coerce=int, required=False)

    def __init__(
        self, *args, campaign, units=(), streets=(), categories=(), partners=(), extra: int = 2, **kwargs
    ):
        goals = list(campaign.goals.all())
        rows = list(campaign.partners.select_related("organisation"))
        initial = {
            "units": [u.pk for u in campaign.units.all()],
            "whole_district": campaign.whole_district,
            "streets": [s.pk for s in campaign.streets.all()],
            "grids": " ".join(campaign.grids.order_by("code").values_list("code", flat=True)),
            "categories": [c.pk for c in campaign.categories.all()],
        }
        for i, g in enumerate(goals):
            initial.update(
                {
                    f"goal_{i}_id": g.pk,
                    f"goal_{i}_name": g.name,
                    f"goal_{i}_metric": g.metric,
                    f"goal_{i}_target": g.target,
                    f"goal_{i}_unit": g.unit_label,
                }
            )
        for i, p in enumerate(rows):
            initial.update(
                {
                    f"partner_{i}": p.organisation_id,
                    f"partner_{i}_contact": p.contact_name,
                    f"partner_{i}_phone": p.contact_phone,
                }
            )
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = _choices(units)
        self.fields["streets"].choices = _choices(streets)
        self.fields["categories"].choices = [(c.pk, f"{c.code} {c.name_zh}") for c in categories]
        self.goal_rows = []
        for i in range(len(goals) + extra):
            self.fields[f"goal_{i}_id"] = forms.IntegerField(required=False, widget=forms.HiddenInput)
            self.fields[f"goal_{i}_name"] = forms.CharField(label=_("目标"), required=False, max_length=100)
            self.fields[f"goal_{i}_metric"] = forms.ChoiceField(
                label=_("统计口径"), choices=GoalMetric.choices, required=False
            )
            self.fields[f"goal_{i}_target"] = forms.DecimalField(
                label=_("目标值"), required=False, min_value=0
            )
            self.fields[f"goal_{i}_unit"] = forms.CharField(label=_("单位"), required=False, max_length=10)
            self.fields[f"goal_{i}_remove"] = forms.BooleanField(label=_("删除"), required=False)
            self.goal_rows.append(
                [self[f"goal_{i}_{n}"] for n in ("id", "name", "metric", "target", "unit", "remove")]
            )
        self.partner_rows = []
        for i in range(len(rows) + extra):
            _add_partner_row(self, i, partners)
            self.fields[f"partner_{i}_remove"] = forms.BooleanField(label=_("删除"), required=False)
            self.partner_rows.append([self[f"partner_{i}{n}"] for n in ("", "_contact", "_phone", "_remove")])
        self.n_goals, self.n_partners = len(goals) + extra, len(rows) + extra

    def goals(self) -> list[dict]:
        d = self.cleaned_data
        return [
            {
                "id": d[f"goal_{i}_id"],
                "name": d[f"goal_{i}_name"],
                "metric": d[f"goal_{i}_metric"],
                "target": d[f"goal_{i}_target"],
                "unit_label": d[f"goal_{i}_unit"],
            }
            for i in range(self.n_goals)
            if d[f"goal_{i}_name"] and not d[f"goal_{i}_remove"]
        ]

    def partner_ids(self) -> list[tuple[int, str, str]]:
        d = self.cleaned_data
        return [
            (d[f"partner_{i}"], d[f"partner_{i}_contact"], d[f"partner_{i}_phone"])
            for i in range(self.n_partners)
            if d[f"partner_{i}"] and not d[f"partner_{i}_remove"]
        ]
