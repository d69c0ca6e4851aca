"""Messages and signals from outside: what an instance waits for, and handing an event to it.

SpiffWorkflow keeps a waiting catch event inside the serialized state, where nothing can find it without
opening every workflow. `waiting_catches` lists them (name + the correlation values the instance expects) so
the Django side can keep an indexed table of them; `deliver` hands one event to a workflow already found.

Correlation: a message's `bpmn:correlationProperty` retrieval expressions read a value out of the message.
The instance expects the value the same expression gives on its own data (a reply about case 2026-001
reaches the instance whose `case_number` is 2026-001), unless an earlier message exchange already fixed it
(SpiffWorkflow's `workflow.correlations`). Values are compared as text, so `7` and `"7"` correlate alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.errors import Refusal

MESSAGE = "message"
SIGNAL = "signal"


class EventRefused(Refusal):
    """An event from outside that no waiting step of this workflow accepts (the caller audits the refusal)."""


@dataclass(frozen=True)
class WaitingCatch:
    """One event a workflow waits for: kind (message/signal), name and the correlation it expects."""

    kind: str
    name: str
    correlation: str  # canonical JSON of {property: value as text}, "{}" when the message names none


def correlation_key(values: Mapping[str, Any]) -> str:
    """The one text form of a correlation, so the database can match it with an index."""
    return json.dumps({str(k): str(v) for k, v in values.items()}, ensure_ascii=False, sort_keys=True)


def _kind_of(event_definition) -> str | None:
    if isinstance(event_definition, MessageEventDefinition):
        return MESSAGE
    if isinstance(event_definition, SignalEventDefinition):
        return SIGNAL
    return None


def _expected_correlation(task, event_definition: MessageEventDefinition) -> dict[str, Any]:
    """What the waiting instance expects per correlation property: a value fixed by an earlier exchange, else the
    property's retrieval expression evaluated on the waiting step's data; a property neither gives is left out."""
    fixed = task.workflow.top_workflow.correlations
    values: dict[str, Any] = {}
    for prop in event_definition.correlation_properties:
        known = [fixed[key][prop.name] for key in prop.correlation_keys if prop.name in fixed.get(key, {})]
        if known:
            values[prop.name] = known[0]
            continue
        try:
            values[prop.name] = task.workflow.script_engine.environment.evaluate(prop.retrieval_expression, task.data)
        except Exception:  # noqa: BLE001 — the data lacks it: this instance is not reachable by that property
            continue
    return values


def _waiting_tasks(workflow: BpmnWorkflow) -> Iterator[Any]:
    for task in workflow.get_tasks(state=TaskState.WAITING):
        event_definition = getattr(task.task_spec, "event_definition", None)
        if _kind_of(event_definition) is not None:
            yield task


def waiting_catches(workflow: BpmnWorkflow) -> set[WaitingCatch]:
    """The messages and signals this workflow (every pool and subprocess of it) waits for now."""
    found: set[WaitingCatch] = set()
    for task in _waiting_tasks(workflow):
        event_definition = task.task_spec.event_definition
        kind = _kind_of(event_definition)
        correlation = _expected_correlation(task, event_definition) if kind == MESSAGE else {}
        found.add(WaitingCatch(kind, event_definition.name, correlation_key(correlation)))
    return found


def catches_events(spec, subprocess_specs: Mapping) -> bool:
    """Whether a definition has any message or signal catch event (else it never waits for one)."""
    return any(
        _kind_of(getattr(task_spec, "event_definition", None)) is not None
        and not getattr(task_spec, "throwing", False)
        for process_spec in [spec, *subprocess_specs.values()]
        for task_spec in process_spec.task_specs.values()
    )


def message_start_names(spec) -> set[str]:
    """The messages whose arrival starts an instance: the process's own message start events. Those of a
    collaboration's pools and of event subprocesses are reached by messages inside an instance, not from outside."""
    return {
        task_spec.event_definition.name
        for task_spec in spec.task_specs.values()
        if isinstance(task_spec, StartEvent)
        and isinstance(getattr(task_spec, "event_definition", None), MessageEventDefinition)
    }


def deliver(workflow: BpmnWorkflow, kind: str, name: str, payload: Mapping[str, Any]) -> int:
    """Hand a message or signal from outside to the steps of `workflow` waiting for it; how many took it.

    The payload lands where the catch event says (`spiffworkflow:messageVariable` / the signal's variable).
    A message's correlation is computed from its payload as BPMN says, so SpiffWorkflow's own check agrees with
    the correlation the caller matched on. Raises EventRefused when no step takes it.
    """
    takers = [t for t in _waiting_tasks(workflow)
              if _kind_of(t.task_spec.event_definition) == kind and t.task_spec.event_definition.name == name]
    if not takers:
        raise EventRefused(f"流程没有在等待“{name}”")
    definition = takers[0].task_spec.event_definition
    data = dict(payload)
    correlations: dict = {}
    if kind == MESSAGE:
        try:
            correlations = definition.calculate_correlations(
                workflow.script_engine, definition.correlation_properties, data)
        except Exception as exc:  # noqa: BLE001 — the sandbox's NameError as much as SpiffWorkflow's own errors
            raise EventRefused(f"消息“{name}”的内容缺少关联属性：{exc}") from exc
    try:
        workflow.send_event(BpmnEvent(definition, payload=data, correlations=correlations))
    except SpiffWorkflowException as exc:
        raise EventRefused(f"流程没有接收“{name}”：{exc}") from exc
    return len(takers)
