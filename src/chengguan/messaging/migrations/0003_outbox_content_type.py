"""Data: the outbox's content type follows the model from `channels`."""

from django.db import migrations

from chengguan.core.model_moves import content_types_follow


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0002_outbox_table"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [content_types_follow(["outboundmessage"], old_app="channels", new_app="messaging")]
