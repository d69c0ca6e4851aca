"""Claimable tasks and the process filter answered by one index range each (issue 7).

The candidates' many-to-many table becomes the explicit model TaskCandidate (the same table, so state only) and
gains a copy of its task's open-and-unclaimed flag and due time, kept true by triggers
(workflows/runtime/candidate_copy.py), with a partial index on the open unclaimed rows. Task rows gain the
definition's key (`process_key`), filled here for existing rows, so the process filter and the monitoring counts
no longer join instance and definition. The triggers are installed last: on SQLite the column additions above
rebuild the tables, which would drop any trigger made before them.
"""

from django.db import migrations, models
from django.db.models import Q

import django.db.models.deletion
from workflows.runtime import candidate_copy

OLD_CANDIDATE_INDEX = "runtime_candidate_official_task"
FILL_PROCESS_KEY = """
    UPDATE runtime_humantask SET process_key = (
        SELECT d.key FROM runtime_processinstance i JOIN runtime_processdefinition d ON d.id = i.definition_id
        WHERE i.id = runtime_humantask.instance_id)
"""


def backfill(apps, schema_editor):
    candidate_copy.backfill(schema_editor.connection)


def install_triggers(apps, schema_editor):
    candidate_copy.install_triggers(schema_editor.connection)


def uninstall_triggers(apps, schema_editor):
    candidate_copy.uninstall_triggers(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("runtime", "0005_inbox_read_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TaskCandidate",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("humantask", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                        related_name="candidate_rows", to="runtime.humantask")),
                        ("official", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                       related_name="+", to="org.official")),
                    ],
                    options={"db_table": "runtime_humantask_candidates",
                             "unique_together": {("humantask", "official")},
                             "indexes": [models.Index(fields=["official", "humantask"],
                                                      name="candidate_official_task")]},
                ),
                migrations.AlterField(
                    model_name="humantask",
                    name="candidates",
                    field=models.ManyToManyField(blank=True, related_name="candidate_tasks",
                                                 through="runtime.TaskCandidate", to="org.official"),
                ),
            ],
            # 0005's candidate look-up becomes the model's index (so SQLite's table rebuilds keep it), under a
            # name Django accepts (at most 30 characters).
            database_operations=[
                migrations.RunSQL(
                    [f"DROP INDEX {OLD_CANDIDATE_INDEX}",
                     "CREATE INDEX candidate_official_task ON runtime_humantask_candidates (official_id, humantask_id)"],
                    ["DROP INDEX candidate_official_task",
                     f"CREATE INDEX {OLD_CANDIDATE_INDEX} ON runtime_humantask_candidates (official_id, humantask_id)"],
                ),
            ],
        ),
        migrations.AddField(
            model_name="taskcandidate",
            name="open_unclaimed",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="taskcandidate",
            name="due_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="taskcandidate",
            index=models.Index(condition=Q(("open_unclaimed", True)), fields=["official", "due_at", "humantask"],
                               name="candidate_open_due"),
        ),
        migrations.AddField(
            model_name="humantask",
            name="process_key",
            field=models.CharField(default="", max_length=100),
        ),
        migrations.RunSQL(FILL_PROCESS_KEY, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="humantask",
            index=models.Index(condition=Q(("state", "open")), fields=["assignee", "process_key", "due_at", "id"],
                               name="task_open_assignee_process"),
        ),
        migrations.AddIndex(
            model_name="humantask",
            index=models.Index(condition=Q(("state", "completed")),
                               fields=["completed_by", "process_key", "-completed_at", "-id"],
                               name="task_done_by_process"),
        ),
        migrations.RunPython(install_triggers, uninstall_triggers),
    ]
