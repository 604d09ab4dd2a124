"""The outbox table takes this app's name (channels_outboundmessage → messaging_outboundmessage).
A rename keeps every row, index and constraint; reversing it renames the table back."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0001_initial"),
        ("channels", "0002_outbox_moves_to_messaging"),
    ]

    operations = [
        migrations.AlterModelTable(name="outboundmessage", table=None),
    ]
