"""Timer events that ask the engine's clock instead of the wall clock.

SpiffWorkflow compares timer due times with `datetime.now()`; tests and the sweep need an
injected clock. The due time is still computed once, when the timer starts waiting, and
kept in the task's internal data (it survives serialization).
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition, TimerEventDefinition


class ClockedTimeDateEventDefinition(TimeDateEventDefinition):
    def has_fired(self, my_task) -> bool:
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            event_value = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            my_task._set_internal_data(event_value=event_value)
        now = my_task.workflow.script_engine.clock.now()
        if TimerEventDefinition.get_datetime(event_value) <= now:
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)
