"""加签: a task row held by an added signer (`held_by` "added"), the row it came from (`parent`), and the approval
mode of a multi-approver step (会签 / 或签 / 依次) on each of its rows.

On SQLite altering runtime_humantask rebuilds it, which the candidate rows' triggers read: they are lifted first
and installed again last (workflows/runtime/candidate_copy.py), as in 0009.
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
        ('runtime', '0011_case_copies'),
    ]

    operations = [
        migrations.RunPython(uninstall_triggers, install_triggers),
        migrations.AddField(
            model_name='humantask',
            name='approval_mode',
            field=models.CharField(blank=True, default='', max_length=12),
        ),
        migrations.AddField(
            model_name='humantask',
            name='parent',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='runtime.humantask'),
        ),
        migrations.AlterField(
            model_name='humantask',
            name='held_by',
            field=models.CharField(choices=[('rule', '按规则分派'), ('claim', '认领'), ('transfer', '转办'), ('delegation', '委派'), ('returned', '委派交回'), ('added', '加签')], default='rule', max_length=12),
        ),
        migrations.RunPython(install_triggers, uninstall_triggers),
    ]
