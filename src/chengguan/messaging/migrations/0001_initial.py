"""The SMS outbox moves here from `channels` with its rows: this migration only tells Django the model
is now ours (the table is the one `channels.0001_initial` created); 0002 renames the table."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0003_case_spam_feedback_due"),
        ("channels", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="OutboundMessage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "key",
                            models.CharField(
                                help_text="同一事件只发一次，例如 case:12:file", max_length=80, unique=True
                            ),
                        ),
                        ("phone", models.CharField(max_length=20)),
                        ("body", models.CharField(max_length=300)),
                        (
                            "status",
                            models.CharField(
                                choices=[("queued", "待发送"), ("sending", "发送中"), ("sent", "已发送")],
                                default="queued",
                                max_length=8,
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("last_error", models.CharField(blank=True, max_length=300)),
                        ("created_at", models.DateTimeField()),
                        ("claimed_at", models.DateTimeField(blank=True, null=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "case",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="cases.case",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "短信",
                        "verbose_name_plural": "短信发件箱",
                        "ordering": ["id"],
                        "db_table": "channels_outboundmessage",
                        "indexes": [models.Index(fields=["status", "id"], name="channels_ou_status_31a9f7_idx")],
                    },
                ),
            ],
        ),
    ]
