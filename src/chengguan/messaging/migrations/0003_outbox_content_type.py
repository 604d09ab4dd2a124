"""Data: the outbox's content type follows the model to `messaging`, so permissions granted on it
and admin log entries stay attached (a fresh database has none yet and nothing happens)."""

from django.db import migrations


def _move(apps, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    if content_type.objects.filter(app_label=new, model="outboundmessage").exists():
        return
    content_type.objects.filter(app_label=old, model="outboundmessage").update(app_label=new)


def forwards(apps, schema_editor):
    _move(apps, "channels", "messaging")


def backwards(apps, schema_editor):
    _move(apps, "messaging", "channels")


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0002_outbox_table"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
