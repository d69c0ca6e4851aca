"""Lists read task and instance rows only, in a bounded number of queries, and page by cursor (issue 7).

Rows are made in bulk (no engine run): a list must cost the same queries with 5 rows as with 60, never select
an instance's workflow `state` or a definition's `sources`, and the long lists (done tasks, instances) page by
cursor without a full COUNT and without losing or repeating a row.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from webapp.views.inbox import COUNT_CAP
from workflows.org.models import Official
from workflows.runtime.clock import now
from workflows.runtime.models import HumanTask, ProcessDefinition, ProcessInstance

HEAVY_COLUMNS = ('"runtime_processinstance"."state"', '"sources"')


def _make_tasks(definition: ProcessDefinition, official: Official, n: int, kind: str) -> list[HumanTask]:
    """n cases, each with one task: assigned to the official (mine), offered to them (claimable), or done by them."""
    today = now()
    start = today - timedelta(days=30)
    instances = ProcessInstance.objects.bulk_create(
        ProcessInstance(definition=definition, business_key=f"B{kind}{i}", state={"big": "x" * 100},
                        started_at=start + timedelta(minutes=i), applicant=official)
        for i in range(n)
    )
    done = kind == "done"
    tasks = HumanTask.objects.bulk_create(
        HumanTask(instance=instance, engine_task_id=f"t{i}", spec_name="approve", title=f"审批{kind}{i}",
                  form="approve", role="window_head", scope="centre", created_at=start, case_number=f"C{kind}{i}",
                  due_at=today + timedelta(days=i % 7 - 3), assignee=official if kind == "mine" else None,
                  state=HumanTask.COMPLETED if done else HumanTask.OPEN, completed_by=official if done else None,
                  completed_at=start + timedelta(minutes=i // 2) if done else None)  # pairs tie on completed_at
        for i, instance in enumerate(instances)
    )
    if kind == "claimable":
        through = HumanTask.candidates.through
        through.objects.bulk_create(through(humantask=task, official=official) for task in tasks)
    return tasks


def _queries(client, url: str, params: dict | None = None) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def _assert_light(queries: list[str]) -> None:
    heavy = [sql for sql in queries if any(column in sql for column in HEAVY_COLUMNS)]
    assert heavy == []


@pytest.fixture
def rows(leave_definition, official):
    """rows(username, kind, n): n bulk-made tasks of that kind for that official."""
    return lambda username, kind, n: _make_tasks(leave_definition, official(username), n, kind)


@pytest.mark.parametrize("kind", ["mine", "claimable", "done"])
def test_inbox_page_costs_the_same_queries_for_5_and_60_rows_and_never_reads_state(login, rows, kind):
    client = login("lisi")
    rows("lisi", kind, 5)
    few = _queries(client, reverse("inbox"), {"tab": kind})
    rows("lisi", kind, 55)
    many = _queries(client, reverse("inbox"), {"tab": kind})
    assert len(many) == len(few)
    _assert_light(many)


def test_inbox_tab_counts_stop_at_the_cap(login, rows):
    rows("lisi", "mine", COUNT_CAP + 5)
    rows("lisi", "done", 3)
    tabs = {key: count for key, _label, count in login("lisi").get(reverse("inbox")).context["tabs"]}
    assert tabs == {"mine": f"{COUNT_CAP - 1}+", "claimable": "0", "done": "3"}


def test_inbox_done_tab_pages_by_cursor_without_losing_or_repeating_a_task(login, rows):
    made = rows("lisi", "done", 45)
    client = login("lisi")
    page = client.get(reverse("inbox"), {"tab": "done"})
    seen = [task.pk for task in page.context["rows"]]
    assert page.context["previous_url"] is None
    while page.context["next_url"]:
        page = client.get(page.context["next_url"])
        seen += [task.pk for task in page.context["rows"]]
    assert len(seen) == len(set(seen)) == 45
    expected = sorted(made, key=lambda task: (task.completed_at, task.pk), reverse=True)
    assert seen == [task.pk for task in expected]
    assert "tab=done" in page.context["previous_url"]
    garbled = client.get(reverse("inbox"), {"tab": "done", "cursor": "不是游标"})
    assert [task.pk for task in garbled.context["rows"]] == seen[:20]


@pytest.mark.parametrize("view", ["mine", "claimable", "done"])
def test_task_list_api_costs_the_same_queries_for_5_and_60_rows_and_never_reads_state(login, rows, view):
    client = login("lisi")
    rows("lisi", view, 5)
    few = _queries(client, "/api/tasks/", {"view": view})
    rows("lisi", view, 55)
    many = _queries(client, "/api/tasks/", {"view": view})
    assert len(many) == len(few)
    _assert_light(many)


@pytest.mark.parametrize("view", ["mine", "done"])
def test_task_list_api_pages_by_cursor_without_losing_or_repeating_a_task(login, rows, view):
    made = rows("lisi", view, 120)
    client = login("lisi")
    body = client.get("/api/tasks/", {"view": view}).json()
    assert "count" not in body and body["previous"] is None
    seen = [task["id"] for task in body["results"]]
    while body["next"]:
        body = client.get(body["next"]).json()
        seen += [task["id"] for task in body["results"]]
    assert sorted(seen) == sorted(task.pk for task in made)
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize("username", ["zhaobgs", "lisi"])  # the centre office sees all; lisi her own cases
def test_instances_api_costs_the_same_queries_for_5_and_60_rows_without_a_count(login, rows, username):
    client = login(username)
    rows("lisi", "mine", 5)
    few = _queries(client, "/api/instances/")
    rows("lisi", "claimable", 55)
    many = _queries(client, "/api/instances/")
    assert len(many) == len(few)
    _assert_light(many)
    assert [sql for sql in many if "COUNT(" in sql.upper() and "processinstance" in sql] == []


def test_instances_api_pages_by_cursor_without_losing_or_repeating_an_instance(login, rows):
    made = rows("lisi", "done", 70) + rows("lisi", "claimable", 40)
    client = login("lisi")
    body = client.get("/api/instances/").json()
    seen = [instance["id"] for instance in body["results"]]
    while body["next"]:
        body = client.get(body["next"]).json()
        seen += [instance["id"] for instance in body["results"]]
    assert len(seen) == len(set(seen))
    assert set(seen) == {task.instance_id for task in made}
    started = dict(ProcessInstance.objects.values_list("pk", "started_at"))
    assert seen == sorted(seen, key=lambda pk: (started[pk], pk), reverse=True)


def test_monitoring_costs_the_same_queries_for_5_and_60_overdue_tasks(login, rows):
    client = login("wangzr")
    rows("lisi", "claimable", 5)
    few = _queries(client, reverse("monitoring"))
    rows("lisi", "mine", 55)
    many = _queries(client, reverse("monitoring"))
    assert len(many) == len(few)
    _assert_light(many)
