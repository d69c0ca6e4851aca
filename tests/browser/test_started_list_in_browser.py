"""At phone width (390 px): 李四 opens 我发起的 from the inbox's tabs, finds her leave with its current step and who
holds it, opens the case's progress timeline and its 审批单, which prints without the menu. No page is wider than the
screen. Screenshots go to the `shots` folder (tests/browser/conftest.py)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from engine.clock import CENTRE_TZ
from workflows.leave.services import LeaveApplication, submit_leave
from workflows.org.models import Official
from workflows.runtime.models import HumanTask
from workflows.runtime.services.transitions import complete_task

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=CENTRE_TZ)  # a Wednesday
PHONE_WIDTH = 390


@pytest.fixture
def leaves(centre, deploy_leave, clock):
    """Two leaves of lisi: one approved by lifzr with an opinion, one waiting for its decision."""
    clock.set(NOW)
    deploy_leave("shenxian")
    lisi = Official.objects.get(user__username="lisi")
    decided = submit_leave(lisi, LeaveApplication("事假", date(2026, 12, 1), "am", date(2026, 12, 1), "pm",
                                                  "家中有事", None))
    task = HumanTask.objects.get(instance=decided.instance, state=HumanTask.OPEN)
    complete_task(task.pk, Official.objects.get(user__username="lifzr"),
                  {"decision": "approve", "comment": "同意，按时返岗"})
    waiting = submit_leave(lisi, LeaveApplication("事假", date(2026, 12, 3), "am", date(2026, 12, 3), "pm",
                                                  "陪同就医", None))
    return decided, waiting


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def test_started_list_timeline_and_approval_sheet_on_a_phone(leaves, log_in, live_server, shots):
    decided, waiting = leaves
    page = log_in("lisi", width=PHONE_WIDTH)
    page.click("nav.tabs >> text=我发起的")
    page.wait_for_url(f"{live_server.url}/started/")
    rows = page.locator("table.started tbody tr")
    assert rows.count() == 2
    newest = rows.nth(0).inner_text()
    step = HumanTask.objects.get(instance=waiting.instance, state=HumanTask.OPEN)
    assert waiting.instance.business_key in newest and step.title in newest and "运行中" in newest
    assert _fits(page)
    page.screenshot(path=str(shots / "started-390.png"), full_page=True)

    page.fill("input[name=q]", decided.instance.business_key)
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert rows.count() == 1

    page.click(f"a:text('{decided.instance.business_key}')")
    page.wait_for_url(f"{live_server.url}/cases/{decided.instance.pk}/")
    timeline = page.locator("ol.timeline").inner_text()
    assert "李红梅" in timeline and "同意，按时返岗" in timeline
    assert _fits(page)
    page.screenshot(path=str(shots / "case-timeline-390.png"), full_page=True)

    page.click("a:text('审批单')")
    page.wait_for_url(f"{live_server.url}/cases/{decided.instance.pk}/sheet/")
    assert "同意，按时返岗" in page.locator("table.sheet-steps").inner_text()
    page.emulate_media(media="print")  # printed: the sheet alone, without the menu and the print button
    assert not page.locator("header.topbar").is_visible() and not page.locator("button:text('打印')").is_visible()
    page.screenshot(path=str(shots / "approval-sheet-print.png"), full_page=True)
