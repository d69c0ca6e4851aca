"""A user task whose due time the process computes: `due_variable` names the data variable holding it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from engine.clock import CENTRE_TZ
from engine.errors import ExecutionError
from workflows.runtime.models import HumanTask, ProcessInstance
from workflows.runtime.services.definitions import deploy_definition
from workflows.runtime.services.instances import start_process

REVIEW = (Path(__file__).parent / "fixtures" / "window_review.bpmn").read_text(encoding="utf-8")


@pytest.fixture
def review_due_from_data(centre):
    """window_review with its task's due time read from `review_due` instead of two working days."""
    source = REVIEW.replace('<spiffworkflow:property name="due_working_days" value="2"/>',
                            '<spiffworkflow:property name="due_variable" value="review_due"/>')
    assert "review_due" in source
    return deploy_definition("window_review", {"window_review.bpmn": source})


def test_the_task_is_due_when_the_variable_says(centre, clock, review_due_from_data):
    instance = start_process("window_review", data={"review_due": "2026-12-04T17:00:00+08:00"}, business_key="R-1",
                             applicant=centre["lisi"])
    assert HumanTask.objects.get(instance=instance).due_at == datetime(2026, 12, 4, 17, 0, tzinfo=CENTRE_TZ)


def test_a_missing_due_variable_refuses_the_step_naming_it(centre, clock, review_due_from_data):
    with pytest.raises(ExecutionError) as failed:
        start_process("window_review", data={}, business_key="R-2", applicant=centre["lisi"])
    assert "期限变量 review_due 为空" in str(failed.value)
    assert not ProcessInstance.objects.filter(business_key="R-2").exists()
