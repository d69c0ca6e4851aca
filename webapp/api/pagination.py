"""Keyset (cursor) pagination for the long lists: the instances and the tasks (API), the done tab (inbox page).

An offset page costs a scan of every row before it and a COUNT of the whole list; a cursor costs one index range
scan of one page however far it is, and answers `next` / `previous` links instead of a count.
"""

from __future__ import annotations

from rest_framework.pagination import CursorPagination

DONE_ORDER = ("-completed_at", "-id")


class DoneTaskCursorPagination(CursorPagination):
    """Done tasks by completion, newest first (index `task_done_by`): the list that grows without end."""

    ordering = DONE_ORDER
    page_size = 50


class InstanceCursorPagination(CursorPagination):
    """Newest first (index `instance_started`)."""

    ordering = ("-started_at", "-id")
    page_size = 50


class TaskCursorPagination(CursorPagination):
    """Done tasks by completion, newest first (index `task_done_by`); open tasks in the order they arrived (id).

    The web inbox sorts open tasks by due date, but a cursor needs a column without NULLs and a task may have no
    deadline: API clients get first come, first served, each row with its `due_at` and `working_days_left`."""

    page_size = 50

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        if view.query_view() == "done":
            return DONE_ORDER
        return ("id",)
