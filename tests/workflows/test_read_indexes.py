"""The indexes the inbox queries need exist (migration runtime/0005), and PostgreSQL searches text by trigram."""

from __future__ import annotations

import pytest
from django.db import connection

from workflows.org.models import Official
from workflows.runtime.selectors import filter_tasks, my_tasks

pytestmark = pytest.mark.django_db


def _indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


def test_each_inbox_query_has_its_index():
    assert {"task_open_assignee_due", "task_open_unclaimed_due", "task_done_by"} <= _indexes("runtime_humantask")
    assert "candidate_official_task" in _indexes("runtime_humantask_candidates")
    assert "instance_started" in _indexes("runtime_processinstance")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_text_search_uses_the_trigram_index(centre):
    """The inbox search is built on the indexed expression, and the planner takes the index for it."""
    assert {"task_title_trgm", "task_case_number_trgm"} <= _indexes("runtime_humantask")
    sql, _params = filter_tasks(my_tasks(Official.objects.first()), text="请假").query.sql_with_params()
    for column in ("title", "case_number"):
        assert f'UPPER("runtime_humantask"."{column}"::text) LIKE UPPER(' in sql
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # the test table is nearly empty
            cursor.execute(f"EXPLAIN SELECT id FROM runtime_humantask WHERE UPPER({column}::text) LIKE UPPER(%s)",
                           ["%请假%"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert f"task_{column}_trgm" in plan
