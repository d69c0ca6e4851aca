"""Deploy checks that read the whole diagram: gateways, reachability, timers in calendar days, DMN inputs.

engine.specs checks each task on its own; these look at how elements connect, so a definition that would
stall at 3 a.m. (a gateway with no way out, a timer counting weekends, a decision reading a variable nobody
set) is refused at deploy, every problem at once, each naming file and element id.

The DMN rule is pragmatic: a decision input may read a variable if something in the definition can set it
— a script's assignment, a task's result variable (form or service), a multi-instance item or output, a
data input, another decision's output — or the process's start data as its family declares it
(Vocabulary.start_variables). Where the order matters (set only after the decision runs) the check does not
follow paths: it catches names set nowhere, the typo and the forgotten start field.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime

from lxml import etree
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent

from engine.clock import CENTRE_TZ
from engine.errors import DefinitionError
from engine.timers import kind_of, parse_cycle, parse_duration, timer_definitions

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_Q = f"{{{BPMN}}}"

# Flow nodes a token can sit on or pass through; anything else in a process (flows, lanes, data) is no step.
_FLOW_NODES = frozenset(
    _Q + tag for tag in (
        "task", "userTask", "manualTask", "scriptTask", "serviceTask", "businessRuleTask", "sendTask",
        "receiveTask", "callActivity", "subProcess", "transaction", "exclusiveGateway", "inclusiveGateway",
        "parallelGateway", "eventBasedGateway", "complexGateway", "intermediateCatchEvent",
        "intermediateThrowEvent", "endEvent", "startEvent", "boundaryEvent",
    )
)
_CONTAINERS = frozenset({_Q + "process", _Q + "subProcess", _Q + "transaction"})

# The helpers the script environment gives every expression (engine.runtime.EngineEnvironment.functions).
ENVIRONMENT_NAMES = frozenset({"working_days_after", "close_of_day", "today", "now"})
WORKING_DAY_FUNCTIONS = ("working_days_after", "close_of_day")
_CALENDAR_PARTS = ("years", "months", "weeks", "days")


def _executable_processes(root: etree._Element) -> Iterator[etree._Element]:
    for process in root.iter(_Q + "process"):
        if process.get("isExecutable", "true") != "false":
            yield process


# --- gateways --------------------------------------------------------------------------------------------------


def gateway_problems(filename: str, root: etree._Element) -> list[DefinitionError]:
    """An exclusive or inclusive gateway with several ways out needs a condition on each, or a default flow;
    otherwise the case stops there in error the day no condition holds.

    Runs on the XML before the parser assembles the process: SpiffWorkflow would stop at the first such flow with
    an English message. Each flow found gets a placeholder condition so assembling goes on and every other
    problem is reported in the same round (the definition is refused anyway)."""
    flows = {f.get("id"): f for f in root.iter(_Q + "sequenceFlow")}
    problems = []
    for tag in ("exclusiveGateway", "inclusiveGateway"):
        for gateway in root.iter(_Q + tag):
            outgoing = [f for f in flows.values() if f.get("sourceRef") == gateway.get("id")]
            if len(outgoing) < 2:
                continue
            default = gateway.get("default")
            bare = [f for f in outgoing
                    if f.get("id") != default and not (f.findtext(_Q + "conditionExpression") or "").strip()]
            if bare:
                kind = "排他网关" if tag == "exclusiveGateway" else "包容网关"
                names = "、".join(f.get("id") for f in bare)
                problems.append(DefinitionError(
                    filename, gateway.get("id"),
                    f"{kind}有 {len(outgoing)} 条出口，顺序流 {names} 既无条件也不是默认流："
                    "请为每条非默认出口写条件，或设一条默认流"))
            for flow in bare:
                for empty in flow.findall(_Q + "conditionExpression"):
                    flow.remove(empty)
                etree.SubElement(flow, _Q + "conditionExpression").text = "False"
    return problems


# --- reachability ----------------------------------------------------------------------------------------------


def _roots_of(container: etree._Element) -> list[etree._Element]:
    """Where tokens enter a process or sub-process: start events, and event sub-processes (an event starts them)."""
    roots = []
    for child in container:
        event_started = child.tag in _CONTAINERS and child.get("triggeredByEvent") == "true"
        if child.tag == _Q + "startEvent" or event_started:
            roots.append(child)
        elif child.tag == _Q + "intermediateCatchEvent" and child.find(_Q + "linkEventDefinition") is not None:
            roots.append(child)  # a link catch is entered from its throw by name, not by a flow
    return roots


def unreachable_problems(filename: str, root: etree._Element) -> Iterator[DefinitionError]:
    """A step no path from a start event reaches never runs: most often a flow drawn to the wrong element."""
    for process in _executable_processes(root):
        yield from _unreachable_in(filename, process)


def _unreachable_in(filename: str, container: etree._Element) -> Iterator[DefinitionError]:
    nodes = {c.get("id"): c for c in container if c.tag in _FLOW_NODES and c.get("id")}
    if not nodes:
        return
    following: dict[str, list[str]] = {}
    for flow in container.iter(_Q + "sequenceFlow"):
        if flow.getparent() is container:
            following.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
    attached: dict[str, list[str]] = {}
    for node in nodes.values():
        if node.tag == _Q + "boundaryEvent":
            attached.setdefault(node.get("attachedToRef"), []).append(node.get("id"))
    reached: set[str] = set()
    todo = [r.get("id") for r in _roots_of(container)]
    while todo:
        current = todo.pop()
        if current in reached:
            continue
        reached.add(current)
        todo.extend(following.get(current, []))
        todo.extend(attached.get(current, []))
    for node_id, node in nodes.items():
        if node_id not in reached:
            yield DefinitionError(filename, node_id, "从开始事件出发无法到达此元素（检查连线）")
        elif node.tag in _CONTAINERS:
            yield from _unreachable_in(filename, node)


# --- timers ----------------------------------------------------------------------------------------------------


def _names(expression: str) -> set[str]:
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def calendar_day_timer_problems(filename: str, task_spec) -> Iterator[DefinitionError]:
    """A timer literal counting days, weeks, months or years ("P5D") counts weekends and holidays: refused.

    Deadlines in days come from working_days_after(...) / close_of_day(...) or from a variable the process
    computed with them. Hours and minutes ("PT2H", a reminder) and fixed dates stay allowed; start timers are a
    schedule (engine.start_timers: "R/P1D" every day), not a deadline, and are left alone.
    """
    if isinstance(task_spec, StartEvent):
        return
    for event_definition in timer_definitions(getattr(task_spec, "event_definition", None)):
        expression = (event_definition.expression or "").strip()
        kind = kind_of(event_definition)
        if kind not in ("duration", "cycle") or _names(expression):
            continue
        try:
            value = ast.literal_eval(expression)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
        if not isinstance(value, str):
            continue  # engine.timers.literal_problem reports it
        try:
            duration = parse_duration(value) if kind == "duration" else parse_duration(_cycle_span(value))
        except ValueError:
            continue  # not ISO 8601: literal_problem reports it
        if any(duration.get(part) for part in _CALENDAR_PARTS):
            yield DefinitionError(
                filename, task_spec.bpmn_id,
                f"计时器 {value!r} 按自然日计算（含周末、节假日）：期限请用 working_days_after(开始, 天数) 或 "
                "close_of_day(日期) 按工作日计算，或引用流程变量",
            )


def _cycle_span(text: str) -> str:
    return parse_cycle(text, datetime.now(CENTRE_TZ))[2]


# --- DMN inputs ------------------------------------------------------------------------------------------------


def _assigned(code: str) -> set[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


def _bpmn_ref(item) -> str | None:
    return getattr(item, "bpmn_id", None) or getattr(item, "name", None) if item is not None else None


def provided_variables(task_specs: Iterable[object], roots: Mapping[str, etree._Element]) -> set[str]:
    """Every variable something in the definition may set (see the module docstring for the rule)."""
    names: set[str] = set(ENVIRONMENT_NAMES)
    for task_spec in task_specs:
        for attr in ("script", "prescript", "postscript"):
            code = getattr(task_spec, attr, None)
            if code:
                names |= _assigned(code)
        props = dict(getattr(task_spec, "extensions", {}).get("properties", {}))
        for prop in ("result_variable", "due_variable"):
            if props.get(prop):
                names.add(props[prop])
        for attr in ("result_variable", "input_item", "output_item", "data_output"):
            ref = _bpmn_ref(getattr(task_spec, attr, None))
            if ref:
                names.add(ref)
        engine = getattr(task_spec, "dmnEngine", None)
        if engine is not None:
            names |= {o.name for o in engine.decision_table.outputs if o.name}
        for attr in ("data_input_associations", "data_output_associations"):
            for item in getattr(task_spec, attr, None) or []:
                if _bpmn_ref(item):
                    names.add(_bpmn_ref(item))
    for root in roots.values():
        for tag in ("dataObject", "dataInput", "dataOutput", "dataObjectReference"):
            for el in root.iter(_Q + tag):
                names.update(v for v in (el.get("id"), el.get("name")) if v)
        for el in root.iter():
            if isinstance(el.tag, str) and el.tag.endswith("serviceTaskOperator") and el.get("resultVariable"):
                names.add(el.get("resultVariable"))
            if isinstance(el.tag, str) and el.tag.endswith("messageVariable") and el.text:
                names.add(el.text.strip())
    return names


def decision_table_files(roots: Mapping[str, etree._Element]) -> dict[str, str]:
    """Decision table id → the .dmn file holding it, so a problem at the rule task also names the table's file."""
    return {el.get("id"): filename for filename, root in roots.items() if filename.endswith(".dmn")
            for el in root.iter() if isinstance(el.tag, str) and el.tag.endswith("}decisionTable") and el.get("id")}


def dmn_input_problems(filename: str, task_specs: list[object], provided: set[str],
                       table_files: Mapping[str, str] | None = None) -> Iterator[DefinitionError]:
    """A decision input naming a variable nothing sets would read nothing when the rule task runs."""
    known = provided | set(dir(builtins))
    for task_spec in task_specs:
        engine = getattr(task_spec, "dmnEngine", None)
        if engine is None:
            continue
        for column in engine.decision_table.inputs:
            missing = sorted(_names(column.expression or "") - known)
            if missing:
                label = column.label or column.id
                table = engine.decision_table
                where = (table_files or {}).get(table.id)
                yield DefinitionError(
                    filename, task_spec.bpmn_id,
                    f"决策表“{table.name or table.id}”{f'（{where}）' if where else ''}的输入“{label}”读取的变量 "
                    f"{'、'.join(missing)} 在流程中无处赋值（开始数据、脚本、任务结果都没有）",
                )
