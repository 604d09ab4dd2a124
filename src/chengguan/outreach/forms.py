"""Forms of the outreach pages (the rules are the services')."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from chengguan.outreach.models import ActivityKind, Platform, Tone

_DATE = forms.DateInput(attrs={"type": "date"})


def _moment(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("活动类型"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("活动名称"), max_length=100)
    plan = forms.CharField(label=_("活动方案"), widget=forms.Textarea(attrs={"rows": 5}), max_length=8000)
    place = forms.CharField(label=_("活动地点"), max_length=100)
    starts_at = _moment(_("开始时间"))
    ends_at = _moment(_("结束时间"))
    quota = forms.IntegerField(label=_("名额"), min_value=1, max_value=10000)
    registration_closes_at = _moment(_("报名截止时间"))


class RegistrationForm(forms.Form):
    """The portal's registration: an ID number, or a birth date; a guardian for a child under 14."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("联系电话"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    id_number = forms.CharField(
        label=_("身份证号"), max_length=18, required=False, help_text=_("填写身份证号或出生日期之一")
    )
    birth_date = forms.DateField(label=_("出生日期"), required=False, widget=_DATE)
    guardian_name = forms.CharField(label=_("监护人姓名"), max_length=50, required=False)
    guardian_phone = forms.CharField(label=_("监护人电话"), max_length=20, required=False)
    guardian_consent = forms.BooleanField(
        label=_("我是该未成年人的监护人，同意主办单位为组织本次活动处理其个人信息"), required=False
    )


class PhotoForm(forms.Form):
    file = forms.ImageField(label=_("活动照片"))
    caption = forms.CharField(label=_("说明"), max_length=100, required=False)
    publishable = forms.BooleanField(
        label=_("可在门户公开（照片中的人已同意，儿童已获监护人同意）"), required=False
    )


class VolunteerForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=20)
    skills = forms.CharField(label=_("特长"), max_length=200, required=False)


class HoursForm(forms.Form):
    volunteer = forms.TypedChoiceField(label=_("志愿者"), coerce=int)
    hours = forms.DecimalField(
        label=_("服务时长（小时）"), min_value=Decimal("0.5"), max_value=24, decimal_places=1
    )

    def __init__(self, *args, volunteers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].choices = [(v.pk, v.name) for v in volunteers]


class BroadcastForm(forms.Form):
    title = forms.CharField(label=_("直播主题"), max_length=100)
    platform = forms.ChoiceField(label=_("直播平台"), choices=Platform.choices)
    stream_url = forms.URLField(label=_("直播地址"), max_length=300, required=False, assume_scheme="https")
    starts_at = _moment(_("开始时间"))
    ends_at = _moment(_("结束时间"))
    place = forms.CharField(label=_("直播地点"), max_length=100)
    officers = forms.TypedMultipleChoiceField(
        label=_("出镜队员"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].choices = [
            (p.user_id, f"{p.full_name} · {p.organisation.name}") for p in people
        ]


class ViewersForm(forms.Form):
    peak_viewers = forms.IntegerField(label=_("最高在线人数"), min_value=0)
    cumulative_viewers = forms.IntegerField(label=_("累计观看人数"), min_value=0)


class ViewersImportForm(forms.Form):
    file = forms.FileField(label=_("平台导出的观看数据（CSV）"))


class HighlightForm(forms.Form):
    nickname = forms.CharField(label=_("网友昵称"), max_length=50)
    text = forms.CharField(label=_("评论内容"), max_length=500)
    reply = forms.CharField(label=_("回应"), max_length=500, required=False)
    said_at = _moment(_("评论时间"))


class RecordingRegisterForm(forms.Form):
    storage_name = forms.CharField(label=_("存储中的文件名"), max_length=300)
    keep_until = forms.DateField(label=_("保存期限"), required=False, widget=_DATE)


class MediaForm(forms.Form):
    outlet = forms.CharField(label=_("媒体"), max_length=60)
    headline = forms.CharField(label=_("标题"), max_length=150)
    published_on = forms.DateField(label=_("报道日期"), widget=_DATE)
    link = forms.URLField(label=_("链接"), max_length=300, required=False, assume_scheme="https")
    tone = forms.ChoiceField(label=_("报道倾向"), choices=Tone.choices)
    activities = forms.TypedMultipleChoiceField(label=_("开放活动"), coerce=int, required=False)
    broadcasts = forms.TypedMultipleChoiceField(label=_("直播执法"), coerce=int, required=False)
    deeds = forms.TypedMultipleChoiceField(label=_("先进事迹"), coerce=int, required=False)

    def __init__(self, *args, activities=(), broadcasts=(), deeds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].choices = [(a.pk, a.title) for a in activities]
        self.fields["broadcasts"].choices = [(b.pk, b.title) for b in broadcasts]
        self.fields["deeds"].choices = [(d.pk, d.title) for d in deeds]
