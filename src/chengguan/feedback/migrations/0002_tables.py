"""The tables take this app's name (portal_feedback → feedback_feedback, portal_callback →
feedback_callback). A rename keeps every row, index and constraint, and the reviews' foreign key
follows it; reversing it renames the tables back."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0001_initial'),
        ('portal', '0003_feedback_moves_out'),
    ]

    operations = [
        migrations.AlterModelTable(name='feedback', table=None),
        migrations.AlterModelTable(name='callback', table=None),
    ]
