"""Diagrams drawn in other modelers: Camunda and Flowable/Activiti attributes become govflow's own.

Camunda Modeler and Flowable's designer write who does a task, when it is due, which form and which decision
table it uses as attributes in their own namespaces (`camunda:candidateGroups="window_head"`). SpiffWorkflow
reads none of them, so a diagram from those tools would silently lose its assignments. Before the parser sees
a file, `translate` rewrites each such attribute as the `spiffworkflow:` extension govflow already reads
(a `role` property, a `form` property, `calledDecisionId`…), so every later check (known role, registered
form, sandboxed expression) applies to it unchanged; a user task with no rule at all takes the role its lane
names. What govflow cannot honour is reported by element instead of being dropped:

- named users (`assignee="zhangsan"`, `candidateUsers`): govflow assigns to posts, so that A/B substitution and
  leave apply and nobody approves their own case; an assignee or group naming a role is that role;
- expressions (`${initiator}`, `#{approver}`): there is no JUEL here, and a person chosen by a variable is
  `role_variable`'s job — except `dueDate="${var}"`, which is govflow's `due_variable`;
- several candidate groups: a govflow step has one role (and at most a named fallback tier);
- code hooks (listeners, Java classes, connectors, input/output mappings, embedded form fields): behaviour the
  diagram expects and govflow would not perform.

Attributes that only tune Camunda's own job executor or history (`asyncBefore`, `historyTimeToLive`…) change
nothing about what a case does and are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from lxml import etree
from SpiffWorkflow.spiff.specs.defaults import NoneTask

from engine.assignment import DEFAULT_SCOPE
from engine.errors import DefinitionError

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
FOREIGN_NAMESPACES = {
    "http://camunda.org/schema/1.0/bpmn": "camunda",
    "http://flowable.org/bpmn": "flowable",
    "http://activiti.org/bpmn": "activiti",
}
# Engine tuning and modeler bookkeeping: they change nothing about what a case does.
IGNORED_ATTRIBUTES = frozenset({
    "asyncBefore", "asyncAfter", "async", "exclusive", "jobPriority", "taskPriority", "priority", "versionTag",
    "historyTimeToLive", "isStartableInTasklist", "diagramRelationId", "candidateStarterGroups",
    "candidateStarterUsers", "initiator", "mapDecisionResult", "decisionRefBinding", "errorMessage",
})
HUMAN_TASKS = ("userTask", "manualTask")
_EXPRESSION = re.compile(r"^\s*[$#]\{(.*)\}\s*$", re.S)


def translate(
    filename: str, root: etree._Element, role_labels: Mapping[str, str] | None = None
) -> list[DefinitionError]:
    """Rewrite the foreign attributes of a BPMN tree as govflow's extensions, in place; what cannot be is returned.

    `role_labels` maps role keys to the names officials know them by (a lane or group may use either).
    """
    roles = _role_names(role_labels or {})
    problems: list[DefinitionError] = []
    for element in list(root.iter(etree.Element)):  # the loop adds extension elements
        element_id = element.get("id")

        def problem(reason: str, element_id: str | None = element_id) -> None:
            problems.append(DefinitionError(filename, element_id, reason))

        mapped: dict[str, str] = {}
        for name, value in element.attrib.items():
            prefix, local = _foreign(name)
            if prefix is not None and local not in IGNORED_ATTRIBUTES:
                reason = _map_attribute(_local(element), local, value, roles, mapped)
                if reason:
                    problem(f"{prefix}:{local}=“{value}”：{reason}")
        for child in element:
            prefix, local = _foreign(child.tag) if isinstance(child.tag, str) else (None, "")
            if prefix is None or _local(element) != "extensionElements":
                continue
            if local == "properties":
                mapped.update({p.get("name"): p.get("value", "") for p in child if p.get("name")})
            else:
                problem(f"扩展元素 {prefix}:{local} 无法映射：govflow 不执行它描述的行为",
                        element.getparent().get("id") if element.getparent() is not None else None)
        if mapped:
            _write_extensions(element, mapped)
    _take_lane_roles(root, roles)
    return problems


def _role_names(role_labels: Mapping[str, str]) -> dict[str, str]:
    """Every name a role may go by in a diagram (its key, or its label), to its key."""
    names = {key: key for key in DEFAULT_SCOPE}
    names.update({label: key for key, label in role_labels.items() if key in DEFAULT_SCOPE})
    return names


def _foreign(qualified: str) -> tuple[str | None, str]:
    qname = etree.QName(qualified)
    return FOREIGN_NAMESPACES.get(qname.namespace or ""), qname.localname


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _map_attribute(kind: str, attribute: str, value: str, roles: Mapping[str, str], mapped: dict[str, str]) -> str:
    """Put govflow's equivalent of one foreign attribute into `mapped`; the reason it cannot be, or ''."""
    expression = _EXPRESSION.match(value)
    if kind in HUMAN_TASKS and attribute in ("assignee", "candidateUsers", "candidateGroups"):
        if expression:
            return "分派不能用表达式；由流程数据决定的办理人请用 role_variable 属性"
        names = [n.strip() for n in value.split(",") if n.strip()]
        if len(names) != 1:
            return "govflow 的环节只有一个办理角色，不能列出多个候选"
        if names[0] not in roles:
            return ("govflow 按岗位分派（A/B 岗与请假替岗据此生效），不能指定具体人员；"
                    f"请改为组织架构中的角色：{'、'.join(sorted(set(roles.values())))}")
        if mapped.setdefault("role", roles[names[0]]) != roles[names[0]]:
            return f"与同一任务另一分派属性指定的角色 {mapped['role']} 不一致"
        return ""
    if kind in HUMAN_TASKS and attribute == "dueDate":
        if expression and expression.group(1).strip().isidentifier():
            mapped["due_variable"] = expression.group(1).strip()
            return ""
        return "期限须为 ${变量名}（变量存放 ISO 时间），或用 due_working_days 属性按工作日计"
    if kind in HUMAN_TASKS and attribute == "formKey":
        if expression:
            return "表单不能用表达式指定"
        mapped["form"] = value.strip()
        return ""
    if kind == "businessRuleTask" and attribute == "decisionRef":
        if expression:
            return "决策表不能用表达式指定"
        mapped["calledDecisionId"] = value.strip()
        return ""
    return "govflow 没有与之对应的功能"


