from django.db import migrations

from workflows.org.roles import ROLE_LABELS


def create_roles(apps, schema_editor):
    Role = apps.get_model("org", "Role")
    for code, name in ROLE_LABELS.items():
        if code != "applicant":
            Role.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
