"""Forms of the duty pages (the rules are the services')."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chengguan.duty.models import (
    ChangeKind,
    DayKind,
    Discipline,
    FindingKind,
    MeetingKind,
    NoticeKind,
    NoticeLevel,
    Post,
    StreetKind,
)

_NARROW = forms.NumberInput(attrs={"style": "width:5em"})


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("月份"), input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"})
    )


class TemplateForm(forms.Form):
    day_kind = forms.ChoiceField(label=_("日期类型"), choices=DayKind.choices)
    name = forms.CharField(label=_("班次"), max_length=20)
    starts = forms.TimeField(label=_("上班时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    hours = forms.IntegerField(label=_("时长（小时）"), min_value=1, max_value=24, widget=_NARROW)
    leaders = forms.IntegerField(label=_("带班领导人数"), min_value=0, initial=0, widget=_NARROW)
    chiefs = forms.IntegerField(label=_("值班长人数"), min_value=0, initial=0, widget=_NARROW)
    officers = forms.IntegerField(label=_("值班员人数"), min_value=0, initial=0, widget=_NARROW)


class AssignForm(forms.Form):
    shift = forms.IntegerField(widget=forms.HiddenInput)
    staff = forms.TypedChoiceField(label=_("人员"), coerce=int)
    post = forms.ChoiceField(label=_("岗位"), choices=Post.choices)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = [(p.user_id, p.full_name) for p in people]


class ChangeForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=ChangeKind.choices)
    replacement = forms.TypedChoiceField(label=_("接班人员"), coerce=int, required=False, empty_value=None)
    reason = forms.CharField(label=_("事由"), max_length=200)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replacement"].choices = [("", "—"), *((p.user_id, p.full_name) for p in people)]


class FindingForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("责任单位"), coerce=int)
    kind = forms.ChoiceField(label=_("问题类型"), choices=FindingKind.choices)
    discipline = forms.ChoiceField(
        label=_("风纪事项"), choices=[("", "—"), *Discipline.choices], required=False
    )
    person = forms.TypedChoiceField(label=_("责任人"), coerce=int, required=False, empty_value=None)
    place = forms.CharField(label=_("地点"), max_length=200)
    observed_at = forms.DateTimeField(
        label=_("发现时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), required=False
    )
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(label=_("现场照片"), required=False)

    def __init__(self, *args, units=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]
        self.fields["person"].choices = [("", "—"), *((p.user_id, p.full_name) for p in people)]


class StreetForm(forms.Form):
    name = forms.CharField(label=_("街道名称"), max_length=60)
    kind = forms.ChoiceField(label=_("类别"), choices=StreetKind.choices)
    grids = forms.CharField(label=_("网格编码"), help_text=_("多个编码用空格或逗号分隔"), max_length=2000)
    starts = forms.TimeField(label=_("在岗开始"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("在岗结束"), widget=forms.TimeInput(attrs={"type": "time"}))


class GpxForm(forms.Form):
    file = forms.FileField(label=_("GPX 文件"))
    crs = forms.ChoiceField(
        label=_("坐标系"),
        choices=[("wgs84", "WGS-84"), ("gcj02", "GCJ-02"), ("bd09", "BD-09")],
        initial="wgs84",
    )


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("会议类型"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("会议名称"), max_length=100)
    starts_at = forms.DateTimeField(
        label=_("会议时间"),
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    place = forms.CharField(label=_("会议地点"), max_length=100, required=False)


class AgendaForm(forms.Form):
    title = forms.CharField(label=_("议题"), max_length=200)
    presenter = forms.CharField(label=_("汇报人"), max_length=60, required=False)


class HoldForm(forms.Form):
    minutes = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 5}))
    decisions = forms.CharField(
        label=_("会议决定"),
        help_text=_("每行一项"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class ItemForm(forms.Form):
    title = forms.CharField(label=_("督办事项"), max_length=200)
    unit = forms.TypedChoiceField(label=_("承办单位"), coerce=int, required=False, empty_value=None)
    person = forms.TypedChoiceField(label=_("承办人"), coerce=int, required=False, empty_value=None)
    due_on = forms.DateField(label=_("办结期限"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, units=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—"), *((u.pk, u.name) for u in units)]
        self.fields["person"].choices = [("", "—"), *((p.user_id, p.full_name) for p in people)]


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("事项类型"), choices=NoticeKind.choices)
    level = forms.ChoiceField(label=_("等级"), choices=NoticeLevel.choices)
    title = forms.CharField(label=_("标题"), max_length=120)
    body = forms.CharField(label=_("通报内容"), widget=forms.Textarea(attrs={"rows": 4}))
    units = forms.TypedMultipleChoiceField(label=_("阅知单位"), coerce=int, required=False)
    people = forms.TypedMultipleChoiceField(label=_("阅知人员"), coerce=int, required=False)
    response_required = forms.BooleanField(label=_("需要回复"), required=False)
    respond_hours = forms.IntegerField(
        label=_("回复时限（小时）"), min_value=1, max_value=720, initial=24, required=False
    )

    def __init__(self, *args, units=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(u.pk, u.name) for u in units]
        self.fields["people"].choices = [(p.user_id, p.full_name) for p in people]


class ResponseForm(forms.Form):
    response = forms.CharField(label=_("回复"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