def _write_extensions(element: etree._Element, mapped: Mapping[str, str]) -> None:
    """Add `mapped` as `spiffworkflow:` extensions; a value the diagram already gives in govflow's own form wins."""
    extensions = _extension_elements(element)
    decision = mapped.get("calledDecisionId")
    if decision is not None and extensions.find(f"{{{SPIFF_NS}}}calledDecisionId") is None:
        etree.SubElement(extensions, f"{{{SPIFF_NS}}}calledDecisionId").text = decision
    properties = extensions.find(f"{{{SPIFF_NS}}}properties")
    if properties is None:
        properties = etree.SubElement(extensions, f"{{{SPIFF_NS}}}properties")
    given = {p.get("name") for p in properties}
    for name, value in mapped.items():
        if name != "calledDecisionId" and name not in given:
            etree.SubElement(properties, f"{{{SPIFF_NS}}}property", name=name, value=value)
    if not len(properties):
        extensions.remove(properties)


def _extension_elements(element: etree._Element) -> etree._Element:
    """The element's `bpmn:extensionElements`, created where the schema wants it (after any documentation)."""
    if _local(element) == "extensionElements":
        return element
    found = element.find(f"{{{BPMN_NS}}}extensionElements")
    if found is not None:
        return found
    documentation = element.findall(f"{{{BPMN_NS}}}documentation")
    extensions = etree.Element(f"{{{BPMN_NS}}}extensionElements")
    element.insert(element.index(documentation[-1]) + 1 if documentation else 0, extensions)
    return extensions


def _take_lane_roles(root: etree._Element, roles: Mapping[str, str]) -> None:
    """A human task with no assignment rule of its own takes the role its lane names (by key or label)."""
    lanes = sorted(root.iter(f"{{{BPMN_NS}}}lane"), key=lambda lane: -sum(1 for _ in lane.iterancestors()))
    for lane in lanes:  # the innermost lane first: a sub-lane's role is the nearer one
        role = roles.get((lane.get("name") or "").strip())
        if role is None:
            continue
        for ref in lane.findall(f"{{{BPMN_NS}}}flowNodeRef"):
            for task in root.xpath("//*[@id=$id]", id=(ref.text or "").strip()):
                if _local(task) in HUMAN_TASKS and not _has_rule(task):
                    _write_extensions(task, {"role": role})


def _has_rule(task: etree._Element) -> bool:
    names = {p.get("name") for p in task.iter(f"{{{SPIFF_NS}}}property")}
    return bool(names & {"role", "role_variable"})


def pass_through_plain_task(task_spec) -> None:
    """A plain `bpmn:task` does no work of its own (BPMN): it completes when reached instead of waiting for a person.

    SpiffWorkflow marks it manual, which would make govflow offer it to officials and demand a role for it.
    """
    if type(task_spec) is NoneTask:
        task_spec.manual = False
