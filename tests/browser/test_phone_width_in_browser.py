"""At phone width (390 x 844) every working page fits the screen: the inbox's three tabs, a task page with its
approval form, its 转办 and 委派 forms and its comments and files, the case page, the forms that start work (请假,
投诉登记, 窗口收件) and 我的签名. `document.scrollingElement.scrollWidth` stays within 390 px on each (a wide table
scrolls inside its own box or becomes stacked rows). Screenshots go to the `shots` folder (build/screenshots/)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from engine.clock import CENTRE_TZ
from tests.workflows.application_steps import items_fixture  # noqa: F401 (the `items` fixture)
from workflows.leave.services import LeaveApplication, submit_leave
from workflows.org.models import Official
from workflows.runtime.models import HumanTask
from workflows.runtime.services.transitions import complete_task

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=CENTRE_TZ)  # a Wednesday
PHONE = 390


@pytest.fixture
def work(items, deploy_leave, deploy_discipline, clock, settings, tmp_path):
    """Two leaves of 李四 waiting for 李红梅 (lifzr) and one she already approved; complaints deployed."""
    clock.set(NOW)
    settings.MEDIA_ROOT = tmp_path / "media"
    deploy_leave("shenxian")
    lisi = Official.objects.get(user__username="lisi")
    leaves = [submit_leave(lisi, LeaveApplication("事假", date(2026, 12, day), "am", date(2026, 12, day), "pm",
                                                  "家中有事，需回乡处理老人的住院手续", None)) for day in (1, 3, 4)]
    done = HumanTask.objects.get(instance=leaves[2].instance, state=HumanTask.OPEN)
    complete_task(done.pk, Official.objects.get(user__username="lifzr"), {"decision": "approve", "comment": "同意"})
    return leaves


def _fits(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def _check(page, shots, name: str) -> None:
    page.wait_for_load_state()
    page.screenshot(path=str(shots / f"{name}-390.png"), full_page=True)
    assert _fits(page) <= PHONE, f"{name} is {_fits(page)} px wide"


def test_every_working_page_fits_a_phone(work, log_in, live_server, shots):
    url = live_server.url
    page = log_in("lifzr", width=PHONE)
    page.set_viewport_size({"width": PHONE, "height": 844})
    for tab in ("mine", "claimable", "done"):
        page.goto(f"{url}/?tab={tab}")
        _check(page, shots, f"inbox-{tab}")
    page.goto(f"{url}/?tab=mine")
    assert page.locator("input[name=task_ids]").count() == 2  # 批量同意 checkboxes on the phone too

    task = HumanTask.objects.filter(instance=work[0].instance, state=HumanTask.OPEN).get()
    page.goto(f"{url}/tasks/{task.pk}/")
    for summary in page.locator("section.task-operations details > summary").all():
        summary.click()  # 转办 and 委派 forms open
    _check(page, shots, "task")
    assert page.locator("form.task-form button[type=submit]").first.is_visible()
    page.goto(f"{url}/cases/{task.instance_id}/")
    _check(page, shots, "case")
    page.goto(f"{url}/signature/")
    _check(page, shots, "signature")

    window = log_in("lisi", width=PHONE)
    window.set_viewport_size({"width": PHONE, "height": 844})
    window.goto(f"{url}/leave/new/")
    _check(window, shots, "leave-new")
    window.goto(f"{url}/applications/new/")
    _check(window, shots, "application-intake")

    office = log_in("zhaobgs", width=PHONE)
    office.set_viewport_size({"width": PHONE, "height": 844})
    office.goto(f"{url}/discipline/complaints/new/")
    _check(office, shots, "complaint-new")
