"""Move the evidence recorded before the register (audit events `penalty.evidence_add`, files already in
storage) into `PenaltyEvidence`, and fill the evaluator's name of earlier evaluations.

What the audit events did not record is left as such: the collection method is “未记录”, the place
blank, the kind follows the file (a photo, video or recording is 视听资料, anything else 电子数据) and the
time is when the file was uploaded. The audit events themselves stay as they are (append-only).
"""

from django.conf import settings
from django.db import migrations

AUDIOVISUAL_FILES = {"photo", "image", "video", "audio"}


def forwards(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    PenaltyCase = apps.get_model("enforcement", "PenaltyCase")
    PenaltyEvidence = apps.get_model("enforcement", "PenaltyEvidence")
    CaseFileEvaluation = apps.get_model("enforcement", "CaseFileEvaluation")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    StaffProfile = apps.get_model("org", "StaffProfile")
    events = AuditEvent.objects.filter(
        action="penalty.evidence_add", object_type="enforcement.penaltycase"
    ).order_by("id")
    numbers: dict[int, int] = {}
    for event in events.iterator():
        item = event.after or {}
        case = PenaltyCase.objects.filter(pk=event.object_id).first()
        if case is None or not item.get("path"):
            continue
        numbers[case.pk] = numbers.get(case.pk, 0) + 1
        entry = PenaltyEvidence.objects.create(
            case=case,
            no=numbers[case.pk],
            title=(item.get("description") or item.get("original_name") or "证据")[:200],
            kind="audiovisual" if item.get("kind") in AUDIOVISUAL_FILES else "electronic",
            method="",
            place="",
            collected_at=event.created_at,
            file=item["path"],
            sha256=item.get("sha256", ""),
            size=item.get("size") or 0,
            content_type=item.get("content_type", ""),
            original_name=(item.get("original_name") or "")[:200],
            recorded_by_id=event.actor_id,
            recorded_at=event.created_at,
        )
        entry.officers.set(User.objects.filter(username__in=item.get("officers") or []))
    for evaluation in CaseFileEvaluation.objects.filter(evaluator__isnull=False, evaluator_name=""):
        profile = StaffProfile.objects.filter(user_id=evaluation.evaluator_id).first()
        user = User.objects.get(pk=evaluation.evaluator_id)
        evaluation.evaluator_name = (profile.full_name if profile else user.username)[:50]
        evaluation.save(update_fields=["evaluator_name"])


def backwards(apps, schema_editor):
    # The audit events still hold every migrated entry; the register rows can go.
    apps.get_model("enforcement", "PenaltyEvidence").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("enforcement", "0004_evidence_register_and_evaluation_steps"),
        ("core", "0001_initial"),
        ("org", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
