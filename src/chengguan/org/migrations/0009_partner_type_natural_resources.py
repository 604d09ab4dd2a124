from django.db import migrations, models


class Migration(migrations.Migration):
    """国土 (natural resources) and 规划 (planning) become two partner types."""

    dependencies = [
        ("org", "0008_remove_staffprofile_cert_no"),
    ]

    operations = [
        migrations.AlterField(
            model_name="organisation",
            name="partner_type",
            field=models.CharField(
                blank=True,
                choices=[
                    ("police", "公安"),
                    ("traffic_police", "交警"),
                    ("court", "法院"),
                    ("market", "市场监管"),
                    ("ecology", "生态环境"),
                    ("natural_resources", "自然资源（国土）"),
                    ("planning", "规划"),
                    ("health", "卫生健康"),
                    ("housing", "住房和城乡建设"),
                    ("utility", "公用事业单位"),
                    ("other", "其他"),
                ],
                max_length=20,
            ),
        ),
    ]
