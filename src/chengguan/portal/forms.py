"""The public forms: report a problem, track it, rate it; and the leader's review decision.
They only shape the input; the rules live in services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chengguan.core import phones
from chengguan.core.coords import CRS_CHOICES
from chengguan.core.workflow.forms import MultipleFileField
from chengguan.feedback.models import Rating
from chengguan.portal.models import ReviewDecision
from chengguan.portal.public_categories import offered
from chengguan.portal.services import PHONE_ERROR


class ReportForm(forms.Form):
    public_category = forms.ChoiceField(label=_("问题类型"), widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("问题描述"),
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": _("例如：早上七点起，路口东侧有三个摊位占用人行道。")}
        ),
        error_messages={"required": _("请描述您看到的问题。")},
    )
    photos = MultipleFileField(label=_("现场照片（可选，最多 3 张）"), required=False)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    crs = forms.ChoiceField(choices=[(c, c) for c in CRS_CHOICES], initial="wgs84", widget=forms.HiddenInput)
    address = forms.CharField(
        label=_("地址或附近地标"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("例如：建设路与桐柏路交叉口东北角")}),
    )
    phone = forms.CharField(
        label=_("联系电话（可选）"),
        max_length=20,
        required=False,
        help_text=_("留下电话，办理进展会短信通知您；电话只有工作人员可见，不会公开。不留也可以匿名反映。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["public_category"].choices = [
            (entry.key, entry.local_label) for entry, _category in offered()
        ]
        self.fields["public_category"].error_messages["required"] = _("请选择问题类型。")

    def clean_phone(self) -> str:
        """Checked here too, so a wrong number shows with the other mistakes in one go."""
        if phones.normalise(self.cleaned_data["phone"]) is None:
            raise forms.ValidationError(PHONE_ERROR)
        return self.cleaned_data["phone"]


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("受理编号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("请填写受理编号。")},
    )
    code = forms.CharField(
        label=_("查询码"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={"required": _("请填写查询码。")},
    )


class RatingForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("您对处理结果是否满意？"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意程度。")},
    )
    comment = forms.CharField(
        label=_("意见或建议（可选）"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("处理方式"), choices=ReviewDecision.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("原因或解释说明"), widget=forms.Textarea(attrs={"rows": 2}))
