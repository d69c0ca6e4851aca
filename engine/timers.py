"""Timer events that ask the engine's clock instead of the wall clock.

SpiffWorkflow compares timer due times with `datetime.now()`; tests and the sweep need an
injected clock. The due time is still computed once, when the timer starts waiting, and
kept in the task's internal data (it survives serialization) with the engine time it was
computed at, so a calendar change can evaluate the expression again as of that moment.
"""

from __future__ import annotations

from datetime import datetime

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition, TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.clock import CENTRE_TZ


class ClockedTimeDateEventDefinition(TimeDateEventDefinition):
    def has_fired(self, my_task) -> bool:
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            started = my_task.workflow.script_engine.clock.now()
            event_value = self._due(my_task).isoformat()
            my_task._set_internal_data(event_value=event_value, event_started=started.isoformat())
        now = my_task.workflow.script_engine.clock.now()
        if TimerEventDefinition.get_datetime(event_value) <= now:
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)

    def _due(self, my_task, script_engine=None) -> datetime:
        """The expression's value as an aware time: a bare local time is the centre's, not the server's."""
        value = (script_engine or my_task.workflow.script_engine).evaluate(my_task, self.expression)
        try:
            due = datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise WorkflowTaskException(
                f"计时器表达式须给出 ISO 8601 格式的时间，实际得到 {value!r}",
                task=my_task, exception=exc,
            ) from exc
        return due if due.tzinfo else due.replace(tzinfo=CENTRE_TZ)


def pending_timers(workflow) -> list:
    """Waiting timer tasks whose due time is set and has not fired: the deadlines a calendar change may move."""
    return [
        t for t in workflow.get_tasks(state=TaskState.WAITING)
        if isinstance(getattr(t.task_spec, "event_definition", None), ClockedTimeDateEventDefinition)
        and t._get_internal_data("event_value") is not None
        and not t._get_internal_data("event_fired", False)
    ]


def started_at(timer_task) -> datetime | None:
    """The engine time the timer's due time was computed at (None for timers saved before it was kept)."""
    started = timer_task._get_internal_data("event_started")
    return datetime.fromisoformat(started) if started else None


def set_due(timer_task, script_engine) -> tuple[str, str] | None:
    """Evaluate the timer's expression again with `script_engine`; (old, new) ISO times when the due time moved."""
    old = timer_task._get_internal_data("event_value")
    new = timer_task.task_spec.event_definition._due(timer_task, script_engine)
    if TimerEventDefinition.get_datetime(old) == new:
        return None
    timer_task._set_internal_data(event_value=new.isoformat())
    return old, new.isoformat()
