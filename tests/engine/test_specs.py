"""Loading definitions: what deploys, and what is refused with file, element and reason."""

from pathlib import Path

import pytest

from engine.errors import DefinitionError
from engine.specs import HumanTaskMeta, Vocabulary, load_bundle, load_bundle_from_files
from engine.timers import (
    ClockedCycleTimerEventDefinition,
    ClockedDurationTimerEventDefinition,
    ClockedTimeDateEventDefinition,
)

FIXTURES = Path(__file__).parent / "fixtures"
TWO_STEP = (FIXTURES / "two_step.bpmn").read_text(encoding="utf-8")
AUTOMATED = (FIXTURES / "automated.bpmn").read_text(encoding="utf-8")
ROUTE_DMN = (FIXTURES / "route.dmn").read_text(encoding="utf-8")
RULE_TASK = (FIXTURES / "rule_task.bpmn").read_text(encoding="utf-8")


def mutate(source: str, old: str, new: str) -> str:
    assert source.count(old) == 1, f"fixture text not found exactly once: {old!r}"
    return source.replace(old, new)


def refused(filename: str, source: str | bytes) -> DefinitionError:
    with pytest.raises(DefinitionError) as info:
        load_bundle({filename: source})
    assert info.value.filename == filename
    assert filename in str(info.value)
    return info.value


# --- a good definition ----------------------------------------------------------------------


def test_minimal_process_loads_with_human_task_metadata():
    bundle = load_bundle({"two_step.bpmn": TWO_STEP})
    assert bundle.process_id == "two_step"
    assert set(bundle.human_tasks) == {"receive", "approve"}
    assert bundle.human_tasks["receive"] == HumanTaskMeta(
        spec_name="receive", title="受理", role="window_head", role_variable=None, scope=None, form="receipt",
        due_working_days=1, result_variable=None, lane="窗口负责人",
    )
    approve = bundle.human_tasks["approve"]
    assert (approve.title, approve.role, approve.form, approve.due_working_days, approve.lane) == (
        "审批", "dept_deputy_leader", "approval", 3, "分管领导",
    )
    assert approve.result_variable == "approval"
    assert bundle.sources == {"two_step.bpmn": TWO_STEP}


def test_bytes_sources_are_kept_as_text():
    bundle = load_bundle({"two_step.bpmn": TWO_STEP.encode("utf-8")})
    assert bundle.sources["two_step.bpmn"] == TWO_STEP


def test_load_from_files_uses_the_file_names():
    bundle = load_bundle_from_files([FIXTURES / "two_step.bpmn"])
    assert list(bundle.sources) == ["two_step.bpmn"]
    assert bundle.process_id == "two_step"


def test_form_defaults_to_generic_and_role_variable_is_read():
    source = mutate(TWO_STEP, '<spiffworkflow:property name="form" value="receipt"/>', "")
    source = mutate(
        source, '<spiffworkflow:property name="role" value="window_head"/>',
        '<spiffworkflow:property name="role_variable" value="first_approver"/>'
        '<spiffworkflow:property name="scope" value="centre"/>',
    )
    meta = load_bundle({"p.bpmn": source}).human_tasks["receive"]
    assert (meta.form, meta.role, meta.role_variable, meta.scope) == ("generic", None, "first_approver", "centre")


def test_time_date_timers_ask_the_engine_clock():
    bundle = load_bundle({"two_step.bpmn": TWO_STEP})
    timer = bundle.spec.task_specs["wait_five_days"].event_definition
    assert type(timer) is ClockedTimeDateEventDefinition
    assert timer.expression == "working_days_after(received_on, 5)"


def test_two_processes_need_a_process_id():
    other = TWO_STEP.replace('id="two_step"', 'id="other_step"').replace("Definitions_two_step", "Definitions_o")
    sources = {"a.bpmn": TWO_STEP, "b.bpmn": other}
    with pytest.raises(DefinitionError, match="需要恰好一个流程，实际有 2 个：two_step、other_step"):
        load_bundle(sources)
    assert load_bundle(sources, process_id="other_step").process_id == "other_step"


def test_business_rule_task_with_its_dmn_loads():
    bundle = load_bundle({"rule_task.bpmn": RULE_TASK, "route.dmn": ROUTE_DMN})
    assert bundle.process_id == "rule_task"
    assert set(bundle.sources) == {"rule_task.bpmn", "route.dmn"}


