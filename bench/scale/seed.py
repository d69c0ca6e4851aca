"""Bulk seeding for the scale benchmark: COPY on PostgreSQL, chunked bulk_create elsewhere, with a progress line.

Rows are written straight into the tables (no services, no audit): they stand for the centre's past, and the
benchmark only reads them or works beside them. Every row is gone with the throwaway database afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from itertools import islice

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, models

from bench.scale.report import Progress
from workflows.org.models import ABPair, Department, Official, Role, Window
from workflows.runtime import candidate_copy
from workflows.runtime.models import HumanTask, ProcessDefinition, ProcessInstance, TaskCandidate

CHUNK = 5000
OFFICIALS_PER_WINDOW = 8
WINDOWS_PER_DEPARTMENT = 5


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def bulk_insert(model: type[models.Model], columns: list[str], rows: Iterable[tuple], total: int, label: str) -> None:
    """Insert `rows` (values in `columns` order, by attname); every other column takes its model default.

    PostgreSQL gets one COPY, which is what makes a million task rows take seconds rather than minutes.
    """
    given = set(columns)
    rest = [f for f in model._meta.concrete_fields if f.attname not in given and not f.primary_key]
    constants = tuple(f.get_default() for f in rest)
    names = columns + [f.attname for f in rest]
    json_at = [i for i, name in enumerate(names) if isinstance(model._meta.get_field(name), models.JSONField)]
    progress = Progress(label, total)
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for chunk in _chunks(rows, CHUNK):
                for row in chunk:
                    full = list(row + constants)
                    for i in json_at:
                        full[i] = json.dumps(full[i], ensure_ascii=False)
                    copy.write_row(full)
                progress.advance(len(chunk))
    else:
        for chunk in _chunks(rows, CHUNK):
            model.objects.bulk_create([model(**dict(zip(names, row + constants, strict=True))) for row in chunk])
            progress.advance(len(chunk))
    progress.close()


def next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1


def reset_sequences(*model_list: type[models.Model]) -> None:
    """Rows inserted with explicit ids leave PostgreSQL's identity sequences behind; move them past the rows."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(model_list)):
            cursor.execute(sql)


