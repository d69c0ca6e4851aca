"""One leave request from filing to report-back, through the services and in the engine alone.

Both sides run the same definition (bpmn/leave_approval.bpmn with one routing DMN) on the same data: the engine
starts from the exact data `submit_leave` handed the process, its service tasks answer what the leave handlers
answered, and its state is dumped to JSON text and restored after every step, as a write does.
"""

from __future__ import annotations

import json
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from bench.scale.forked import run_forked
from engine.calendar import WorkingCalendar
from engine.clock import CENTRE_TZ, FrozenClock
from engine.runtime import EngineEnvironment, ProcessRunner
from engine.serializer import dumps
from engine.specs import SpecBundle
from workflows.leave.models import LeaveRequest
from workflows.leave.rules import deadline_day_reminder_at, leave_ends_at, report_back_deadline
from workflows.leave.services import LeaveApplication, submit_leave
from workflows.org.models import Official, Role, Window
from workflows.runtime.models import AuditEvent, HumanTask, ProcessInstance
from workflows.runtime.services.sweep import fire_due_timers
from workflows.runtime.services.transitions import complete_task

# Filed on a Monday for Wednesday to Friday: three days, so the window head confirms the substitute and two more
# tiers approve (the longest route of the shipped rule sets), then the leave-start timer and the report-back.
FILED_AT = datetime(2026, 3, 2, 9, 0, tzinfo=CENTRE_TZ)
FIRST_DAY, LAST_DAY = date(2026, 3, 4), date(2026, 3, 6)
END_EVENT = "leave_closed"


def answer(form: str, request: LeaveRequest) -> dict[str, Any]:
    """What an official types into each form of the route: approve, confirm the substitute, report back."""
    return {
        "approval": {"decision": "approve", "comment": "同意"},
        "confirm_substitute": {"confirmed": True, "substitute_id": request.proposed_substitute_id,
                               "comment": "已安排顶岗"},
        "report_back": {"sick_certificate_supplied": False, "comment": "已返岗"},
    }[form]


@dataclass
class ServicesRun:
    """What one lifecycle through the services cost: time inside the services, steps, SQL per completion."""

    request: LeaveRequest
    ms: float = 0.0
    steps: int = 0
    statements: list[int] = field(default_factory=list)


def _next_task(request: LeaveRequest) -> HumanTask | None:
    return HumanTask.objects.filter(instance_id=request.instance_id, state=HumanTask.OPEN).order_by("id").first()


def _actor(task: HumanTask) -> Official:
    return task.assignee or task.candidates.order_by("pk").first()


def through_services(applicant: Official, substitute: Official, clock: FrozenClock, count_sql: bool = False
                     ) -> ServicesRun:
    """submit_leave, every approval with complete_task, the leave-start timer with fire_due_timers, report back.

    Only the service calls are timed; reading which task is next and who holds it is the driver's, not theirs.
    """
    clock.set(FILED_AT)
    started = time.perf_counter()
    application = LeaveApplication("事假", FIRST_DAY, "am", LAST_DAY, "pm", "回老家办理房产过户手续", substitute)
    request = submit_leave(applicant, application)
    run = ServicesRun(request, ms=(time.perf_counter() - started) * 1000)
    while True:
        task = _next_task(request)
        if task is not None:
            actor, data = _actor(task), answer(task.form, request)
            connection.queries_log.clear()  # the log is bounded: count this completion's statements from empty
            with CaptureQueriesContext(connection) if count_sql else nullcontext() as queries:  # capturing costs time
                started = time.perf_counter()
                complete_task(task.pk, actor, data)
                run.ms += (time.perf_counter() - started) * 1000
            if count_sql:
                run.statements.append(len(queries.captured_queries))
        else:
            due = ProcessInstance.objects.values_list("next_timer_at", flat=True).get(pk=request.instance_id)
            if due is None:
                break
            clock.set(due + timedelta(seconds=1))
            started = time.perf_counter()
            fire_due_timers()
            run.ms += (time.perf_counter() - started) * 1000
        run.steps += 1
    end = ProcessInstance.objects.values_list("end_event", flat=True).get(pk=request.instance_id)
    assert end == END_EVENT, f"the lifecycle ended at {end!r}, not {END_EVENT}"
    return run


