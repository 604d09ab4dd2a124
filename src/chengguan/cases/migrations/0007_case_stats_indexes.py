from django.db import migrations, models


class Migration(migrations.Migration):
    """Indexes the evaluation reads by: the filing and verification days of a period (the rollup of
    `stats` rebuilds a day from them), and the newest change (`updated_at`, its staleness check)."""

    dependencies = [
        ("cases", "0006_case_check_before_filing"),
    ]

    operations = [
        migrations.AddIndex(model_name="case", index=models.Index(fields=["filed_at"], name="cases_case_filed_at_idx")),
        migrations.AddIndex(
            model_name="case", index=models.Index(fields=["verified_at"], name="cases_case_verified_at_idx")
        ),
        migrations.AddIndex(
            model_name="case", index=models.Index(fields=["updated_at"], name="cases_case_updated_at_idx")
        ),
    ]