# --- malformed and unsafe XML ---------------------------------------------------------------


def test_broken_xml_names_the_file_and_the_line():
    source = mutate(TWO_STEP, "</bpmn:exclusiveGateway>", "</bpmn:exclusiveGatway>")
    line = next(i for i, text in enumerate(source.splitlines(), 1) if "exclusiveGatway" in text)
    error = refused("broken.bpmn", source)
    assert error.element_id is None
    assert error.reason.startswith(f"XML 格式错误，第 {line} 行：")
    assert str(error).startswith(f"流程定义无效：broken.bpmn：XML 格式错误，第 {line} 行：")


def test_doctype_with_entities_is_refused():
    source = mutate(
        TWO_STEP, '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE d [<!ENTITY lol "lol">]>',
    )
    error = refused("dtd.bpmn", source)
    assert "DTD" in error.reason


def test_external_entity_is_refused():
    source = mutate(
        TWO_STEP, '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    )
    source = mutate(source, 'name="受理"', 'name="&xxe;"')
    refused("xxe.bpmn", source)


def test_doctype_in_another_encoding_is_refused():
    # The same DOCTYPE written in UTF-16 has no b"<!DOCTYPE" bytes in it.
    source = mutate(
        TWO_STEP, '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE d [<!ENTITY lol "lol">]>',
    )
    refused("dtd16.bpmn", source.encode("utf-16"))


def test_doctype_spelled_in_utf7_is_refused():
    # "+ADw-!DOCTYPE" is "<!DOCTYPE" in UTF-7: valid UTF-8 bytes that a byte search does not see.
    body = mutate(TWO_STEP, '<?xml version="1.0" encoding="UTF-8"?>', "").encode("utf-7")
    header = b'<?xml version="1.0" encoding="UTF-7"?>\n+ADw-!DOCTYPE d +AFs-+ADw-!ENTITY lol "lol"+AD4-+AF0-+AD4-'
    error = refused("dtd7.bpmn", header + body)
    assert "DTD" in error.reason


def test_file_that_is_not_utf8_is_refused_with_a_definition_error():
    source = mutate(TWO_STEP, 'encoding="UTF-8"', 'encoding="GBK"')
    raw = source.encode("gbk")
    with pytest.raises(UnicodeDecodeError) as bad:
        raw.decode("utf-8")
    error = refused("gbk.bpmn", raw)
    assert error.reason == f"文件须为 UTF-8 编码（偏移量 {bad.value.start} 处有无效字节）"


# --- schema ---------------------------------------------------------------------------------


def test_schema_invalid_element_names_the_file_and_the_enclosing_element():
    source = mutate(TWO_STEP, "<bpmn:incoming>f3</bpmn:incoming>", "<bpmn:bogus/><bpmn:incoming>f3</bpmn:incoming>")
    error = refused("schema.bpmn", source)
    assert error.element_id == "approve"
    assert "bogus" in error.reason


def test_schema_invalid_element_between_tasks_names_the_process_not_the_previous_task():
    source = mutate(TWO_STEP, '    <bpmn:userTask id="receive"', '    <bpmn:bogus/>\n    <bpmn:userTask id="receive"')
    error = refused("schema.bpmn", source)
    assert error.element_id == "two_step"


# --- scripts and expressions ----------------------------------------------------------------


def test_script_task_with_import_names_file_and_script_task():
    source = mutate(AUTOMATED, 'total_days = sum(p["days"] for p in periods) // divisor',
                    'import os\ntotal_days = 1')
    error = refused("automated.bpmn", source)
    assert error.element_id == "compute_days"
    assert "import" in error.reason


def test_script_task_with_dunder_escape_is_refused():
    source = mutate(AUTOMATED, 'long_leave = total_days &gt; 3', "x = ().__class__.__base__.__subclasses__()")
    assert refused("automated.bpmn", source).element_id == "compute_days"


def test_unsafe_gateway_condition_names_the_gateway():
    source = mutate(TWO_STEP, 'approval["outcome"] == "同意"', '__import__("os").system("id") == 0')
    error = refused("gateway.bpmn", source)
    assert error.element_id == "decide"
    assert "__import__" in error.reason


def test_unsafe_timer_expression_names_the_timer():
    source = mutate(TWO_STEP, "working_days_after(received_on, 5)", 'open("/etc/passwd").read()')
    assert refused("timer.bpmn", source).element_id == "wait_five_days"


def test_unsafe_service_parameter_names_the_service_task():
    source = mutate(AUTOMATED, 'value="id_no"', 'value="getattr(id_no, \'upper\')()"')
    assert refused("service.bpmn", source).element_id == "lookup_applicant"


def test_unsafe_multi_instance_cardinality_is_refused():
    source = mutate(
        TWO_STEP, "<bpmn:outgoing>f4</bpmn:outgoing>",
        "<bpmn:outgoing>f4</bpmn:outgoing>\n      <bpmn:multiInstanceLoopCharacteristics>"
        "<bpmn:loopCardinality>len(__import__('os').listdir('/'))</bpmn:loopCardinality>"
        "</bpmn:multiInstanceLoopCharacteristics>",
    )
    assert refused("mi.bpmn", source).element_id == "approve"


def test_unsafe_dmn_cell_is_refused():
    dmn = mutate(ROUTE_DMN, "<text>\"window_head\"</text>", "<text>__import__('os').getcwd()</text>")
    with pytest.raises(DefinitionError, match="__import__"):
        load_bundle({"rule_task.bpmn": RULE_TASK, "route.dmn": dmn})


# --- timers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timer", "clocked"),
    [('<bpmn:timeDuration>"PT5H"</bpmn:timeDuration>', ClockedDurationTimerEventDefinition),
     ('<bpmn:timeCycle>"R3/PT1H"</bpmn:timeCycle>', ClockedCycleTimerEventDefinition)],
)
def test_duration_and_cycle_timers_deploy_and_ask_the_engine_clock(timer, clocked):
    source = mutate(TWO_STEP, "<bpmn:timeDate>working_days_after(received_on, 5)</bpmn:timeDate>", timer)
    assert type(load_bundle({"p5d.bpmn": source}).spec.task_specs["wait_five_days"].event_definition) is clocked


