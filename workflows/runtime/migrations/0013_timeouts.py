"""Timeout rules per step (超时规则) copied onto the task row, and the deadline watch's markers and indexes.

On SQLite adding a column with choices/defaults rebuilds runtime_humantask, which the candidate rows' triggers
read: they are lifted first and installed again last (workflows/runtime/candidate_copy.py), as in 0009.
"""

from django.db import migrations, models

from workflows.runtime import candidate_copy


def install_triggers(apps, schema_editor):
    candidate_copy.install_triggers(schema_editor.connection)


def uninstall_triggers(apps, schema_editor):
    candidate_copy.uninstall_triggers(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0005_assignment_lookup_indexes'),
        ('runtime', '0012_signers'),
    ]

    operations = [
        migrations.RunPython(uninstall_triggers, install_triggers),
        migrations.AddField(
            model_name='humantask',
            name='deadline_notices',
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name='humantask',
            name='due_soon_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='humantask',
            name='due_soon_notified_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='humantask',
            name='escalate_role',
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name='humantask',
            name='escalate_scope',
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name='humantask',
            name='overdue_notified_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='humantask',
            name='timeout_action',
            field=models.CharField(blank=True, choices=[('remind', '超时提醒'), ('approve', '超时自动同意'), ('reject', '超时自动不同意'), ('escalate', '超时升级')], max_length=10),
        ),
        migrations.AddField(
            model_name='humantask',
            name='timeout_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='humantask',
            name='timeout_done_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='humantask',
            name='timeout_working_days',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='humantask',
            name='held_by',
            field=models.CharField(choices=[('rule', '按规则分派'), ('claim', '认领'), ('transfer', '转办'), ('delegation', '委派'), ('returned', '委派交回'), ('added', '加签'), ('timeout', '超时升级')], default='rule', max_length=12),
        ),
        migrations.AddIndex(
            model_name='humantask',
            index=models.Index(condition=models.Q(('state', 'open'), ('timeout_at__isnull', False), ('timeout_done_at__isnull', True)), fields=['timeout_at', 'id'], name='task_open_timeout'),
        ),
        migrations.AddIndex(
            model_name='humantask',
            index=models.Index(condition=models.Q(('due_soon_at__isnull', False), ('due_soon_notified_at__isnull', True), ('state', 'open')), fields=['due_soon_at', 'id'], name='task_open_due_soon'),
        ),
        migrations.AddIndex(
            model_name='humantask',
            index=models.Index(condition=models.Q(('deadline_notices', True), ('due_at__isnull', False), ('overdue_notified_at__isnull', True), ('state', 'open')), fields=['due_at', 'id'], name='task_open_overdue'),
        ),
        migrations.RunPython(install_triggers, uninstall_triggers),
    ]
