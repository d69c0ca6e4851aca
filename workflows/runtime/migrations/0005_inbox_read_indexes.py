"""Indexes that match the inbox, list and monitoring queries (issue 7: an inbox fast at any size).

Partial indexes on open tasks per assignee and unclaimed, completed tasks per completer, the instances list's
order; the candidate look-up (official → task) on the many-to-many table Django creates, which the model cannot
declare; and on PostgreSQL trigram indexes for the inbox text search, which matches `icontains`
(`UPPER(col::text) LIKE UPPER('%…%')`) only when built on that very expression. SQLite has no trigram indexes:
there the search scans the rows the tab's own index found, as before.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

CANDIDATE_INDEX = "runtime_candidate_official_task"
TRIGRAM_INDEXES = {"task_title_trgm": "title", "task_case_number_trgm": "case_number"}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX {name} ON runtime_humantask USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("runtime", "0004_audit_append_only"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="processinstance",
            index=models.Index(fields=["-started_at", "-id"], name="instance_started"),
        ),
        migrations.AddIndex(
            model_name="humantask",
            index=models.Index(condition=models.Q(("state", "open")), fields=["assignee", "due_at", "id"],
                               name="task_open_assignee_due"),
        ),
        migrations.AddIndex(
            model_name="humantask",
            index=models.Index(condition=models.Q(("assignee__isnull", True), ("state", "open")),
                               fields=["due_at", "id"], name="task_open_unclaimed_due"),
        ),
        migrations.AddIndex(
            model_name="humantask",
            index=models.Index(condition=models.Q(("state", "completed")), fields=["completed_by", "-completed_at", "-id"],
                               name="task_done_by"),
        ),
        migrations.RunSQL(
            f"CREATE INDEX {CANDIDATE_INDEX} ON runtime_humantask_candidates (official_id, humantask_id)",
            f"DROP INDEX {CANDIDATE_INDEX}",
        ),
        TrigramExtension(),  # a no-op on every database but PostgreSQL
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
