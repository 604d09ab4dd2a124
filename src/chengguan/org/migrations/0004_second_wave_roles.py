"""Data migration: the roles of the second wave (督察, 政工人事, 协作部门联络员, 市级领导) and the
system role that imports, scheduled jobs and the demo act under (org.system)."""

from django.db import migrations

ROLES = [
    ("force_inspector", "督察"),
    ("personnel", "政工人事"),
    ("partner_contact", "协作部门联络员"),
    ("city_leader", "市级领导"),
    ("system", "系统"),
]


def create_roles(apps, schema_editor):
    Role = apps.get_model("org", "Role")
    for code, name in ROLES:
        Role.objects.update_or_create(code=code, defaults={"name": name})


def remove_roles(apps, schema_editor):
    Role = apps.get_model("org", "Role")
    Role.objects.filter(code__in=[code for code, _ in ROLES], staff__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("org", "0003_alter_role_code")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
