"""Web forms of the workbench. They only parse what a page sends; every rule stays in the services,
whose errors (`ValidationFailed.fields`) are put back on these fields by the views. Labels and
choices are translated when a page renders (Chinese by default)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chengguan.cases import display
from chengguan.cases.models import CaseSource, EvidenceStage
from chengguan.cases.services import SOURCE_ROLES
from chengguan.cases.states import Action
from chengguan.org.roles import RoleCode

TEXT_ROWS = 3
# Public channels an operator types in on a caller's behalf.
RELAYED_PUBLIC_SOURCES = {CaseSource.CITIZEN}
RELAY_ROLES = frozenset({RoleCode.OPERATOR, RoleCode.SHIFT_LEADER})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (photos): cleans to a list, possibly empty."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def sources_for(roles: frozenset[str]) -> list[tuple[str, str]]:
    """The sources a member of staff may report under, their own channels first (the service checks
    this again)."""
    labels = display.SOURCE_LABELS
    own = [(v, labels[v]) for v in CaseSource.values if SOURCE_ROLES.get(v) and roles & SOURCE_ROLES[v]]
    relayed = [(v, labels[v]) for v in CaseSource.values if v in RELAYED_PUBLIC_SOURCES]
    return own + (relayed if roles & RELAY_ROLES else [])


def category_choices(categories) -> list:
    """Minor classes grouped by their major class, for a `<select>` with `<optgroup>`s."""
    groups: dict[str, list] = {}
    for c in categories:
        kind = display.CATEGORY_KIND_LABELS.get(c.kind, c.kind)
        group = f"{kind} · {c.major.code} {display.local_name(c.major)}"
        groups.setdefault(group, []).append((c.code, f"{c.code} {display.local_name(c)}"))
    return [("", gettext("请选择问题类别")), *groups.items()]


class ReportForm(forms.Form):
    source = forms.ChoiceField(label=_("案件来源"))
    category = forms.ChoiceField(label=_("问题类别"))
    description = forms.CharField(
        label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    lon = forms.FloatField(label=_("经度（WGS-84）"), required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(label=_("纬度（WGS-84）"), required=False, widget=forms.HiddenInput)
    address = forms.CharField(label=_("地址"), required=False, max_length=200)
    reporter_name = forms.CharField(label=_("反映人姓名"), required=False, max_length=50)
    reporter_phone = forms.CharField(label=_("反映人电话"), required=False, max_length=20)
    photos = MultipleFileField(label=_("现场照片"))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, sources, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = sources
        self.fields["category"].choices = category_choices(categories)
        if not self.is_bound:
            # A new key for every rendering: a double submit of this form reports one case only.
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
            if sources:
                self.initial.setdefault("source", sources[0][0])


class ReasonMixin(forms.Form):
    reason = forms.CharField(
        label=_("原因"), widget=forms.Textarea(attrs={"rows": TEXT_ROWS}), max_length=2000
    )


class DelayMixin(forms.Form):
    """Asked only when the stage is already overdue (the service refuses a late action without it)."""

    delay_reason = forms.CharField(
        label=_("超时原因"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("本环节已超过办理时限，请说明原因。"),
    )


class EmptyActionForm(DelayMixin):
    pass


class NotFileForm(ReasonMixin, DelayMixin):
    pass


class ReasonForm(ReasonMixin, DelayMixin):
    pass


class MergeForm(DelayMixin):
    target = forms.IntegerField(widget=forms.HiddenInput)


def unit_choices(units) -> list[tuple[int | str, str]]:
    return [("", gettext("请选择处置单位")), *[(u.pk, u.name) for u in units]]


class DispatchForm(DelayMixin):
    unit = forms.TypedChoiceField(label=_("处置单位"), coerce=int)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices(units)


class RedispatchForm(DispatchForm, ReasonMixin):
    pass


class HandleForm(DelayMixin):
    result = forms.CharField(
        label=_("处置结果"), widget=forms.Textarea(attrs={"rows": TEXT_ROWS}), max_length=2000
    )
    photos = MultipleFileField(label=_("处置后照片"))


class ExtensionRequestForm(forms.Form):
    amount = forms.IntegerField(label=_("延期时长"), min_value=1, max_value=365)
    unit = forms.ChoiceField(label=_("单位"), choices=list(display.TIME_UNIT_LABELS.items()))
    reason = forms.CharField(
        label=_("延期理由"), widget=forms.Textarea(attrs={"rows": TEXT_ROWS}), max_length=2000
    )


class ApproveExtensionForm(forms.Form):
    note = forms.CharField(label=_("审批意见"), required=False, max_length=200)


class VerifyForm(DelayMixin):
    photo = forms.FileField(
        label=_("现场核查照片"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
    )
    photo_lon = forms.FloatField(label=_("拍摄位置经度（WGS-84）"), required=False)
    photo_lat = forms.FloatField(label=_("拍摄位置纬度（WGS-84）"), required=False)


class ReworkForm(ReasonMixin, DelayMixin):
    photo = forms.FileField(
        label=_("现场照片（可选）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    photo_lon = forms.FloatField(label=_("拍摄位置经度（WGS-84）"), required=False)
    photo_lat = forms.FloatField(label=_("拍摄位置纬度（WGS-84）"), required=False)


class CloseForm(DelayMixin):
    disposition = forms.ChoiceField(
        label=_("处置方式（721工作法）"),
        choices=list(display.DISPOSITION_LABELS.items()),
        widget=forms.RadioSelect,
    )


class EvaluateForm(forms.Form):
    score = forms.TypedChoiceField(label=_("评分"), coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("评语"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].choices = [(n, gettext("%(n)d 分") % {"n": n}) for n in range(5, 0, -1)]


ACTION_FORMS: dict[str, type[forms.Form]] = {
    Action.FILE: EmptyActionForm,
    Action.NOT_FILE: NotFileForm,
    Action.MERGE: MergeForm,
    Action.DISPATCH: DispatchForm,
    Action.REDISPATCH: RedispatchForm,
    Action.RETURN: ReasonForm,
    Action.ACCEPT: EmptyActionForm,
    Action.HANDLE: HandleForm,
    Action.REQUEST_EXTENSION: ExtensionRequestForm,
    Action.APPROVE_EXTENSION: ApproveExtensionForm,
    Action.REFUSE_EXTENSION: ReasonForm,
    Action.SUSPEND: ReasonForm,
    Action.RESUME: EmptyActionForm,
    Action.VERIFY: VerifyForm,
    Action.REWORK: ReworkForm,
    Action.CLOSE: CloseForm,
    Action.CANCEL: ReasonForm,
    Action.EVALUATE: EvaluateForm,
    Action.REOPEN: ReasonForm,
}
# Where the 常用语 of an action's text field come from (purpose of `ReplyTemplate`).
TEMPLATE_PURPOSE = {
    Action.NOT_FILE: ("reason", "not_file"),
    Action.RETURN: ("reason", "return"),
    Action.HANDLE: ("result", "handling"),
    Action.REWORK: ("reason", "verify"),
}


def action_form(action: str, *, data=None, files=None, units=(), late: bool = False) -> forms.Form:
    """The form of one action; the delay reason is shown (and required) only when the stage is late."""
    cls = ACTION_FORMS[action]
    kwargs = {"units": units} if issubclass(cls, DispatchForm) else {}
    form = cls(data=data, files=files, prefix=action, **kwargs)
    if "delay_reason" in form.fields:
        if late:
            form.fields["delay_reason"].required = True
            form.order_fields([name for name in form.fields if name != "delay_reason"] + ["delay_reason"])
        else:
            del form.fields["delay_reason"]
    return form


class SuperviseForm(forms.Form):
    level = forms.ChoiceField(label=_("督办级别"), choices=list(display.SUPERVISION_LEVEL_LABELS.items()))
    instruction = forms.CharField(
        label=_("督办意见"), widget=forms.Textarea(attrs={"rows": TEXT_ROWS}), max_length=2000
    )
    reply_due_at = forms.DateTimeField(
        label=_("回复期限（可选）"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("不填则按级别自动计算（1–3 个工作日）。"),
    )


class SupervisionReplyForm(forms.Form):
    reply = forms.CharField(label=_("回复内容"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


# Stages a file can be added to after the fact; verification photos are taken by the verify action,
# whose position and time are checked against the case.
LATE_EVIDENCE_STAGES = (EvidenceStage.OTHER, EvidenceStage.REPORT, EvidenceStage.HANDLE)


class EvidenceForm(forms.Form):
    """A photo, video or recording added to an open case later (补充材料)."""

    file = forms.FileField(
        label=_("文件"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,video/*,audio/*"}),
        help_text=_("照片 JPEG/PNG/WebP，视频 MP4/MOV/WebM，音频 MP3/M4A/WAV/AMR。"),
    )
    stage = forms.ChoiceField(
        label=_("材料类别"),
        choices=[(s, display.EVIDENCE_STAGE_LABELS[s]) for s in LATE_EVIDENCE_STAGES],
        initial=EvidenceStage.OTHER,
    )


class SpamForm(forms.Form):
    reason = forms.CharField(
        label=_("判定理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=200,
        help_text=_("如：内容与城市管理无关、重复恶意举报、虚假信息。"),
    )


class UnspamForm(forms.Form):
    reason = forms.CharField(label=_("撤销理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=200)
