"""engine.failures: whatever fails inside an engine run comes out as one ExecutionError naming the element."""

from datetime import datetime
from pathlib import Path

import pytest

from engine.calendar import WorkingCalendar
from engine.clock import CENTRE_TZ, FrozenClock
from engine.errors import ExecutionError
from engine.runtime import EngineEnvironment, ProcessRunner
from engine.specs import load_bundle

ELEMENTS = Path(__file__).parent / "fixtures" / "elements"
FIXTURES = Path(__file__).parent / "fixtures"
REVIEWER = 101


def _runner(path: Path, **services) -> ProcessRunner:
    env = EngineEnvironment(FrozenClock(datetime(2026, 9, 25, 10, 0, tzinfo=CENTRE_TZ)), WorkingCalendar(),
                            services=services)
    return ProcessRunner(load_bundle({path.name: path.read_text(encoding="utf-8")}), env)


def _after_review(runner: ProcessRunner, data: dict) -> None:
    workflow = runner.start(data)
    [review] = runner.ready_human_tasks(workflow)
    runner.complete(workflow, review.id, {"decision": "approve"}, REVIEWER, [REVIEWER])


@pytest.mark.parametrize(("diagram", "element", "message"), [
    ("sandbox_multi_instance_missing", "check_each_attachment", "TypeError: 'NoneType' object is not iterable"),
    ("sandbox_correlation_undefined", "report_upwards", "NameError: name 'case_no' is not defined"),
    ("sandbox_unstorable_value", "list_names", "变量“names”的值（map）无法保存"),
])
def test_a_raw_python_error_names_its_element(diagram, element, message):
    with pytest.raises(ExecutionError) as error:
        _after_review(_runner(ELEMENTS / f"{diagram}.bpmn"), {"people": ["王五"]})
    assert error.value.element_id == element and message in error.value.message


def test_a_service_handler_failing_with_any_type_names_the_service_task():
    def lookup(context, id_no):
        raise LookupError(f"人口库无此人 {id_no}")

    with pytest.raises(ExecutionError) as error:
        _runner(FIXTURES / "automated.bpmn", **{"population.lookup": lookup}).start({"id_no": "3301"})
    assert error.value.element_id == "lookup_applicant"
    assert "人口库无此人 3301" in error.value.message


def test_what_was_printed_before_the_failure_comes_with_the_error():
    with pytest.raises(ExecutionError) as error:
        _after_review(_runner(ELEMENTS / "sandbox_unstorable_value.bpmn"), {"people": ["王五", "赵六"]})
    assert [(line.element_id, line.text) for line in error.value.printed] == [("list_names", "整理 2 人")]
