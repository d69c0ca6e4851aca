"""In a real browser: two officials open the same task; the second to submit is told who handled it and when,
and what they typed stays on the page."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from engine.clock import CENTRE_TZ
from workflows.leave.services import LeaveApplication, submit_leave
from workflows.runtime.models import HumanTask


@pytest.fixture
def shared_task(centre, deploy_leave, clock) -> HumanTask:
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=CENTRE_TZ))
    deploy_leave("shenxian")
    leave = submit_leave(centre["lisi"], LeaveApplication("事假", date(2026, 12, 1), "am", date(2026, 12, 1), "pm",
                                                          "家中有事"))
    task = HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN)
    task.assignee = None  # as when a role has several officials
    task.save(update_fields=["assignee"])
    task.candidates.add(centre["wangzr"])
    return task


def test_the_second_official_sees_who_was_first_and_keeps_the_text(shared_task, log_in, live_server, centre):
    first, second = log_in("lifzr"), log_in("wangzr")
    url = f"{live_server.url}/tasks/{shared_task.pk}/"
    for page in (first, second):
        page.goto(url)
        assert page.locator("form.task-form").is_visible()

    first.check("input[name=decision][value=approve]")
    first.click("form.task-form button[type=submit]")
    first.wait_for_url(f"{live_server.url}/")

    typed = "窗口人手紧张，建议改期至下周"
    second.check("input[name=decision][value=reject]")
    second.fill("textarea[name=comment]", typed)
    second.click("form.task-form button[type=submit]")
    second.wait_for_load_state()
    assert f"此任务已由{centre['lifzr'].name}于2026-11-25 09:00办理。" in second.locator(".messages").inner_text()
    kept = [box.input_value() for box in second.locator(".kept-input textarea").all()]
    assert kept == ["不同意", typed]
    assert second.locator("form.task-form").count() == 0
