"""Forms of the welfare pages (the rules are the services')."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chengguan.welfare.models import Hardship, HelpKind, ReferralTo, SpotKind


class VendorForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号码"), max_length=18, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    goods = forms.CharField(label=_("经营品种"), max_length=100, required=False)
    usual_place = forms.CharField(label=_("常在地点"), max_length=200, required=False)
    lon = forms.FloatField(label=_("经度"), required=False)
    lat = forms.FloatField(label=_("纬度"), required=False)
    photo = forms.FileField(label=_("照片"), required=False)
    consent = forms.BooleanField(label=_("本人同意登记并保存上述个人信息"), required=False)


class HardshipForm(forms.Form):
    hardship = forms.ChoiceField(label=_("困难类别"), choices=[("", "—"), *Hardship.choices], required=False)
    hardship_evidence = forms.CharField(label=_("核实的证明材料"), max_length=300, required=False)
    sensitive_consent = forms.BooleanField(
        label=_("本人单独同意处理其困难情况等敏感个人信息"), required=False
    )


class HelpForm(forms.Form):
    kind = forms.ChoiceField(label=_("帮扶方式"), choices=HelpKind.choices)
    on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    what = forms.CharField(label=_("物资"), max_length=100, required=False)
    quantity = forms.CharField(label=_("数量"), max_length=50, required=False)
    given_by = forms.CharField(label=_("帮扶人或单位"), max_length=100, required=False)
    referral_to = forms.ChoiceField(
        label=_("转介去向"), choices=[("", "—"), *ReferralTo.choices], required=False
    )
    outcome = forms.CharField(label=_("结果"), max_length=500, required=False)


class SpotForm(forms.Form):
    code = forms.CharField(label=_("编号"), max_length=20)
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=SpotKind.choices)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    lon = forms.FloatField(label=_("经度"))
    lat = forms.FloatField(label=_("纬度"))
    pitches = forms.IntegerField(label=_("摊位数"), min_value=1, max_value=500)
    capacity = forms.IntegerField(label=_("容纳人数"), min_value=1, max_value=5000)
    opening_hours = forms.CharField(label=_("开放时间"), max_length=100)
    managing_unit = forms.ModelChoiceField(label=_("管理单位"), queryset=None)
    rules = forms.CharField(label=_("管理规定"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["managing_unit"].queryset = units


class DrawForm(forms.Form):
    term = forms.CharField(label=_("期次"), max_length=50)
    term_start = forms.DateField(label=_("本期开始"), widget=forms.DateInput(attrs={"type": "date"}))
    term_end = forms.DateField(label=_("本期结束"), widget=forms.DateInput(attrs={"type": "date"}))
    applications_close_at = forms.DateTimeField(
        label=_("申请截止时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class RerunForm(forms.Form):
    seed = forms.RegexField(label=_("种子"), regex=r"^\s*[0-9a-fA-F]{1,64}\s*$", max_length=70)