def grow_centre(officials: int, past_pairs: int) -> list[int]:
    """Add departments, windows and officials until the centre has `officials`, plus `past_pairs` finished
    temporary A/B pairs (leaves of earlier years). Returns the ids of the officials added."""
    User = get_user_model()
    missing = max(officials - Official.objects.count(), 0)
    windows_needed = -(-missing // OFFICIALS_PER_WINDOW)
    departments = Department.objects.bulk_create(
        Department(name=f"基准部门{i:03d}") for i in range(-(-windows_needed // WINDOWS_PER_DEPARTMENT)))
    windows = Window.objects.bulk_create(
        Window(department=departments[i // WINDOWS_PER_DEPARTMENT], name=f"基准窗口{i:04d}", number=str(100 + i))
        for i in range(windows_needed))
    first_user = next_id(User)
    bulk_insert(User, ["id", "username", "password", "first_name"],
                ((first_user + i, f"bench{i:05d}", "!", f"基准{i:05d}") for i in range(missing)), missing, "users")
    first_official = next_id(Official)
    bulk_insert(Official, ["id", "user_id", "name", "department_id", "window_id"],
                ((first_official + i, first_user + i, f"基准{i:05d}", windows[i // OFFICIALS_PER_WINDOW].department_id,
                  windows[i // OFFICIALS_PER_WINDOW].pk) for i in range(missing)), missing, "officials")
    reset_sequences(User, Official)
    added = list(range(first_official, first_official + missing))
    roles = dict(Role.objects.values_list("code", "pk"))

    def role_rows() -> Iterator[tuple]:
        for i, official_id in enumerate(added):
            yield official_id, roles["window_staff"]
            if i % OFFICIALS_PER_WINDOW == 0:
                yield official_id, roles["window_head"]
            if i % (OFFICIALS_PER_WINDOW * WINDOWS_PER_DEPARTMENT) == 1:
                yield official_id, roles["dept_deputy_leader"]

    role_count = sum(1 for _ in role_rows())
    bulk_insert(Official.roles.through, ["official_id", "role_id"], role_rows(), role_count, "official roles")
    pool = added or list(Official.objects.values_list("pk", flat=True))
    bulk_insert(ABPair, ["a_id", "b_id", "kind", "valid_from", "valid_to", "note"],
                ((pool[i % len(pool)], pool[(i + 1) % len(pool)], ABPair.TEMPORARY,
                  date(2021, 1, 4) + timedelta(days=i % 1500), date(2021, 1, 6) + timedelta(days=i % 1500),
                  f"请假 基准{i:05d}") for i in range(past_pairs)), past_pairs, "past A/B pairs")
    return added


def fill_inbox(definition: ProcessDefinition, viewer_id: int, pool: list[int], open_tasks: int, closed_tasks: int,
               at: datetime) -> None:
    """Open tasks (one running instance each) and closed ones (four per finished instance), two candidates each.

    The viewer is the assignee of 1% of the open tasks, a candidate of another 1% and the completer of 1% of the
    closed ones: an ordinary official's inbox in a large centre.
    """
    finished = -(-closed_tasks // 4)
    first_instance, first_task = next_id(ProcessInstance), next_id(HumanTask)
    instance_columns = ["id", "definition_id", "business_key", "status", "state", "started_at", "ended_at"]
    bulk_insert(ProcessInstance, instance_columns, (
        (first_instance + i, definition.pk, f"BQ-{i:07d}",
         ProcessInstance.RUNNING if i < open_tasks else ProcessInstance.COMPLETED, {},
         at - timedelta(minutes=i), None if i < open_tasks else at - timedelta(minutes=i - 30))
        for i in range(open_tasks + finished)), open_tasks + finished, "instances")

    def task_rows() -> Iterator[tuple]:
        for i in range(open_tasks + closed_tasks):
            is_open = i < open_tasks
            instance_id = first_instance + (i if is_open else open_tasks + (i - open_tasks) // 4)
            assignee = (viewer_id if i % 100 == 0 else pool[i % len(pool)] if i % 2 else None) if is_open else None
            done_by = None if is_open else (viewer_id if i % 100 == 0 else pool[i % len(pool)])
            yield (first_task + i, instance_id, f"{i:036d}", "approve_leave", "审批请假", "approval", "window_head",
                   "applicant.window", assignee, at + timedelta(hours=i % 240 - 48),
                   HumanTask.OPEN if is_open else HumanTask.COMPLETED, "" if is_open else "approve", done_by,
                   None if is_open else at - timedelta(minutes=i), at - timedelta(minutes=i), f"BQ-{i:07d}",
                   definition.key)

    task_columns = ["id", "instance_id", "engine_task_id", "spec_name", "title", "form", "role", "scope",
                    "assignee_id", "due_at", "state", "outcome", "completed_by_id", "completed_at", "created_at",
                    "case_number", "process_key"]
    total = open_tasks + closed_tasks
    bulk_insert(HumanTask, task_columns, task_rows(), total, "tasks")

    def candidate_rows() -> Iterator[tuple]:
        for i in range(total):
            first = viewer_id if i % 100 == 50 else pool[(i + 7) % len(pool)]
            yield first_task + i, first
            yield first_task + i, pool[(i + 8) % len(pool)]

    # Each candidate row copies its task's open-and-unclaimed flag and due time (workflows/runtime/candidate_copy.py).
    # The trigger that copies them row by row would make the load minutes at the full size: it is off during
    # the COPY, and one joined UPDATE sets the copies afterwards.
    candidate_copy.uninstall_triggers(connection)
    try:
        bulk_insert(TaskCandidate, ["humantask_id", "official_id"], candidate_rows(), 2 * total, "task candidates")
        candidate_copy.backfill(connection)
    finally:
        candidate_copy.install_triggers(connection)
    reset_sequences(ProcessInstance, HumanTask)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
