"""Data: the partners filed under the old joint type 自然资源和规划 whose name says 国土 or 自然资源
become `natural_resources`; a partner named only for planning (规划) stays `planning`. Reversible:
going back files both under the one old type again."""

from django.db import migrations

LAND_WORDS = ("国土", "自然资源")


def split(apps, schema_editor):
    Organisation = apps.get_model("org", "Organisation")
    for org in Organisation.objects.filter(partner_type="planning"):
        if any(word in org.name for word in LAND_WORDS):
            org.partner_type = "natural_resources"
            org.save(update_fields=["partner_type"])


def join(apps, schema_editor):
    Organisation = apps.get_model("org", "Organisation")
    Organisation.objects.filter(partner_type="natural_resources").update(partner_type="planning")


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0009_partner_type_natural_resources"),
    ]

    operations = [migrations.RunPython(split, join)]
