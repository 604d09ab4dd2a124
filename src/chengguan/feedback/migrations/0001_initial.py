"""Feedback and callback records move here from `portal` with their rows: this migration only tells
Django the models are now ours (the tables are the ones `portal` created); 0002 renames the tables."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0003_case_spam_feedback_due'),
        ('portal', '0002_public_reports'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Feedback',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('method', models.CharField(choices=[('sms', '短信'), ('phone', '电话'), ('portal', '网站/小程序'), ('in_person', '当面')], max_length=10)),
                        ('content', models.TextField()),
                        ('at', models.DateTimeField(db_index=True)),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='feedback_records', to='cases.case')),
                        ('officer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': '反馈记录',
                        'verbose_name_plural': '反馈记录',
                        'ordering': ['at', 'id'],
                        'db_table': 'portal_feedback',
                    },
                ),
                migrations.CreateModel(
                    name='Callback',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('rating', models.CharField(choices=[('satisfied', '满意'), ('basically', '基本满意'), ('dissatisfied', '不满意')], max_length=12)),
                        ('method', models.CharField(choices=[('sms', '短信'), ('phone', '电话'), ('portal', '网站/小程序'), ('in_person', '当面')], default='phone', max_length=10)),
                        ('comment', models.CharField(blank=True, max_length=500)),
                        ('at', models.DateTimeField(db_index=True)),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='callbacks', to='cases.case')),
                        ('officer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': '回访记录',
                        'verbose_name_plural': '回访记录',
                        'ordering': ['at', 'id'],
                        'db_table': 'portal_callback',
                        'constraints': [models.UniqueConstraint(condition=models.Q(('method', 'portal')), fields=('case',), name='one_portal_rating_per_case')],
                    },
                ),
            ],
        ),
    ]
