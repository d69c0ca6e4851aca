"""In a real browser: an approver sends a leave request back (退回) to the substitute confirmation with a reason;
the window head sees the reason in the inbox and on the task, resubmits, and the approval opens again. The applicant
withdraws (撤回) another request from its case page after confirming."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from engine.clock import CENTRE_TZ
from workflows.leave.models import LeaveRequest
from workflows.leave.services import LeaveApplication, submit_leave
from workflows.runtime.models import HumanTask, ProcessInstance
from workflows.runtime.services.transitions import complete_task


@pytest.fixture
def approval(centre, deploy_leave, clock) -> HumanTask:
    """李四's three-day leave: 张三 confirmed the substitute, 孙 (sunfj) approves first."""
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=CENTRE_TZ))
    deploy_leave("shenxian")
    leave = submit_leave(centre["lisi"], LeaveApplication("事假", date(2026, 12, 1), "am", date(2026, 12, 3), "pm",
                                                          "家中有事", centre["chensx"]))
    confirm = HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN)
    complete_task(confirm.pk, centre["zhangsan"], {"confirmed": True, "substitute_id": centre["chensx"].pk,
                                                   "comment": ""})
    return HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN)


def test_send_back_and_resubmit_in_the_browser(approval, log_in, live_server, centre):
    approver = log_in("sunfj")
    approver.goto(f"{live_server.url}/tasks/{approval.pk}/")
    approver.click("summary:has-text('退回')")
    assert approver.locator("#send-back-target option").all_inner_texts() == ["确认顶岗人员"]
    approver.fill("#send-back-reason", "顶岗人员当天另有任务，请重新确认")
    approver.click("form[action$='/send-back/'] button[type=submit]")
    approver.wait_for_url(f"{live_server.url}/")
    assert "已退回" in approver.locator(".messages").inner_text()

    head = log_in("zhangsan")
    row = head.locator("table.tasks tr", has_text="确认顶岗人员")
    assert "顶岗人员当天另有任务，请重新确认" in row.inner_text()
    row.locator("a").first.click()
    head.wait_for_load_state()
    assert "顶岗人员当天另有任务，请重新确认" in head.locator(".send-back-note").inner_text()
    head.check("input[name=confirmed][value=true]")
    head.click("form.task-form button[type=submit]")
    head.wait_for_url(f"{live_server.url}/")

    again = HumanTask.objects.get(instance=approval.instance, state=HumanTask.OPEN)
    assert again.spec_name == approval.spec_name and again.pk != approval.pk
    approver.goto(f"{live_server.url}/cases/{approval.instance_id}/")
    assert "退回" in approver.locator("body").inner_text()


def test_withdraw_from_the_case_page_after_confirming(centre, deploy_leave, clock, log_in, live_server):
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=CENTRE_TZ))
    deploy_leave("shenxian")
    leave = submit_leave(centre["lisi"], LeaveApplication("事假", date(2026, 12, 1), "am", date(2026, 12, 1), "pm",
                                                          "家中有事"))
    page = log_in("lisi")
    page.goto(f"{live_server.url}/cases/{leave.instance_id}/")
    page.fill("#withdraw-reason", "行程取消")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("form[action$='/withdraw/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/cases/{leave.instance_id}/")
    assert "本案已撤回" in page.locator(".messages").inner_text()
    assert page.locator("#withdraw-reason").count() == 0  # withdrawn: nothing more to withdraw
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.WITHDRAWN
    assert ProcessInstance.objects.get(pk=leave.instance_id).status == ProcessInstance.WITHDRAWN
