"""The SMS outbox now belongs to `messaging` (its 0001 takes the model over with its table and rows);
here `channels` only forgets it. Nothing in the database changes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("channels", "0001_initial"),
        ("messaging", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="OutboundMessage")],
        ),
    ]
