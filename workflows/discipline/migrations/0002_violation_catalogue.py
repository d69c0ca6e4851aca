from django.db import migrations

from workflows.discipline.catalogue import sync_violation_rules


def load_catalogue(apps, schema_editor):
    sync_violation_rules(apps.get_model("discipline", "ViolationRule"))


class Migration(migrations.Migration):
    dependencies = [("discipline", "0001_initial")]
    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
