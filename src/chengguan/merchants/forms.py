from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chengguan.merchants.models import BusinessType, MerchantStatus, SignMethod


class MerchantForm(forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=100)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18)
    operator_name = forms.CharField(label=_("法定代表人/经营者"), max_length=50, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    business_type = forms.ChoiceField(label=_("经营类别"), choices=BusinessType.choices)
    address = forms.CharField(label=_("地址"), max_length=200)
    lon = forms.FloatField(label=_("经度"))
    lat = forms.FloatField(label=_("纬度"))
    crs = forms.ChoiceField(
        label=_("坐标系"),
        choices=[
            ("wgs84", _("WGS-84（GPS）")),
            ("gcj02", _("GCJ-02（高德/腾讯）")),
            ("bd09", _("BD-09（百度）")),
        ],
        initial="wgs84",
    )
    frontage_m = forms.DecimalField(
        label=_("门前责任区长度（米）"), max_digits=7, decimal_places=1, initial=0
    )
    status = forms.ChoiceField(label=_("经营状态"), choices=MerchantStatus.choices)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("台账文件（.xlsx 或 .csv）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("请上传 .xlsx 或 .csv 文件"))
        return upload


class GenerateForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    scope = forms.ChoiceField(
        label=_("范围"),
        choices=[
            ("all", _("全部")),
            ("subdistrict", _("街道")),
            ("community", _("社区")),
            ("grid", _("单元网格")),
        ],
    )
    code = forms.CharField(label=_("代码"), required=False)
    only_not_issued = forms.BooleanField(label=_("只生成尚未发放的"), required=False)
    format = forms.ChoiceField(
        label=_("格式"), choices=[("pdf", _("合并为一个 PDF（打印）")), ("zip", _("每户一个 PDF（ZIP）"))]
    )


class SignForm(forms.Form):
    signer_name = forms.CharField(label=_("签字人"), max_length=50)
    signed_on = forms.DateField(label=_("签订日期"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("签订方式"), choices=SignMethod.choices)
    scan = forms.FileField(label=_("签字扫描件"), required=False)
    signature_png = forms.CharField(widget=forms.HiddenInput, required=False)


class LookupForm(forms.Form):
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18)
    number = forms.CharField(label=_("责任书编号"), max_length=40)