# --- user tasks -----------------------------------------------------------------------------


def test_user_task_without_role_is_refused_naming_it():
    source = mutate(TWO_STEP, '<spiffworkflow:property name="role" value="dept_deputy_leader"/>', "")
    error = refused("norole.bpmn", source)
    assert error.element_id == "approve"
    assert "role_variable" in error.reason


def test_user_task_without_any_properties_is_refused():
    start = TWO_STEP.index('<bpmn:extensionElements>', TWO_STEP.index('id="approve"'))
    end = TWO_STEP.index("</bpmn:extensionElements>", start) + len("</bpmn:extensionElements>")
    assert refused("bare.bpmn", TWO_STEP[:start] + TWO_STEP[end:]).element_id == "approve"


def test_user_task_with_unknown_role_is_refused_at_deploy():
    source = mutate(TWO_STEP, 'value="dept_deputy_leader"', 'value="dept_deputy_leadr"')
    error = refused("typo.bpmn", source)
    assert error.element_id == "approve"
    assert "dept_deputy_leadr" in error.reason


def test_user_task_with_unknown_scope_is_refused_at_deploy():
    source = mutate(TWO_STEP, '<spiffworkflow:property name="role" value="window_head"/>',
                    '<spiffworkflow:property name="role" value="window_head"/>'
                    '<spiffworkflow:property name="scope" value="applicant.windw"/>')
    error = refused("scope.bpmn", source)
    assert error.element_id == "receive"
    assert "applicant.windw" in error.reason


def test_due_working_days_must_be_a_whole_number():
    source = mutate(TWO_STEP, 'name="due_working_days" value="3"', 'name="due_working_days" value="三"')
    assert refused("due.bpmn", source).element_id == "approve"


def test_manual_task_is_a_human_task_too():
    source = mutate(TWO_STEP, '<bpmn:userTask id="receive" name="受理">', '<bpmn:manualTask id="receive" name="受理">')
    source = source.replace("</bpmn:userTask>", "</bpmn:manualTask>", 1)
    assert load_bundle({"manual.bpmn": source}).human_tasks["receive"].role == "window_head"


