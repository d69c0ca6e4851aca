"""Run process instances: start, list ready human tasks, complete, fire due timers.

The runner is bound to one definition bundle and one environment (clock, calendar,
services). It guards what SpiffWorkflow does not: a task runs only when READY and only for
an official among its candidates. Failures inside the definition come out as
ExecutionError naming the element, so the caller can roll back and record the error.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.event_definitions.simple import TerminateEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.service_task import ServiceTask
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException
from SpiffWorkflow.util.task import TaskState

from engine import budget, events, script_log, send_back, signers
from engine.assignment import AssignmentError, AssignmentRule
from engine.calendar import WorkingCalendar
from engine.clock import CENTRE_TZ, Clock, FrozenClock
from engine.errors import ExecutionError, NotAllowed, Refusal, TaskNotReady
from engine.failures import execution_error
from engine.sandbox import RestrictedEnvironment
from engine.script_log import printed_lines
from engine.serializer import as_stored, dump_state, load_state
from engine.specs import HumanTaskMeta, SpecBundle
from engine.timers import fire_start_timers, next_due, pending_timers, set_due, started_at

ServiceHandler = Callable[..., Mapping[str, Any] | None]


@dataclass
class EngineEnvironment:
    """What a running definition may touch: time, working days, named services, and its CPU/memory budget."""

    clock: Clock
    calendar: WorkingCalendar
    services: dict[str, ServiceHandler] = field(default_factory=dict)
    limits: budget.Limits = budget.DEFAULT_LIMITS

    def functions(self) -> dict[str, Callable[..., Any]]:
        """Helpers callable from scripts, conditions and timer expressions."""

        def as_date(value: str | date) -> date:
            if isinstance(value, str) and len(value) > 10:  # an ISO time: by its Shanghai date, like a datetime
                value = datetime.fromisoformat(value)
            if isinstance(value, datetime):
                return (value.astimezone(CENTRE_TZ) if value.tzinfo else value).date()
            return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])

        return {
            "working_days_after": lambda start, n: self.calendar.deadline(as_date(start), int(n)).isoformat(),
            "close_of_day": lambda day: self.calendar.close_of(as_date(day)).isoformat(),
            "today": lambda: self.clock.now().astimezone(CENTRE_TZ).date().isoformat(),
            "now": lambda: self.clock.now().isoformat(),
        }


class GovScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's script engine over the restricted environment, carrying the clock for timers."""

    def __init__(self, env: EngineEnvironment) -> None:
        super().__init__(
            environment=RestrictedEnvironment(env.functions(), _json_services(env.services), limits=env.limits)
        )
        self.clock = env.clock

    def execute(self, task, script: str, external_context: dict | None = None) -> bool:
        with script_log.running(_bpmn_id(task)):
            return super().execute(task, script, external_context)

    def evaluate(self, task, expression: str, external_context: dict | None = None) -> Any:
        with script_log.running(_bpmn_id(task)):
            return super().evaluate(task, expression, external_context)

    def call_service(self, task, **kwargs: Any) -> str:
        try:
            return self.environment.call_service(task.data, **kwargs)
        except SpiffWorkflowException:
            raise
        except Exception as err:
            raise WorkflowTaskException(
                f"服务“{kwargs.get('operation_name')}”调用失败：{err}", task=task, exception=err
            ) from err


def _bpmn_id(task: Any) -> str | None:
    """The element a script or expression belongs to, for the lines it prints (a DMN may run on a bare context)."""
    return getattr(getattr(task, "task_spec", None), "bpmn_id", None)


def _json_services(services: Mapping[str, ServiceHandler]) -> dict[str, Callable[..., str]]:
    """SpiffWorkflow's service task expects a JSON string back."""

    def wrap(handler: ServiceHandler) -> Callable[..., str]:
        return lambda context, **params: json.dumps(handler(context, **params) or {}, ensure_ascii=False)

    return {name: wrap(handler) for name, handler in services.items()}


