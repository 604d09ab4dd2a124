"""Triggers that refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on the audit tables
(`chengguan.core.append_only`)."""

from django.db import migrations

from chengguan.core import append_only


def install(apps, schema_editor):
    for statement in append_only.install_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, None)


def uninstall(apps, schema_editor):
    for statement in append_only.uninstall_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, None)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_job")]

    operations = [migrations.RunPython(install, uninstall)]
