"""Data: the content types of feedback and callbacks follow the models from `portal`."""

from django.db import migrations

from chengguan.core.model_moves import content_types_follow


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0002_tables'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [content_types_follow(["feedback", "callback"], old_app="portal", new_app="feedback")]
