"""Evaluate a deployed definition's DMN decision outside a running process.

A record that breaks a rule (an overdue application, an absence) must reach the same measure a
complaint's investigation reaches: the decision table the complaint process runs, as deployed, not
a copy of it in Python. The table is found through the business rule task that calls it, in the
definition's parsed bundle (cached per version), and runs through the same sandboxed script engine
and budget as inside an instance. A failing cell comes out as the ExecutionError naming the task.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine

from engine import budget
from engine.errors import ExecutionError
from engine.failures import execution_error
from engine.runtime import EngineEnvironment, GovScriptEngine
from engine.serializer import as_stored
from engine.specs import SpecBundle


class _Workflow:
    """What the DMN engine and SpiffWorkflow's error wrapper ask of a workflow: its script engine and spec."""

    def __init__(self, script_engine: GovScriptEngine, spec: Any) -> None:
        self.script_engine = script_engine
        self.spec = spec
        self.top_workflow = self


class _Task:
    """The business rule task's place in no instance: the inputs as its data."""

    def __init__(self, data: dict[str, Any], workflow: _Workflow, task_spec: Any) -> None:
        self.data = data
        self.workflow = workflow
        self.task_spec = task_spec


def _caller(bundle: SpecBundle, decision_id: str) -> tuple[Any, Any]:
    """(process spec, business rule task spec) of the first task in the bundle that calls `decision_id`."""
    for process_spec in [bundle.spec, *bundle.subprocess_specs.values()]:
        for task_spec in process_spec.task_specs.values():
            calls = getattr(task_spec, "extensions", {}).get("calledDecisionId")
            if isinstance(getattr(task_spec, "dmnEngine", None), DMNEngine) and calls == decision_id:
                return process_spec, task_spec
    raise ExecutionError(None, f"定义 {bundle.process_id} 中没有调用决策“{decision_id}”的业务规则任务")


def evaluate_decision(
    bundle: SpecBundle, decision_id: str, inputs: Mapping[str, Any], env: EngineEnvironment
) -> dict[str, Any]:
    """The outputs of `decision_id` for `inputs`, as the calling business rule task would merge them into its data.

    No row matching gives {} (SpiffWorkflow sets nothing then); a COLLECT table gives lists. Raises ExecutionError
    when the definition has no task calling the decision or a cell fails (budget included).
    """
    process_spec, task_spec = _caller(bundle, decision_id)
    task = _Task(dict(as_stored(dict(inputs))), _Workflow(GovScriptEngine(env), process_spec), task_spec)
    try:
        with budget.step_budget(env.limits):
            return dict(task_spec.dmnEngine.result(task))
    except Exception as exc:  # of whatever type: one error naming the element, like a failing step
        raise execution_error(exc) from exc
