"""Data: the content types of feedback and callbacks follow the models to `feedback`, so permissions
granted on them and admin log entries stay attached (a fresh database has none yet)."""

from django.db import migrations

MODELS = ("feedback", "callback")


def _move(apps, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not content_type.objects.filter(app_label=new, model=model).exists():
            content_type.objects.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    _move(apps, "portal", "feedback")


def backwards(apps, schema_editor):
    _move(apps, "feedback", "portal")


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0002_tables'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
