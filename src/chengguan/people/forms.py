"""Forms of the people pages (the rules are the services')."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from chengguan.people.models import HonourLevel, TrainingKind, TrainingTopic

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what <input type=date> reads


class CertificateForm(forms.Form):
    holder = forms.TypedChoiceField(label=_("持证人"), coerce=int)
    number = forms.CharField(label=_("执法证号"), max_length=32)
    issuing_authority = forms.CharField(label=_("发证机关"), max_length=100, required=False)
    territorial_scope = forms.CharField(label=_("执法区域"), max_length=200, required=False)
    subject_scope = forms.CharField(label=_("执法类别"), max_length=200, required=False)
    valid_from = forms.DateField(label=_("有效期起"), widget=_DATE)
    valid_to = forms.DateField(label=_("有效期至"), widget=_DATE)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].choices = [
            (p.user_id, f"{p.full_name} · {p.organisation.name}") for p in people
        ]


class TrainingForm(forms.Form):
    kind = forms.ChoiceField(label=_("形式"), choices=TrainingKind.choices)
    topic = forms.ChoiceField(label=_("内容类别"), choices=TrainingTopic.choices)
    title = forms.CharField(label=_("主题"), max_length=200)
    lecturer = forms.CharField(label=_("主讲人"), max_length=50, required=False)
    lecturer_org = forms.CharField(label=_("主讲人单位"), max_length=100, required=False)
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    starts_at = forms.DateTimeField(
        label=_("开始时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    hours = forms.DecimalField(label=_("学时"), min_value=Decimal("0.5"), max_value=40, decimal_places=1)


class AttendanceForm(forms.Form):
    staff = forms.TypedMultipleChoiceField(
        label=_("参训人员"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = [(p.user_id, f"{p.full_name} · {p.organisation.name}") for p in people]


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("资料名称"), max_length=200, required=False)
    file = forms.FileField(label=_("文件"), help_text=_("PDF、Word、PPT 或图片，不超过 20 MB"))


class RequirementForm(forms.Form):
    training_hours_required = forms.DecimalField(
        label=_("每年培训学时要求"), min_value=0, max_value=1000, decimal_places=1
    )


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("评选名称"), max_length=100)
    level = forms.ChoiceField(label=_("评选对象"), choices=HonourLevel.choices)
    period_start = forms.DateField(label=_("评选期间起"), widget=_DATE)
    period_end = forms.DateField(label=_("评选期间止"), widget=_DATE)
    quota = forms.IntegerField(label=_("名额"), min_value=1, max_value=1000)
    criteria = forms.CharField(label=_("评选条件"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ProgrammeEditForm(forms.Form):
    """A programme's terms (its level stays: its nominations are of that kind)."""

    name = forms.CharField(label=_("评选名称"), max_length=100)
    period_start = forms.DateField(label=_("评选期间起"), widget=_DATE)
    period_end = forms.DateField(label=_("评选期间止"), widget=_DATE)
    quota = forms.IntegerField(label=_("名额"), min_value=1, max_value=1000)
    criteria = forms.CharField(label=_("评选条件"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class NominationForm(forms.Form):
    nominee = forms.TypedChoiceField(label=_("被推荐对象"), coerce=int)
    reason = forms.CharField(label=_("推荐理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominee"].choices = list(choices)


class DeedForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)
    what = forms.CharField(label=_("事迹经过"), widget=forms.Textarea(attrs={"rows": 4}))
    happened_on = forms.DateField(label=_("发生日期"), widget=_DATE)
    place = forms.CharField(label=_("地点"), max_length=100)
    people = forms.TypedMultipleChoiceField(label=_("当事人员"), coerce=int)
    witnesses = forms.CharField(label=_("见证人"), max_length=200, required=False)
    media_outlet = forms.CharField(label=_("报道媒体"), max_length=100, required=False)
    media_date = forms.DateField(label=_("报道日期"), widget=_DATE, required=False)
    media_link = forms.URLField(label=_("报道链接"), required=False, assume_scheme="https")
    photo = forms.ImageField(label=_("照片"), required=False)
    consent = forms.BooleanField(label=_("本人同意公开"), required=False)
    consent_note = forms.CharField(label=_("同意情况说明"), max_length=200, required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = [
            (p.user_id, f"{p.full_name} · {p.organisation.name}") for p in people
        ]


class DeedEditForm(forms.Form):
    """A deed's account; the media fields are its first report (the others stay as they are)."""

    title = forms.CharField(label=_("标题"), max_length=100)
    what = forms.CharField(label=_("事迹经过"), widget=forms.Textarea(attrs={"rows": 4}))
    happened_on = forms.DateField(label=_("发生日期"), widget=_DATE)
    place = forms.CharField(label=_("地点"), max_length=100)
    people = forms.TypedMultipleChoiceField(label=_("当事人员"), coerce=int)
    witnesses = forms.CharField(label=_("见证人"), max_length=200, required=False)
    media_outlet = forms.CharField(label=_("报道媒体"), max_length=100, required=False)
    media_date = forms.DateField(label=_("报道日期"), widget=_DATE, required=False)
    media_link = forms.URLField(label=_("报道链接"), required=False, assume_scheme="https")

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = [
            (p.user_id, f"{p.full_name} · {p.organisation.name}") for p in people
        ]


class ConsentForm(forms.Form):
    consent = forms.BooleanField(label=_("本人同意公开"), required=False)
    note = forms.CharField(label=_("同意情况说明"), max_length=200, required=False)
