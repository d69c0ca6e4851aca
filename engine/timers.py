"""Timer events that ask the engine's clock instead of the wall clock.

SpiffWorkflow compares timer due times with `datetime.now()`; tests and the sweep need an
injected clock. The due time is still computed once, when the timer starts waiting, and
kept in the task's internal data (it survives serialization).
"""

from __future__ import annotations

from datetime import datetime

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition, TimerEventDefinition

from engine.clock import CENTRE_TZ


class ClockedTimeDateEventDefinition(TimeDateEventDefinition):
    def has_fired(self, my_task) -> bool:
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            event_value = self._due(my_task).isoformat()
            my_task._set_internal_data(event_value=event_value)
        now = my_task.workflow.script_engine.clock.now()
        if TimerEventDefinition.get_datetime(event_value) <= now:
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)

    def _due(self, my_task) -> datetime:
        """The expression's value as an aware time: a bare local time is the centre's, not the server's."""
        value = my_task.workflow.script_engine.evaluate(my_task, self.expression)
        try:
            due = datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise WorkflowTaskException(
                f"计时器须给出 ISO 8601 时间 / timer expression must give an ISO 8601 time, got {value!r}",
                task=my_task, exception=exc,
            ) from exc
        return due if due.tzinfo else due.replace(tzinfo=CENTRE_TZ)
