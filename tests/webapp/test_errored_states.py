"""Every failure inside a running instance, whatever its Python type, is an errored instance naming the element,
shown by the API and the pages (never a 500); what a definition prints is in the instance's history."""

from __future__ import annotations

from html import unescape
from pathlib import Path

import pytest

from engine.errors import DefinitionError, ExecutionError
from engine.script_log import MAX_LINES, TRUNCATED
from workflows.runtime.models import AuditEvent, HumanTask, ProcessInstance
from workflows.runtime.services.definitions import deploy_definition, deploy_from_files
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.sweep import fire_due_timers

ELEMENTS = Path(__file__).parent.parent / "engine" / "fixtures" / "elements"
APPROVE = {"data": {"decision": "approve", "comment": "同意"}}


@pytest.fixture
def started(centre):
    """started(key, **data) → the instance of that diagram, waiting at its review by 张三 (李四's window head)."""

    def start(key: str, **data) -> ProcessInstance:
        deploy_from_files(key, [ELEMENTS / f"{key}.bpmn"])
        return start_process(key, data=data, business_key=f"T-{key}", applicant=centre["lisi"],
                             started_by=centre["lisi"])

    return start


def _complete_through_the_api(login, instance: ProcessInstance):
    task = HumanTask.objects.get(instance=instance)
    response = login("zhangsan").post(f"/api/tasks/{task.pk}/complete/", APPROVE, content_type="application/json")
    instance.refresh_from_db()
    return task, response


ESCAPES = {
    # a parallel multi-instance over a collection the data lacks: SpiffWorkflow raised a bare TypeError
    "multi-instance over a missing collection": (
        "sandbox_multi_instance_missing", "check_each_attachment", "TypeError: 'NoneType' object is not iterable"),
    # a correlation property is evaluated outside SpiffWorkflow's wrapper: the NameError came out raw
    "undefined name in a correlation": (
        "sandbox_correlation_undefined", "report_upwards", "NameError: name 'case_no' is not defined"),
    # a `map` left in the data: saving the step raised TypeError from json, after the engine run, with no element
    "a value the state cannot store": (
        "sandbox_unstorable_value", "list_names", "变量“names”的值（map）无法保存"),
}


@pytest.mark.parametrize(("key", "element", "message"), ESCAPES.values(), ids=ESCAPES.keys())
def test_a_failure_of_any_type_errors_the_instance_and_the_api_says_why(login, started, key, element, message):
    instance = started(key, people=["王五", "赵六"])
    task, response = _complete_through_the_api(login, instance)

    assert response.status_code == 400
    assert element in response.json()["detail"] and message in response.json()["detail"]
    assert (instance.status, instance.error_element) == (ProcessInstance.ERRORED, element)
    assert message in instance.error_message
    assert HumanTask.objects.get(pk=task.pk).state == HumanTask.OPEN  # the failed step was rolled back
    errored = AuditEvent.objects.get(instance=instance, action="instance_errored")
    assert errored.after == {"element": element}

    shown = login("admin").get(f"/api/instances/{instance.pk}/").json()
    assert (shown["status"], shown["error_element"]) == (ProcessInstance.ERRORED, element)
    assert message in shown["error_message"]
    page = login("zhangsan").get(f"/tasks/{task.pk}/")
    assert page.status_code == 200 and message in unescape(page.content.decode())
    monitoring = login("admin").get("/monitoring/")
    assert monitoring.status_code == 200 and element in monitoring.content.decode()


