"""Drafts of definitions edited in the modeler page (workflows/runtime/draft_models.py)."""

import django.db.models.deletion
import workflows.runtime.json
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0005_assignment_lookup_indexes'),
        ('runtime', '0015_task_comments'),
    ]

    operations = [
        migrations.CreateModel(
            name='DefinitionDraft',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=100, unique=True)),
                ('sources', models.JSONField(encoder=workflows.runtime.json.Utf8JSONEncoder, help_text='{filename: BPMN/DMN text}')),
                ('saved_at', models.DateTimeField()),
                ('checksum', models.CharField(max_length=64)),
                ('based_on', models.ForeignKey(blank=True, help_text='the version the editing started from', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='drafts', to='runtime.processdefinition')),
                ('saved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='org.official')),
            ],
            options={
                'verbose_name': '流程定义草稿',
                'verbose_name_plural': '流程定义草稿',
            },
        ),
    ]
