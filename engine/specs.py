"""Load BPMN and DMN sources into a deployable, validated bundle.

A bundle is what a definition version becomes in memory: the parsed process spec, its
user-task assignment metadata and the sources it came from. Loading refuses anything that
would fail later: malformed XML, DTDs, schema errors, unsafe scripts or obvious excess of the
budget, timer literals that are no ISO 8601 date, duration or cycle, user tasks with no assignment
rule, and — given the deploying system's Vocabulary — form keys, service operators and roles it
does not know. Every problem found is reported at once (one DefinitionError listing them all), each
naming file, element id and reason, so an administrator fixes a definition in one round instead of one
error per deploy. Diagrams drawn in Camunda Modeler or Flowable's designer are first rewritten into
govflow's own extensions (engine.foreign), and DMN files are checked against their version's schema
(engine.dmn_versions).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine import checks, foreign
from engine.assignment import DEFAULT_SCOPE, AssignmentError, AssignmentRule
from engine.dmn_versions import add_dmn, new_parser
from engine.errors import DefinitionError, UnsafeScript
from engine.sandbox import check_expression, check_script
from engine.send_back import parse_targets, send_back_problems, spec_names
from engine.signers import MODES, SIGNING_SPECS, SigningSequentialMultiInstance, parse_ratio
from engine.start_timers import start_timers
from engine.timers import CLOCKED, clocked, kind_of, literal_problem, timer_definitions

_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass(frozen=True)
class HumanTaskMeta:
    """What the inbox needs to know about a user task, read from `spiffworkflow:properties`.

    Assignment: `role` (or `role_variable`) + `scope`; `fallback_role`/`fallback_scope` name the next tier
    when only the case's subject or initiator holds the post; `performer_of` names an earlier user task
    whose performer continues; `initiator_may_act="true"` lets the initiator act (e.g. the office that
    registered a complaint investigates it). See engine.assignment.assign.
    """

    spec_name: str
    title: str
    role: str | None
    role_variable: str | None
    scope: str | None
    form: str
    due_working_days: int | None
    result_variable: str | None
    lane: str | None
    # A data variable holding the task's due time (ISO, with zone) when the process computes it, e.g. a deadline
    # that depends on when the task opened; due_working_days counts from the task's creation instead.
    due_variable: str | None = None
    fallback_role: str | None = None  # the next tier when only the case's own people hold `role`
    fallback_scope: str | None = None
    performer_of: str | None = None  # bpmn id of an earlier user task whose performer takes this one
    initiator_may_act: bool = False  # the one who started the case acts as an office here (e.g. registers a complaint)
    # A data variable holding the id of the department an `applicant.department` scope reads for this task instead of
    # the case's own: each co-department of a joint review (联办件) gets its task in its own department.
    department_variable: str | None = None
    # 会签 `all` / 或签 `any` / 依次 `sequential` on a multi-instance user task: each child a signer (engine.signers).
    approval_mode: str | None = None
    # A signing step's input item holding the official (id) each signer's task is for, instead of a role.
    official_variable: str | None = None
    # Timeout rule (超时规则): after `timeout_working_days` working days from when the task opened (engine.calendar's
    # one counting rule), the deadline watch reminds its holders, approves, rejects, or escalates it to a role.
    timeout_working_days: int | None = None
    timeout_action: str | None = None  # one of TIMEOUT_ACTIONS
    escalate_role: str | None = None
    escalate_scope: str | None = None
    # "false": the step's own BPMN timers remind and handle lateness, so the deadline watch sends it no due-soon or
    # overdue notice (one reminder, not two at the same moment).
    deadline_notices: bool = True

    @property
    def escalation(self) -> AssignmentRule | None:
        return AssignmentRule.of(self.escalate_role, self.escalate_scope) if self.escalate_role else None
    # Earlier user tasks (spec names) this one may send the case back to (退回), checked at deploy (engine.send_back).
    send_back_to: tuple[str, ...] = ()
    # When the approval form's opinion (意见) must be given: "always", "on_reject" (the default) or "never".
    opinion_required: str = "on_reject"
    bulk_approve: bool = False  # the inbox may approve this step together with others (批量同意)

    @property
    def fallback(self) -> AssignmentRule | None:
        return AssignmentRule.of(self.fallback_role, self.fallback_scope) if self.fallback_role else None


@dataclass(frozen=True)
class Vocabulary:
    """The names the deploying system can act on; `None` leaves that kind unchecked.

    The engine imports no Django, so the Django side passes what its registry knows (the forms
    and service handlers families registered, the org chart's roles). Loading a stored version
    to run it passes none: a version deployed once keeps running.
    """

    forms: frozenset[str] | None = None
    services: frozenset[str] | None = None
    roles: frozenset[str] | None = None
    # Role key → the name officials know it by: a lane or a foreign candidate group may name a role either way.
    # Running a stored version passes them too, since they decide who a task of such a diagram goes to.
    role_labels: Mapping[str, str] | None = None
    # Process key → the variables its start data carries (declared by the family): decision inputs may read
    # them. A key not listed leaves decision inputs unchecked, since nobody said what its start data holds.
    start_variables: Mapping[str, frozenset[str]] | None = None


OPINION_REQUIRED = ("always", "on_reject", "never")  # the values `opinion_required` may take

DEFAULT_FORM = "generic"  # what a user task without a `form` property gets: always known

TIMEOUT_ACTIONS = ("remind", "approve", "reject", "escalate")
# The forms whose result is {"decision": "approve" | "reject", "comment": ...}: only a step completed with one of
# them can be approved or rejected by its timeout (the process reads the decision as if an official gave it).
DECISION_FORMS = frozenset({"approval"})


@dataclass
class SpecBundle:
    process_id: str
    spec: object
    subprocess_specs: dict
    human_tasks: dict[str, HumanTaskMeta]
    sources: dict[str, str] = field(default_factory=dict)


def _parse_xml(filename: str, source: str | bytes) -> etree._Element:
    raw = source.encode("utf-8") if isinstance(source, str) else source
    try:
        raw.decode("utf-8")  # sources are stored as text; other encodings also hide a DOCTYPE from the check below
    except UnicodeDecodeError as exc:
        raise DefinitionError(
            filename, None, f"文件须为 UTF-8 编码（偏移量 {exc.start} 处有无效字节）"
        ) from exc
    no_dtd = "不允许 DTD 或实体声明"
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise DefinitionError(filename, None, no_dtd)
    try:
        root = etree.fromstring(raw, _SAFE_XML)
    except etree.XMLSyntaxError as exc:
        raise DefinitionError(filename, None, f"XML 格式错误，第 {exc.lineno} 行：{exc.msg}") from exc
    if root.getroottree().docinfo.doctype:  # spelled in e.g. UTF-7 it escapes the byte check
        raise DefinitionError(filename, None, no_dtd)
    return root


def _element_id_at_line(root: etree._Element, line: int | str | None) -> str | None:
    """The id of the innermost element with an id around what starts on `line` (the validator gives lines only)."""
    if not line:
        return None
    for el in root.iter(etree.Element):
        if el.sourceline == int(line):
            return next((node.get("id") for node in (el, *el.iterancestors()) if node.get("id")), None)
    return None


def _validation_error(filename: str, root: etree._Element, exc: ValidationException) -> DefinitionError:
    element_id = exc.id or _element_id_at_line(root, exc.line_number)
    line = f" (line {exc.line_number})" if exc.line_number else ""
    return DefinitionError(exc.file_name or filename, element_id, f"{exc}{line}")


def _properties(task_spec) -> dict[str, str]:
    return dict(getattr(task_spec, "extensions", {}).get("properties", {}))


def _human_task_meta(filename: str, task_spec, problems: list[DefinitionError]) -> HumanTaskMeta:
    """The inbox metadata of a user task; what is wrong with it goes to `problems`."""
    props = _properties(task_spec)

    def problem(reason: str) -> None:
        problems.append(DefinitionError(filename, task_spec.bpmn_id, reason))

    if not props.get("role") and not props.get("role_variable") and not props.get("official_variable"):
        problem("用户任务缺少分派规则（role、role_variable 或 official_variable）")
    if props.get("official_variable") and (props.get("role") or props.get("role_variable")):
        problem("official_variable 与 role / role_variable 只能二选一")
    if props.get("role"):
        try:
            AssignmentRule.of(props["role"], props.get("scope"))  # a typo would only fail when the task is reached
        except AssignmentError as exc:
            problem(str(exc))
    if props.get("fallback_role"):
        try:
            AssignmentRule.of(props["fallback_role"], props.get("fallback_scope"))
        except AssignmentError as exc:
            problem(f"fallback_role：{exc}")
    if props.get("initiator_may_act", "false") not in ("true", "false"):
        problem("initiator_may_act 只能是 true 或 false")
    if props.get("deadline_notices", "true") not in ("true", "false"):
        problem("deadline_notices 只能是 true 或 false")
    if props.get("department_variable") and (props.get("scope") or "applicant.department") != "applicant.department":
        problem("department_variable 只能与范围 applicant.department 一起使用")
    opinion = props.get("opinion_required", "on_reject")
    if opinion not in OPINION_REQUIRED:
        problem(f"opinion_required 只能是 {'、'.join(OPINION_REQUIRED)}，不能是 {opinion!r}")
    bulk = props.get("bulk_approve", "false")
    if bulk not in ("true", "false"):
        problem("bulk_approve 只能是 true 或 false")
    elif bulk == "true" and props.get("form", DEFAULT_FORM) != "approval":
        problem("bulk_approve 只能用于审批表单（form=approval）的步骤")
    elif bulk == "true" and opinion == "always":
        problem("bulk_approve 不能用于必须填写意见（opinion_required=always）的步骤")
    due = props.get("due_working_days")
    if due is not None and not due.isdigit():
        problem(f"due_working_days must be a whole number, got {due!r}")
    timeout = _timeout_problems(props)
    for reason in timeout:
        problem(reason)
    return HumanTaskMeta(
        spec_name=task_spec.name,
        title=task_spec.bpmn_name or task_spec.name,
        role=props.get("role"),
        role_variable=props.get("role_variable"),
        scope=props.get("scope"),
        form=props.get("form", DEFAULT_FORM),
        due_working_days=int(due) if due is not None and due.isdigit() else None,
        result_variable=props.get("result_variable"),
        lane=task_spec.lane,
        due_variable=props.get("due_variable"),
        fallback_role=props.get("fallback_role"),
        fallback_scope=props.get("fallback_scope"),
        performer_of=props.get("performer_of"),
        initiator_may_act=props.get("initiator_may_act") == "true",
        department_variable=props.get("department_variable"),
        approval_mode=props.get("approval_mode") if props.get("approval_mode") in MODES else None,
        official_variable=props.get("official_variable"),
        timeout_working_days=int(props["timeout_working_days"]) if not timeout and "timeout_working_days" in props
        else None,
        timeout_action=props.get("timeout_action") if not timeout else None,
        escalate_role=props.get("escalate_role") if not timeout else None,
        escalate_scope=props.get("escalate_scope") if not timeout else None,
        deadline_notices=props.get("deadline_notices") != "false",
        send_back_to=parse_targets(props.get("send_back_to")),
        opinion_required=opinion if opinion in OPINION_REQUIRED else "on_reject",
        bulk_approve=bulk == "true",
    )


SIGNING_FORM = "approval"  # the form whose decision (approve / reject) a signing step counts


def _signing_problems(filename: str, task_spec) -> Iterator[DefinitionError]:
    """A multi-approver step that would miscount or stall when reached: refused naming its element."""
    loop = task_spec.inputs[0] if task_spec.manual and task_spec.inputs else None
    props = _properties(task_spec) if task_spec.manual else {}
    mode = props.get("approval_mode")
    if mode is None:
        if props.get("pass_ratio") is not None:
            yield DefinitionError(filename, task_spec.bpmn_id, "pass_ratio 只能用于 approval_mode=\"all\"（会签）")
        if props.get("official_variable") is not None:
            yield DefinitionError(filename, task_spec.bpmn_id,
                                  "official_variable 只能用于多人审批环节（approval_mode）")
        return
    if mode not in MODES:
        yield DefinitionError(filename, task_spec.bpmn_id,
                              f"未知的 approval_mode {mode!r}，可用：all（会签）、any（或签）、sequential（依次）")
        return
    if not isinstance(loop, SIGNING_SPECS) or loop.task_spec != task_spec.name:
        yield DefinitionError(filename, task_spec.bpmn_id,
                              "approval_mode 只能用于多实例用户任务（multiInstanceLoopCharacteristics）")
        return
    if (mode == "sequential") != isinstance(loop, SigningSequentialMultiInstance):
        wanted = "true" if mode == "sequential" else "false"
        yield DefinitionError(filename, task_spec.bpmn_id,
                              f"approval_mode={mode!r}（{MODES[mode]}）须配 isSequential=\"{wanted}\"")
    if props.get("pass_ratio") is not None:
        if mode != "all":
            yield DefinitionError(filename, task_spec.bpmn_id, "pass_ratio 只能用于 approval_mode=\"all\"（会签）")
        else:
            try:
                parse_ratio(props["pass_ratio"])
            except (ValueError, ZeroDivisionError):
                yield DefinitionError(filename, task_spec.bpmn_id, "pass_ratio 须为 (0, 1] 之间的比例，"
                                      f"如 \"2/3\" 或 \"0.5\"，而不是 {props['pass_ratio']!r}")
    if loop.data_input is None:
        yield DefinitionError(filename, task_spec.bpmn_id, "多人审批环节须以 loopDataInputRef 给出审批人列表")
    item = loop.input_item.bpmn_id if loop.input_item is not None else None
    if props.get("official_variable") is not None and props["official_variable"] != item:
        yield DefinitionError(filename, task_spec.bpmn_id, f"official_variable 须为多实例的 inputDataItem（{item}），"
                                                           f"而不是 {props['official_variable']!r}")
    if props.get("form", DEFAULT_FORM) != SIGNING_FORM:
        yield DefinitionError(filename, task_spec.bpmn_id,
                              f"多人审批环节须使用审批表单 form=\"{SIGNING_FORM}\"（同意 / 不同意）")


def _timeout_problems(props: Mapping[str, str]) -> list[str]:
    """What is wrong with a user task's timeout rule: it would only fail when the deadline watch reaches it."""
    days, action = props.get("timeout_working_days"), props.get("timeout_action")
    if days is None and action is None:
        if props.get("escalate_role") or props.get("escalate_scope"):
            return ["escalate_role 只能与 timeout_action=escalate 一起使用"]
        return []
    if days is None or not days.isdigit():
        return [f"timeout_working_days 须为不小于 0 的整数，实际为 {days!r}"]
    if action not in TIMEOUT_ACTIONS:
        return [f"未知的超时处理 timeout_action={action!r}，可用：{'、'.join(TIMEOUT_ACTIONS)}"]
    if action in ("approve", "reject") and props.get("form", DEFAULT_FORM) not in DECISION_FORMS:
        return [f"超时自动{'同意' if action == 'approve' else '不同意'}只能用于审批表单（approval）的任务，"
                f"此任务的表单是 {props.get('form', DEFAULT_FORM)!r}"]
    if action != "escalate":
        return ["escalate_role 只能与 timeout_action=escalate 一起使用"] if props.get("escalate_role") else []
    if not props.get("escalate_role"):
        return ["timeout_action=escalate 须指定 escalate_role"]
    try:
        AssignmentRule.of(props["escalate_role"], props.get("escalate_scope"))
    except AssignmentError as exc:
        return [f"escalate_role：{exc}"]
    return []


def _unknown_names(filename: str, task_spec, vocabulary: Vocabulary) -> Iterator[DefinitionError]:
    """Form keys, service operators and roles the deploying system does not know (they would fail when reached)."""
    props = _properties(task_spec) if task_spec.manual else {}
    form = props.get("form")
    if vocabulary.forms is not None and form is not None and form != DEFAULT_FORM and form not in vocabulary.forms:
        yield DefinitionError(filename, task_spec.bpmn_id,
                              f"未知的表单 '{form}'，可用：{'、'.join(sorted(vocabulary.forms))}")
    for role in (props.get("role"), props.get("fallback_role"), props.get("escalate_role")):
        if vocabulary.roles is not None and role in DEFAULT_SCOPE and role not in vocabulary.roles:  # else refused
            yield DefinitionError(filename, task_spec.bpmn_id, f"组织架构中没有角色 '{role}'")
    operation = getattr(task_spec, "operation_name", None)
    if vocabulary.services is not None and operation is not None and operation not in vocabulary.services:
        yield DefinitionError(filename, task_spec.bpmn_id, f"未注册的服务 '{operation}'")
    yield from _service_role_problems(filename, task_spec, vocabulary)


def _service_role_problems(filename: str, task_spec, vocabulary: Vocabulary) -> Iterator[DefinitionError]:
    """A service parameter named `role` (and `scope`, e.g. runtime.copy_to's) must be a quoted literal the
    assignment rules know: a role resolved only when the step runs would fail there instead of at deploy."""
    params = getattr(task_spec, "operation_params", None) or {}
    if "role" not in params:
        return
    role, scope = _literal(params["role"]["value"]), _literal((params.get("scope") or {}).get("value"))
    if not isinstance(role, str) or (scope is not None and not isinstance(scope, str)):
        yield DefinitionError(filename, task_spec.bpmn_id,
                              "服务参数 role / scope 须为带引号的角色、范围名称，如 'centre_director'")
        return
    try:
        AssignmentRule.of(role, scope or None)
    except AssignmentError as exc:
        yield DefinitionError(filename, task_spec.bpmn_id, f"服务参数 role：{exc}")
        return
    if vocabulary.roles is not None and role not in vocabulary.roles:
        yield DefinitionError(filename, task_spec.bpmn_id, f"组织架构中没有角色 '{role}'")


def _literal(expression: str | None) -> object:
    """The value of a literal parameter expression ("'centre_director'"), else a marker object; None if absent."""
    if expression is None or not str(expression).strip():
        return None
    try:
        return ast.literal_eval(str(expression).strip())
    except (ValueError, SyntaxError):
        return object()


def _check_performer_of(spec, subprocess_specs: Mapping) -> Iterator[DefinitionError]:
    """`performer_of` must name another user task of the same process, or the rule would silently never apply."""
    for process_spec in [spec, *subprocess_specs.values()]:
        filename = getattr(process_spec, "file", None) or process_spec.name
        user_tasks = {t.name for t in process_spec.task_specs.values() if t.manual}
        for task_spec in process_spec.task_specs.values():
            earlier = _properties(task_spec).get("performer_of") if task_spec.manual else None
            if earlier and (earlier not in user_tasks or earlier == task_spec.name):
                yield DefinitionError(
                    filename, task_spec.bpmn_id, f"performer_of 须指向同一流程中的另一个用户任务，{earlier!r} 不是"
                )


def _expressions(task_spec) -> Iterator[tuple[str, str]]:
    """Every (kind, source) pair of code a task spec will run."""
    if getattr(task_spec, "script", None):
        yield "exec", task_spec.script
    for attr in ("prescript", "postscript"):
        if getattr(task_spec, attr, None):
            yield "exec", getattr(task_spec, attr)
    for condition, _target in getattr(task_spec, "cond_task_specs", []) or []:
        if condition is not None:  # an operator object wrapping the expression text
            yield "eval", condition.args[0]
    if getattr(task_spec, "condition", None) and isinstance(task_spec.condition, str):
        yield "eval", task_spec.condition
    if getattr(task_spec, "cardinality", None):
        yield "eval", task_spec.cardinality
    event_definition = getattr(task_spec, "event_definition", None)
    if event_definition is not None and getattr(event_definition, "expression", None):
        yield "eval", event_definition.expression
    for prop in [*(getattr(event_definition, "correlation_properties", None) or []),
                 *(getattr(event_definition, "process_correlations", None) or [])]:
        yield "eval", prop.retrieval_expression  # correlations run through the sandbox too: checked alike
    for param in (getattr(task_spec, "operation_params", None) or {}).values():
        yield "eval", param["value"]
    engine = getattr(task_spec, "dmnEngine", None)
    if engine is not None:
        yield from _dmn_expressions(engine.decision_table)


def _dmn_expressions(table) -> Iterator[tuple[str, str]]:
    for column in table.inputs:
        if column.expression:
            yield "eval", column.expression
    for rule in table.rules:
        for entry in rule.inputEntries:
            for lhs in entry.lhs:
                if lhs and lhs.strip() != "-":
                    yield "eval", _dmn_cell_as_expression(lhs)
        for entry in rule.outputEntries:
            if entry.text:
                yield "eval", entry.text


def _dmn_cell_as_expression(cell: str) -> str:
    if "?" in cell:
        return cell.replace("?", "dmninputexpr")
    try:
        check_expression(cell)
        return cell
    except UnsafeScript:
        return f"dmninputexpr {cell}"


def _timer_problems(filename: str, task_spec) -> Iterator[DefinitionError]:
    """A timer literal that is no ISO 8601 date/duration/cycle would only fail when the timer is reached."""
    for event_definition in timer_definitions(getattr(task_spec, "event_definition", None)):
        problem = literal_problem(kind_of(event_definition), event_definition.expression or "")
        if problem is not None:
            yield DefinitionError(filename, task_spec.bpmn_id, problem)


def _start_timer_problems(filename: str, spec) -> Iterator[DefinitionError]:
    """A timer start event is scheduled at deploy, before any instance data exists: it must be a literal."""
    for timer in start_timers(spec):
        if timer.literal is None:
            yield DefinitionError(filename, timer.element_id,
                                  "计时开始事件的时间须为 ISO 8601 字面量（如 \"R/P1D\"），不能是表达式")


def _use_clocked_timers(task_spec) -> None:
    """Every timer, wherever it sits (start, catch, boundary, after an event-based gateway), asks the engine clock."""
    event_definition = getattr(task_spec, "event_definition", None)
    if type(event_definition) in CLOCKED:
        task_spec.event_definition = clocked(event_definition)
    inner = getattr(event_definition, "event_definitions", None)
    if inner:
        event_definition.event_definitions = [clocked(d) if type(d) in CLOCKED else d for d in inner]


def _all_task_specs(spec, subprocess_specs: Mapping) -> Iterator[tuple[str, object]]:
    for process_spec in [spec, *subprocess_specs.values()]:
        filename = getattr(process_spec, "file", None) or process_spec.name
        for task_spec in process_spec.task_specs.values():
            yield filename, task_spec


def _dmn_input_problems(spec, subprocess_specs: Mapping, roots: Mapping[str, etree._Element], process_id: str,
                        vocabulary: Vocabulary | None) -> list[DefinitionError]:
    """Decision inputs the process never provides (engine.checks); only where the family declared its start data."""
    declared = vocabulary.start_variables if vocabulary is not None else None
    if declared is None or process_id not in declared:
        return []
    pairs = list(_all_task_specs(spec, subprocess_specs))
    provided = checks.provided_variables([t for _f, t in pairs], roots) | set(declared[process_id])
    table_files = checks.decision_table_files(roots)
    problems: list[DefinitionError] = []
    for filename, task_spec in pairs:
        problems.extend(checks.dmn_input_problems(filename, [task_spec], provided, table_files))
    return problems


def load_bundle(
    sources: Mapping[str, str | bytes], process_id: str | None = None, vocabulary: Vocabulary | None = None
) -> SpecBundle:
    """Parse and validate `{filename: text}`; the single executable process unless `process_id` is given.

    Raises one DefinitionError listing every problem found (`.problems`). Files that cannot be parsed
    stop the check there, since the process cannot be assembled without them; otherwise every task is
    checked before anything is raised.
    """
    parser = new_parser()
    role_labels = vocabulary.role_labels if vocabulary is not None else None
    roots: dict[str, etree._Element] = {}
    problems: list[DefinitionError] = []
    unmapped: list[DefinitionError] = []  # foreign attributes: reported with the task checks, not instead of them
    for filename, source in sources.items():
        try:
            root = _parse_xml(filename, source)
        except DefinitionError as exc:
            problems.append(exc)
            continue
        roots[filename] = root
        try:
            if filename.endswith(".dmn"):
                add_dmn(parser, filename, root)
            else:
                unmapped.extend(foreign.translate(filename, root, role_labels))
                unmapped.extend(checks.gateway_problems(filename, root))
                parser.add_bpmn_xml(root, filename=filename)
        except ValidationException as exc:
            problems.append(_validation_error(filename, root, exc))
        except Exception as exc:  # whatever the parser raises, a deploy refuses by file instead of crashing
            problems.append(DefinitionError(filename, None, f"解析失败：{type(exc).__name__}: {exc}"))
    if problems:
        raise DefinitionError.of(unmapped + problems)
    problems = unmapped
    bpmn_files = [f for f in sources if not f.endswith(".dmn")]
    if process_id is None:
        ids = parser.get_process_ids()
        if len(ids) > 1 and len(parser.collaborations) == 1:  # several pools of one collaboration: one definition
            ids = list(parser.collaborations)
        if len(ids) != 1:
            found = "、".join(ids) or "无"
            raise DefinitionError(", ".join(bpmn_files), None, f"需要恰好一个流程，实际有 {len(ids)} 个：{found}")
        process_id = ids[0]
    try:
        if process_id in parser.collaborations:  # a collaboration's key: each executable pool a subprocess of it
            spec, subprocess_specs = parser.get_collaboration(process_id)
        else:
            spec = parser.get_spec(process_id)
            subprocess_specs = parser.get_subprocess_specs(process_id)
    except ValidationException as exc:
        raise _validation_error(exc.file_name or bpmn_files[0], roots.get(exc.file_name, next(iter(roots.values()))),
                                exc) from exc
    except (SpiffWorkflowException, KeyError, IndexError, AttributeError, TypeError, ValueError) as exc:
        raise DefinitionError(bpmn_files[0], None, f"流程无法组装：{exc}") from exc

    for filename in bpmn_files:
        if filename in roots:
            problems.extend(checks.unreachable_problems(filename, roots[filename]))
    problems.extend(_dmn_input_problems(spec, subprocess_specs, roots, process_id, vocabulary))
    human_tasks: dict[str, HumanTaskMeta] = {}
    for filename, task_spec in _all_task_specs(spec, subprocess_specs):
        problems.extend(_timer_problems(filename, task_spec))
        problems.extend(checks.calendar_day_timer_problems(filename, task_spec))
        for kind, code in _expressions(task_spec):
            try:
                check_expression(code) if kind == "eval" else check_script(code)
            except UnsafeScript as exc:
                problems.append(DefinitionError(filename, task_spec.bpmn_id, f"{exc} — {code!r}"))
        if vocabulary is not None:
            problems.extend(_unknown_names(filename, task_spec, vocabulary))
        _use_clocked_timers(task_spec)
        foreign.pass_through_plain_task(task_spec)
        problems.extend(_signing_problems(filename, task_spec))
        if task_spec.manual:  # user and manual tasks: the runner offers both to officials
            if task_spec.name in human_tasks:  # looked up by id alone: the second would silently take the first's rule
                problems.append(DefinitionError(filename, task_spec.bpmn_id, "用户任务的 id 须在定义的所有流程中唯一"))
            human_tasks[task_spec.name] = _human_task_meta(filename, task_spec, problems)
    problems.extend(_check_performer_of(spec, subprocess_specs))
    problems.extend(send_back_problems(spec, subprocess_specs))
    problems.extend(_start_timer_problems(getattr(spec, "file", None) or spec.name, spec))
    if problems:
        raise DefinitionError.of(problems)
    names = spec_names(spec, subprocess_specs)  # a multi-instance target's per-person spec is named "<id> [child]"
    human_tasks = {name: replace(meta, send_back_to=tuple(names.get(t, t) for t in meta.send_back_to))
                   for name, meta in human_tasks.items()}
    return SpecBundle(
        process_id=process_id,
        spec=spec,
        subprocess_specs=subprocess_specs,
        human_tasks=human_tasks,
        sources={k: v.decode("utf-8") if isinstance(v, bytes) else v for k, v in sources.items()},
    )


def load_bundle_from_files(
    paths: list[str | Path], process_id: str | None = None, vocabulary: Vocabulary | None = None
) -> SpecBundle:
    return load_bundle({Path(p).name: Path(p).read_bytes() for p in paths}, process_id, vocabulary)
