"""Why a task's assignee holds it (rule, claim, transfer, delegation, returned) and the delegation's people and words.

On SQLite adding a NOT NULL column rebuilds runtime_humantask, which the candidate rows' triggers read: they are
lifted first and installed again last (workflows/runtime/candidate_copy.py).
"""

import django.db.models.deletion
from django.db import migrations, models

from workflows.runtime import candidate_copy


def install_triggers(apps, schema_editor):
    candidate_copy.install_triggers(schema_editor.connection)


def uninstall_triggers(apps, schema_editor):
    candidate_copy.uninstall_triggers(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0005_assignment_lookup_indexes'),
        ('runtime', '0008_start_schedule'),
    ]

    operations = [
        migrations.RunPython(uninstall_triggers, install_triggers),
        migrations.AddField(
            model_name='humantask',
            name='held_by',
            field=models.CharField(choices=[('rule', '按规则分派'), ('claim', '认领'), ('transfer', '转办'), ('delegation', '委派'), ('returned', '委派交回')], default='rule', max_length=12),
        ),
        migrations.AddField(
            model_name='humantask',
            name='delegator',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.official'),
        ),
        migrations.AddField(
            model_name='humantask',
            name='delegation_note',
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name='humantask',
            name='delegate_opinion',
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(install_triggers, uninstall_triggers),
    ]