def test_manual_task_without_role_is_refused():
    source = mutate(TWO_STEP, '<bpmn:userTask id="receive" name="受理">', '<bpmn:manualTask id="receive" name="受理">')
    source = source.replace("</bpmn:userTask>", "</bpmn:manualTask>", 1)
    source = mutate(source, '<spiffworkflow:property name="role" value="window_head"/>', "")
    assert refused("manual.bpmn", source).element_id == "receive"


# --- every problem at once, and names the deploying system does not know --------------------------


def test_every_problem_of_a_definition_is_reported_at_once_each_with_its_element():
    source = mutate(TWO_STEP, '<spiffworkflow:property name="role" value="dept_deputy_leader"/>', "")  # approve
    source = mutate(source, 'approval["outcome"] == "同意"', '__import__("os") == 0')  # the decide gateway
    source = mutate(source, "working_days_after(received_on, 5)", "9 ** 9 ** 9")  # the timer
    with pytest.raises(DefinitionError) as info:
        load_bundle({"many.bpmn": source})
    error = info.value
    located = sorted((p.filename, p.element_id) for p in error.problems)
    assert located == [("many.bpmn", "approve"), ("many.bpmn", "decide"), ("many.bpmn", "wait_five_days")]
    assert (error.filename, error.element_id) == (error.problems[0].filename, error.problems[0].element_id)
    assert "3 处问题" in str(error)
    for element in ("approve", "decide", "wait_five_days"):
        assert f"many.bpmn 元素“{element}”：" in str(error)
    assert "乘方" in str(error)


def test_unparsable_files_are_all_reported():
    broken = mutate(TWO_STEP, "</bpmn:exclusiveGateway>", "</bpmn:exclusiveGatway>")
    with pytest.raises(DefinitionError) as info:
        load_bundle({"a.bpmn": broken, "route.dmn": "<definitions"})
    assert [p.filename for p in info.value.problems] == ["a.bpmn", "route.dmn"]


def test_a_single_problem_is_its_own_error():
    source = mutate(TWO_STEP, 'value="dept_deputy_leader"', 'value="dept_deputy_leadr"')
    error = refused("typo.bpmn", source)
    assert error.problems == [error]


VOCABULARY = Vocabulary(
    forms=frozenset({"receipt", "approval"}),
    services=frozenset({"population.lookup"}),
    roles=frozenset({"window_head", "dept_deputy_leader"}),
)


def test_known_forms_services_and_roles_deploy():
    assert load_bundle({"two_step.bpmn": TWO_STEP}, vocabulary=VOCABULARY).process_id == "two_step"
    assert load_bundle({"automated.bpmn": AUTOMATED}, vocabulary=VOCABULARY).process_id == "automated"


def test_a_task_without_a_form_gets_the_generic_form_whatever_the_vocabulary():
    source = mutate(TWO_STEP, '<spiffworkflow:property name="form" value="receipt"/>', "")
    assert load_bundle({"p.bpmn": source}, vocabulary=VOCABULARY).human_tasks["receive"].form == "generic"


def test_unknown_form_service_and_role_are_refused_together_naming_their_elements():
    source = mutate(TWO_STEP, 'name="form" value="receipt"', 'name="form" value="reciept"')
    source = mutate(source, 'value="dept_deputy_leader"', 'value="centre_director"')
    with pytest.raises(DefinitionError) as info:
        load_bundle({"p.bpmn": source}, vocabulary=VOCABULARY)
    reasons = {p.element_id: p.reason for p in info.value.problems}
    assert set(reasons) == {"receive", "approve"}
    assert "reciept" in reasons["receive"] and "receipt" in reasons["receive"]  # lists what is available
    assert "centre_director" in reasons["approve"]

    service = mutate(AUTOMATED, 'id="population.lookup"', 'id="population.lokup"')
    error = refused_with(VOCABULARY, "automated.bpmn", service)
    assert error.element_id == "lookup_applicant"
    assert "population.lokup" in error.reason


def test_without_a_vocabulary_names_are_not_checked():
    # Loading a stored version to run it: deployed once, it keeps running.
    service = mutate(AUTOMATED, 'id="population.lookup"', 'id="population.lokup"')
    assert load_bundle({"automated.bpmn": service}).process_id == "automated"


def refused_with(vocabulary: Vocabulary, filename: str, source: str) -> DefinitionError:
    with pytest.raises(DefinitionError) as info:
        load_bundle({filename: source}, vocabulary=vocabulary)
    assert info.value.filename == filename
    return info.value