def second_window(first: Official) -> tuple[Official, Official]:
    """An applicant and substitute in a new window of `first`'s department: a second process files the same leave
    at the same time without clashing with the first one's (one leave per window at a time), on the same route."""
    window = Window.objects.create(department_id=first.department_id, name="基准测试窗口", number="99")
    roles = {r.code: r for r in Role.objects.filter(code__in=["window_head", "window_staff"])}
    people = []
    for username, name, codes in (("bench_head", "基准窗口负责人", ("window_head", "window_staff")),
                                  ("bench_applicant", "基准申请人", ("window_staff",)),
                                  ("bench_substitute", "基准顶岗人", ("window_staff",))):
        user = get_user_model().objects.create_user(username)
        official = Official.objects.create(user=user, name=name, department_id=first.department_id, window=window)
        official.roles.set([roles[code] for code in codes])
        people.append(official)
    return people[1], people[2]


def rate_in_parallel(pairs: list[tuple[Official, Official]], count: int, clock: FrozenClock) -> float:
    """Lifecycles per second of `count` lifecycles in each of len(pairs) forked processes running at once (one
    pair: in this process).

    Every lifecycle files the same dates, so whichever process's sweep fires a timer of the other's instance
    fires it at the same time the owner would have. Each child has its own connection (and its own copy of the
    frozen clock); the wall time includes the forks, which is noise beside the lifecycles.
    """
    if len(pairs) == 1:  # in this process: a test's transaction is invisible to another
        started = time.perf_counter()
        _lifecycles(*pairs[0], count, clock, close=False)
        return count / (time.perf_counter() - started)
    started = time.perf_counter()
    run_forked([(_lifecycles, (applicant, substitute, count, clock)) for applicant, substitute in pairs],
               "a lifecycle process")
    return len(pairs) * count / (time.perf_counter() - started)


def _lifecycles(applicant: Official, substitute: Official, count: int, clock: FrozenClock, close: bool = True
                ) -> None:
    try:
        for _ in range(count):
            through_services(applicant, substitute, clock)
    finally:
        if close:  # a forked child's own connections
            connections.close_all()


class EngineAlone:
    """The same lifecycle in the engine: no database, state dumped to text and restored after every step."""

    def __init__(self, bundle: SpecBundle, calendar: WorkingCalendar, run: ServicesRun) -> None:
        self.clock = FrozenClock(FILED_AT)
        self.data = AuditEvent.objects.get(instance_id=run.request.instance_id, action="instance_started").after
        starts = datetime.fromisoformat(self.data["starts_at"])
        due = report_back_deadline(calendar, LAST_DAY, FILED_AT.date())
        started = {"status": "active", "tasks_moved": 0, "report_back_due": due.isoformat(),
                   "leave_ends_at": leave_ends_at(LAST_DAY, "pm").isoformat(),
                   "deadline_reminder_at": deadline_day_reminder_at(due, starts + timedelta(seconds=1)).isoformat()}
        results = {"leave.record_approvers": {"approver_ids": run.request.approver_ids},
                   "leave.approve": {"status": "approved", "approved_on": FILED_AT.date().isoformat()},
                   "leave.start": started, "leave.end": {"status": "returned", "counted_as": "事假", "tasks_moved": 0}}
        services = {name: (lambda context, _r=result, **params: _r) for name, result in results.items()}
        for name in ("leave.reject", "leave.send_back", "leave.remind_report_back", "leave.record_absence"):
            services[name] = lambda context, **params: {"ok": True}
        self.runner = ProcessRunner(bundle, EngineEnvironment(self.clock, calendar, services))
        self.request = run.request

    def _saved(self, workflow):
        return self.runner.restore(json.loads(dumps(self.runner.dump(workflow))))

    def lifecycle(self) -> int:
        """Returns the steps taken after the start, to check it walked the same route as the services."""
        self.clock.set(FILED_AT)
        workflow = self._saved(self.runner.start(self.data))
        steps = 0
        while True:
            ready = self.runner.ready_human_tasks(workflow)
            if ready:
                task = ready[0]
                self.runner.complete(workflow, task.id, answer(task.meta.form, self.request), 0, (0,))
            else:
                due = self.runner.next_timer_due(workflow)
                if due is None:
                    break
                self.clock.set(due + timedelta(seconds=1))
                self.runner.fire_due_timers(workflow)
            workflow = self._saved(workflow)
            steps += 1
        assert self.runner.end_event(workflow) == END_EVENT, self.runner.end_event(workflow)
        return steps