@dataclass(frozen=True)
class ReadyTask:
    id: str
    meta: HumanTaskMeta
    data: dict[str, Any]
    signer: int | None = None  # 加签: the official this signer's task was added for (engine.signers)
    added_by: str | None = None  # 加签: the engine id of the signer's task it was added from

    @property
    def assignment(self) -> AssignmentRule:
        role = self.meta.role or self.data.get(self.meta.role_variable or "")
        if not role:
            raise ExecutionError(
                self.meta.spec_name, f"角色变量“{self.meta.role_variable}”为空"
            )
        try:
            return AssignmentRule.of(role, self.meta.scope)
        except AssignmentError as exc:
            raise ExecutionError(self.meta.spec_name, str(exc)) from exc

    @property
    def named_official(self) -> int | None:
        """The official (id) the case names for this signer's task (`official_variable`); None: a role decides."""
        if not self.meta.official_variable:
            return None
        value = self.data.get(self.meta.official_variable)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ExecutionError(self.meta.spec_name,
                                 f"审批人变量“{self.meta.official_variable}”不是工作人员编号：{value!r}")
        return value

    @property
    def department_id(self) -> int | None:
        """The department this task's department scope reads (`department_variable`); None: the case's own."""
        if not self.meta.department_variable:
            return None
        value = self.data.get(self.meta.department_variable)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ExecutionError(self.meta.spec_name,
                                 f"部门变量“{self.meta.department_variable}”不是部门编号：{value!r}")
        return value


@dataclass(frozen=True)
class MovedTimer:
    """A pending timer whose due time a calendar change moved."""

    element_id: str
    name: str
    old_due: str
    new_due: str


