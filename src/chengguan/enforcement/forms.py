"""Web forms and the one FilterSet of penalty-case lists. Forms only parse what a page sends; every rule
(thresholds, dates, roles) stays in `services`, whose field errors the views put back on these fields.
The forms of the procedure's actions are built from the machine's table (core.workflow.forms)."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chengguan.core import clock
from chengguan.core.filters import MAX_ID
from chengguan.enforcement import selectors
from chengguan.enforcement.models import (
    CollectionMethod,
    EvidenceKind,
    PartyKind,
    PenaltyCase,
    PenaltyState,
    Procedure,
    ReviewKind,
    ReviewOutcome,
)
from chengguan.people import selectors as people_selectors

TEXT_ROWS = 3


class PenaltyCaseFilter(django_filters.FilterSet):
    """Used by the web list and `GET /api/v1/penalty-cases/` alike (STYLE.md habit 5)."""

    q = django_filters.CharFilter(
        method="filter_q", label=_("关键词"), help_text=_("案号、违法事实或当事人名称")
    )
    state = django_filters.MultipleChoiceFilter(choices=PenaltyState.choices, label=_("状态"))
    procedure = django_filters.ChoiceFilter(choices=Procedure.choices, label=_("程序"))
    urgency = django_filters.ChoiceFilter(
        choices=list(selectors.URGENCY_LABELS.items()),
        method="filter_urgency",
        label=pgettext_lazy("deadline", "期限"),
        help_text=_("本机关应遵守的期限：overdue 已逾期，warning 三日内到期"),
    )
    filed_from = django_filters.DateFilter(field_name="filed_on", lookup_expr="gte", label=_("立案日期起"))
    filed_to = django_filters.DateFilter(field_name="filed_on", lookup_expr="lte", label=_("立案日期止"))

    class Meta:
        model = PenaltyCase
        fields = ["q", "state", "procedure", "urgency", "filed_from", "filed_to"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        match = Q(number__icontains=value) | Q(facts__icontains=value) | Q(parties__name__icontains=value)
        return qs.filter(pk__in=qs.filter(match).values("pk"))

    def filter_urgency(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return selectors.filter_by_urgency(qs, value)


class PartyFieldsMixin(forms.Form):
    """One party (当事人); the service validates the ID or credit code (GB 11643 / GB 32100)."""

    party_kind = forms.ChoiceField(label=_("当事人类型"), choices=PartyKind.choices, initial=PartyKind.PERSON)
    party_name = forms.CharField(label=_("当事人姓名或名称"), max_length=100)
    party_id_number = forms.CharField(label=_("公民身份号码"), max_length=18, required=False)
    party_credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)
    party_legal_representative = forms.CharField(label=_("法定代表人"), max_length=50, required=False)
    party_address = forms.CharField(label=_("住址或地址"), max_length=200, required=False)
    party_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    # Service error field → form field.
    PARTY_ALIASES = {
        "kind": "party_kind",
        "name": "party_name",
        "id_number": "party_id_number",
        "credit_code": "party_credit_code",
    }

    def party(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["party_kind"],
            "name": data["party_name"],
            "id_number": data["party_id_number"],
            "credit_code": data["party_credit_code"],
            "legal_representative": data["party_legal_representative"],
            "address": data["party_address"],
            "phone": data["party_phone"],
        }


class OfficerChoiceField(forms.ModelMultipleChoiceField):
    """Officers labelled with the certificate in force today, from the people app's registry (one
    query for the whole list); one without is marked, since every step refuses them (第四十二条)."""

    def _check_values(self, value):
        """An id no row can have is no choice: refused before the query, which SQLite would answer
        with an OverflowError (a 500 on `officers=99999999999999999999`)."""
        for pk in value:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # the parent refuses it as it does any bad value
            if not 1 <= number <= MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)

    def label_from_instance(self, obj) -> str:
        if not hasattr(self, "_numbers"):
            self._numbers = people_selectors.certificate_numbers(self.queryset, on=clock.today())
        number = self._numbers.get(obj.pk)
        cert = (
            (" · " + _("执法证 %(number)s") % {"number": number}) if number else (" · " + _("无有效执法证"))
        )
        return _("%(name)s（%(unit)s%(cert)s）") % {
            "name": obj.profile.full_name,
            "unit": obj.profile.organisation.name,
            "cert": cert,
        }


class ProposeForm(PartyFieldsMixin):
    """立案审批表: facts, at least two officers (Art. 42) and the party."""

    facts = forms.CharField(label=_("违法事实（初步）"), widget=forms.Textarea(attrs={"rows": TEXT_ROWS}))
    officers = OfficerChoiceField(
        label=_("承办执法人员"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不得少于两人（行政处罚法 第四十二条）"),
    )

    field_order = ["facts", "officers"]

    def __init__(self, *args, bureau=None, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(profile__in=selectors.officer_candidates(bureau).values("pk"))
        self.fields["officers"].queryset = users.select_related("profile__organisation").order_by(
            "profile__full_name"
        )


class SimpleDecisionForm(PartyFieldsMixin):
    """当场处罚决定 (行政处罚法 第五十一条、第五十二条)."""

    facts = forms.CharField(label=_("违法事实"), widget=forms.Textarea(attrs={"rows": TEXT_ROWS}))
    violated_provisions = forms.CharField(label=_("违法依据"), widget=forms.Textarea(attrs={"rows": 2}))
    legal_basis = forms.CharField(label=_("处罚依据"), widget=forms.Textarea(attrs={"rows": 2}))
    fine_amount = forms.DecimalField(
        label=_("罚款金额（元）"),
        min_value=0,
        decimal_places=2,
        initial=0,
        help_text=_("0 为警告；公民不超过200元、法人或其他组织不超过3000元（第五十一条）"),
    )
    collected_on_spot = forms.BooleanField(
        label=_("当场收缴"), required=False, help_text=_("仅限100元以下（第六十八条）")
    )
    decided_on = forms.DateField(
        label=_("决定日期"),
        required=False,
        help_text=_("默认今天"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    field_order = [
        "facts",
        "violated_provisions",
        "legal_basis",
        "fine_amount",
        "collected_on_spot",
        "decided_on",
    ]


class _OfficerChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        return people_selectors.display_name(user)


class EvidenceForm(forms.Form):
    """One entry of the evidence register (证据清单); the officers offered are the case's own."""

    file = forms.FileField(
        label=_("证据文件"), help_text=_("照片、视频或录音；按内容识别类型，保存其 SHA-256")
    )
    description = forms.CharField(
        label=_("证据名称"), max_length=200, help_text=_("如：现场照片，显示店外摆放桌椅4张")
    )
    kind = forms.ChoiceField(
        label=_("证据种类"),
        required=False,
        choices=EvidenceKind.choices,
        initial=EvidenceKind.AUDIOVISUAL,
        help_text=_("第四十六条"),
    )
    method = forms.ChoiceField(
        label=_("取证方式"),
        required=False,
        choices=[c for c in CollectionMethod.choices if c[0]],
        initial=CollectionMethod.PHOTOGRAPHED,
    )
    place = forms.CharField(label=_("取证地点"), max_length=200, required=False)
    collected_at = forms.DateTimeField(
        label=_("取证时间"),
        required=False,
        help_text=_("不填取照片拍摄时间或现在"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    officers = _OfficerChoice(
        label=_("取证人员"),
        required=False,
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不少于两人，取证当日须持有效执法证（第四十二条）"),
    )

    def __init__(self, *args, case: PenaltyCase, **kwargs):
        super().__init__(*args, **kwargs)
        officers = case.officers.select_related("profile").order_by("id")
        self.fields["officers"].queryset = officers
        self.fields["officers"].initial = [u.pk for u in officers]


class ReviewRecordForm(forms.Form):
    """登记复议或诉讼 on the case page (services.penalty_review_record)."""

    kind = forms.ChoiceField(label=_("类型"), choices=ReviewKind.choices)
    body = forms.CharField(label=_("复议机关或法院"), max_length=100, required=False)
    applied_on = forms.DateField(
        label=_("申请/起诉日期"), widget=forms.DateInput(attrs={"type": "date"}), initial=clock.today
    )


class ReviewConcludeForm(forms.Form):
    """复议或诉讼的结果 (services.penalty_review_conclude); a new fine only when the outcome changed it."""

    concluded_on = forms.DateField(
        label=_("审结日期"), widget=forms.DateInput(attrs={"type": "date"}), initial=clock.today
    )
    outcome = forms.ChoiceField(label=_("结果"), choices=[c for c in ReviewOutcome.choices if c[0]])
    fine_amount = forms.DecimalField(
        label=_("变更后的罚款（元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )


class EvaluationFilterForm(forms.Form):
    """Which closed files the legal office looks at: a unit and the period of closing."""

    unit = forms.ModelChoiceField(
        label=_("承办单位"), queryset=None, required=False, empty_label=_("全部单位")
    )
    date_from = forms.DateField(
        label=_("结案日期起"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("结案日期止"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, units: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def period(self) -> tuple:
        """The period asked for; by default this year to today."""
        today = clock.today()
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("date_from") or today.replace(month=1, day=1), data.get("date_to") or today


class EvaluationScoreForm(forms.Form):
    """One deduction per checklist item (named `deductions.<id>`, as the service names its field errors);
    the numbers are checked by `evaluation.case_file_evaluate`."""

    notes = forms.CharField(
        label=_("评查意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": TEXT_ROWS})
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[f"deductions.{item.id}"] = forms.CharField(
                label=item.title,
                required=False,
                initial="0",
                widget=forms.NumberInput(
                    attrs={"min": 0, "max": item.points, "step": "0.5", "class": "deduction"}
                ),
            )
        self.order_fields([f"deductions.{i.id}" for i in items] + ["notes"])

    def deductions(self) -> dict[str, str]:
        return {
            name.split(".", 1)[1]: value
            for name, value in self.cleaned_data.items()
            if name.startswith("deductions.") and value not in ("", None)
        }


class EvaluationReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("整改要求"), max_length=2000, widget=forms.Textarea(attrs={"rows": TEXT_ROWS}), required=False
    )


class EvaluationCorrectForm(forms.Form):
    note = forms.CharField(
        label=_("整改情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": TEXT_ROWS}), required=False
    )
