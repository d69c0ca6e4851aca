"""In a real browser on a phone (390 px): the deputy director adds a signer (加签) after herself on the leave chain;
her task stays hers, the form does not widen the page, and once she approves the added signer has the approval
form. (The task page's own fit at 390 px is the layout work's, part 'taskextras'; this form must not add to it.)"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from engine.clock import CENTRE_TZ
from workflows.leave.services import LeaveApplication, submit_leave
from workflows.runtime.models import HumanTask

PHONE_WIDTH = 390


@pytest.fixture
def task(centre, deploy_leave, clock) -> HumanTask:
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=CENTRE_TZ))
    deploy_leave("shenxian")
    leave = submit_leave(centre["lisi"], LeaveApplication("事假", date(2026, 12, 1), "am", date(2026, 12, 1), "pm",
                                                          "家中有事"))
    return HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN)


def test_add_a_signer_after_me_on_a_phone(task, log_in, live_server, centre):
    page = log_in("lifzr", width=PHONE_WIDTH)
    url = f"{live_server.url}/tasks/{task.pk}/"
    page.goto(url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert page.locator("form[action$='/remove-signer/']").count() == 0  # 依次: nobody else's task to remove
    page.click("summary:has-text('加签')")
    page.fill("input.official-filter[data-for=signer-to]", "王建国")
    page.select_option("#signer-to", str(centre["wangzr"].pk))
    assert page.locator("input[name=position][value=after]").is_checked()
    page.fill("#signer-reason", "请王主任一并审批")
    assert page.evaluate("document.documentElement.scrollWidth") <= max(width, PHONE_WIDTH)
    page.click("form[action$='/add-signer/'] button[type=submit]")
    page.wait_for_url(url)
    assert "已为“审批请假”加签" in page.locator(".messages").inner_text()

    page.fill("textarea[name=comment]", "同意")
    page.check("input[name=decision][value=approve]")
    page.click("form.task-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    added = HumanTask.objects.get(instance=task.instance, state=HumanTask.OPEN)
    assert (added.assignee, added.held_by, added.parent_id) == (centre["wangzr"], HumanTask.BY_ADDED, task.pk)
    colleague = log_in("wangzr", width=PHONE_WIDTH)
    colleague.goto(f"{live_server.url}/tasks/{added.pk}/")
    assert colleague.locator("form.task-form").is_visible()
    assert "请王主任一并审批" in colleague.locator("table.history").inner_text()