class ProcessRunner:
    def __init__(self, bundle: SpecBundle, env: EngineEnvironment) -> None:
        self.bundle = bundle
        self.env = env
        self._script_engine = GovScriptEngine(env)

    def _steps(self, workflow: BpmnWorkflow, action: Callable[[], None]) -> None:
        """Run `action` and the engine steps after it, all under one step budget (a request must not hang).

        Whatever fails in there, of whatever type, comes out as one ExecutionError (engine.failures); the lines
        the definition printed are kept with the workflow (script_log) for the caller to record."""
        try:
            with budget.step_budget(self.env.limits), script_log.collecting() as printed:
                try:
                    action()
                    workflow.do_engine_steps()
                finally:
                    printed_lines(workflow).extend(printed)
        except Refusal:
            raise
        except Exception as exc:
            error = execution_error(exc)
            error.printed = tuple(printed_lines(workflow))
            raise error from exc

    def start(self, data: Mapping[str, Any]) -> BpmnWorkflow:
        workflow = BpmnWorkflow(self.bundle.spec, self.bundle.subprocess_specs, script_engine=self._script_engine)
        workflow.task_tree.data.update(as_stored(data))
        self._steps(workflow, lambda: None)
        return workflow

    def start_on_schedule(self, data: Mapping[str, Any]) -> BpmnWorkflow:
        """Start an instance because its timer start event's time came (engine.start_timers keeps the schedule)."""
        workflow = BpmnWorkflow(self.bundle.spec, self.bundle.subprocess_specs, script_engine=self._script_engine)
        workflow.task_tree.data.update(as_stored(data))
        self._steps(workflow, lambda: (workflow.do_engine_steps(), fire_start_timers(workflow)))
        return workflow

    def restore(self, state: dict[str, Any]) -> BpmnWorkflow:
        workflow = load_state(state, self.bundle.spec, self.bundle.subprocess_specs)
        return self.adopt(workflow)

    def adopt(self, workflow: BpmnWorkflow) -> BpmnWorkflow:
        """Run a workflow of this definition, restored or kept from an earlier write, in this runner's environment."""
        workflow.script_engine = self._script_engine
        return workflow

    @staticmethod
    def dump(workflow: BpmnWorkflow) -> dict[str, Any]:
        return dump_state(workflow)

    def ready_human_tasks(self, workflow: BpmnWorkflow, only: Collection[str] | None = None) -> list[ReadyTask]:
        """The READY user tasks (`only` those with these ids: their data is copied, which costs on big states)."""
        return [
            ReadyTask(str(t.id), self.bundle.human_tasks[t.task_spec.name], dict(t.data), *signers.signer_of(t))
            for t in workflow.get_tasks(state=TaskState.READY, manual=True)
            if only is None or str(t.id) in only
        ]

    @staticmethod
    def ready_human_task_ids(workflow: BpmnWorkflow) -> set[str]:
        """The ids of the READY user tasks: the task rows a saved state has open, without copying any data."""
        return {str(t.id) for t in workflow.get_tasks(state=TaskState.READY, manual=True)}

    @staticmethod
    def withdrawn(workflow: BpmnWorkflow, task_ids: Collection[str]) -> set[str]:
        """Which of these once-READY user tasks the engine took away (cancelled by a boundary event, a gateway,
        the process ending) rather than a person completing them: their rows are to be cancelled."""
        withdrawn = set()
        for task_id in task_ids:
            try:
                task = workflow.get_task_from_id(UUID(task_id))
            except TaskNotFoundException:  # its subprocess ended and was dropped: nothing tells how it left
                task = None
            if task is None or task.state != TaskState.COMPLETED:
                withdrawn.add(task_id)
        return withdrawn

    def complete(
        self,
        workflow: BpmnWorkflow,
        task_id: str,
        form_data: Mapping[str, Any],
        actor_id: int | None,
        candidates: Collection[int],
        completed_at: datetime | None = None,
    ) -> None:
        """Run a READY human task with the form's values as its result, plus who completed it and when
        (`completed_by`, `completed_at`), so the steps that follow read them from the data."""
        # Deadlines that have passed act first: a task its interrupting timer has closed (an appeal filed after the
        # window) is refused even when the timer sweep has not got to this instance yet.
        self._steps(workflow, workflow.refresh_timers)
        try:
            task = workflow.get_task_from_id(UUID(task_id))
        except (TaskNotFoundException, ValueError) as exc:
            raise TaskNotReady(task_id, "unknown") from exc
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            raise TaskNotReady(task_id, TaskState.get_name(task.state) if task else "unknown")
        meta = self.bundle.human_tasks[task.task_spec.name]
        if actor_id is not None and actor_id not in candidates:  # None: the system (a timeout rule) completes it
            raise NotAllowed(actor_id, meta.title)
        at = completed_at or self.env.clock.now()
        values = as_stored({**form_data, "completed_by": actor_id, "completed_at": at.isoformat()})

        def run() -> None:
            if meta.result_variable:
                task.data[meta.result_variable] = values
            else:
                task.data.update(values)
            task.run()

        self._steps(workflow, run)
        if send_back.SEND_BACK_KEY in workflow.data:  # a resubmission: the steps sent back over run as they were
            self._steps(workflow, lambda: send_back.carry_over(workflow))

    def send_back(self, workflow: BpmnWorkflow, task_id: str, target: str) -> str:
        """退回 the READY user task `task_id` to the earlier user task `target` its `send_back_to` allows; returns
        the engine id of the target's new attempt ("" for a multi-instance target, whose tasks are made anew)."""
        self._steps(workflow, workflow.refresh_timers)
        try:
            task = workflow.get_task_from_id(UUID(task_id))
        except (TaskNotFoundException, ValueError) as exc:
            raise TaskNotReady(task_id, "unknown") from exc
        meta = self.bundle.human_tasks.get(task.task_spec.name)
        allowed = meta.send_back_to if meta else ()
        new_id: list[str] = []
        self._steps(workflow, lambda: new_id.append(send_back.send_back(workflow, task_id, target, allowed)))
        return new_id[0]

    def take_back(self, workflow: BpmnWorkflow, task_id: str) -> str:
        """撤回 the completed user task `task_id` while nothing after it acted; returns its new attempt's id."""
        self._steps(workflow, workflow.refresh_timers)
        new_id: list[str] = []
        self._steps(workflow, lambda: new_id.append(send_back.take_back(workflow, task_id)))
        return new_id[0]

    def add_signer(self, workflow: BpmnWorkflow, task_id: str, signer: int, position: str) -> str | None:
        """加签 on the signing step `task_id` is a signer of, and the steps it lets run (engine.signers)."""
        added: list[str | None] = []
        self._steps(workflow, lambda: added.append(signers.add_signer(workflow, task_id, signer, position)))
        return added[0]

    def remove_signer(self, workflow: BpmnWorkflow, task_id: str) -> None:
        """减签 of the signer of `task_id`, and the steps it lets run (the step may end: engine.signers)."""
        self._steps(workflow, lambda: signers.remove_signer(workflow, task_id))

    def deliver_event(self, workflow: BpmnWorkflow, kind: str, name: str, payload: Mapping[str, Any]) -> None:
        """A message or signal from outside (engine.events.deliver), and the steps it lets run."""
        self._steps(workflow, lambda: events.deliver(workflow, kind, name, as_stored(payload)))

    def fire_due_timers(self, workflow: BpmnWorkflow) -> None:
        self._steps(workflow, workflow.refresh_timers)

    def recompute_timers(self, workflow: BpmnWorkflow) -> list[MovedTimer]:
        """Evaluate every pending timer again with this runner's calendar, as of when the timer started waiting.

        Called after a calendar override changed: a deadline counted in working days moves with it. A timer whose
        expression no longer evaluates keeps its due time: a calendar change must not stop an instance.
        """
        moved: list[MovedTimer] = []
        for timer in pending_timers(workflow):
            as_of = started_at(timer) or self.env.clock.now()
            script_engine = GovScriptEngine(replace(self.env, clock=FrozenClock(as_of)))
            try:
                change = set_due(timer, script_engine)
            except Exception:  # of whatever type: the timer keeps its due time, the instance runs on
                continue
            if change is not None:
                spec = timer.task_spec
                moved.append(MovedTimer(spec.bpmn_id or spec.name, spec.bpmn_name or spec.bpmn_id or spec.name,
                                        *change))
        return moved

    @staticmethod
    def open_data(workflow: BpmnWorkflow) -> dict[str, Any]:
        """What the open steps (ready tasks, waiting events) see: the data a stored deadline is counted again from."""
        data: dict[str, Any] = {}
        for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING):
            data.update(task.data)
        return data

    @staticmethod
    def set_variables(workflow: BpmnWorkflow, values: Mapping[str, Any]) -> list[str]:
        """Give every unfinished task holding one of these variables its new value; returns the names that changed.

        A deadline a service counted and stored as data is moved here, before `recompute_timers`, so the timers that
        read it and the steps still to come see the moved value; finished tasks keep what they saw.
        """
        stored = as_stored(dict(values))
        changed: set[str] = set()
        for task in workflow.get_tasks(state=TaskState.NOT_FINISHED_MASK):
            for name, value in stored.items():
                if name in task.data and task.data[name] != value:
                    task.data[name] = value
                    changed.add(name)
        return sorted(changed)

    @staticmethod
    def next_timer_due(workflow: BpmnWorkflow) -> datetime | None:
        return next_due(workflow)

    def calls_services(self) -> bool:
        """Whether the definition has a service task: only a service can write outside the workflow's state."""
        return any(isinstance(task_spec, ServiceTask)
                   for process_spec in [self.bundle.spec, *self.bundle.subprocess_specs.values()]
                   for task_spec in process_spec.task_specs.values())

    def element_name(self, bpmn_id: str) -> str:
        """The name a BPMN element shows readers (e.g. an end event's 结案), or its id when it has none."""
        for process_spec in [self.bundle.spec, *self.bundle.subprocess_specs.values()]:
            for task_spec in process_spec.task_specs.values():
                if task_spec.bpmn_id == bpmn_id:
                    return task_spec.bpmn_name or bpmn_id
        return bpmn_id

    @staticmethod
    def end_event(workflow: BpmnWorkflow) -> str | None:
        """The bpmn id of the end event that ended the instance, once it is complete.

        With several end events reached (a side branch ends before the main one), a terminate end event wins, else
        the last one reached; the task tree's order is not the order they were reached in.
        """
        if not workflow.completed:
            return None
        ends = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if isinstance(t.task_spec, EndEvent)]
        terminating = [t for t in ends if isinstance(t.task_spec.event_definition, TerminateEventDefinition)]
        candidates = terminating or ends
        if not candidates:
            return None
        _at, _order, last = max((t.last_state_change, i, t) for i, t in enumerate(candidates))
        return last.task_spec.bpmn_id
