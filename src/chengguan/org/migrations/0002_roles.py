"""Data migration: the twelve fixed roles of ARCHITECTURE.md (kept apart from schema migrations).

The list is frozen here rather than imported from `org.roles`, so this migration means the same
thing whenever it runs; a later role needs a later migration.
"""

from django.db import migrations

ROLES = [
    ("inspector", "监督员"),
    ("operator", "受理员"),
    ("shift_leader", "值班长"),
    ("dispatcher", "派遣员"),
    ("handler", "处置人员"),
    ("squad_leader", "中队长"),
    ("legal_reviewer", "法制员"),
    ("leader", "领导"),
    ("admin", "管理员"),
    ("deputy", "人大代表"),
    ("citizen", "市民"),
    ("merchant", "商户"),
]


def create_roles(apps, schema_editor):
    Role = apps.get_model("org", "Role")
    for code, name in ROLES:
        Role.objects.update_or_create(code=code, defaults={"name": name})


def remove_roles(apps, schema_editor):
    # Roles still held by someone stay, so reversing never strips a person of a role silently.
    Role = apps.get_model("org", "Role")
    Role.objects.filter(code__in=[code for code, _ in ROLES], staff__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
