"""In a real browser: the deputy director finds a colleague by name and transfers (转办) a task on its page; the
colleague then sees the approval form and the history names the transfer."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from engine.clock import CENTRE_TZ
from workflows.leave.services import LeaveApplication, submit_leave
from workflows.runtime.models import HumanTask


@pytest.fixture
def task(centre, deploy_leave, clock) -> HumanTask:
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=CENTRE_TZ))
    deploy_leave("shenxian")
    leave = submit_leave(centre["lisi"], LeaveApplication("事假", date(2026, 12, 1), "am", date(2026, 12, 1), "pm",
                                                          "家中有事"))
    return HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN)


def test_transfer_a_task_from_its_page(task, log_in, live_server, centre):
    page = log_in("lifzr")
    url = f"{live_server.url}/tasks/{task.pk}/"
    page.goto(url)
    assert page.locator("form[action$='/unclaim/']").count() == 0  # assigned by rule, not claimed
    page.click("summary:has-text('转办')")
    page.fill("input.official-filter[data-for=transfer-to]", "王建国")
    visible = page.locator("#transfer-to option:not([hidden])").all_inner_texts()
    assert visible[0] == "—" and all("王建国" in text for text in visible[1:]) and len(visible) == 2
    assert "李四" not in page.locator("#transfer-to").inner_text()  # never the applicant
    page.select_option("#transfer-to", str(centre["wangzr"].pk))
    page.fill("#transfer-reason", "本人外出学习，请王主任审批")
    page.click("form[action$='/transfer/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "已转办" in page.locator(".messages").inner_text()

    task.refresh_from_db()
    assert task.assignee == centre["wangzr"] and task.held_by == HumanTask.BY_TRANSFER
    colleague = log_in("wangzr")
    colleague.goto(url)
    assert colleague.locator("form.task-form").is_visible()
    history = colleague.locator("table.history").inner_text()
    assert "转办" in history and "本人外出学习，请王主任审批" in history
