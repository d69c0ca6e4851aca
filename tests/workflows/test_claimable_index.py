"""Claimable tasks and the process filter read copies the database keeps (issue 7), and the copies never lie.

A candidate row copies whether its task is open and unclaimed and when it is due (triggers of
workflows/runtime/candidate_copy.py); a task row copies its definition's key. After every way a task changes
hands or closes, the claimable tab must equal the plain rule read from the task rows themselves, and on
PostgreSQL each query must be answered by its own index.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from workflows.org.models import Absence, Official
from workflows.runtime import candidate_copy
from workflows.runtime.models import HumanTask, TaskCandidate
from workflows.runtime.selectors import claimable_tasks, done_tasks, filter_tasks, my_tasks, open_task_counts
from workflows.runtime.services.definitions import deploy_from_files
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.transitions import claim_task, complete_task
from workflows.runtime.task_sync import reassign_open_tasks

FIXTURES = Path(__file__).parent / "fixtures"
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans are PostgreSQL's")


@pytest.fixture
def start(db, centre, clock):
    """start(key, n): n cases of `key` (centre_review: every window head but the applicant is a candidate)."""
    for key in ("centre_review", "window_review"):
        deploy_from_files(key, [FIXTURES / f"{key}.bpmn"])

    def run(key: str = "centre_review", n: int = 1) -> list[HumanTask]:
        instances = [start_process(key, data={"note": "材料"}, business_key=f"{key}-{i}", applicant=centre["lisi"],
                                   started_by=centre["lisi"]) for i in range(n)]
        return list(HumanTask.objects.filter(instance__in=instances).order_by("id"))

    return run


def _ids(tasks: QuerySet[HumanTask]) -> list[int]:
    return [task.pk for task in tasks]


def _by_the_rule(official: Official) -> list[int]:
    """Claimable read from the task rows alone: what the copies must always agree with."""
    return _ids(HumanTask.objects.filter(state=HumanTask.OPEN, assignee__isnull=True, candidates=official)
                .order_by("due_at", "id"))


def _assert_copies_true() -> None:
    for row in TaskCandidate.objects.select_related("humantask"):
        task = row.humantask
        assert row.open_unclaimed == (task.state == HumanTask.OPEN and task.assignee_id is None), row.pk
        assert row.due_at == task.due_at, row.pk
    for official in Official.objects.all():
        assert _ids(claimable_tasks(official)) == _by_the_rule(official), official.name
        assert claimable_tasks(official).count() == len(_by_the_rule(official))


def test_claimable_follows_claim_unclaim_complete_cancel_and_a_new_due_time(start, centre):
    first, second, third = start(n=3)
    heads = list(first.candidates.all())
    assert len(heads) > 2 and centre["zhangsan"] in heads
    assert _ids(claimable_tasks(centre["zhangsan"])) == [first.pk, second.pk, third.pk]
    _assert_copies_true()

    claim_task(first.pk, centre["zhangsan"])
    assert first.pk not in _ids(claimable_tasks(centre["wangwu"]))
    assert _ids(my_tasks(centre["zhangsan"])) == [first.pk]
    _assert_copies_true()

    HumanTask.objects.filter(pk=first.pk).update(assignee=None)  # an unclaim: the task is back in the pool
    assert first.pk in _ids(claimable_tasks(centre["wangwu"]))
    _assert_copies_true()

    complete_task(second.pk, centre["wangwu"], {"decision": "approve"})
    assert second.pk not in _ids(claimable_tasks(centre["zhangsan"]))
    _assert_copies_true()

    # the statement task_sync issues when a step withdraws a task
    HumanTask.objects.filter(pk=third.pk).update(state=HumanTask.CANCELLED)
    assert _ids(claimable_tasks(centre["zhangsan"])) == [first.pk]
    _assert_copies_true()

    HumanTask.objects.filter(pk=first.pk).update(due_at=first.due_at + timedelta(days=3))  # a calendar change
    _assert_copies_true()


def test_claimable_lists_by_due_time_like_the_task_rows(start, centre):
    tasks = start(n=4)
    for days, task in zip((3, 1, None, 2), tasks, strict=True):
        HumanTask.objects.filter(pk=task.pk).update(due_at=None if days is None else task.due_at + timedelta(days=days))
    listed = _ids(claimable_tasks(centre["zhangsan"]))
    assert listed == _by_the_rule(centre["zhangsan"])  # a task without a due time sorts where the database puts NULL
    assert [pk for pk in listed if pk != tasks[2].pk] == [tasks[1].pk, tasks[3].pk, tasks[0].pk]
    _assert_copies_true()


def test_a_leave_moves_claimable_tasks_to_the_b_post(start, centre):
    [task] = start()
    zhaoliu, sunqi = centre["zhaoliu"], centre["sunqi"]  # a standing A/B pair of the demo centre
    assert _ids(claimable_tasks(zhaoliu)) == [task.pk] and _ids(claimable_tasks(sunqi)) == []
    Absence.objects.create(official=zhaoliu, first_day=date(2026, 11, 30), last_day=date(2026, 12, 4), reason="年假")
    assert reassign_open_tasks([zhaoliu.pk], "请假生效") == 1
    assert _ids(claimable_tasks(zhaoliu)) == [] and _ids(claimable_tasks(sunqi)) == [task.pk]
    _assert_copies_true()


def test_the_migration_backfill_restores_the_copy(start, centre):
    start(n=2)
    claim_task(HumanTask.objects.order_by("id").first().pk, centre["zhangsan"])
    with connection.cursor() as cursor:  # rows as they were before the columns existed
        cursor.execute(f"UPDATE {candidate_copy.CANDIDATES} SET open_unclaimed = FALSE, due_at = NULL")
    candidate_copy.backfill(connection)
    _assert_copies_true()


def test_the_process_filter_and_counts_read_the_task_rows_key(start, centre):
    [shared] = start("centre_review")
    [own] = start("window_review")  # zhangsan heads lisi's window: assigned to him at once
    zhangsan = centre["zhangsan"]
    assert (shared.process_key, own.process_key) == ("centre_review", "window_review")
    assert _ids(filter_tasks(claimable_tasks(zhangsan), process="centre_review")) == [shared.pk]
    assert _ids(filter_tasks(claimable_tasks(zhangsan), process="window_review")) == []
    assert _ids(filter_tasks(my_tasks(zhangsan), process="window_review")) == [own.pk]
    complete_task(own.pk, zhangsan, {"decision": "approve"})
    assert _ids(filter_tasks(done_tasks(zhangsan), process="window_review")) == [own.pk]
    assert _ids(filter_tasks(done_tasks(zhangsan), process="centre_review")) == []
    assert [(row["process_key"], row["open"]) for row in open_task_counts()] == [("centre_review", 1)]


def _plan(queryset: QuerySet) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def crowded(start, centre):
    """zhangsan in a busy centre, so the planner weighs real numbers: thousands of tasks he was offered, holds or
    completed in another process, none of them claimable, and thousands of his process's tasks another official
    holds; then a few of his own open cases."""
    zhangsan, n = centre["zhangsan"], 2000
    [sample] = start("window_review")
    fields = {"instance_id": sample.instance_id, "spec_name": "approve", "title": "审批", "form": "approval",
              "role": "window_head", "scope": "centre", "created_at": sample.created_at, "case_number": "X",
              "process_key": "other", "due_at": sample.due_at}
    history = HumanTask.objects.bulk_create(
        [HumanTask(engine_task_id=f"held-{i}", assignee=zhangsan, **fields) for i in range(n)]
        + [HumanTask(engine_task_id=f"done-{i}", state=HumanTask.COMPLETED, completed_by=zhangsan,
                     completed_at=sample.created_at, **fields) for i in range(n)])
    HumanTask.objects.bulk_create(HumanTask(engine_task_id=f"other-{i}", assignee=centre["wangwu"],
                                            **{**fields, "process_key": "window_review"}) for i in range(n))
    TaskCandidate.objects.bulk_create(TaskCandidate(humantask=task, official=zhangsan) for task in history)
    start(n=3)
    complete_task(start("window_review")[0].pk, zhangsan, {"decision": "approve"})
    return zhangsan


@on_postgresql
def test_claimable_page_and_count_read_one_range_of_the_open_candidate_index(crowded):
    assert "candidate_open_due" in _plan(claimable_tasks(crowded)[:20])
    assert "candidate_open_due" in _plan(claimable_tasks(crowded).order_by().values("pk")[:100])
    assert "candidate_open_due" in _plan(filter_tasks(claimable_tasks(crowded), process="centre_review")[:20])


@on_postgresql
def test_the_process_filter_uses_the_process_key_indexes_and_the_counts_join_nothing(crowded):
    assert "task_open_assignee_process" in _plan(filter_tasks(my_tasks(crowded), process="window_review")[:20])
    assert "task_done_by_process" in _plan(filter_tasks(done_tasks(crowded), process="window_review")[:20])
    with CaptureQueriesContext(connection) as captured:
        open_task_counts()
    [counts_sql] = [query["sql"] for query in captured.captured_queries]
    assert "runtime_processinstance" not in counts_sql and "runtime_processdefinition" not in counts_sql
