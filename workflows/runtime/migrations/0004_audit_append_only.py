"""The audit log refuses UPDATE and DELETE in the database (triggers; see workflows/runtime/append_only.py)."""

from django.db import migrations

from workflows.runtime.append_only import install_triggers, uninstall_triggers


def forwards(apps, schema_editor):
    install_triggers(schema_editor.connection)


def backwards(apps, schema_editor):
    uninstall_triggers(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("runtime", "0003_assignment_rules"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
