"""The inbox at scale: the selectors' queries one by one, and the whole page as a browser gets it."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.scale.report import timed_ms
from workflows.org.models import Official
from workflows.runtime.selectors import claimable_tasks, done_tasks, filter_tasks, my_tasks

PAGE = 20


def queries(viewer: Official, process: str) -> dict[str, Callable[[], object]]:
    """The reads behind the inbox page, each as the page makes it (first page of 20, or a count)."""
    return {
        "my tasks, first page": lambda: list(my_tasks(viewer)[:PAGE]),
        "my tasks count": lambda: my_tasks(viewer).count(),
        "claimable, first page": lambda: list(claimable_tasks(viewer)[:PAGE]),
        "claimable count": lambda: claimable_tasks(viewer).count(),
        "done list, first page": lambda: list(done_tasks(viewer)[:PAGE]),
        "process filter, first page": lambda: list(filter_tasks(claimable_tasks(viewer), process=process)[:PAGE]),
        "overdue filter, first page": lambda: list(filter_tasks(my_tasks(viewer), overdue=True)[:PAGE]),
    }


def time_queries(viewer: Official, process: str, repeat: int) -> dict[str, list[float]]:
    return {label: [timed_ms(read) for _ in range(repeat)] for label, read in queries(viewer, process).items()}


def time_page(viewer: Official, path: str, repeat: int) -> tuple[list[float], int]:
    """GET the page `repeat` times as the viewer (Django's test client, no network); times and SQL statements."""
    client = Client()
    client.force_login(viewer.user)
    response = client.get(path)  # warm-up: the session, the template cache
    assert response.status_code == 200, response.status_code
    connection.queries_log.clear()  # a request clears the log when it starts: count from empty
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    statements = len(captured.captured_queries)  # read now: the log is read lazily and the next request clears it
    return [timed_ms(lambda: client.get(path)) for _ in range(repeat)], statements
