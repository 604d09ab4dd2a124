"""Web forms of the workbench. They only parse what a page sends; every rule stays in the services,
whose errors (`ValidationFailed.fields`) are put back on these fields by the views. Labels and
choices are translated when a page renders (Chinese by default)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chengguan.cases.models import (
    INTAKE_ATTRIBUTES,
    CaseSource,
    EvidenceStage,
    SupervisionLevel,
    intake_attribute_fields,
)
from chengguan.cases.permissions import LATE_EVIDENCE_STAGES, staff_sources
from chengguan.cases.states import CASE_MACHINE, Action
from chengguan.core.workflow import forms as workflow_forms
from chengguan.taxonomy.models import CategoryKind

TEXT_ROWS = 3


def sources_for(user) -> list[tuple[str, str]]:
    """The sources a member of staff may report under, their own channels first (the service checks
    this again)."""
    return [(v, CaseSource(v).label) for v in staff_sources(user)]


def category_choices(categories) -> list:
    """Minor classes grouped by their major class, for a `<select>` with `<optgroup>`s."""
    groups: dict[str, list] = {}
    for c in categories:
        group = f"{CategoryKind(c.kind).label} · {c.major.code} {c.major.local_name}"
        groups.setdefault(group, []).append((c.code, f"{c.code} {c.local_name}"))
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
    photos = workflow_forms.MultipleFileField(label=_("现场照片"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, sources, categories, **kwargs):
        super().__init__(*args, **kwargs)
        # The reporter's choices of `models.INTAKE_ATTRIBUTES`, as radio buttons from their fields.
        for field in intake_attribute_fields():
            self.fields[field.name] = forms.ChoiceField(
                label=field.verbose_name,
                choices=field.choices,
                initial=field.default,
                required=False,
                widget=forms.RadioSelect,
            )
        self.fields["source"].choices = sources
        self.fields["category"].choices = category_choices(categories)
        if not self.is_bound:
            # A new key for every rendering: a double submit of this form reports one case only.
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
            if sources:
                self.initial.setdefault("source", sources[0][0])

    @property
    def attribute_fields(self) -> list[forms.BoundField]:
        """The intake attributes, for the page to render one after another."""
        return [self[name] for name in INTAKE_ATTRIBUTES]


# Where the 常用语 of an action's text field come from (purpose of `ReplyTemplate`).
TEMPLATE_PURPOSE = {
    Action.NOT_FILE: ("reason", "not_file"),
    Action.RETURN: ("reason", "return"),
    Action.HANDLE: ("result", "handling"),
    Action.REWORK: ("reason", "verify"),
}
SCORE_CHOICES = range(5, 0, -1)
RADIO_FIELDS = frozenset({"disposition", "score", "finding"})
# Filing on the page files the category as reported (a corrected code is the API's optional field).
API_ONLY_FIELDS = frozenset({"category"})


def unit_choices(units) -> list[tuple[int | str, str]]:
    return [("", gettext("请选择处置单位")), *[(u.pk, u.name) for u in units]]


def action_form(
    action: str, *, data=None, files=None, units=(), late: bool = False, initial=None
) -> forms.Form:
    """The form of one action of the case machine (fields and required ones from its row). The
    delay reason is shown, and required, only when the stage is late; units to dispatch to and
    the scores are choices; the 721 disposition and the score are radio buttons."""
    choices = {"score": [(n, gettext("%(n)d 分") % {"n": n}) for n in SCORE_CHOICES]}
    if units:
        choices["unit"] = unit_choices(units)
    form = workflow_forms.action_form(
        CASE_MACHINE, action, data=data, files=files, initial=initial, choices=choices, prefix=action
    )
    for name in API_ONLY_FIELDS & set(form.fields):
        del form.fields[name]
    for name in RADIO_FIELDS & set(form.fields):
        field = form.fields[name]
        field.choices = [c for c in field.choices if c[0] != ""]
        field.widget = forms.RadioSelect(choices=field.choices)
    if "delay_reason" in form.fields:
        if late:
            form.fields["delay_reason"].required = True
        else:
            del form.fields["delay_reason"]
    return form


class SuperviseForm(forms.Form):
    level = forms.ChoiceField(label=_("督办级别"), choices=SupervisionLevel.choices)
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


class EvidenceForm(forms.Form):
    """A photo, video or recording added to an open case later (补充材料)."""

    file = forms.FileField(
        label=_("文件"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,video/*,audio/*"}),
        help_text=_("照片 JPEG/PNG/WebP，视频 MP4/MOV/WebM，音频 MP3/M4A/WAV/AMR。"),
    )
    stage = forms.ChoiceField(
        label=_("材料类别"),
        choices=[(s.value, s.label) for s in LATE_EVIDENCE_STAGES],
        initial=EvidenceStage.OTHER,
    )

    def __init__(self, *args, stages=None, **kwargs):
        """`stages`: the stages the viewer may add to (`permissions.evidence_stages`), the only ones the
        page offers (issue #11: never a stage the service would refuse)."""
        super().__init__(*args, **kwargs)
        if stages is not None:
            field = self.fields["stage"]
            field.choices = [(s.value, s.label) for s in LATE_EVIDENCE_STAGES if s in stages]
            if EvidenceStage.OTHER not in stages and stages:
                field.initial = stages[0]


class SpamForm(forms.Form):
    reason = forms.CharField(
        label=_("判定理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=200,
        help_text=_("如：内容与城市管理无关、重复恶意举报、虚假信息。"),
    )


class UnspamForm(forms.Form):
    reason = forms.CharField(label=_("撤销理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=200)
