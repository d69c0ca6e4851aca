"""Excel exports of the lists (待办, 待认领, 已办, 我发起的) with the filters the page shows.

An export is bounded: at most EXPORT_LIMIT rows, read in the list's own order from the same query as the page
(task and instance rows only, never a workflow's state), and when the list holds more, the sheet's last row says
so. Text anyone typed goes through xlsx_export, which neutralises formula cells.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from workflows.runtime.clock import now
from workflows.runtime.models import HumanTask, ProcessInstance
from workflows.runtime.registry import labels
from workflows.runtime.selectors import open_steps, process_names
from workflows.runtime.xlsx_export import xlsx_bytes

EXPORT_LIMIT = 5000
TASK_HEADER = ["任务", "办件编号", "流程", "申请人", "部门", "到达时间", "办理期限", "办结时间", "办理人", "结果"]
CASE_HEADER = ["办件编号", "流程", "申请人", "部门", "发起时间", "状态", "当前环节", "当前办理人", "结束时间"]


def _time(value: datetime | None) -> str:
    return value.astimezone(now().tzinfo).strftime("%Y-%m-%d %H:%M") if value else ""


def _bounded(rows: QuerySet) -> tuple[list[Any], bool]:
    """The first EXPORT_LIMIT rows, and whether more were left out (one row past the limit is read to know)."""
    taken = list(rows[:EXPORT_LIMIT + 1])
    return taken[:EXPORT_LIMIT], len(taken) > EXPORT_LIMIT


def _with_note(rows: Iterator[list[Any]], cut: bool) -> Iterator[list[Any]]:
    yield from rows
    if cut:
        yield [f"仅导出前 {EXPORT_LIMIT} 条；请缩小筛选范围后分批导出。"]


def tasks_xlsx(title: str, tasks: QuerySet[HumanTask]) -> bytes:
    """A task list as the inbox shows it, one row per task."""
    rows, cut = _bounded(tasks.select_related("completed_by"))
    names = process_names()
    outcomes = labels("outcome")
    lines = ([t.title, t.case_number, names.get(t.process_key, t.process_key),
              t.applicant.name if t.applicant else "", t.department.name if t.department else "",
              _time(t.created_at), _time(t.due_at), _time(t.completed_at),
              (t.completed_by or t.assignee).name if (t.completed_by or t.assignee) else "",
              str(outcomes.get(t.outcome, t.outcome))] for t in rows)
    return xlsx_bytes(title, TASK_HEADER, _with_note(lines, cut))


def cases_xlsx(title: str, cases: QuerySet[ProcessInstance]) -> bytes:
    """我发起的 as the page shows it: each case with its current step and who holds it."""
    rows, cut = _bounded(cases)
    steps = open_steps([case.pk for case in rows])
    lines = ([case.business_key, case.definition.name, case.applicant.name if case.applicant else "",
              case.department.name if case.department else "", _time(case.started_at), case.get_status_display(),
              "、".join(step.title for step in steps[case.pk]),
              "、".join(holder_names(step) for step in steps[case.pk]), _time(case.ended_at)] for case in rows)
    return xlsx_bytes(title, CASE_HEADER, _with_note(lines, cut))


def holder_names(task: HumanTask) -> str:
    """Who holds an open step: its assignee, else every candidate (from the prefetch of open_steps)."""
    if task.assignee_id:
        return task.assignee.name
    return "、".join(candidate.name for candidate in task.candidates.all())