def test_a_start_that_fails_refuses_in_chinese_and_saves_nothing(centre):
    text = (ELEMENTS / "sandbox_multi_instance_missing.bpmn").read_text(encoding="utf-8")
    # the same multi-instance, right after the start event: the start itself fails
    text = text.replace('targetRef="review"', 'targetRef="check_each_attachment"', 1)
    text = text.replace('<bpmn:incoming>to_next</bpmn:incoming>', '<bpmn:incoming>to_review</bpmn:incoming>')
    text = text.replace('sourceRef="review" targetRef="check_each_attachment"', 'sourceRef="review" targetRef="done"')
    # and the review after it (an element no path reaches is refused at deploy)
    text = text.replace('sourceRef="check_each_attachment" targetRef="done"',
                        'sourceRef="check_each_attachment" targetRef="review"')
    deploy_definition("sandbox_multi_instance_missing", {"sandbox_multi_instance_missing.bpmn": text})
    before = (ProcessInstance.objects.count(), AuditEvent.objects.filter(action="instance_started").count())

    with pytest.raises(ExecutionError) as error:
        start_process("sandbox_multi_instance_missing", data={}, business_key="T-start", applicant=centre["lisi"])

    assert str(error.value).startswith("流程在环节“check_each_attachment”执行出错：TypeError")
    assert (ProcessInstance.objects.count(), AuditEvent.objects.filter(action="instance_started").count()) == before


def test_a_script_cannot_raise_what_passes_every_except_exception(db):
    """SystemExit and friends would escape the engine's error handling and stop the worker: refused at deploy,
    with the reason."""
    text = (ELEMENTS / "sandbox_unstorable_value.bpmn").read_text(encoding="utf-8")
    text = text.replace('names = map(str, people)', 'raise SystemExit("停")')
    with pytest.raises(DefinitionError) as error:
        deploy_definition("sandbox_unstorable_value", {"sandbox_unstorable_value.bpmn": text})
    assert error.value.element_id == "list_names"
    assert "禁止使用“SystemExit”：不是 Exception 的异常会越过引擎的错误处理" in error.value.reason


def test_what_a_script_prints_is_in_the_history_bounded(login, started):
    instance = started("sandbox_print", received_on="2026-11-30", urgent=True)
    _task, response = _complete_through_the_api(login, instance)
    assert response.status_code == 200

    printed = list(AuditEvent.objects.filter(instance=instance, action="script_print").order_by("pk"))
    assert [p.message for p in printed[:3]] == ["受理日 2026-11-30 期限 2026-12-07", "加急", "第 0 行"]
    assert len(printed) == MAX_LINES + 1 and printed[-1].message == TRUNCATED
    assert {p.after["element"] for p in printed} == {"count_days"}
    history = login("admin").get(f"/api/instances/{instance.pk}/").json()["history"]
    assert "加急" in [h["message"] for h in history if h["action"] == "script_print"]


def test_what_a_script_printed_before_it_failed_stays_in_the_errored_history(login, started):
    instance = started("sandbox_unstorable_value", people=["王五", "赵六"])
    _complete_through_the_api(login, instance)
    assert instance.status == ProcessInstance.ERRORED
    printed = AuditEvent.objects.get(instance=instance, action="script_print")
    assert (printed.message, printed.after) == ("整理 2 人", {"element": "list_names"})


def test_the_timer_sweep_errors_the_failing_instance_and_logs_the_prints_of_both(login, now):
    """One sweep: the instance with its collection completes, the one without errors naming the element; both
    keep what they printed."""
    deploy_from_files("sandbox_timer_then_failure", [ELEMENTS / "sandbox_timer_then_failure.bpmn"])
    complete = start_process("sandbox_timer_then_failure", data={"attachments": ["身份证"]}, business_key="T-ok")
    failing = start_process("sandbox_timer_then_failure", data={}, business_key="T-bad")
    now.advance(days=7)

    fire_due_timers()

    complete.refresh_from_db()
    failing.refresh_from_db()
    assert complete.status == ProcessInstance.COMPLETED
    assert (failing.status, failing.error_element) == (ProcessInstance.ERRORED, "check_each_attachment")
    assert failing.error_message == "TypeError: 'NoneType' object is not iterable"
    for instance in (complete, failing):
        printed = AuditEvent.objects.get(instance=instance, action="script_print")
        assert (printed.message, printed.after) == ("到期 2026-12-02", {"element": "note_due"})
    assert login("admin").get(f"/api/instances/{failing.pk}/").json()["error_element"] == "check_each_attachment"
