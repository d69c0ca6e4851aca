"""Instance state as a JSON-ready dict, without the spec.

The spec is about half of a small instance's serialization and never changes for a
definition version, so it is kept once per version (re-parsed from the stored sources) and
given back on restore. Uses SpiffWorkflow's own registry so its format migrations apply.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.migration.version_migration import MIGRATIONS
from SpiffWorkflow.bpmn.serializer.workflow import VERSION, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.serializer.task_spec import SpiffMultiInstanceConverter

from engine.signers import SIGNING_SPECS
from engine.timers import CLOCKED

VERSION_KEY = BpmnWorkflowSerializer.VERSION_KEY


class SpecFreeWorkflowConverter(BpmnWorkflowConverter):
    """Like SpiffWorkflow's converter, but the spec travels outside the state."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict, spec=None, subprocess_specs=None) -> BpmnWorkflow:
        workflow = self.target_class(spec, subprocess_specs or {}, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = SpecFreeWorkflowConverter
    config.update(dict.fromkeys(CLOCKED.values(), TimerConditionalEventDefinitionConverter))
    config.update(dict.fromkeys(SIGNING_SPECS, SpiffMultiInstanceConverter))  # engine.signers' 会签 / 或签 / 依次
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))
    serializer.registry.register(date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"]))
    return serializer


_SERIALIZER = _serializer()


# Workflows whose last dump stored everything they hold (see `dump_state`); weak, so a dropped workflow goes.
_DUMPED_EXACTLY: weakref.WeakSet[BpmnWorkflow] = weakref.WeakSet()


def dump_state(workflow: BpmnWorkflow) -> dict[str, Any]:
    """A JSON-compatible dict of the instance (no spec), tagged with the format version.

    Also notes whether the stored form holds exactly what the live workflow does (`dumped_exactly`): then the live
    workflow may stand in for a restore of what was stored.
    """
    _DUMPED_EXACTLY.discard(workflow)
    _SERIALIZER.registry._encoder_mode = True
    try:
        dct = _SERIALIZER.to_dict(workflow)
    finally:
        _SERIALIZER.registry._encoder_mode = False
    dct[VERSION_KEY] = VERSION
    # Round-trip through JSON so what is returned is exactly what the database will store.
    state = json.loads(json.dumps(dct, cls=_SERIALIZER._encoder_cls, ensure_ascii=False))
    # Anything JSON does not keep as it is (a date, tuple, set, function, NaN, a non-text key) makes the two differ.
    if state == dct:
        _DUMPED_EXACTLY.add(workflow)
    return state


def dumped_exactly(workflow: BpmnWorkflow) -> bool:
    """Whether `workflow` holds what restoring its last dump would give: the same values, of the same JSON types.

    (Dict key order may differ, as it does after PostgreSQL's jsonb anyway; a str or int subclass such as an enum
    compares equal to the plain value it is stored as.) Asked once per dump, the answer is then forgotten: any
    later change to the workflow makes it stale.
    """
    if workflow in _DUMPED_EXACTLY:
        _DUMPED_EXACTLY.discard(workflow)
        return True
    return False


def _connect_loop_children(spec) -> None:
    """Wire each loop / multi-instance child spec to its parent's merge, as SpiffWorkflow's own spec deserializer does.

    The parser leaves this to the first `create_child`, so a freshly parsed spec restoring an instance whose
    instances already exist would never merge them: the chain stalls after the next completion.
    """
    for task_spec in spec.task_specs.values():
        if isinstance(task_spec, LoopTask):
            child = spec.task_specs[task_spec.task_spec]
            if not child.completed_event.is_connected(task_spec.merge_child):
                child.completed_event.connect(task_spec.merge_child)


def _parents_first(workflow_dct: dict) -> None:
    """Put the task mapping back in tree order (parents before children).

    SpiffWorkflow restores tasks in mapping order and loses multi-instance output when a
    child comes before its parent; PostgreSQL's jsonb does not keep key order.
    """
    tasks = workflow_dct["tasks"]
    ordered: dict[str, Any] = {}
    stack = [workflow_dct["root"]]
    while stack:
        task_id = stack.pop()
        ordered[task_id] = tasks[task_id]
        stack.extend(reversed(tasks[task_id]["children"]))
    ordered.update((k, v) for k, v in tasks.items() if k not in ordered)
    workflow_dct["tasks"] = ordered


def load_state(state: dict[str, Any], spec, subprocess_specs: dict) -> BpmnWorkflow:
    for process_spec in (spec, *subprocess_specs.values()):
        _connect_loop_children(process_spec)
    dct = json.loads(json.dumps(state, ensure_ascii=False), cls=_SERIALIZER.json_decoder_cls)
    _parents_first(dct)
    for subprocess in dct.get("subprocesses", {}).values():
        _parents_first(subprocess)
    version = dct.pop(VERSION_KEY, VERSION)
    if version in MIGRATIONS:
        MIGRATIONS[version](dct)
    return _SERIALIZER.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)


def dumps(state: dict[str, Any]) -> str:
    """UTF-8 JSON text: Chinese stays Chinese, not \\u escapes."""
    return json.dumps(state, ensure_ascii=False, separators=(",", ":"))


def as_stored(data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` as a restore gives it back (dates kept, tuples as lists), so live and restored instances agree."""
    return _SERIALIZER.registry.restore(json.loads(json.dumps(dict(data), cls=_SERIALIZER._encoder_cls)))
