"""Feedback and callback records now belong to `feedback` (its 0001 takes them over with their tables
and rows); here `portal` only forgets them, and the reviews point at `feedback.Callback`. Nothing in
the database changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0002_public_reports'),
        ('feedback', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='callbackreview',
                    name='callback',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='review', to='feedback.callback'),
                ),
                migrations.DeleteModel(name='Callback'),
                migrations.DeleteModel(name='Feedback'),
            ],
        ),
    ]
