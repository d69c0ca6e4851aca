"""Monitoring page: overdue tasks and instances in error, for the centre's leaders and office only."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from django.urls import reverse

from engine.clock import CENTRE_TZ
from engine.errors import ExecutionError
from workflows.runtime.models import HumanTask, ProcessInstance
from workflows.runtime.services.definitions import deploy_from_files
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.transitions import complete_task

FIXTURES = Path(__file__).resolve().parent.parent / "workflows" / "fixtures"


def test_overdue_tasks_show_for_the_director_and_not_for_window_staff(login, file_leave, clock):
    leave = file_leave()  # due close of the next working day (2026-11-26)
    assert login("wangzr").get(reverse("monitoring")).context["overdue"].count() == 0
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=CENTRE_TZ))
    page = login("wangzr").get(reverse("monitoring"))
    assert [t.case_number for t in page.context["overdue"]] == [leave.case_number]
    assert [(row["process"], row["overdue"]) for row in page.context["counts"]] == [(leave.instance.definition.name, 1)]
    assert "运行监控" in page.content.decode() and "逾期任务" in page.content.decode()
    assert login("lisi").get(reverse("monitoring")).status_code == 403
    assert reverse("monitoring") not in login("lisi").get(reverse("inbox")).content.decode()


def test_an_errored_instance_is_listed_and_can_be_retried(login, centre):
    deploy_from_files("broken_after_review", [FIXTURES / "broken_after_review.bpmn"])
    instance = start_process("broken_after_review", data={"divisor": 0}, business_key="ERR-1",
                             applicant=centre["lisi"])
    task = HumanTask.objects.get(instance=instance)
    with pytest.raises(ExecutionError):
        complete_task(task.pk, centre["zhangsan"], {"decision": "approve"})
    office = login("zhaobgs")
    page = office.get(reverse("monitoring"))
    assert [i.business_key for i in page.context["errored"]] == ["ERR-1"]
    assert "compute_score" in page.content.decode()
    office.post(reverse("monitoring_retry", args=[instance.pk]))
    instance.refresh_from_db()
    assert instance.status == ProcessInstance.RUNNING
    assert login("lisi").post(reverse("monitoring_retry", args=[instance.pk])).status_code == 403
