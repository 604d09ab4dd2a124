"""The certificate number leaves the staff profile: the people app's registry holds it (its data
migration 0002 copied the numbers first)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0007_city_above_bureaus"),
        ("people", "0002_cert_no_to_registry"),
    ]

    operations = [
        migrations.RemoveField(model_name="staffprofile", name="cert_no"),
    ]
